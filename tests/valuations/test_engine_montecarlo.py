"""Monte Carlo: reproducible, consistent with the exact computation, and
honest about the inputs it draws."""

import numpy as np
import pytest

from valuations.engine import EngineInputError
from valuations.engine.deal import deal_split
from valuations.engine.montecarlo import MAX_TRIALS, Distribution, Simulation, binned, simulate
from valuations.engine.rnpv import Asset, Commercial, Phase, rnpv


def test_the_same_seed_gives_the_same_run(small_asset, small_deal):
    simulation = Simulation(
        trials=100_000, seed=11, peak_sales=Distribution("normal", mean=100, sd=20)
    )

    first = simulate(small_asset, simulation, small_deal)
    second = simulate(small_asset, simulation, small_deal)

    assert first.to_dict() == second.to_dict()


def test_a_different_seed_gives_a_different_run(small_asset):
    first = simulate(small_asset, Simulation(trials=10_000, seed=1))
    second = simulate(small_asset, Simulation(trials=10_000, seed=2))

    assert first.mean != second.mean


def test_with_phase_risk_only_the_trials_take_the_outcome_values(small_asset, small_deal):
    """Each trial is one of the n + 1 outcomes: the percentiles are outcome
    values and the loss probability is near the exact one."""
    analysis = deal_split(small_asset, small_deal)
    values = sorted(o.project_pv for o in analysis.outcomes)

    result = simulate(small_asset, Simulation(trials=200_000, seed=3), small_deal)

    assert result.p5 == pytest.approx(values[0])
    assert result.p95 == pytest.approx(values[-1])
    assert result.probability_of_loss == pytest.approx(0.8, abs=0.01)
    assert result.mean == pytest.approx(rnpv(small_asset).rnpv, abs=0.15)
    assert result.licensor.mean == pytest.approx(analysis.deal.licensor_rnpv, abs=0.1)
    assert sum(result.histogram.counts) == 200_000
    assert len(result.histogram.edges) == len(result.histogram.counts) + 1


def test_uncertain_peak_sales_move_the_mean_by_their_own_mean(small_asset):
    """Project value is linear in peak sales: a symmetric triangular around
    the base case leaves the mean at the rNPV."""
    simulation = Simulation(
        trials=400_000, seed=5, peak_sales=Distribution("triangular", low=50, mode=100, high=150)
    )

    result = simulate(small_asset, simulation)

    assert result.mean == pytest.approx(rnpv(small_asset).rnpv, abs=0.2)


def test_drawn_phase_years_and_launch_delay_are_whole_years():
    """Years drawn uniformly in [2, 2.49] round to 2: the same as fixed."""
    asset = Asset(
        phases=(Phase("A", 2, 10.0, 0.6), Phase("B", 1, 5.0, 0.5)),
        commercial=Commercial(peak_sales=50.0, plateau_years=3),
        discount_rate=0.08,
    )
    fixed = simulate(asset, Simulation(trials=50_000, seed=9))

    drawn = simulate(
        asset,
        Simulation(
            trials=50_000,
            seed=9,
            phase_years={"A": Distribution("uniform", low=2.0, high=2.49)},
            launch_delay=Distribution("uniform", low=0.0, high=0.49),
        ),
    )

    assert drawn.mean == pytest.approx(fixed.mean, rel=0.05)
    assert drawn.p50 == pytest.approx(fixed.p50)


def test_uncertain_phase_costs_change_the_development_spend(small_asset):
    simulation = Simulation(
        trials=200_000, seed=4, phase_costs={"A": Distribution("uniform", low=20, high=20)}
    )

    result = simulate(small_asset, simulation)

    # Phase A costs 20 instead of 10 in every trial: 10 more spent in year 1.
    assert result.mean == pytest.approx(rnpv(small_asset).rnpv - 10 / 1.1, abs=0.15)


def test_lognormal_takes_the_mean_and_sd_of_the_quantity():
    rng = np.random.default_rng(0)

    draws = Distribution("lognormal", mean=100, sd=30).sample(rng, 400_000)

    assert draws.mean() == pytest.approx(100, rel=0.01)
    assert draws.std() == pytest.approx(30, rel=0.02)


