"""The workspace's negotiation tools: the option to abandon with its
decision tree, the menu of deal structures with its risk chart, and the
calculator that solves the deal for one term."""

import pytest
from django.urls import reverse

from tests.factories import InstitutionFactory, ResearchProjectFactory, UserFactory
from tests.ui.test_valuations_ui import detail_url, form_data, new_url, rows
from tests.valuations.conftest import ISSUE_EXAMPLE
from valuations.models import Valuation
from valuations.services import valuation_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(institution):
    return ResearchProjectFactory(lead_institution=institution)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def negotiation_data(**changes):
    return form_data(
        trials=1000,
        **{
            "revelation-include": "on",
            "revelation-after_phase": "Phase I",
            **rows(
                "scenarios",
                [
                    {"probability": "0.3", "peak_sales": "50"},
                    {"probability": "0.5", "peak_sales": "1500"},
                    {"probability": "0.2", "peak_sales": "3000"},
                ],
            ),
            "menu-include": "on",
            "menu-target": "40",
            "menu-trials": "2000",
            "menu-seed": "5",
            **changes,
        },
    )


def test_the_option_and_the_menu_are_stored_with_the_valuation_and_shown(staff_client, project):
    response = staff_client.post(new_url(project), negotiation_data())

    valuation = Valuation.objects.get()
    assert response.status_code == 302, response.context["workspace"].assumptions.errors
    assert valuation.inputs["revelation"]["after_phase"] == "Phase I"
    assert len(valuation.inputs["revelation"]["scenarios"]) == 3
    assert valuation.inputs["menu"] == {
        "target": 40.0,
        "structures": valuation.inputs["menu"]["structures"],
        "trials": 2000,
        "seed": 5,
    }
    menu = valuation.results["menu"]
    assert [s["licensor"]["exact"]["mean"] for s in menu["structures"]] == pytest.approx(
        [40.0] * 6
    )

    page = staff_client.get(detail_url(valuation)).text
    assert 'class="decision-tree"' in page and 'id="flexibility-table"' in page
    assert page.count("<rect ") == 3  # one decision per scenario
    assert 'id="menu-table"' in page and 'class="risk-chart"' in page
    for label in ("All upfront", "Balanced", "Royalty-heavy", "All royalties"):
        assert label in page
    assert 'id="solve-heading"' in page


def test_going_on_regardless_and_stopping_are_told_apart(staff_client, project):
    staff_client.post(new_url(project), negotiation_data())
    valuation = Valuation.objects.get()
    flexibility = valuation.results["flexibility"]
    assert [s["continue"] for s in flexibility["scenarios"]] == [False, True, True]
    table = staff_client.get(detail_url(valuation)).text.split('id="flexibility-table"')[1]
    assert table.index("Stop") < table.index("Go on")


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"revelation-after_phase": ""}, "flexibility"),
        ({"revelation-after_phase": "Phase IX"}, "flexibility"),
        ({"scenarios-0-probability": "0.9"}, "scenarios"),
        ({"menu-target": ""}, "menu"),
        ({"menu-target": "-1"}, "menu"),
    ],
)
def test_bad_negotiation_inputs_are_shown_on_their_section_and_nothing_is_saved(
    staff_client, project, changes, where
):
    response = staff_client.post(new_url(project), negotiation_data(**changes))

    assert response.status_code == 200
    assert not Valuation.objects.exists()
    workspace = response.context["workspace"]
    if where == "flexibility":
        assert workspace.flexibility.errors["after_phase"]
    elif where == "scenarios":
        assert "add up to" in " ".join(workspace.section_errors["scenarios"])
    else:
        assert workspace.menu.errors["target"]
    assert "Nothing was saved" in response.text


def test_a_page_without_the_new_sections_still_values(staff_client, project):
    """Forms posted without the option's rows value as before."""
    response = staff_client.post(new_url(project), form_data(trials=1000))
    assert response.status_code == 302
    inputs = Valuation.objects.get().inputs
    assert inputs["revelation"] is None and inputs["menu"] is None


def test_editing_a_valuation_keeps_its_option_and_menu(staff_client, project):
    staff_client.post(new_url(project), negotiation_data())
    valuation = Valuation.objects.get()
    response = staff_client.get(new_url(project) + f"?from={valuation.pk}")
    workspace = response.context["workspace"]
    assert workspace.flexibility.initial == {"include": True, "after_phase": "Phase I"}
    assert [row["peak_sales"] for row in workspace.scenarios.initial] == [50, 1500, 3000]
    assert workspace.menu.initial == {"include": True, "target": 40, "trials": 2000, "seed": 5}
    assert 'name="scenarios-2-peak_sales"' in response.text


def solve(client, valuation, **data):
    return client.post(
        reverse("valuations:solve", args=[valuation.pk]), data, HTTP_HX_REQUEST="true"
    )


@pytest.fixture
def valuation(staff_user, project):
    inputs = {key: value for key, value in ISSUE_EXAMPLE.items() if key != "simulation"}
    return valuation_run(project=project, method="rnpv", inputs=inputs, by=staff_user)


def test_the_calculator_solves_the_deal_for_the_upfront(staff_client, valuation):
    response = solve(staff_client, valuation, term="upfront", party="licensor", target="80")
    assert response.status_code == 200
    assert 'data-testid="solve-answer"' in response.text
    assert "80 USD" in response.text  # the licensor's rNPV


def test_the_calculator_says_what_range_can_be_reached(staff_client, valuation):
    response = solve(staff_client, valuation, term="royalty_scale", party="licensor", target="1e9")
    assert 'data-testid="solve-error"' in response.text
    assert "can range from" in response.text


def test_the_calculator_shows_form_errors(staff_client, valuation):
    response = solve(staff_client, valuation, term="discount", party="licensor", target="x")
    assert response.status_code == 200
    assert "alert-danger" in response.text


def test_another_institutions_valuation_cannot_be_solved(client, valuation):
    client.force_login(UserFactory(institutions=[InstitutionFactory()]))
    response = solve(client, valuation, term="upfront", party="licensor", target="80")
    assert response.status_code == 404


def test_the_negotiation_sections_read_in_chinese(staff_client, project):
    staff_client.post(new_url(project), negotiation_data())
    valuation = Valuation.objects.get()
    page = staff_client.get(detail_url(valuation), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "Menu of deal structures" not in page
    assert "Option to abandon" not in page
