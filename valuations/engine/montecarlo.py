"""Monte Carlo simulation of an asset and, with a deal, of each party.

Each trial draws the outcome of the phases (fails in phase k, or reaches
market) and every input given as a distribution: peak sales, phase costs,
phase years and launch delay. Trials are computed in chunks with numpy,
never in a Python loop per trial; a chunk draws its outcomes as counts and
each input only for the trials it touches (see ``_Model``). There is no
trials x years matrix for the project: a trial's present value has a closed
form given its draws,

    development PV = sum over the phases it enters of
                     cost_i / years_i x sum_{t in phase i} d(t)
    commercial PV  = peak x after-tax margin x sum_j shape_j d(L + j)

where d(t) is the discount factor of year t and L the year before launch.
Marginal royalties over the window are piecewise linear in peak sales and
are interpolated between their kinks; only whole-basis royalties need a
trials-on-market x royalty-years block per chunk.

A run is reproducible: the same inputs, seed and engine version give the same
numbers, whatever the machine.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from enum import StrEnum

import numpy as np

from .deal import Deal, RoyaltyBasis, check_deal_against, royalty, royalty_window
from .errors import EngineInputError
from .rnpv import Asset
from .timing import timing_shift

MAX_TRIALS = 1_000_000
DEFAULT_BINS = 50
MAX_BINS = 500
# Trials per chunk: large enough to amortise numpy's per-call cost, small
# enough that a chunk's arrays stay in the CPU cache's neighbourhood.
CHUNK_TRIALS = 1 << 16


class DistributionKind(StrEnum):
    TRIANGULAR = "triangular"
    NORMAL = "normal"
    LOGNORMAL = "lognormal"
    UNIFORM = "uniform"


@dataclass(frozen=True)
class Distribution:
    """An uncertain input. ``triangular``: low, mode, high; ``uniform``:
    low, high; ``normal``: mean, sd; ``lognormal``: mean and sd of the
    quantity itself (not of its logarithm)."""

    kind: DistributionKind
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None

    def validate(self, field_name: str) -> None:
        kind = DistributionKind(self.kind)
        needed = {
            DistributionKind.TRIANGULAR: ("low", "mode", "high"),
            DistributionKind.UNIFORM: ("low", "high"),
            DistributionKind.NORMAL: ("mean", "sd"),
            DistributionKind.LOGNORMAL: ("mean", "sd"),
        }[kind]
        for name in needed:
            value = getattr(self, name)
            if value is None or not math.isfinite(value):
                raise EngineInputError(f"{field_name}.{name}", f"A {kind} distribution needs it.")
        if kind == DistributionKind.TRIANGULAR and not (self.low <= self.mode <= self.high):
            raise EngineInputError(f"{field_name}.mode", "Needs low <= mode <= high.")
        if kind == DistributionKind.UNIFORM and not self.low <= self.high:
            raise EngineInputError(f"{field_name}.high", "Needs low <= high.")
        if kind in (DistributionKind.NORMAL, DistributionKind.LOGNORMAL) and self.sd < 0:
            raise EngineInputError(f"{field_name}.sd", "A standard deviation is not negative.")
        if kind == DistributionKind.LOGNORMAL and self.mean <= 0:
            raise EngineInputError(f"{field_name}.mean", "A lognormal mean is above zero.")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` draws, as float64. The random numbers behind them are
        float32 on the unit scale (uniform on [0, 1), triangular on [0, 1],
        standard normal): a draw then sits within a relative 6e-8 of its
        ideal value, a million times finer than the spread of any forecast,
        at a third of the cost. Scaling to the input's own range is float64,
        so no amount is too large."""
        kind = DistributionKind(self.kind)
        if kind == DistributionKind.TRIANGULAR:
            if self.low == self.high:
                return np.full(size, float(self.low))
            # Stein and Keblis (2009): with U, V uniform on [0, 1),
            # (1 - c) min(U, V) + c max(U, V) is triangular on [0, 1] with
            # mode c. No square root, no branch.
            width = self.high - self.low
            mode = (self.mode - self.low) / width
            unit = rng.random(size, dtype=np.float32)
            second = rng.random(size, dtype=np.float32)
            smaller = np.minimum(unit, second)
            np.maximum(unit, second, out=unit)
            smaller *= 1.0 - mode
            unit *= mode
            unit += smaller
            return self._scaled(unit, width, self.low)
        if kind == DistributionKind.UNIFORM:
            return self._scaled(rng.random(size, dtype=np.float32), self.high - self.low, self.low)
        draws = rng.standard_normal(size, dtype=np.float32)
        if kind == DistributionKind.NORMAL:
            return self._scaled(draws, self.sd, self.mean)
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        logarithms = np.multiply(draws, math.sqrt(sigma2), dtype=np.float64)
        logarithms += math.log(self.mean) - sigma2 / 2
        return np.exp(logarithms, out=logarithms)

    @staticmethod
    def _scaled(unit: np.ndarray, scale: float, offset: float) -> np.ndarray:
        draws = np.multiply(unit, scale, dtype=np.float64)
        draws += offset
        return draws

    @property
    def bounded(self) -> bool:
        return DistributionKind(self.kind) in (
            DistributionKind.TRIANGULAR,
            DistributionKind.UNIFORM,
        )

    def cdf(self, x: float) -> float:
        """P(draw < x), for the bounded kinds (triangular, uniform)."""
        kind = DistributionKind(self.kind)
        low, high = self.low, self.high
        if x <= low:
            return 0.0
        if x >= high:
            return 1.0
        if kind == DistributionKind.UNIFORM:
            return (x - low) / (high - low)
        if x <= self.mode:
            return (x - low) ** 2 / ((high - low) * (self.mode - low))
        return 1.0 - (high - x) ** 2 / ((high - low) * (high - self.mode))

    def longest_whole_years(self, minimum: int) -> int | None:
        """The most whole years a draw rounds to; None when unbounded."""
        if not self.bounded:
            return None
        return max(minimum, math.floor(self.high + 0.5))

    def whole_years(self, rng: np.random.Generator, size: int, minimum: int) -> np.ndarray:
        """Draws rounded half up to whole years, at least ``minimum``. A
        bounded draw takes few whole values: it is drawn as one of them
        straight away, from one uniform per trial and the probability of
        each value (the distribution's mass in [k - 0.5, k + 0.5))."""
        if self.bounded:
            smallest = max(minimum, math.floor(self.low + 0.5))
            largest = self.longest_whole_years(minimum)
            if largest - smallest <= WHOLE_YEARS_DRAWN_DIRECTLY:
                years = np.full(size, smallest, dtype=np.int64)
                if largest > smallest:
                    uniforms = rng.random(size, dtype=np.float32)
                    for k in range(smallest, largest):
                        years += uniforms >= self.cdf(k + 0.5)
                return years
        return whole_years(self.sample(rng, size), minimum)


