"""Portfolio runs through the API: a run of a party the user sees, coded
400s for what cannot be valued, 404 for another partner's party or run."""

import pytest

from tests.factories import ResearchProjectFactory
from tests.valuations.test_portfolio_services import valued

pytestmark = pytest.mark.django_db

URL = "/api/v1/valuations/portfolios/"


@pytest.fixture
def shared(institution, enterprise, staff_user, partner_user):
    """A project of the institution and the enterprise, valued by each side."""
    project = ResearchProjectFactory(
        lead_institution=institution, partner_enterprises=[enterprise]
    )
    valued(project, staff_user)
    valued(project, partner_user, peak_sales=1200)
    return project


def test_staff_run_an_institutions_portfolio(staff_client, institution, shared):
    response = staff_client.post(
        URL,
        {"scope": "institution", "id": institution.pk, "correlation": 0.2, "trials": 5000},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "done"
    assert body["progress"] == 1.0
    assert body["results"]["exact"]["projects"] == 1
    assert body["results"]["simulated"]["trials"] == 5000
    detail = staff_client.get(f"{URL}{body['id']}/")
    assert detail.status_code == 200
    assert detail.json()["results"] == body["results"]
    assert [run["id"] for run in staff_client.get(URL).json()["results"]] == [body["id"]]


@pytest.mark.parametrize("correlation", [-0.1, 1, 1.5])
def test_a_correlation_outside_zero_to_one_is_a_400(staff_client, institution, correlation):
    response = staff_client.post(
        URL,
        {"scope": "institution", "id": institution.pk, "correlation": correlation},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "out_of_range"
    assert "correlation" in response.json()["error"]["fields"]


def test_mixed_currencies_without_a_rate_are_a_400_on_currency(
    staff_client, staff_user, institution
):
    for currency in ("USD", "EUR"):
        valued(ResearchProjectFactory(lead_institution=institution), staff_user, currency=currency)

    response = staff_client.post(
        URL, {"scope": "institution", "id": institution.pk}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "exchange_rate_missing"
    assert "currency" in error["fields"]


def test_an_unknown_party_is_a_404(staff_client):
    response = staff_client.post(URL, {"scope": "joint_centre", "id": 999999}, format="json")

    assert response.status_code == 404


def test_a_portfolio_without_valued_projects_is_a_400(staff_client, institution):
    ResearchProjectFactory(lead_institution=institution)

    response = staff_client.post(
        URL, {"scope": "institution", "id": institution.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_valued_projects"


def test_a_partner_cannot_run_or_read_another_enterprises_portfolio(
    partner_client, other_partner_client, enterprise, shared
):
    own = partner_client.post(URL, {"scope": "enterprise", "id": enterprise.pk}, format="json")
    assert own.status_code == 201

    foreign = other_partner_client.post(
        URL, {"scope": "enterprise", "id": enterprise.pk}, format="json"
    )
    detail = other_partner_client.get(f"{URL}{own.json()['id']}/")

    assert foreign.status_code == 404
    assert detail.status_code == 404
    assert other_partner_client.get(URL).json()["results"] == []


def test_staff_do_not_see_a_partners_run(partner_client, staff_client, enterprise, shared):
    run = partner_client.post(URL, {"scope": "enterprise", "id": enterprise.pk}, format="json")

    assert staff_client.get(f"{URL}{run.json()['id']}/").status_code == 404
