"""Portfolio engine: the exact figures, the simulation against them, the
effect of correlation within a sector, and runs that do not depend on how
they are split into chunks. Expected figures are computed here with plain
loops."""

import itertools
import math

import numpy as np
import pytest

from valuations.engine import EngineInputError
from valuations.engine.portfolio import (
    BLOCK_TRIALS,
    PortfolioModel,
    PortfolioProject,
    exact_figures,
    merge_chunks,
    project_from_asset,
    projects_needed,
    simulate_chunk,
    simulate_portfolio,
)
from valuations.engine.rnpv import rnpv


def project(key, sector, successes, costs, market_value):
    """A project whose phases pass with ``successes`` and whose outcome
    values are minus the costs spent so far, or the market value less all
    costs. Spend: each phase's cost in one year."""
    probabilities, values, spend, reach_of_year = [], [], [], []
    reach, spent = 1.0, 0.0
    for success, cost in zip(successes, costs, strict=True):
        spend.append(cost)
        reach_of_year.append(reach)
        spent += cost
        probabilities.append(reach * (1 - success))
        values.append(-spent)
        reach *= success
    probabilities.append(reach)
    values.append(market_value - spent)
    return PortfolioProject(
        key, sector, tuple(probabilities), tuple(values), tuple(spend), tuple(reach_of_year)
    )


# Three projects of two sectors, small enough to add up by hand
# (docs/valuation.md, "Portfolios").
A = project("A", "drugs", [0.5, 0.4], [10.0, 20.0], 200.0)  # market 0.2
B = project("B", "drugs", [0.6], [5.0], 50.0)  # market 0.6
C = project("C", "devices", [0.8, 0.5], [4.0, 8.0], 100.0)  # market 0.4
SMALL = [A, B, C]


def test_the_sum_of_rnpvs_is_the_sum_of_probability_times_value():
    expected = 0.0
    for p in SMALL:
        for probability, value in zip(p.outcome_probabilities, p.outcome_values, strict=True):
            expected += probability * value

    figures = exact_figures(SMALL, 0.0)

    # By hand: A 0.5x-10 + 0.3x-30 + 0.2x170 = 20; B 0.4x-5 + 0.6x45 = 25;
    # C 0.2x-4 + 0.4x-12 + 0.4x88 = 29.6.
    assert figures.sum_of_rnpv == pytest.approx(expected)
    assert figures.sum_of_rnpv == pytest.approx(20 + 25 + 29.6)


def test_expected_count_and_at_least_one_under_independence():
    market = [0.2, 0.6, 0.4]
    none = 1.0
    for p in market:
        none *= 1 - p

    figures = exact_figures(SMALL, 0.0)

    assert figures.expected_on_market == pytest.approx(1.2)
    assert figures.at_least_one_independent == pytest.approx(1 - none)
    assert figures.at_least_one_independent == pytest.approx(0.808)


def test_the_exact_count_distribution_enumerates_every_combination():
    market = [0.2, 0.6, 0.4]
    expected = [0.0] * 4
    for mask in range(8):
        probability, count = 1.0, 0
        for i, p in enumerate(market):
            if mask >> i & 1:
                probability *= p
                count += 1
            else:
                probability *= 1 - p
        expected[count] += probability

    figures = exact_figures(SMALL, 0.0)

    assert figures.count_distribution_independent == pytest.approx(expected)


def test_cash_by_year_is_expected_spend_and_spend_if_all_succeed():
    figures = exact_figures(SMALL, 0.0)

    # Year 1: every project spends its first phase for sure: 10 + 5 + 4.
    # Year 2: A's second phase with 0.5, C's with 0.8: 20x0.5 + 8x0.8.
    assert figures.cash_by_year == [
        {"year": 1, "expected": pytest.approx(19.0), "if_all_succeed": pytest.approx(19.0)},
        {"year": 2, "expected": pytest.approx(16.4), "if_all_succeed": pytest.approx(28.0)},
    ]


def test_projects_needed_for_ninety_percent():
    """Smallest n with 1 - (1 - p)^n >= 0.9, counted up in a loop."""
    for p in (0.05, 0.1, 0.2, 0.4, 0.9):
        n = 1
        while 1 - (1 - p) ** n < 0.9:
            n += 1

        assert projects_needed(p, 0.9) == n
    assert projects_needed(0.1, 0.9) == 22
    assert projects_needed(0.0, 0.9) is None
    assert projects_needed(1.0, 0.9) == 1


def test_correlation_needs_more_projects():
    assert projects_needed(0.1, 0.9, 0.3) > projects_needed(0.1, 0.9)


def test_the_portfolio_takes_an_assets_outcomes_and_rnpv(small_asset):
    entry = project_from_asset("X", "drugs", small_asset)

    assert entry.rnpv == pytest.approx(rnpv(small_asset).rnpv)
    assert entry.market_probability == pytest.approx(0.2)
    assert sum(entry.outcome_probabilities) == pytest.approx(1.0)
    # Phase A costs 10 in year 1; phase B 20 over years 2 and 3, reached
    # with 0.5.
    assert entry.spend == pytest.approx((10.0, 10.0, 10.0))
    assert entry.spend_probability == pytest.approx((1.0, 0.5, 0.5))