@pytest.mark.parametrize(
    ("simulation", "field"),
    [
        (Simulation(trials=MAX_TRIALS + 1, seed=1), "simulation.trials"),
        (Simulation(trials=0, seed=1), "simulation.trials"),
        (
            Simulation(trials=10, seed=1, phase_costs={"Z": Distribution("normal", mean=1, sd=1)}),
            "simulation.phase_costs.Z",
        ),
        (
            Simulation(
                trials=10, seed=1, peak_sales=Distribution("triangular", low=5, mode=1, high=9)
            ),
            "simulation.peak_sales.mode",
        ),
    ],
)
def test_invalid_simulations_are_refused(small_asset, simulation, field):
    with pytest.raises(EngineInputError) as error:
        simulate(small_asset, simulation)

    assert error.value.field == field


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(1).normal(size=200_000),
        # Ties and values exactly on the histogram's edges.
        np.random.default_rng(2).integers(0, 50, 200_000) * 0.1,
        # Most trials fail at a fixed cost; a few reach market.
        np.concatenate(
            [np.full(150_000, -20.0), np.random.default_rng(3).triangular(0, 900, 3000, 50_000)]
        ),
    ],
    ids=["continuous", "on-the-edges", "tied"],
)
@pytest.mark.parametrize("bins", [1, 7, 50, 500])
def test_a_large_runs_percentiles_and_histogram_are_numpys(values, bins):
    """The summaries of a large run skip partitioning every value but give
    numpy's own numbers."""
    low, high = float(values.min()), float(values.max())

    counts, edges, percentiles = binned(values, bins, low, high, qs=(0, 5, 37.5, 50, 95, 100))

    expected_counts, expected_edges = np.histogram(values, bins=bins, range=(low, high))
    assert percentiles == list(np.percentile(values, [0, 5, 37.5, 50, 95, 100]))
    assert counts.tolist() == expected_counts.tolist()
    assert edges.tolist() == expected_edges.tolist()


@pytest.mark.parametrize(
    ("distribution", "minimum", "expected"),
    [
        # Mass of [1.5, 2.5) and [2.5, 3] of a triangular (1.5, 2, 3).
        (Distribution("triangular", low=1.5, mode=2, high=3), 1, {2: 5 / 6, 3: 1 / 6}),
        (Distribution("uniform", low=2.5, high=4.5), 1, {3: 0.5, 4: 0.5}),
        # Below half a year rounds to 0, raised to the minimum of 1.
        (Distribution("uniform", low=0.0, high=1.0), 1, {1: 1.0}),
        (Distribution("triangular", low=0, mode=0, high=2), 0, {0: 0.4375, 1: 0.5, 2: 0.0625}),
    ],
)
def test_drawn_durations_take_each_whole_year_with_the_mass_that_rounds_to_it(
    distribution, minimum, expected
):
    years = distribution.whole_years(np.random.default_rng(6), 400_000, minimum)

    values, counts = np.unique(years, return_counts=True)
    assert values.tolist() == sorted(expected)
    for value, count in zip(values.tolist(), counts, strict=True):
        assert count / years.size == pytest.approx(expected[value], abs=0.003)


def test_draws_far_beyond_float32s_range_stay_finite():
    draws = Distribution("uniform", low=1e300, high=3e300).sample(np.random.default_rng(9), 1000)

    assert np.isfinite(draws).all()
    assert draws.min() >= 1e300 and draws.max() <= 3e300


def test_triangular_draws_have_the_triangular_mean_and_spread():
    low, mode, high = 20.0, 25.0, 35.0

    draws = Distribution("triangular", low=low, mode=mode, high=high).sample(
        np.random.default_rng(8), 400_000
    )

    variance = (low**2 + mode**2 + high**2 - low * mode - low * high - mode * high) / 18
    assert draws.min() >= low and draws.max() <= high
    assert draws.mean() == pytest.approx((low + mode + high) / 3, abs=0.02)
    assert draws.var() == pytest.approx(variance, rel=0.01)


def test_a_run_whose_values_overflow_is_refused_not_crashed(small_asset):
    simulation = Simulation(
        trials=1_000, seed=1, peak_sales=Distribution("uniform", low=1e307, high=1.7e308)
    )

    with pytest.raises(EngineInputError) as error:
        simulate(small_asset, simulation)

    assert error.value.field == "simulation"


def test_every_input_uncertain_with_a_deal_keeps_each_party_near_its_expectation(
    small_asset, small_deal
):
    """Symmetric uncertainty on costs and on peak sales, in which the
    project's value is linear, leaves its mean at the rNPV; in every trial
    the licensee holds what the licensor does not."""
    simulation = Simulation(
        trials=400_000,
        seed=12,
        peak_sales=Distribution("triangular", low=50, mode=100, high=150),
        phase_costs={
            "A": Distribution("uniform", low=5, high=15),
            "B": Distribution("normal", mean=20, sd=2),
        },
    )

    result = simulate(small_asset, simulation, small_deal)

    assert result.mean == pytest.approx(rnpv(small_asset).rnpv, abs=0.3)
    assert result.licensee.mean == pytest.approx(result.mean - result.licensor.mean, abs=1e-9)