# A bounded drawn duration spanning at most this many whole years more than
# its shortest is drawn as a whole number directly.
WHOLE_YEARS_DRAWN_DIRECTLY = 8


@dataclass(frozen=True)
class Simulation:
    """How to simulate: the number of trials, the seed and the uncertain
    inputs. Phase costs and years are keyed by phase name."""

    trials: int
    seed: int
    peak_sales: Distribution | None = None
    phase_costs: dict[str, Distribution] = field(default_factory=dict)
    phase_years: dict[str, Distribution] = field(default_factory=dict)
    launch_delay: Distribution | None = None
    bins: int = DEFAULT_BINS


def validate_simulation(asset: Asset, simulation: Simulation) -> None:
    trials = simulation.trials
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise EngineInputError("simulation.trials", f"Between 1 and {MAX_TRIALS:,} trials.")
    if isinstance(simulation.seed, bool) or not isinstance(simulation.seed, int):
        raise EngineInputError("simulation.seed", "A seed is a whole number.")
    if simulation.seed < 0:
        raise EngineInputError("simulation.seed", "A seed is not negative.")
    if not 1 <= simulation.bins <= MAX_BINS:
        raise EngineInputError("simulation.bins", f"Between 1 and {MAX_BINS} bins.")
    names = {phase.name for phase in asset.phases}
    for key in ("phase_costs", "phase_years"):
        for name, distribution in getattr(simulation, key).items():
            if name not in names:
                raise EngineInputError(f"simulation.{key}.{name}", f"No phase is named {name!r}.")
            distribution.validate(f"simulation.{key}.{name}")
    for key in ("peak_sales", "launch_delay"):
        distribution = getattr(simulation, key)
        if distribution is not None:
            distribution.validate(f"simulation.{key}")


