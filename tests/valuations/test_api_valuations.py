"""Stored valuations through the API: scoped to what the user may see,
immutable, re-runnable, large simulations queued."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ExchangeRateFactory, ResearchProjectFactory
from tests.valuations.conftest import api_client_for
from valuations.choices import ValuationStatus
from valuations.models import Valuation
from valuations.services import valuation_run

pytestmark = pytest.mark.django_db

URL = "/api/v1/valuations/"


def quick_inputs(issue_example):
    issue_example["simulation"]["trials"] = 2000
    return issue_example


def test_staff_value_a_project_and_get_the_results_back(staff_client, project, issue_example):
    response = staff_client.post(
        URL,
        {
            "project": project.pk,
            "method": "rnpv",
            "inputs": quick_inputs(issue_example),
            "label": "Licence offer",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "done"
    assert body["engine_version"]
    assert body["results"]["rnpv"] == pytest.approx(250.7316017762574)
    assert body["inputs"]["simulation"]["seed"] == 7
    assert body["currency"] == "USD"


def test_invalid_inputs_are_a_400_naming_the_field(staff_client, project, issue_example):
    issue_example["phases"][0]["years"] = 0

    response = staff_client.post(
        URL, {"project": project.pk, "method": "rnpv", "inputs": issue_example}, format="json"
    )

    assert response.status_code == 400
    assert "inputs.phases.0.years" in response.json()["error"]["fields"]
    assert not Valuation.objects.exists()


def test_another_partners_project_answers_404(other_partner_client, project, issue_example):
    """Neither valuing it, listing its valuations nor reading one reveals it."""
    valuation = valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(issue_example), by=None
    )

    create = other_partner_client.post(
        URL, {"project": project.pk, "method": "rnpv", "inputs": issue_example}, format="json"
    )
    listing = other_partner_client.get(URL, {"project": project.pk})
    detail = other_partner_client.get(f"{URL}{valuation.pk}/")
    rerun = other_partner_client.post(f"{URL}{valuation.pk}/rerun/")
    defaults = other_partner_client.get(f"{URL}defaults/", {"project": project.pk})

    assert [r.status_code for r in (create, listing, detail, rerun, defaults)] == [404] * 5
    assert other_partner_client.get(URL).json()["results"] == []


def test_a_partner_values_its_own_project_and_staff_do_not_see_it(
    partner_client, staff_client, project, issue_example
):
    """Each side's valuations are its negotiating position."""
    response = partner_client.post(
        URL,
        {"project": project.pk, "method": "rnpv", "inputs": quick_inputs(issue_example)},
        format="json",
    )
    valuation_id = response.json()["id"]

    assert response.status_code == 201
    assert partner_client.get(f"{URL}{valuation_id}/").status_code == 200
    assert staff_client.get(f"{URL}{valuation_id}/").status_code == 404


def test_partners_do_not_see_staff_valuations_of_their_project(
    partner_client, staff_user, project, issue_example
):
    valuation = valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(issue_example), by=staff_user
    )

    assert partner_client.get(f"{URL}{valuation.pk}/").status_code == 404
    assert partner_client.get(URL, {"project": project.pk}).json()["results"] == []


def test_the_list_shows_a_projects_valuations_newest_first(
    staff_client, staff_user, project, issue_example
):
    first = valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(issue_example), by=staff_user
    )
    second = valuation_run(
        project=project,
        method="scorecard",
        inputs={
            "trl": 2,
            "scores": dict.fromkeys(
                [
                    "scientific_value",
                    "innovation",
                    "market_application_value",
                    "maturity",
                    "time_to_market",
                    "ip_strength",
                ],
                3,
            ),
        },
        by=staff_user,
    )
    other_project = ResearchProjectFactory(lead_institution=project.lead_institution)
    valuation_run(project=other_project, method="rnpv", inputs=issue_example, by=staff_user)

    rows = staff_client.get(URL, {"project": project.pk}).json()["results"]

    assert [row["id"] for row in rows] == [second.pk, first.pk]
    assert rows[1]["headline_value"] == pytest.approx(first.results["rnpv"])


def test_the_list_costs_the_same_queries_for_one_row_or_many(
    staff_client, staff_user, project, issue_example, django_assert_num_queries
):
    inputs = quick_inputs(issue_example)
    del inputs["simulation"]
    valuation_run(project=project, method="rnpv", inputs=inputs, by=staff_user)
    staff_client.get(URL)  # the session's first request may write to it
    with CaptureQueriesContext(connection) as one_row:
        staff_client.get(URL)
    for _ in range(10):
        valuation_run(project=project, method="rnpv", inputs=inputs, by=staff_user)

    with django_assert_num_queries(len(one_row.captured_queries)):
        rows = staff_client.get(URL).json()["results"]

    assert len(rows) == 11


