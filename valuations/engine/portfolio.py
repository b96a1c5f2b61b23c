"""A portfolio of projects: the sum of their rNPVs, and a Monte Carlo of
the portfolio as a whole.

Each project comes as its n + 1 outcomes (fails in phase 1..n, or reaches
market), each with its probability and the present value of the project in
that outcome, plus its development cost by year and the probability of
spending it. Projects are independent, or correlated within a sector by a
one-factor Gaussian copula: in each trial project i draws

    z_i = sqrt(rho) x Z_s + sqrt(1 - rho) x e_i

(Z_s the factor of its sector s, e_i its own noise, both standard normal),
and its outcome is the number of thresholds t_k = Phi^-1(c_k) that z_i
reaches, c_k being its probability of failing in phase k or earlier. Each
project's outcome keeps its own probabilities whatever rho is; rho only
makes projects of one sector succeed and fail together.

Trials run in chunks that can be computed anywhere, in any order, and
merged: trial j belongs to block j // BLOCK_TRIALS, whose draws come from
the child seed ``SeedSequence(seed, spawn_key=(block,))`` (the block-th
child of ``SeedSequence(seed).spawn``), so a run gives the same numbers
however it is split into chunks and on whatever machine.

docs/valuation.md ("Portfolios") works an example by hand.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from statistics import NormalDist

import numpy as np

from .errors import EngineInputError
from .montecarlo import MAX_TRIALS, summarise
from .rnpv import Asset

# Trials drawn from one child seed. A chunk of any size covers whole or
# partial blocks; 2,048 trials of 1,000 projects keep a block's arrays near
# 16 MB.
BLOCK_TRIALS = 2_048
DEFAULT_TARGET = 0.9
DEFAULT_BINS = 50
# Beyond this many projects "how many are needed" is no longer a plan.
MAX_PROJECTS_NEEDED = 100_000
# Points of the Gauss-Hermite rule that integrates over a sector's factor.
QUADRATURE_POINTS = 64

_NORMAL = NormalDist()


@dataclass(frozen=True)
class PortfolioProject:
    """One project as the portfolio sees it. ``outcome_probabilities`` and
    ``outcome_values`` run over fails in phase 1..n, then reaches market;
    ``spend[t]`` is the development cost of year t + 1 if its phase is
    reached, and ``spend_probability[t]`` the probability of reaching it."""

    key: str
    sector: str
    outcome_probabilities: tuple[float, ...]
    outcome_values: tuple[float, ...]
    spend: tuple[float, ...] = ()
    spend_probability: tuple[float, ...] = ()

    @property
    def phases(self) -> int:
        return len(self.outcome_probabilities) - 1

    @property
    def market_probability(self) -> float:
        return self.outcome_probabilities[-1]

    @property
    def rnpv(self) -> float:
        return math.fsum(
            p * v for p, v in zip(self.outcome_probabilities, self.outcome_values, strict=True)
        )


def project_from_asset(key: str, sector: str, asset: Asset, scale: float = 1.0):
    """The portfolio's view of a valued asset: its outcomes, as the deal
    split lays them out, and its yearly development cost, all times
    ``scale`` (an exchange rate into the portfolio's currency)."""
    schedule = asset.schedule
    phase_pv = schedule.phase_cost_pv()
    probabilities, values = [], []
    spent = 0.0
    for index, phase in enumerate(asset.phases):
        spent += float(phase_pv[index])
        reach = float(schedule.reach_probability[index])
        probabilities.append(reach * (1 - phase.success_probability))
        values.append(-spent * scale)
    probabilities.append(schedule.market_probability)
    values.append((schedule.commercial_pv() - spent) * scale)
    development = schedule.phase_index >= 0
    spend = (schedule.development_cost[development] * scale).tolist()
    reach = schedule.reach_probability[schedule.phase_index[development]].tolist()
    return PortfolioProject(
        key=key,
        sector=sector,
        outcome_probabilities=tuple(probabilities),
        outcome_values=tuple(values),
        spend=tuple(spend),
        spend_probability=tuple(reach),
    )


def validate_portfolio(projects, correlation: float) -> None:
    if not projects:
        raise EngineInputError("projects", "A portfolio has at least one project.")
    if not (
        isinstance(correlation, (int, float))
        and math.isfinite(correlation)
        and 0.0 <= correlation < 1.0
    ):
        raise EngineInputError("correlation", "A correlation lies in [0, 1).")
    for index, project in enumerate(projects):
        prefix = f"projects.{index}"
        probabilities = project.outcome_probabilities
        if not probabilities or len(probabilities) != len(project.outcome_values):
            raise EngineInputError(
                f"{prefix}.outcome_values", "One value per outcome, and at least one outcome."
            )
        for p in probabilities:
            if not (math.isfinite(p) and 0.0 <= p <= 1.0):
                raise EngineInputError(
                    f"{prefix}.outcome_probabilities", "A probability lies between 0 and 1."
                )
        if abs(math.fsum(probabilities) - 1.0) > 1e-9:
            raise EngineInputError(
                f"{prefix}.outcome_probabilities", "The outcomes' probabilities add up to 1."
            )
        if not all(math.isfinite(v) for v in project.outcome_values):
            raise EngineInputError(f"{prefix}.outcome_values", "Values are finite numbers.")
        if len(project.spend) != len(project.spend_probability):
            raise EngineInputError(f"{prefix}.spend", "One probability per year of spending.")


def _check_trials(trials: int) -> None:
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise EngineInputError("trials", f"Between 1 and {MAX_TRIALS:,} trials.")


def _check_seed(seed: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise EngineInputError("seed", "A seed is a whole number, zero or more.")


# --- Exact figures --------------------------------------------------------------


def count_distribution(probabilities) -> list[float]:
    """P(exactly k projects reach market), k = 0..m, for independent
    projects (the Poisson binomial distribution), by adding one project at
    a time."""
    distribution = np.zeros(len(probabilities) + 1)
    distribution[0] = 1.0
    for index, p in enumerate(probabilities):
        upto = index + 2
        distribution[1:upto] = distribution[1:upto] * (1 - p) + distribution[: upto - 1] * p
        distribution[0] *= 1 - p
    return distribution.tolist()


def _market_given_factor(probability: float, correlation: float, factor: np.ndarray):
    """P(a project reaches market | its sector's factor)."""
    if probability <= 0.0:
        return np.zeros_like(factor)
    if probability >= 1.0:
        return np.ones_like(factor)
    threshold = _NORMAL.inv_cdf(1.0 - probability)
    scaled = (threshold - math.sqrt(correlation) * factor) / math.sqrt(1.0 - correlation)
    return 1.0 - _normal_cdf(scaled)


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * np.vectorize(math.erfc)(-np.asarray(x) / math.sqrt(2.0))


def at_least_one_probability(probability: float, n: int, correlation: float = 0.0) -> float:
    """P(at least one of n projects of one sector, each reaching market
    with ``probability``, does), under the sector's correlation: 1 - (1-p)^n
    when independent, else 1 - E[(1 - p(Z))^n] over the sector's factor Z
    (Gauss-Hermite quadrature)."""
    if correlation == 0.0 or probability in (0.0, 1.0):
        return 1.0 - (1.0 - probability) ** n
    points, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_POINTS)
    weights = weights / weights.sum()
    conditional = _market_given_factor(probability, correlation, points)
    return float(1.0 - weights @ (1.0 - conditional) ** n)


def projects_needed(probability: float, target: float, correlation: float = 0.0) -> int | None:
    """The smallest n such that at least one of n projects like these
    reaches market with probability ``target``; None when no number up to
    MAX_PROJECTS_NEEDED does (or none reaches market at all)."""
    if probability <= 0.0:
        return None
    if probability >= 1.0:
        return 1
    if correlation == 0.0:
        n = math.ceil(math.log(1.0 - target) / math.log(1.0 - probability) - 1e-12)
        return max(n, 1) if n <= MAX_PROJECTS_NEEDED else None
    if at_least_one_probability(probability, MAX_PROJECTS_NEEDED, correlation) < target:
        return None
    low, high = 1, MAX_PROJECTS_NEEDED
    while low < high:  # P(at least one) grows with n: bisect
        middle = (low + high) // 2
        if at_least_one_probability(probability, middle, correlation) >= target:
            high = middle
        else:
            low = middle + 1
    return low


def projects_needed_from(probabilities, target: float) -> int | None:
    """How many of these projects, the likeliest first, give at least one
    on the market with probability ``target`` when independent; None when
    all of them together fall short."""
    none_reach = 1.0
    for count, p in enumerate(sorted(probabilities, reverse=True), start=1):
        none_reach *= 1.0 - p
        if 1.0 - none_reach >= target:
            return count
    return None


def cash_by_year(projects) -> list[dict]:
    """Development spend per year from now: expected (each year's cost
    times the probability of reaching its phase) and if every phase
    succeeds."""
    horizon = max((len(p.spend) for p in projects), default=0)
    expected = np.zeros(horizon)
    committed = np.zeros(horizon)
    for project in projects:
        spend = np.asarray(project.spend, dtype=np.float64)
        expected[: spend.size] += spend * np.asarray(project.spend_probability)
        committed[: spend.size] += spend
    return [
        {"year": year, "expected": float(e), "if_all_succeed": float(c)}
        for year, (e, c) in enumerate(zip(expected, committed, strict=True), start=1)
    ]


@dataclass
class ExactFigures:
    projects: int
    sum_of_rnpv: float
    expected_on_market: float
    average_market_probability: float
    at_least_one_independent: float
    count_distribution_independent: list[float]
    cash_by_year: list[dict]
    target: float
    projects_needed_independent: int | None
    projects_needed_correlated: int | None
    projects_needed_from_portfolio: int | None

    def to_dict(self) -> dict:
        return asdict(self)


def exact_figures(projects, correlation: float, target: float = DEFAULT_TARGET) -> ExactFigures:
    """What needs no simulation: sums, the independent count distribution
    and the number of projects needed for ``target``."""
    validate_portfolio(projects, correlation)
    if not (math.isfinite(target) and 0.0 < target < 1.0):
        raise EngineInputError("target", "A target probability lies in (0, 1).")
    market = [p.market_probability for p in projects]
    none_reach = math.prod(1.0 - p for p in market)
    average = math.fsum(market) / len(market)
    return ExactFigures(
        projects=len(projects),
        sum_of_rnpv=math.fsum(p.rnpv for p in projects),
        expected_on_market=math.fsum(market),
        average_market_probability=average,
        at_least_one_independent=1.0 - none_reach,
        count_distribution_independent=count_distribution(market),
        cash_by_year=cash_by_year(projects),
        target=target,
        projects_needed_independent=projects_needed(average, target),
        projects_needed_correlated=projects_needed(average, target, correlation),
        projects_needed_from_portfolio=projects_needed_from(market, target),
    )


# --- Simulation ------------------------------------------------------------------


class PortfolioModel:
    """The per-portfolio constants every chunk shares: thresholds and
    values padded to the longest pipeline, and each project's sector."""

    def __init__(self, projects, correlation: float):
        validate_portfolio(projects, correlation)
        self.size = len(projects)
        self.correlation = float(correlation)
        width = max(p.phases for p in projects)
        self.thresholds = np.full((width, self.size), np.inf)
        self.values = np.zeros((self.size, width + 1))
        self.market_outcome = np.array([p.phases for p in projects], dtype=np.int8)
        for i, project in enumerate(projects):
            cumulative = 0.0
            for k, p in enumerate(project.outcome_probabilities[:-1]):
                cumulative += p
                self.thresholds[k, i] = _threshold(cumulative)
            self.values[i, : project.phases + 1] = project.outcome_values
        self.width = width
        sectors = sorted({p.sector for p in projects})
        index = {sector: n for n, sector in enumerate(sectors)}
        self.sector_of = np.array([index[p.sector] for p in projects], dtype=np.int64)
        self.sectors = len(sectors)
        # Row i of values starts at i x (width + 1) in the flat array.
        self.flat_values = self.values.ravel()
        self.offsets = np.arange(self.size, dtype=np.int64) * (width + 1)

    def block(self, rng: np.random.Generator, size: int):
        """``size`` trials: each trial's total value and number of projects
        on the market. The draws are trial-major, so the first k trials of
        a block are the same whatever ``size`` is."""
        draws = rng.standard_normal((size, self.sectors + self.size))
        z = draws[:, self.sectors :]
        if self.correlation > 0.0:
            z *= math.sqrt(1.0 - self.correlation)
            z += math.sqrt(self.correlation) * draws[:, self.sector_of]
        outcome = np.zeros((size, self.size), dtype=np.int8)
        for k in range(self.width):
            outcome += z >= self.thresholds[k]
        totals = self.flat_values[outcome + self.offsets].sum(axis=1)
        counts = np.count_nonzero(outcome == self.market_outcome, axis=1).astype(np.int32)
        return totals, counts


def _threshold(cumulative: float) -> float:
    """Phi^-1 of a cumulative failure probability; rounding noise at the
    ends stays at the ends."""
    if cumulative <= 0.0:
        return -np.inf
    if cumulative >= 1.0 - 1e-15:
        return np.inf
    return _NORMAL.inv_cdf(cumulative)


@dataclass
class ChunkResult:
    """Trials [start, stop) of a run: each trial's total value and count of
    projects on the market. Chunks merge in trial order."""

    start: int
    stop: int
    totals: np.ndarray
    counts: np.ndarray

    def to_bytes(self) -> tuple[bytes, bytes]:
        return self.totals.astype("<f8").tobytes(), self.counts.astype("<i4").tobytes()

    @classmethod
    def from_bytes(cls, start: int, stop: int, totals: bytes, counts: bytes) -> ChunkResult:
        return cls(
            start,
            stop,
            np.frombuffer(totals, dtype="<f8").astype(np.float64),
            np.frombuffer(counts, dtype="<i4").astype(np.int32),
        )


def chunk_bounds(trials: int, chunks: int) -> list[tuple[int, int]]:
    """``trials`` split into ``chunks`` nearly equal [start, stop) ranges,
    each beginning on a block boundary where it can."""
    _check_trials(trials)
    blocks = math.ceil(trials / BLOCK_TRIALS)
    chunks = max(1, min(chunks, blocks))
    edges = [min(trials, round(blocks * i / chunks) * BLOCK_TRIALS) for i in range(chunks + 1)]
    return [(edges[i], edges[i + 1]) for i in range(chunks) if edges[i] < edges[i + 1]]


def simulate_chunk(model: PortfolioModel, seed: int, start: int, stop: int) -> ChunkResult:
    """Trials [start, stop) of the run seeded by ``seed``."""
    _check_seed(seed)
    if not 0 <= start < stop:
        raise EngineInputError("start", "A chunk is a non-empty range of trials.")
    totals = np.empty(stop - start)
    counts = np.empty(stop - start, dtype=np.int32)
    block = start // BLOCK_TRIALS
    while block * BLOCK_TRIALS < stop:
        first = block * BLOCK_TRIALS
        last = min(first + BLOCK_TRIALS, stop)
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        block_totals, block_counts = model.block(rng, last - first)
        skip = max(start - first, 0)
        into = slice(first + skip - start, last - start)
        totals[into] = block_totals[skip:]
        counts[into] = block_counts[skip:]
        block += 1
    return ChunkResult(start, stop, totals, counts)


@dataclass
class SimulatedFigures:
    trials: int
    seed: int
    correlation: float
    total_value: dict
    expected_on_market: float
    at_least_one: float
    count_distribution: list[float] = field(default_factory=list)
    count_sd: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def merge_chunks(
    chunks, *, trials: int, seed: int, correlation: float, bins: int = DEFAULT_BINS
) -> SimulatedFigures:
    """The figures of a run from its chunks, in any order; they must cover
    trials [0, trials) exactly once."""
    ordered = sorted(chunks, key=lambda chunk: chunk.start)
    expected_start = 0
    for chunk in ordered:
        if chunk.start != expected_start or chunk.totals.size != chunk.stop - chunk.start:
            raise EngineInputError("chunks", "The chunks do not cover the trials once.")
        expected_start = chunk.stop
    if expected_start != trials:
        raise EngineInputError("chunks", "The chunks do not cover the trials once.")
    totals = np.concatenate([chunk.totals for chunk in ordered])
    counts = np.concatenate([chunk.counts for chunk in ordered])
    summary = summarise(totals, bins)
    frequencies = np.bincount(counts) / trials
    return SimulatedFigures(
        trials=trials,
        seed=seed,
        correlation=correlation,
        total_value=asdict(summary),
        expected_on_market=float(counts.mean()),
        at_least_one=float(np.count_nonzero(counts) / trials),
        count_distribution=frequencies.tolist(),
        count_sd=float(counts.std()),
    )


def simulate_portfolio(
    projects, *, correlation: float, trials: int, seed: int, chunks: int = 1
) -> SimulatedFigures:
    """The whole run in this process: the merge of its chunks."""
    _check_trials(trials)
    _check_seed(seed)
    model = PortfolioModel(projects, correlation)
    parts = [
        simulate_chunk(model, seed, start, stop) for start, stop in chunk_bounds(trials, chunks)
    ]
    return merge_chunks(parts, trials=trials, seed=seed, correlation=correlation)
