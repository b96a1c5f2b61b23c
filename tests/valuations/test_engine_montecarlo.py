"""Monte Carlo: reproducible, consistent with the exact computation, and
honest about the inputs it draws."""

import numpy as np
import pytest

from valuations.engine import EngineInputError
from valuations.engine.deal import deal_split
from valuations.engine.montecarlo import MAX_TRIALS, Distribution, Simulation, simulate
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
