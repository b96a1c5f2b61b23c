"""A project's valuation starts from its patents: exclusivity ends when the
last patent of its achievements expires (shown, with where it comes from,
and overridable), and the cost approach counts what protecting them cost."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from achievements.services import application_create, family_create, ip_cost_record
from tests.factories import AchievementFactory
from tests.valuations.conftest import api_client_for
from valuations.selectors import DEFAULT_PLATEAU_YEARS, valuation_defaults_for
from valuations.services import cost_inputs_resolve

pytestmark = pytest.mark.django_db

URL = "/api/v1/valuations/defaults/"


@pytest.fixture
def achievement(project, institution):
    """An achievement of the project, owned by the staff's institution."""
    achievement = AchievementFactory(owner=institution, reference="ACH-2020-0001")
    achievement.projects.add(project)
    return achievement


def file_family(staff_user, achievement, *, title, priority, applications):
    family = family_create(
        achievement=achievement, by=staff_user, title=title, priority_date=priority
    )
    for number, (jurisdiction, filed_on, status) in enumerate(applications):
        application_create(
            by=staff_user,
            family=family,
            jurisdiction=jurisdiction,
            kind="invention",
            application_number=f"{title[:3]}{number}",
            filed_on=filed_on,
            status=status,
        )
    family.refresh_from_db()
    return family


@pytest.fixture
def families(staff_user, achievement):
    """Two families: the later one expires on 15 March 2042 (20 years from
    its US filing); an abandoned application filed later does not count."""
    early = file_family(
        staff_user,
        achievement,
        title="Early family",
        priority=datetime.date(2020, 6, 1),
        applications=[("CN", datetime.date(2020, 6, 1), "filed")],
    )
    late = file_family(
        staff_user,
        achievement,
        title="Late family",
        priority=datetime.date(2022, 3, 15),
        applications=[
            ("US", datetime.date(2022, 3, 15), "filed"),
            ("EP", datetime.date(2023, 1, 10), "abandoned"),
        ],
    )
    return early, late


def expected_plateau(inputs, year):
    development = sum(phase["years"] for phase in inputs["phases"])
    launch = timezone.localdate().year + development
    return max(0, year - launch - len(inputs["commercial"]["ramp"]))


def test_exclusivity_ends_when_the_projects_last_patent_expires(staff_user, project, families):
    defaults = valuation_defaults_for(staff_user, project)

    exclusivity = defaults["exclusivity"]
    assert exclusivity["loss_of_exclusivity_year"] == 2042
    assert exclusivity["given"] is False
    assert exclusivity["latest_patent_expiry"]["expires_on"] == "2042-03-15"
    assert exclusivity["latest_patent_expiry"]["family_title"] == "Late family"
    assert exclusivity["latest_patent_expiry"]["achievement_reference"] == "ACH-2020-0001"
    plateau = defaults["rnpv"]["commercial"]["plateau_years"]
    assert plateau == exclusivity["plateau_years"] == expected_plateau(defaults["rnpv"], 2042)
    assert "2042" in exclusivity["text"] and "ACH-2020-0001" in exclusivity["text"]
    assert exclusivity["text"] in defaults["notes"]
    assert any("ACH-2020-0001" in source for source in defaults["sources"])


def test_a_year_given_overrides_the_patents(staff_user, project, families):
    defaults = valuation_defaults_for(staff_user, project, loss_of_exclusivity_year=2060)

    assert defaults["exclusivity"]["loss_of_exclusivity_year"] == 2060
    assert defaults["exclusivity"]["given"] is True
    assert defaults["rnpv"]["commercial"]["plateau_years"] == expected_plateau(
        defaults["rnpv"], 2060
    )


def test_a_project_without_patents_keeps_the_placeholder_years_at_peak(staff_user, project):
    defaults = valuation_defaults_for(staff_user, project)

    assert defaults["exclusivity"] is None
    assert defaults["rnpv"]["commercial"]["plateau_years"] == DEFAULT_PLATEAU_YEARS


def test_a_patent_expiring_before_the_ramp_ends_leaves_no_years_at_peak(
    staff_user, project, families
):
    defaults = valuation_defaults_for(staff_user, project, loss_of_exclusivity_year=2000)

    assert defaults["rnpv"]["commercial"]["plateau_years"] == 0


def test_a_partner_does_not_learn_the_expiry_of_patents_it_may_not_see(
    partner_user, project, families
):
    """The project is shared with the partner, but its achievement is not
    licensed to it."""
    assert valuation_defaults_for(partner_user, project)["exclusivity"] is None


def test_the_cost_approach_counts_the_achievements_ip_costs(staff_user, project, achievement):
    ip_cost_record(
        achievement=achievement,
        by=staff_user,
        kind="counsel",
        amount=Decimal("18000"),
        currency=project.currency,
        incurred_on=datetime.date(2024, 4, 1),
        description="Drafting and filing",
    )
    ip_cost_record(
        achievement=achievement,
        by=staff_user,
        kind="official_fee",
        amount=Decimal("900"),
        currency="JPY" if project.currency != "JPY" else "USD",
        incurred_on=datetime.date(2024, 5, 1),
        description="Fee in another currency",
    )

    costs = valuation_defaults_for(staff_user, project)["cost_approach"]

    assert costs["currency"] == project.currency
    assert [cost["amount"] for cost in costs["costs"]] == ["18000.00"]
    assert "ACH-2020-0001" in costs["costs"][0]["label"]
    resolved = cost_inputs_resolve(
        {"currency": project.currency, "costs_from_ledger": True, "costs": []},
        project=project,
        by=staff_user,
    )
    assert [cost["amount"] for cost in resolved["ledger_costs"]] == [18000.0]


def test_partners_see_no_ip_costs_in_the_cost_approach(
    staff_user, partner_user, project, achievement
):
    ip_cost_record(
        achievement=achievement,
        by=staff_user,
        kind="counsel",
        amount=Decimal("18000"),
        currency=project.currency,
        incurred_on=datetime.date(2024, 4, 1),
        description="Drafting and filing",
    )

    costs = valuation_defaults_for(partner_user, project)["cost_approach"]["costs"]

    assert not any("ACH-2020-0001" in cost["label"] for cost in costs)


def test_the_api_gives_the_exclusivity_and_takes_a_year(staff_user, project, families):
    client = api_client_for(staff_user)

    taken = client.get(URL, {"project": project.pk}).json()
    given = client.get(URL, {"project": project.pk, "loss_of_exclusivity_year": 2050}).json()
    refused = client.get(URL, {"project": project.pk, "loss_of_exclusivity_year": "soon"})

    assert taken["exclusivity"]["loss_of_exclusivity_year"] == 2042
    assert taken["exclusivity"]["latest_patent_expiry"]["expires_on"] == "2042-03-15"
    assert given["exclusivity"]["loss_of_exclusivity_year"] == 2050
    assert given["exclusivity"]["latest_patent_expiry"]["family_title"] == "Late family"
    assert refused.status_code == 400
    assert "loss_of_exclusivity_year" in refused.json()["error"]["fields"]


def test_the_valuation_form_shows_where_the_years_at_peak_come_from(
    client, staff_user, project, families
):
    client.force_login(staff_user)

    response = client.get(f"/valuations/projects/{project.code}/new/")

    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="exclusivity-source"' in text
    assert "ACH-2020-0001" in text
    plateau = response.context["workspace"].assumptions.initial["plateau_years"]
    assert plateau == response.context["exclusivity"]["plateau_years"]
