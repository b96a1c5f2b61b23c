import pytest
from rest_framework.test import APIClient

from tests.factories import ResearchProjectFactory
from valuations.engine.deal import Deal, Milestone, RoyaltyTier
from valuations.engine.rnpv import Asset, Commercial, Phase


@pytest.fixture
def small_asset():
    """Two phases and two years on the market: small enough to value by
    hand (see test_engine_rnpv)."""
    return Asset(
        phases=(Phase("A", 1, 10.0, 0.5), Phase("B", 2, 20.0, 0.4)),
        commercial=Commercial(
            peak_sales=100.0,
            ramp=(0.5,),
            plateau_years=1,
            cogs_rate=0.2,
            opex_rate=0.3,
            tax_rate=0.2,
        ),
        discount_rate=0.10,
    )


@pytest.fixture
def small_deal():
    return Deal(
        upfront=5.0,
        milestones=(
            Milestone("A passed", 3.0, on_phase_success="A"),
            Milestone("Sales of 80", 7.0, on_annual_sales_at_least=80.0),
        ),
        royalty_tiers=(RoyaltyTier(60.0, 0.10), RoyaltyTier(None, 0.20)),
    )


ISSUE_EXAMPLE = {
    "currency": "USD",
    "discount_rate": 0.10,
    "timing": "end_of_year",
    "phases": [
        {"name": "Phase I", "years": 2, "cost": 25, "success_probability": 0.52},
        {"name": "Phase II", "years": 3, "cost": 60, "success_probability": 0.289},
    ],
    "commercial": {
        "peak_sales": 1500,
        "ramp": [0.15, 0.35, 0.60, 0.85],
        "plateau_years": 6,
        "erosion": [0.40, 0.20, 0.10],
        "cogs_rate": 0.15,
        "opex_rate": 0.25,
        "tax_rate": 0.25,
    },
    "deal": {
        "upfront": 10,
        "milestones": [
            {"name": "Phase II start", "amount": 15, "on_phase_success": "Phase I"},
            {"name": "Sales above 1000", "amount": 50, "on_annual_sales_at_least": 1000},
        ],
        "royalty_tiers": [
            {"up_to": 500, "rate": 0.05},
            {"up_to": 1000, "rate": 0.08},
            {"up_to": None, "rate": 0.10},
        ],
        "royalty_basis": "marginal",
        "licensee_cost_share": 1.0,
    },
    "simulation": {
        "trials": 200000,
        "seed": 7,
        "peak_sales": {"distribution": "triangular", "low": 750, "mode": 1500, "high": 2250},
    },
}


@pytest.fixture
def issue_example():
    import copy

    return copy.deepcopy(ISSUE_EXAMPLE)


def api_client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff_user):
    return api_client_for(staff_user)


@pytest.fixture
def partner_client(partner_user):
    return api_client_for(partner_user)


@pytest.fixture
def other_partner_client(other_partner_user):
    return api_client_for(other_partner_user)


@pytest.fixture
def project(db, institution, enterprise):
    """A drug project led by the staff user's institution, with the partner
    user's enterprise as partner."""
    return ResearchProjectFactory(lead_institution=institution, partner_enterprises=[enterprise])
