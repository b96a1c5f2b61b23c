"""The valuation workspace of the staff UI: value a project by rNPV from
its pipeline, see the results, re-run; scoped like the API."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pipelines.models import StageDefinition
from tests.factories import (
    InstitutionFactory,
    MilestoneScheduleItemFactory,
    ProjectUnderAgreementFactory,
    ResearchProjectFactory,
    RoyaltyTierFactory,
    UserFactory,
)
from tests.valuations.conftest import ISSUE_EXAMPLE
from valuations.choices import ValuationStatus
from valuations.models import Valuation
from valuations.services import valuation_run

pytestmark = pytest.mark.django_db

WORKSPACE = reverse("valuations:workspace")


def quick_inputs():
    import copy

    inputs = copy.deepcopy(ISSUE_EXAMPLE)
    inputs["simulation"]["trials"] = 2000
    return inputs


@pytest.fixture
def project(institution):
    """A drug project at its first stage, led by the staff user's
    institution."""
    return ResearchProjectFactory(lead_institution=institution)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def other_staff_client(client):
    """Staff of another institution: must not see ``project``."""
    client.force_login(UserFactory(institutions=[InstitutionFactory()]))
    return client


def new_url(project):
    return reverse("valuations:new", args=[project.code])


def detail_url(valuation):
    return reverse("valuations:detail", args=[valuation.pk])


def rows(prefix, items):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(len(items)),
    }
    for index, item in enumerate(items):
        data.update({f"{prefix}-{index}-{key}": value for key, value in item.items()})
    return data


def form_data(*, trials=2000, **changes):
    """The issue's example valuation as the form posts it."""
    data = {
        "label": "Licence offer",
        "currency": "USD",
        "discount_rate": "0.10",
        "timing": "end_of_year",
        "peak_sales": "1500",
        "ramp": "0.15, 0.35, 0.60, 0.85",
        "plateau_years": "6",
        "erosion": "0.40, 0.20, 0.10",
        "cogs_rate": "0.15",
        "opex_rate": "0.25",
        "tax_rate": "0.25",
        "launch_delay": "0",
        **rows(
            "phases",
            [
                {"name": "Phase I", "years": "2", "cost": "25", "success_probability": "0.52"},
                {"name": "Phase II", "years": "3", "cost": "60", "success_probability": "0.289"},
            ],
        ),
        "deal-include": "on",
        "deal-upfront": "10",
        "deal-royalty_basis": "marginal",
        "deal-royalty_years": "",
        "deal-licensee_cost_share": "1",
        **rows(
            "milestones",
            [
                {
                    "name": "Phase II start",
                    "amount": "15",
                    "trigger": "phase_success",
                    "phase": "Phase I",
                },
                {
                    "name": "Sales above 1000",
                    "amount": "50",
                    "trigger": "sales",
                    "sales_threshold": "1000",
                },
            ],
        ),
        **rows(
            "tiers",
            [
                {"up_to": "500", "rate": "0.05"},
                {"up_to": "1000", "rate": "0.08"},
                {"up_to": "", "rate": "0.10"},
            ],
        ),
        "simulation-include": "on",
        "simulation-trials": str(trials),
        "simulation-seed": "7",
        "simulation-bins": "20",
        "simulation-peak_sales_distribution": "triangular",
        "simulation-low": "750",
        "simulation-mode": "1500",
        "simulation-high": "2250",
    }
    data.update(changes)
    return data


# --- pages ------------------------------------------------------------------


def test_the_workspace_lists_the_valuations_and_the_projects_staff_may_value(
    staff_client, staff_user, project
):
    own = valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(), by=staff_user, label="Offer A"
    )
    foreign_project = ResearchProjectFactory(title="Another institution's vaccine")
    foreign = valuation_run(
        project=foreign_project, method="rnpv", inputs=quick_inputs(), by=None, label="Hidden"
    )

    response = staff_client.get(WORKSPACE)

    assert response.status_code == 200
    assert "Offer A" in response.text and detail_url(own) in response.text
    assert "Hidden" not in response.text and detail_url(foreign) not in response.text
    assert new_url(project) in response.text
    assert new_url(foreign_project) not in response.text
    assert "251 USD" in response.text  # rNPV, formatted


