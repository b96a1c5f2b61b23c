"""“Value this project” starts from the deal: the agreement's terms in the
agreement's currency, the pipeline's reference costs converted at a rate
the page names (or left empty and flagged without one); and the result
page says only what was run, what a negative price means, and nothing of
a background run that has finished."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from pipelines.models import StageDefinition
from tests.factories import (
    CostShareFactory,
    ExchangeRateFactory,
    MilestoneScheduleItemFactory,
    ProjectUnderAgreementFactory,
    ResearchProjectFactory,
    RoyaltyTierFactory,
)
from tests.ui.test_valuations_ui import form_data, quick_inputs
from tests.valuations.conftest import ISSUE_EXAMPLE
from valuations.models import Valuation
from valuations.services import valuation_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def cny_project(staff_user):
    """A drug project under a CNY licence with every kind of term."""
    project = ProjectUnderAgreementFactory(
        agreement__currency="CNY",
        agreement__reference="AGR-CNY",
        agreement__upfront_amount=Decimal("5000000"),
        agreement__royalty_basis="whole",
        agreement__royalty_term_years=10,
    )
    staff_user.institutions.add(project.lead_institution)
    drug = StageDefinition.objects.filter(pipeline__code="BIOMED-DRUG").order_by("position")
    MilestoneScheduleItemFactory(
        agreement=project.agreement,
        name="Phase II start",
        amount=Decimal("8000000"),
        trigger_stage=drug.get(code="phase_2"),
    )
    RoyaltyTierFactory(agreement=project.agreement, lower_bound=0, rate_percent=4)
    RoyaltyTierFactory(agreement=project.agreement, lower_bound=50_000_000, rate_percent=6)
    CostShareFactory(
        agreement=project.agreement,
        first_stage=drug.first(),
        last_stage=drug.last(),
        party="enterprise",
        percent=70,
    )
    return project


def new_url(project):
    return reverse("valuations:new", args=[project.code])


def test_the_deal_is_prefilled_in_the_agreements_currency(staff_client, cny_project):
    ExchangeRateFactory(rate=Decimal("7.1"), valid_on=datetime.date(2020, 1, 1))

    response = staff_client.get(new_url(cny_project))

    workspace = response.context["workspace"]
    assert workspace.assumptions.initial["currency"] == "CNY"
    deal = workspace.deal.initial
    assert deal["include"] is True
    assert Decimal(deal["upfront"]) == Decimal("5000000")
    assert (deal["royalty_basis"], deal["royalty_years"]) == ("whole", 10)
    assert Decimal(deal["licensee_cost_share"]) == Decimal("0.7")
    assert [
        (m["name"], Decimal(m["amount"]), m["phase"]) for m in workspace.milestones.initial
    ] == [("Phase II start", Decimal("8000000"), "Phase I")]
    assert [(t["up_to"], Decimal(t["rate"])) for t in workspace.tiers.initial] == [
        ("50000000.00", Decimal("0.04")),
        (None, Decimal("0.06")),
    ]
    assert "Prefilled from agreement AGR-CNY, in its currency (CNY)" in response.text


def test_the_reference_costs_are_converted_at_the_rate_the_page_names(staff_client, cny_project):
    ExchangeRateFactory(rate=Decimal("7.1"), valid_on=datetime.date(2020, 1, 1))
    phase_2 = StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", code="phase_2")

    response = staff_client.get(new_url(cny_project))

    phases = response.context["workspace"].phases.initial
    converted = next(p for p in phases if p["name"] == phase_2.name)
    assert phase_2.typical_cost_currency == "USD"
    assert Decimal(converted["cost"]) == (phase_2.typical_cost * Decimal("7.1")).quantize(
        Decimal("0.01")
    )
    assert "converted from USD to CNY at 1 USD = 7.1 CNY (rate of 1 Jan 2020)" in response.text
    assert 'data-testid="cost-unconverted"' not in response.text


def test_without_a_rate_the_reference_costs_are_left_empty_and_flagged(staff_client, cny_project):
    response = staff_client.get(new_url(cny_project))

    workspace = response.context["workspace"]
    assert workspace.assumptions.initial["currency"] == "CNY"
    assert all(phase["cost"] is None for phase in workspace.phases.initial)
    text = response.text
    assert 'data-testid="cost-unconverted"' in text
    assert "No USD→CNY exchange rate on or before" in text
    assert "are not converted and are left empty (Basic research: 1,000,000.00 USD;" in text
    # The deal's terms are in the agreement's currency and need no rate.
    assert workspace.deal.initial["include"] is True


def test_a_project_without_agreement_or_rate_starts_in_the_reference_costs_currency(
    staff_client, institution
):
    project = ResearchProjectFactory(lead_institution=institution, currency="CNY")

    response = staff_client.get(new_url(project))

    workspace = response.context["workspace"]
    assert workspace.assumptions.initial["currency"] == "USD"
    assert all(phase["cost"] is not None for phase in workspace.phases.initial)
    assert "the valuation starts in USD" in response.text


# --- Wording of the result page ---------------------------------------------------


def run(project, *, deal=True, simulation=True, **changes):
    inputs = quick_inputs()
    if not deal:
        inputs.pop("deal")
    if not simulation:
        inputs.pop("simulation")
    for key, value in changes.items():
        inputs[key] = value
    return valuation_run(project=project, method="rnpv", inputs=inputs, by=None)


@pytest.mark.parametrize(
    ("deal", "simulation", "label"),
    [
        (True, True, "Risk-adjusted NPV with deal split and simulation"),
        (True, False, "Risk-adjusted NPV with deal split"),
        (False, True, "Risk-adjusted NPV with simulation"),
        (False, False, "Risk-adjusted NPV"),
    ],
)
def test_the_method_label_says_only_what_was_run(
    staff_client, institution, deal, simulation, label
):
    project = ResearchProjectFactory(lead_institution=institution)
    valuation = run(project, deal=deal, simulation=simulation)

    page = staff_client.get(reverse("valuations:detail", args=[valuation.pk]))

    assert valuation.method_label == label
    assert f'<span data-testid="method-label">{label}</span>' in page.text


def test_a_negative_one_shot_price_is_explained(staff_client, institution):
    project = ResearchProjectFactory(lead_institution=institution)
    deal = copy.deepcopy(ISSUE_EXAMPLE["deal"])
    # The licensor bears most costs and gets almost nothing for them.
    deal.update(
        upfront="0",
        milestones=[],
        royalty_tiers=[{"up_to": None, "rate": "0.001"}],
        licensee_cost_share="0.1",
    )
    valuation = valuation_run(
        project=project,
        method="rnpv",
        inputs={**{k: v for k, v in quick_inputs().items() if k != "simulation"}, "deal": deal},
        by=None,
    )
    assert valuation.results["deal"]["lump_sum_equivalent"] < 0

    page = staff_client.get(reverse("valuations:detail", args=[valuation.pk]))

    assert 'data-testid="negative-price"' in page.text
    assert "the deal is worth less than nothing to the licensor" in page.text


def test_a_positive_price_needs_no_explanation(staff_client, institution):
    project = ResearchProjectFactory(lead_institution=institution)
    valuation = run(project, simulation=False)
    assert valuation.results["deal"]["lump_sum_equivalent"] > 0

    page = staff_client.get(reverse("valuations:detail", args=[valuation.pk]))

    assert 'data-testid="negative-price"' not in page.text


def test_a_run_that_has_finished_does_not_say_it_runs_in_the_background(staff_client, institution):
    project = ResearchProjectFactory(lead_institution=institution)

    response = staff_client.post(new_url(project), form_data(), follow=True)

    assert Valuation.objects.get().status == "done"
    assert "runs in the background" not in response.text


def test_a_queued_run_says_it_runs_in_the_background(staff_client, institution):
    project = ResearchProjectFactory(lead_institution=institution)

    response = staff_client.post(new_url(project), form_data(trials=200_000), follow=True)

    assert Valuation.objects.get().status == "queued"
    assert "The simulation runs in the background." in response.text
