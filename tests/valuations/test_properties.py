"""Properties that hold for every asset and deal, checked with hypothesis."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuations.engine.deal import Deal, Milestone, RoyaltyTier, deal_split, royalty
from valuations.engine.montecarlo import Simulation, simulate
from valuations.engine.rnpv import Asset, Commercial, Phase, rnpv

amounts = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)
probabilities = st.floats(min_value=0, max_value=1, allow_nan=False)
rates = st.floats(min_value=0, max_value=0.5, allow_nan=False)
shares = st.floats(min_value=0, max_value=1.5, allow_nan=False)


@st.composite
def assets(draw, min_probability=0.0):
    phase_count = draw(st.integers(min_value=0, max_value=6))
    phases = tuple(
        Phase(
            name=f"P{index}",
            years=draw(st.integers(min_value=1, max_value=4)),
            cost=draw(amounts),
            success_probability=draw(st.floats(min_value=min_probability, max_value=1)),
        )
        for index in range(phase_count)
    )
    commercial = Commercial(
        peak_sales=draw(amounts),
        ramp=tuple(draw(st.lists(shares, max_size=5))),
        plateau_years=draw(st.integers(min_value=0, max_value=8)),
        erosion=tuple(draw(st.lists(shares, max_size=4))),
        cogs_rate=draw(st.floats(min_value=0, max_value=0.6)),
        opex_rate=draw(st.floats(min_value=0, max_value=0.6)),
        tax_rate=draw(st.floats(min_value=0, max_value=0.4)),
        launch_delay=draw(st.integers(min_value=0, max_value=2)),
    )
    return Asset(
        phases=phases,
        commercial=commercial,
        discount_rate=draw(rates),
        timing=draw(st.sampled_from(["end_of_year", "mid_year"])),
    )


@st.composite
def tier_lists(draw):
    bounds = sorted(set(draw(st.lists(st.floats(min_value=1, max_value=1e4), max_size=4))))
    rates_ = draw(st.lists(probabilities, min_size=len(bounds) + 1, max_size=len(bounds) + 1))
    return tuple(RoyaltyTier(b, r) for b, r in zip([*bounds, None], rates_, strict=True))


@st.composite
def assets_with_deals(draw, min_probability=0.0):
    asset = draw(assets(min_probability))
    names = [phase.name for phase in asset.phases]
    milestones = []
    for index in range(draw(st.integers(min_value=0, max_value=4))):
        if names and draw(st.booleans()):
            milestones.append(
                Milestone(
                    f"m{index}", draw(amounts), on_phase_success=draw(st.sampled_from(names))
                )
            )
        else:
            threshold = draw(st.floats(min_value=1, max_value=2e4))
            milestones.append(
                Milestone(f"m{index}", draw(amounts), on_annual_sales_at_least=threshold)
            )
    deal = Deal(
        upfront=draw(amounts),
        milestones=tuple(milestones),
        royalty_tiers=draw(tier_lists()),
        royalty_basis=draw(st.sampled_from(["marginal", "whole"])),
        royalty_years=draw(st.one_of(st.none(), st.integers(min_value=0, max_value=12))),
        licensee_cost_share=draw(probabilities),
    )
    return asset, deal


def close(a, b, scale):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9 * max(1.0, scale))


@given(assets_with_deals())
@settings(max_examples=200, deadline=None)
def test_outcome_probabilities_sum_to_one_and_average_to_the_rnpv(case):
    asset, deal = case

    analysis = deal_split(asset, deal)

    probability = np.array([o.probability for o in analysis.outcomes])
    assert len(analysis.outcomes) == len(asset.phases) + 1
    assert probability.sum() == pytest.approx(1.0, abs=1e-12)
    scale = sum(abs(o.project_pv) for o in analysis.outcomes)
    weighted = sum(o.probability * o.project_pv for o in analysis.outcomes)
    assert close(weighted, rnpv(asset).rnpv, scale)
    licensor = sum(o.probability * o.licensor_pv for o in analysis.outcomes)
    assert close(licensor, analysis.deal.licensor_rnpv, scale + abs(licensor))


@given(assets_with_deals())
@settings(max_examples=200, deadline=None)
def test_licensor_plus_licensee_is_the_project(case):
    asset, deal = case

    analysis = deal_split(asset, deal)

    project = rnpv(asset).rnpv
    split = analysis.deal.licensor_rnpv + analysis.deal.licensee_rnpv
    assert close(split, project, abs(analysis.deal.licensor_rnpv) + abs(project))
    for outcome in analysis.outcomes:
        total = outcome.licensor_pv + outcome.licensee_pv
        assert close(total, outcome.project_pv, abs(outcome.licensor_pv) + abs(total))


@given(tier_lists(), st.data())
@settings(max_examples=300, deadline=None)
def test_marginal_royalty_is_continuous_and_never_falls_across_tier_boundaries(tiers, data):
    top_rate = max(t.rate for t in tiers)
    for tier in tiers[:-1]:
        epsilon = data.draw(st.floats(min_value=1e-6, max_value=1e-2))
        below, at, above = royalty([tier.up_to - epsilon, tier.up_to, tier.up_to + epsilon], tiers)
        assert abs(above - below) <= top_rate * 2 * epsilon + 1e-9
        assert below <= at + 1e-12 <= above + 2e-12
    sales = np.sort(np.array(data.draw(st.lists(amounts, min_size=2, max_size=20))))
    assert np.all(np.diff(royalty(sales, tiers)) >= -1e-9)


@given(assets_with_deals(min_probability=0.05), st.integers(min_value=0, max_value=2**32))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_monte_carlo_mean_converges_to_the_rnpv_with_phase_risk_only(case, seed):
    """With only phase outcomes random, each trial takes one outcome's
    value, so the mean lies within a few standard errors of the rNPV."""
    asset, deal = case
    trials = 200_000
    analysis = deal_split(asset, deal)

    result = simulate(asset, Simulation(trials=trials, seed=seed), deal)

    for simulated, exact, risk in (
        (result.mean, rnpv(asset).rnpv, analysis.risk.project),
        (result.licensor.mean, analysis.deal.licensor_rnpv, analysis.risk.licensor),
        (result.licensee.mean, analysis.deal.licensee_rnpv, analysis.risk.licensee),
    ):
        standard_error = risk.sd / math.sqrt(trials)
        assert abs(simulated - exact) <= 5 * standard_error + 1e-7 * max(1.0, abs(exact))