def test_the_workspace_finds_a_project_to_value_by_code_or_title(staff_client, institution):
    kras = ResearchProjectFactory(lead_institution=institution, title="KRAS inhibitor")
    maize = ResearchProjectFactory(lead_institution=institution, title="Maize trait")

    response = staff_client.get(WORKSPACE, {"q": "kras"})

    assert new_url(kras) in response.text and new_url(maize) not in response.text


def test_the_navigation_links_to_the_workspace(staff_client):
    response = staff_client.get(WORKSPACE)

    assert f'href="{WORKSPACE}"' in response.text


def test_anonymous_visitors_are_sent_to_sign_in(client, project):
    for url in (WORKSPACE, new_url(project)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


# --- the form, prefilled -------------------------------------------------------


def test_the_form_starts_from_the_pipeline_and_the_reference_probabilities(staff_client, project):
    """A drug project at basic research: every stage ahead is a phase, the
    clinical ones with the published rate (Phase II: 28.9%), durations
    rounded up to whole years; the market itself is no phase."""
    response = staff_client.get(new_url(project))

    assert response.status_code == 200
    phases = response.context["workspace"].phases.initial
    names = [phase["name"] for phase in phases]
    assert names[0] == "Basic research" and "Market" not in names
    phase_2 = next(phase for phase in phases if phase["name"] == "Phase II")
    assert Decimal(phase_2["success_probability"]) == Decimal("0.289")
    assert phase_2["years"] == 3
    assert 'value="Phase II"' in response.text
    assert 'name="phases-TOTAL_FORMS"' in response.text


def test_the_deal_is_prefilled_from_the_projects_agreement(staff_client, staff_user):
    """A milestone on entering Phase II is paid on the success of Phase I;
    royalty tiers by lower bound become bands with an open last one."""
    project = ProjectUnderAgreementFactory(
        agreement__currency="USD", agreement__upfront_amount=Decimal("2000000")
    )
    staff_user.institutions.add(project.lead_institution)
    phase_2 = StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", code="phase_2")
    MilestoneScheduleItemFactory(
        agreement=project.agreement,
        name="Phase II start",
        amount=Decimal("5000000"),
        trigger_stage=phase_2,
    )
    RoyaltyTierFactory(agreement=project.agreement, lower_bound=0, rate_percent=5)
    RoyaltyTierFactory(agreement=project.agreement, lower_bound=100_000_000, rate_percent=8)

    response = staff_client.get(new_url(project))

    workspace = response.context["workspace"]
    assert workspace.deal.initial["include"] is True
    assert Decimal(workspace.deal.initial["upfront"]) == Decimal("2000000")
    assert workspace.milestones.initial == [
        {
            "name": "Phase II start",
            "amount": "5000000.00",
            "trigger": "phase_success",
            "phase": "Phase I",
            "sales_threshold": None,
        }
    ]
    assert [(t["up_to"], Decimal(t["rate"])) for t in workspace.tiers.initial] == [
        ("100000000.00", Decimal("0.05")),
        (None, Decimal("0.08")),
    ]
    assert project.agreement.reference in response.text


def test_a_foreign_project_cannot_be_valued(other_staff_client, project):
    response = other_staff_client.get(new_url(project))
    post = other_staff_client.post(new_url(project), form_data())

    assert (response.status_code, post.status_code) == (404, 404)
    assert not Valuation.objects.exists()


# --- running it ------------------------------------------------------------------


def test_a_valid_run_stores_the_valuation_and_shows_its_results(staff_client, staff_user, project):
    response = staff_client.post(new_url(project), form_data())

    valuation = Valuation.objects.get()
    assert response.status_code == 302 and response.url == detail_url(valuation)
    assert valuation.status == ValuationStatus.DONE
    assert valuation.created_by == staff_user and valuation.label == "Licence offer"
    assert valuation.results["rnpv"] == pytest.approx(250.7316017762574)
    assert valuation.inputs["deal"]["milestones"][1]["on_annual_sales_at_least"] == 1000

    page = staff_client.get(response.url)

    assert page.status_code == 200
    text = page.text
    assert "251" in text and "1,892" in text and "15.0%" in text  # rNPV, NPV, P(market)
    assert 'id="cashflow-chart"' in text and 'id="yearly-table"' in text
    assert 'id="histogram-chart"' in text and 'id="histogram-table"' in text
    assert 'id="outcomes-table"' in text and "Fails in Phase I" in text
    assert 'id="structures-table"' in text and "Lump sum" in text
    assert "64" in text  # the lump-sum equivalent
    assert "chart.umd.min.js" in text and 'id="valuation-chart-data"' in text
    assert project.get_absolute_url() in text


def test_invalid_input_shows_errors_next_to_the_fields_and_saves_nothing(staff_client, project):
    """Errors of the form itself and of the API's input rules both land
    next to their fields; what was typed stays."""
    data = form_data(**{"phases-1-success_probability": "1.5", "deal-upfront": "-3"})

    response = staff_client.post(new_url(project), data)

    assert response.status_code == 200
    assert not Valuation.objects.exists()
    workspace = response.context["workspace"]
    assert workspace.phases.forms[1].errors["success_probability"] == [
        "Ensure this value is less than or equal to 1."
    ]
    assert workspace.deal.errors["upfront"]
    assert 'aria-invalid="true"' in response.text
    assert 'value="Sales above 1000"' in response.text  # nothing lost
    assert "Nothing was saved" in response.text


def test_cross_field_rules_of_the_inputs_are_shown_on_the_rows(staff_client, project):
    data = form_data(**{"milestones-0-phase": "Phase IX", "phases-1-name": "Phase I"})

    response = staff_client.post(new_url(project), data)

    assert not Valuation.objects.exists()
    workspace = response.context["workspace"]
    assert workspace.phases.forms[1].errors["name"] == ["Phase names are unique."]
    assert "Phase IX" in workspace.milestones.forms[0].errors["phase"][0]


def test_royalty_tiers_out_of_order_are_marked_on_their_row(staff_client, project):
    response = staff_client.post(new_url(project), form_data(**{"tiers-1-up_to": "400"}))

    assert not Valuation.objects.exists()
    assert response.context["workspace"].tiers.forms[1].errors["up_to"] == [
        "Tiers are in increasing order of their upper bound."
    ]


def test_a_milestone_on_sales_needs_its_threshold(staff_client, project):
    response = staff_client.post(
        new_url(project), form_data(**{"milestones-1-sales_threshold": ""})
    )

    assert response.context["workspace"].milestones.forms[1].errors["sales_threshold"]
    assert not Valuation.objects.exists()


def test_deleted_rows_are_left_out(staff_client, project):
    response = staff_client.post(
        new_url(project), form_data(**{"milestones-1-DELETE": "on", "deal-include": "on"})
    )

    valuation = Valuation.objects.get()
    assert response.status_code == 302
    assert [m["name"] for m in valuation.inputs["deal"]["milestones"]] == ["Phase II start"]


def test_without_deal_and_simulation_only_the_rnpv_is_computed(staff_client, project):
    data = form_data()
    del data["deal-include"], data["simulation-include"]

    staff_client.post(new_url(project), data)

    valuation = Valuation.objects.get()
    assert valuation.inputs["deal"] is None and valuation.inputs["simulation"] is None
    page = staff_client.get(detail_url(valuation))
    assert 'id="structures-table"' not in page.text and 'id="histogram-chart"' not in page.text


# --- background runs and progress -----------------------------------------------


def test_a_large_simulation_is_queued_and_the_page_polls_for_progress(staff_client, project):
    """More than 100,000 trials run in a Celery task after the commit; the
    result page polls the status partial every 2 s meanwhile."""
    response = staff_client.post(new_url(project), form_data(trials=200_000))

    valuation = Valuation.objects.get()
    assert valuation.status == ValuationStatus.QUEUED
    page = staff_client.get(response.url)
    assert 'hx-trigger="every 2s"' in page.text and 'role="status"' in page.text
    assert reverse("valuations:status", args=[valuation.pk]) in page.text
    assert 'id="cashflow-chart"' not in page.text


def test_the_status_partial_reports_progress_while_queued(staff_client, staff_user, project):
    inputs = quick_inputs()
    inputs["simulation"]["trials"] = 200_000
    valuation = valuation_run(project=project, method="rnpv", inputs=inputs, by=staff_user)
    status_url = reverse("valuations:status", args=[valuation.pk])

    response = staff_client.get(status_url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "Queued" in response.text and "200,000" in response.text
    assert 'hx-trigger="every 2s"' in response.text
    assert "<html" not in response.text  # a fragment


def test_the_status_partial_reloads_the_page_once_the_run_has_finished(
    staff_client, staff_user, project
):
    valuation = valuation_run(project=project, method="rnpv", inputs=quick_inputs(), by=None)

    response = staff_client.get(
        reverse("valuations:status", args=[valuation.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 204 and response["HX-Refresh"] == "true"


# --- re-run and scoping ---------------------------------------------------------


def test_a_rerun_is_a_new_valuation_pointing_to_the_first(staff_client, staff_user, project):
    first = valuation_run(project=project, method="rnpv", inputs=quick_inputs(), by=staff_user)

    response = staff_client.post(reverse("valuations:rerun", args=[first.pk]))

    rerun = Valuation.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302 and response.url == detail_url(rerun)
    assert rerun.rerun_of == first and rerun.results["rnpv"] == first.results["rnpv"]
    assert f"re-run of #{first.pk}" in staff_client.get(response.url).text


def test_another_institutions_valuation_answers_404(other_staff_client, project):
    valuation = valuation_run(project=project, method="rnpv", inputs=quick_inputs(), by=None)

    responses = [
        other_staff_client.get(detail_url(valuation)),
        other_staff_client.get(reverse("valuations:status", args=[valuation.pk])),
        other_staff_client.post(reverse("valuations:rerun", args=[valuation.pk])),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert Valuation.objects.count() == 1


def test_a_partners_valuation_is_hidden_from_staff(staff_client, partner_user, project):
    """Each side's valuations are its negotiating position."""
    project.partner_enterprises.add(partner_user.enterprise)
    valuation = valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(), by=partner_user, label="Theirs"
    )

    assert staff_client.get(detail_url(valuation)).status_code == 404
    assert "Theirs" not in staff_client.get(WORKSPACE).text


def test_rerun_is_post_only(staff_client, staff_user, project):
    valuation = valuation_run(project=project, method="rnpv", inputs=quick_inputs(), by=None)

    assert staff_client.get(reverse("valuations:rerun", args=[valuation.pk])).status_code == 405


# --- query counts ---------------------------------------------------------------


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_workspace_costs_the_same_queries_for_one_valuation_or_many(
    staff_client, staff_user, institution, project
):
    valuation_run(project=project, method="rnpv", inputs=quick_inputs(), by=staff_user)
    one = queries_for(staff_client, WORKSPACE)
    for _index in range(12):
        other = ResearchProjectFactory(lead_institution=institution)
        valuation_run(project=other, method="rnpv", inputs=quick_inputs(), by=staff_user)

    many = queries_for(staff_client, WORKSPACE)

    assert many == one


def test_the_result_and_form_pages_cost_a_bounded_number_of_queries(
    staff_client, staff_user, project
):
    valuation = valuation_run(project=project, method="rnpv", inputs=quick_inputs(), by=None)

    assert queries_for(staff_client, detail_url(valuation)) <= 8
    # The form's defaults read the latest patent expiry among the project's
    # achievements and their IP costs: a query each.
    assert queries_for(staff_client, new_url(project)) <= 16


def test_one_enterprise_cost_share_over_every_phase_becomes_the_licensee_share(
    staff_client, staff_user
):
    from tests.factories import CostShareFactory

    project = ProjectUnderAgreementFactory(
        agreement__currency="USD", agreement__upfront_amount=Decimal("1000000")
    )
    staff_user.institutions.add(project.lead_institution)
    stages = StageDefinition.objects.filter(pipeline__code="BIOMED-DRUG").order_by("position")
    for party, percent in (("enterprise", 60), ("research", 40)):
        CostShareFactory(
            agreement=project.agreement,
            first_stage=stages.first(),
            last_stage=stages.last(),
            party=party,
            percent=percent,
        )

    response = staff_client.get(new_url(project))

    assert Decimal(response.context["workspace"].deal.initial["licensee_cost_share"]) == (
        Decimal("0.6")
    )


def test_the_result_page_reads_in_chinese(staff_client, project):
    """Numbers follow the language's format: Chinese pages group thousands
    with commas (config/formats/zh_Hans), as Chinese financial documents do."""
    valuation = valuation_run(project=project, method="rnpv", inputs=quick_inputs(), by=None)

    response = staff_client.get(detail_url(valuation), headers={"accept-language": "zh-hans"})

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text
    assert "1,892" in response.text


def test_a_project_at_its_last_stage_can_still_be_valued_from_the_form(staff_client, institution):
    market = StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", code="market")
    project = ResearchProjectFactory(lead_institution=institution, current_stage=market)

    response = staff_client.get(new_url(project))

    assert response.status_code == 200
    assert response.context["workspace"].phases.initial == []


def test_an_api_worded_message_is_said_in_the_forms_words(staff_client, project):
    response = staff_client.post(new_url(project), form_data(**{"tiers-2-up_to": "5000"}))

    assert response.context["workspace"].tiers.forms[2].errors["up_to"] == [
        "The last tier is open-ended: leave it empty."
    ]


# --- the project page's valuations, ready to include -------------------------------


def render_project_valuations(user, project):
    from django.template import engines
    from django.test import RequestFactory

    request = RequestFactory().get(project.get_absolute_url())
    request.user = user
    template = engines["django"].from_string(
        "{% load valuations_ui %}{% project_valuations project %}"
    )
    return template.render({"project": project}, request)


def test_a_projects_valuations_show_the_latest_result_and_the_history(
    staff_user, partner_user, project
):
    """Only the valuations of the viewer's side, in one query."""
    project.partner_enterprises.add(partner_user.enterprise)
    older = valuation_run(project=project, method="rnpv", inputs=quick_inputs(), by=staff_user)
    latest = valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(), by=staff_user, label="Latest"
    )
    theirs = valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(), by=partner_user, label="Theirs"
    )

    with CaptureQueriesContext(connection) as queries:
        html = render_project_valuations(staff_user, project)

    assert len(queries) == 1
    assert detail_url(latest) in html and detail_url(older) in html
    assert "Theirs" not in html and detail_url(theirs) not in html
    assert "251 USD" in html and 'id="cashflow-chart"' in html
    assert 'id="valuation-chart-data"' in html and new_url(project) in html


def test_a_project_not_valued_yet_says_so(staff_user, project):
    html = render_project_valuations(staff_user, project)

    assert "Not valued yet." in html and 'id="cashflow-chart"' not in html


def test_assumptions_of_an_earlier_valuation_can_be_edited_into_a_new_one(
    staff_client, staff_user, project
):
    earlier = valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(), by=staff_user, label="Draft 1"
    )

    response = staff_client.get(new_url(project), {"from": earlier.pk})

    workspace = response.context["workspace"]
    assert [p["name"] for p in workspace.phases.initial] == ["Phase I", "Phase II"]
    assert workspace.assumptions.initial["peak_sales"] == 1500
    assert workspace.assumptions.initial["label"] == "Draft 1"
    assert workspace.simulation.initial["seed"] == 7
    assert [m["name"] for m in workspace.milestones.initial] == [
        "Phase II start",
        "Sales above 1000",
    ]
    assert f"valuation #{earlier.pk}" in response.text
    assert f"?from={earlier.pk}" in staff_client.get(detail_url(earlier)).text


def test_another_sides_valuation_cannot_be_a_starting_point(staff_client, partner_user, project):
    project.partner_enterprises.add(partner_user.enterprise)
    theirs = valuation_run(project=project, method="rnpv", inputs=quick_inputs(), by=partner_user)

    assert staff_client.get(new_url(project), {"from": theirs.pk}).status_code == 404


def test_a_failed_valuation_shows_its_error_and_no_results(staff_client, staff_user, project):
    inputs = quick_inputs()
    inputs["simulation"]["trials"] = 200_000
    valuation = valuation_run(project=project, method="rnpv", inputs=inputs, by=staff_user)
    Valuation.objects.filter(pk=valuation.pk).update(
        status=ValuationStatus.FAILED, error="phases.0.cost: too large"
    )

    page = staff_client.get(detail_url(valuation))

    assert "Failed" in page.text and "phases.0.cost: too large" in page.text
    assert 'hx-trigger="every 2s"' not in page.text and 'id="cashflow-chart"' not in page.text