@dataclass(frozen=True)
class Histogram:
    edges: list[float]
    counts: list[int]


@dataclass(frozen=True)
class Summary:
    mean: float
    sd: float
    p5: float
    p50: float
    p95: float
    probability_of_loss: float
    histogram: Histogram


@dataclass
class SimulationResult:
    """The project's distribution of present values; with a deal, each
    party's too."""

    trials: int
    seed: int
    mean: float
    sd: float
    p5: float
    p50: float
    p95: float
    probability_of_loss: float
    histogram: Histogram
    licensor: Summary | None = None
    licensee: Summary | None = None

    def to_dict(self) -> dict:
        return asdict(self)


PERCENTILES = (5.0, 50.0, 95.0)
# Below this many values numpy's own percentiles and histogram are as quick.
FAST_SUMMARY_VALUES = 1 << 15
# About this many fine bins subdivide the histogram's bins: their 128 KiB of
# counts stay in a core's L2 cache, and fewer would leave more values to
# gather near the edges.
FINE_BINS = 16384


def interpolated(a: float, b: float, gamma: float) -> float:
    """numpy's linear interpolation between neighbouring order statistics,
    exactly: from the nearer end."""
    difference = b - a
    return float(b - difference * (1 - gamma) if gamma >= 0.5 else a + difference * gamma)