def test_a_rate_scales_every_value(small_asset):
    plain = project_from_asset("X", "drugs", small_asset)
    converted = project_from_asset("X", "drugs", small_asset, scale=7.0)

    assert converted.rnpv == pytest.approx(7 * plain.rnpv)
    assert converted.spend == pytest.approx(tuple(7 * s for s in plain.spend))


def test_the_simulation_agrees_with_the_exact_figures_when_independent():
    exact = exact_figures(SMALL, 0.0)

    simulated = simulate_portfolio(SMALL, correlation=0.0, trials=200_000, seed=7)

    # Standard errors at 200,000 trials: total value sd ~ 75, so 0.2 for the
    # mean; a probability's at most 0.0012. Tolerances are 4 of them.
    assert simulated.total_value["mean"] == pytest.approx(exact.sum_of_rnpv, abs=1.0)
    assert simulated.expected_on_market == pytest.approx(1.2, abs=0.01)
    assert simulated.at_least_one == pytest.approx(0.808, abs=0.005)
    for frequency, probability in zip(
        simulated.count_distribution, exact.count_distribution_independent, strict=False
    ):
        assert frequency == pytest.approx(probability, abs=0.005)


def test_each_projects_outcomes_keep_their_probabilities_under_correlation():
    """The copula only ties projects together: the mean is the sum of
    rNPVs whatever the correlation."""
    exact = exact_figures(SMALL, 0.5)

    simulated = simulate_portfolio(SMALL, correlation=0.5, trials=200_000, seed=8)

    assert simulated.total_value["mean"] == pytest.approx(exact.sum_of_rnpv, abs=1.0)
    assert simulated.expected_on_market == pytest.approx(1.2, abs=0.01)


def test_correlation_widens_the_count_and_lowers_at_least_one():
    projects = [project(f"P{i}", "drugs", [0.5, 0.4], [1.0, 2.0], 30.0) for i in range(20)]

    independent = simulate_portfolio(projects, correlation=0.0, trials=50_000, seed=1)
    correlated = simulate_portfolio(projects, correlation=0.6, trials=50_000, seed=1)

    # Independent: the count is binomial(20, 0.2), variance 3.2.
    assert independent.count_sd**2 == pytest.approx(20 * 0.2 * 0.8, rel=0.05)
    assert correlated.count_sd > 1.5 * independent.count_sd
    assert correlated.at_least_one < independent.at_least_one - 0.05
    assert independent.at_least_one == pytest.approx(1 - 0.8**20, abs=0.005)


def test_different_sectors_stay_independent_under_correlation():
    projects = [
        project("D", "drugs", [0.5], [1.0], 10.0),
        project("E", "devices", [0.5], [1.0], 10.0),
    ]

    simulated = simulate_portfolio(projects, correlation=0.9, trials=100_000, seed=2)

    assert simulated.at_least_one == pytest.approx(0.75, abs=0.006)


def test_a_run_is_the_same_however_it_is_chunked():
    model = PortfolioModel(SMALL, 0.3)
    trials = 3 * BLOCK_TRIALS + 17
    whole = merge_chunks(
        [simulate_chunk(model, 5, 0, trials)], trials=trials, seed=5, correlation=0.3
    )
    cuts = [0, 1, 999, BLOCK_TRIALS, BLOCK_TRIALS + 5, 2 * BLOCK_TRIALS + 100, trials]
    parts = [simulate_chunk(model, 5, a, b) for a, b in itertools.pairwise(cuts)]

    split = merge_chunks(reversed(parts), trials=trials, seed=5, correlation=0.3)

    assert split.to_dict() == whole.to_dict()
    again = simulate_portfolio(SMALL, correlation=0.3, trials=trials, seed=5, chunks=3)
    assert again.to_dict() == whole.to_dict()


def test_chunks_that_miss_trials_do_not_merge():
    model = PortfolioModel(SMALL, 0.0)
    parts = [simulate_chunk(model, 1, 0, 100), simulate_chunk(model, 1, 150, 200)]

    with pytest.raises(EngineInputError) as raised:
        merge_chunks(parts, trials=200, seed=1, correlation=0.0)

    assert raised.value.field == "chunks"


@pytest.mark.parametrize("correlation", [-0.1, 1.0, math.nan])
def test_a_correlation_outside_zero_to_one_is_refused(correlation):
    with pytest.raises(EngineInputError) as raised:
        exact_figures(SMALL, correlation)

    assert raised.value.field == "correlation"


def test_a_chunk_is_exact_bytes_both_ways():
    model = PortfolioModel(SMALL, 0.2)
    chunk = simulate_chunk(model, 9, 10, 500)

    totals, counts = chunk.to_bytes()
    again = type(chunk).from_bytes(10, 500, totals, counts)

    assert np.array_equal(again.totals, chunk.totals)
    assert np.array_equal(again.counts, chunk.counts)