def test_a_rerun_is_a_new_valuation_of_the_same_inputs(
    staff_client, staff_user, project, issue_example
):
    first = valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(issue_example), by=staff_user
    )

    response = staff_client.post(f"{URL}{first.pk}/rerun/")

    assert response.status_code == 201
    body = response.json()
    assert body["id"] != first.pk
    assert body["rerun_of"] == first.pk
    assert body["inputs"] == first.inputs
    assert body["results"] == first.results


def test_valuations_cannot_be_changed_or_deleted_through_the_api(
    staff_client, staff_user, project, issue_example
):
    valuation = valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(issue_example), by=staff_user
    )

    put = staff_client.put(f"{URL}{valuation.pk}/", {"label": "x"}, format="json")
    delete = staff_client.delete(f"{URL}{valuation.pk}/")

    assert put.status_code == 405
    assert delete.status_code == 405


def test_a_large_simulation_is_queued_and_answers_202(
    staff_client, project, issue_example, django_capture_on_commit_callbacks
):
    issue_example["simulation"]["trials"] = 150_000

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(
            URL,
            {"project": project.pk, "method": "rnpv", "inputs": issue_example},
            format="json",
        )

    assert response.status_code == 202
    assert response.json()["status"] == ValuationStatus.QUEUED
    assert response.json()["results"] is None
    assert len(callbacks) == 1


def test_a_scorecard_is_stored_with_a_valuation(staff_client, project, issue_example):
    scorecard = {
        "trl": 4,
        "scores": dict.fromkeys(
            [
                "scientific_value",
                "innovation",
                "market_application_value",
                "maturity",
                "time_to_market",
                "ip_strength",
            ],
            5,
        ),
    }

    response = staff_client.post(
        URL,
        {
            "project": project.pk,
            "method": "rnpv",
            "inputs": quick_inputs(issue_example),
            "scorecard": scorecard,
        },
        format="json",
    )

    assert response.json()["scorecard"]["criteria_score"] == pytest.approx(100)
    assert response.json()["scorecard"]["grade"] == "A"


def test_defaults_give_the_pipeline_stages_ahead_as_phases(staff_client, project):
    response = staff_client.get(f"{URL}defaults/", {"project": project.pk})

    assert response.status_code == 200
    phases = response.json()["rnpv"]["phases"]
    assert phases[0]["name"] == "Basic research"
    assert all(isinstance(phase["years"], int) and phase["years"] >= 1 for phase in phases)
    phase_2 = next(phase for phase in phases if phase["name"] == "Phase II")
    assert phase_2["success_probability"] == "0.289"
    assert "Market" not in [phase["name"] for phase in phases]


def test_defaults_are_valid_rnpv_inputs_once_sales_are_forecast(staff_client, project):
    # The pipeline's reference costs are in USD, the project in CNY: with a
    # rate recorded they are converted, and the inputs are complete.
    ExchangeRateFactory(valid_on=datetime.date(2020, 1, 1))
    inputs = staff_client.get(f"{URL}defaults/", {"project": project.pk}).json()["rnpv"]
    inputs["commercial"]["peak_sales"] = 500_000_000

    response = staff_client.post("/api/v1/valuations/compute/rnpv/", inputs, format="json")

    assert response.status_code == 200


def test_signed_out_users_see_nothing(client):
    assert client.get(URL).status_code in (401, 403)


def test_reference_rates_are_readable_with_their_sources(partner_client):
    rows = partner_client.get("/api/v1/valuations/reference-rates/").json()

    rows = rows["results"] if isinstance(rows, dict) else rows
    phase_1 = next(r for r in rows if r["phase"] == "phase_1" and r["therapeutic_area"] == "")
    assert phase_1["success_probability"] == "0.5200"
    assert "2011-2020" in phase_1["source"]


def test_inactive_users_see_no_valuations(staff_user, project, issue_example):
    valuation_run(
        project=project, method="rnpv", inputs=quick_inputs(issue_example), by=staff_user
    )
    client = api_client_for(staff_user)
    staff_user.is_active = False
    staff_user.save()

    assert client.get(URL).status_code in (401, 403)