def binned(values: np.ndarray, bins: int, low: float, high: float, qs=PERCENTILES, scratch=None):
    """The histogram and percentiles of ``values`` (all within [low, high]),
    as ``np.histogram(values, bins, range=(low, high))`` and
    ``np.percentile(values, qs)`` give them, in a handful of passes over the
    values instead of a partition of all of them.

    Each value goes to one of about ``FINE_BINS`` fine bins, by arithmetic:
    the bin number never decreases as the value grows, so the counts per
    fine bin say which fine bin holds the k-th smallest value, and only that
    bin's values are partitioned. The histogram's bins are runs of fine
    bins; the values of the fine bins touching a histogram edge are placed
    exactly (edge_i <= value < edge_i+1, the last bin also holding the high
    edge), as numpy places them.

    ``scratch``, a float64 and an intp array of the values' size, saves
    allocating (and the kernel zeroing) megabytes per call."""
    per_bin = -(-FINE_BINS // bins)
    fine_bins = bins * per_bin
    scaled, fine = scratch if scratch is not None else (None, None)
    scaled = np.subtract(values, low, out=scaled)
    scaled *= fine_bins / (high - low)
    # Truncation is the floor: the values are at least low.
    if fine is None:
        fine = scaled.astype(np.intp)
    else:
        np.copyto(fine, scaled, casting="unsafe")
    np.minimum(fine, fine_bins - 1, out=fine)
    fine_counts = np.bincount(fine, minlength=fine_bins)

    edges = np.linspace(low, high, bins + 1)
    counts = fine_counts.reshape(bins, per_bin).sum(axis=1)
    size = values.size
    cumulative = np.cumsum(fine_counts)
    # numpy's linear method: the value at virtual index q/100 x (n - 1),
    # between the order statistics of ranks floor(index) and the next.
    virtual = [(size - 1) * np.true_divide(q, 100) for q in qs]
    ranks = sorted({r for v in virtual for r in (math.floor(v), min(math.floor(v) + 1, size - 1))})
    holding = {r: int(np.searchsorted(cumulative, r, side="right")) for r in ranks}

    # One pass picks out the values of the fine bins that touch an edge of
    # the histogram or hold a wanted order statistic.
    touching = np.zeros(fine_bins, dtype=bool)
    touching[per_bin::per_bin] = True
    touching[per_bin - 1 : fine_bins - 1 : per_bin] = True
    # A crowded fine bin is often one value many times over (every trial
    # failing in one phase at fixed costs and years is worth the same): two
    # comparisons tell, and spare gathering it.
    found_in_bin = {}
    for j in set(holding.values()):
        in_bin = int(fine_counts[j])
        if in_bin > FAST_SUMMARY_VALUES:
            value = values[int(np.argmax(fine == j))]
            if np.count_nonzero(values == value) == in_bin:
                found_in_bin[j] = value
    picked = touching.copy()
    picked[[j for j in holding.values() if j not in found_in_bin]] = True
    # Few values are picked: their positions, then a gather, beat a boolean
    # mask over all of them.
    chosen = np.flatnonzero(picked.take(fine))
    chosen_values = values.take(chosen)
    chosen_fine = fine.take(chosen)

    near = touching.take(chosen_fine)
    placed = np.searchsorted(edges, chosen_values[near], side="right") - 1
    np.clip(placed, 0, bins - 1, out=placed)
    counts += np.bincount(placed, minlength=bins)
    counts -= np.bincount(chosen_fine[near] // per_bin, minlength=bins)

    members = {}
    found = {}
    for rank, j in holding.items():
        if j in found_in_bin:
            found[rank] = found_in_bin[j]
            continue
        if j not in members:
            members[j] = chosen_values[chosen_fine == j]
        in_bin = members[j]
        offset = rank - (int(cumulative[j - 1]) if j else 0)
        in_bin.partition(offset)
        found[rank] = in_bin[offset]
    results = []
    for v in virtual:
        below = math.floor(v)
        results.append(interpolated(found[below], found[min(below + 1, size - 1)], v - below))
    return counts, edges, results


def summarise(values: np.ndarray, bins: int, scratch=None) -> Summary:
    """A run's figures; ``scratch`` as for ``binned``."""
    low, high = float(values.min()), float(values.max())
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(values.mean())
        # The spread from the deviations' sum of squares, into scratch.
        # einsum sums in one thread: BLAS's dot spins threads up, which
        # costs more than it saves on a machine whose cores are busy.
        deviations = np.subtract(values, mean, out=scratch[0] if scratch is not None else None)
        sd = math.sqrt(float(np.einsum("i,i->", deviations, deviations)) / values.size)
    if not all(math.isfinite(x) for x in (low, high, mean, sd)):
        # Inputs in absurd units (peak sales near 1e308) overflow float64.
        raise EngineInputError("simulation", "The simulated values overflow: check the inputs.")
    # Values equal up to rounding noise get one unit-wide range, as numpy
    # gives exactly equal values, instead of bins narrower than a float step.
    if high - low <= 1e-9 * max(1.0, abs(low), abs(high)):
        low, high = low - 0.5, high + 0.5
    if values.size < FAST_SUMMARY_VALUES:
        p5, p50, p95 = (float(x) for x in np.percentile(values, PERCENTILES))
        counts, edges = np.histogram(values, bins=bins, range=(low, high))
    else:
        counts, edges, (p5, p50, p95) = binned(values, bins, low, high, scratch=scratch)
    return Summary(
        mean=mean,
        sd=sd,
        p5=p5,
        p50=p50,
        p95=p95,
        probability_of_loss=float(np.count_nonzero(values < 0) / values.size),
        histogram=Histogram(edges=edges.tolist(), counts=counts.tolist()),
    )


def whole_years(draws: np.ndarray, minimum: int) -> np.ndarray:
    """Drawn durations round half up to whole years, at least ``minimum``."""
    years = np.floor(draws + 0.5)
    np.maximum(years, minimum, out=years)
    return years.astype(np.int64)


class _Model:
    """The per-asset constants the chunks share.

    A chunk draws how many of its trials end in each outcome (fail in phase
    1..n, or reach market) as one multinomial draw, and lays its trials out
    by how far they get: the trials that enter phase k are the chunk's first
    ``entering[k]``, those on the market the first ``entering[n]``. Every
    per-phase quantity is then a prefix of the chunk, and each input is
    drawn only for the trials it touches: a phase's cost and years for the
    trials that enter it, peak sales and the launch delay for those that
    reach market. The trials are as independent and identically distributed
    as if each drew its own outcome, and every summary of a run (mean,
    spread, percentiles, histogram, probability of loss) ignores their order.
    """

    def __init__(self, asset: Asset, deal: Deal | None, simulation: Simulation):
        self.asset = asset
        self.deal = deal
        self.simulation = simulation
        phases = asset.phases
        self.n = len(phases)
        self.v = 1.0 / (1.0 + asset.discount_rate)
        # Mid-year timing brings every year-t flow half a year earlier.
        self.shift = (1.0 + asset.discount_rate) ** timing_shift(asset.timing)
        self.costs = [float(p.cost) for p in phases]
        self.years = [int(p.years) for p in phases]
        success = np.array([p.success_probability for p in phases], dtype=np.float64)
        reach = np.concatenate(([1.0], np.cumprod(success)))
        # Probability of each outcome: fail in phase 1..n, or reach market.
        self.outcome_probability = np.concatenate((reach[:-1] * (1.0 - success), reach[-1:]))
        commercial = asset.commercial
        self.shape = commercial.shape
        self.margin = commercial.after_tax_margin
        powers = self.v ** np.arange(1, len(self.shape) + 1)
        # Present value, at the year before launch, of one unit of peak
        # sales' after-tax cash flow.
        self.commercial_annuity = float(self.shape @ powers) * self.shift * self.margin
        self.phase_numbers = {phase.name: index for index, phase in enumerate(phases)}
        numbers = self.phase_numbers
        self.cost_draws = {numbers[name]: d for name, d in simulation.phase_costs.items()}
        self.years_draws = {numbers[name]: d for name, d in simulation.phase_years.items()}
        self.uncertain_years = bool(self.years_draws)
        # With every drawn duration bounded, no trial's year lies beyond the
        # longest development, delay and market: the tables cover them all
        # and lookups need no check.
        longest = [
            self.years_draws[k].longest_whole_years(1) if k in self.years_draws else years
            for k, years in enumerate(self.years)
        ]
        delay = (
            simulation.launch_delay.longest_whole_years(0)
            if simulation.launch_delay is not None
            else commercial.launch_delay
        )
        self.years_bounded = None not in longest and delay is not None
        size = sum(longest) + delay + len(self.shape) + 2 if self.years_bounded else 0
        self._tables(max(256, size))
        if deal is not None:
            self.window = min(royalty_window(asset, deal), len(self.shape))
            self.royalty_powers = powers[: self.window] * self.shift
            self.shape_running_max = np.maximum.accumulate(self.shape) if self.shape.size else None
            self.royalty_curve = (
                self._royalty_curve() if self.window and deal.royalty_tiers else None
            )
            self.milestones_on_success = [[] for _ in phases]
            for milestone in deal.milestones:
                if milestone.on_phase_success is not None:
                    k = numbers[milestone.on_phase_success]
                    self.milestones_on_success[k].append(milestone.amount * self.shift)

    def _tables(self, size: int) -> None:
        """v^t, and the present value at a phase's start of one unit of its
        cost spread evenly over t years (shift x (v + ... + v^t) / t), for
        whole years t below ``size``."""
        self._powers = self.v ** np.arange(size)
        years = np.arange(size, dtype=np.float64)
        years[0] = 1.0  # no phase lasts 0 years; keeps the table finite
        if self.v == 1.0:
            self._cost_rates = np.full(size, self.shift)
        else:
            self._cost_rates = (
                self.shift * self.v * (1.0 - self._powers) / ((1.0 - self.v) * years)
            )

    def _lookup(self, table_name: str, years):
        if np.isscalar(years):
            if years >= self._powers.size:
                self._tables(2 * int(years) + 1)
            return getattr(self, table_name)[years]
        if not self.years_bounded:
            largest = int(years.max(initial=0)) + 1
            if largest > self._powers.size:
                self._tables(max(largest, 2 * self._powers.size))
        return getattr(self, table_name).take(years)

    def power(self, years):
        """v^years for whole years: a table lookup, far cheaper than
        ``np.power`` on a chunk of trials."""
        return self._lookup("_powers", years)

    def cost_rate(self, years):
        """Present value at a phase's start of one unit of its cost spread
        evenly over its ``years`` (a table lookup too)."""
        return self._lookup("_cost_rates", years)

    def chunk(self, rng: np.random.Generator, project: np.ndarray, licensor: np.ndarray | None):
        """Fill ``project`` (and, with a deal, ``licensor``) with the
        present values of a chunk of trials."""
        simulation = self.simulation
        n = self.n
        size = project.size
        counts = rng.multinomial(size, self.outcome_probability)
        # entering[k]: trials that enter phase k (k = n: that reach market).
        entering = np.cumsum(counts[::-1])[::-1].tolist()
        project.fill(0.0)
        # Years elapsed before the phase at hand: an array over the trials
        # only when some phase's years are drawn.
        elapsed = np.zeros(size, dtype=np.int64) if self.uncertain_years else 0
        on_success = []
        for k in range(n):
            entered = entering[k]
            if not entered:
                break
            distribution = self.years_draws.get(k)
            years = (
                distribution.whole_years(rng, entered, 1)
                if distribution is not None
                else self.years[k]
            )
            distribution = self.cost_draws.get(k)
            if distribution is not None:
                cost = distribution.sample(rng, entered)
                np.maximum(cost, 0.0, out=cost)
            else:
                cost = self.costs[k]
            before = elapsed[:entered] if self.uncertain_years else elapsed
            # Present value of the phase's cost for the trials that enter it.
            project[:entered] -= cost * self.cost_rate(years) * self.power(before)
            if self.uncertain_years:
                elapsed[:entered] += years
            else:
                elapsed += years
            if self.deal is not None and self.milestones_on_success[k]:
                passed = entering[k + 1]
                end = elapsed[:passed] if self.uncertain_years else elapsed
                on_success.append((passed, sum(self.milestones_on_success[k]) * self.power(end)))
        on_market = entering[n]
        peak = delay = None
        if on_market:
            peak = (
                np.maximum(simulation.peak_sales.sample(rng, on_market), 0.0)
                if simulation.peak_sales is not None
                else self.asset.commercial.peak_sales
            )
            delay = (
                simulation.launch_delay.whole_years(rng, on_market, 0)
                if simulation.launch_delay is not None
                else self.asset.commercial.launch_delay
            )
            before_launch = (elapsed[:on_market] if self.uncertain_years else elapsed) + delay
            discount_before_launch = self.power(before_launch)
        if self.deal is not None:
            # Before the market's value is added, -project is the
            # development cost of each trial.
            np.multiply(project, self.deal.licensor_cost_share, out=licensor)
            licensor += self.deal.upfront
            for passed, value in on_success:
                licensor[:passed] += value
            if on_market:
                licensor[:on_market] += self._market_value(peak) * discount_before_launch
        if on_market:
            project[:on_market] += peak * self.commercial_annuity * discount_before_launch

    def _royalty_curve(self):
        """Marginal royalties in every year of the window, discounted to the
        year before launch, as a function of peak sales: piecewise linear,
        with kinks where a year's sales cross a tier's bound. Returns the
        kinks, the value at each, and the slope beyond the last; None for
        whole-basis royalties, which jump at the bounds."""
        deal = self.deal
        if RoyaltyBasis(deal.royalty_basis) != RoyaltyBasis.MARGINAL:
            return None
        shares = self.shape[: self.window]
        bounds = [tier.up_to for tier in deal.royalty_tiers[:-1]]
        with np.errstate(over="ignore", invalid="ignore"):
            kinks = sorted({bound / share for bound in bounds for share in shares if share > 0})
            peaks = np.array([0.0, *kinks])
            sales = peaks[:, None] * shares[None, :]
            values = royalty(sales, deal.royalty_tiers) @ self.royalty_powers
            slope = deal.royalty_tiers[-1].rate * float(shares @ self.royalty_powers)
        if not (np.isfinite(peaks).all() and np.isfinite(values).all() and math.isfinite(slope)):
            return None  # a share so small its kink overflows: year by year instead
        return peaks, values, slope

    def _market_value(self, peak):
        """The licensor's sales milestones and royalties for peak sales
        ``peak`` (a number or one per trial), discounted to the year before
        launch."""
        deal = self.deal
        value = 0.0
        for milestone in deal.milestones:
            if milestone.on_annual_sales_at_least is None or not self.shape.size:
                continue
            # First year from launch whose sales reach the threshold: the
            # running maximum of the shares is sorted, so a binary search
            # finds it for every trial at once. A peak of zero, or one so
            # small the quotient overflows, needs an infinite share: the
            # threshold is never reached.
            with np.errstate(divide="ignore", over="ignore"):
                needed = np.divide(milestone.on_annual_sales_at_least, peak)
            j = np.searchsorted(self.shape_running_max, needed, side="left")
            reached = j < self.shape.size
            value = value + np.where(
                reached, milestone.amount * self.shift * self.power(j + 1), 0.0
            )
        if deal.royalty_tiers and self.window:
            if self.royalty_curve is not None:
                # Exact between kinks, since the curve is linear there.
                peaks, values, slope = self.royalty_curve
                beyond = np.maximum(np.subtract(peak, peaks[-1]), 0.0)
                value = value + np.interp(peak, peaks, values) + slope * beyond
            else:
                sales = np.atleast_1d(peak)[:, None] * self.shape[None, : self.window]
                royalties = royalty(sales, deal.royalty_tiers, deal.royalty_basis)
                # einsum, not BLAS: see summarise.
                discounted = np.einsum("ij,j->i", royalties, self.royalty_powers)
                value = value + (discounted if np.ndim(peak) else discounted[0])
        return value


def simulate(asset: Asset, simulation: Simulation, deal: Deal | None = None) -> SimulationResult:
    """Simulate ``simulation.trials`` trials; the project's present value in
    each, and the licensor's and licensee's when ``deal`` is given."""
    validate_simulation(asset, simulation)
    if deal is not None:
        check_deal_against(asset, deal)
    model = _Model(asset, deal, simulation)
    trials = simulation.trials
    project = np.empty(trials)
    licensor = np.empty(trials) if deal is not None else None
    chunks = math.ceil(trials / CHUNK_TRIALS)
    # Chunks write straight into the run's arrays.
    # One child seed per chunk keeps the draws of a chunk independent of how
    # the others went, so a run is the same on every machine.
    seeds = np.random.SeedSequence(simulation.seed).spawn(chunks)
    for index, seed in enumerate(seeds):
        start = index * CHUNK_TRIALS
        size = min(CHUNK_TRIALS, trials - start)
        model.chunk(
            np.random.default_rng(seed),
            project[start : start + size],
            licensor[start : start + size] if licensor is not None else None,
        )
    scratch = (np.empty(trials), np.empty(trials, dtype=np.intp))
    summary = summarise(project, simulation.bins, scratch)
    result = SimulationResult(
        trials=trials,
        seed=simulation.seed,
        mean=summary.mean,
        sd=summary.sd,
        p5=summary.p5,
        p50=summary.p50,
        p95=summary.p95,
        probability_of_loss=summary.probability_of_loss,
        histogram=summary.histogram,
    )
    if licensor is not None:
        result.licensor = summarise(licensor, simulation.bins, scratch)
        project -= licensor  # the licensee's share, computed in place
        result.licensee = summarise(project, simulation.bins, scratch)
    return result
