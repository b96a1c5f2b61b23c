"""The dashboard at / and the reports at /reports/: staff only, scoped to
what the user sees, in a fixed number of queries."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.choices import CooperationMode
from pipelines.models import StageDefinition
from projects.services import rebuild_received_money, stage_stays_refresh
from tests.factories import (
    AgreementFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    StageTransitionFactory,
)

pytestmark = pytest.mark.django_db
DASHBOARD = "/"
REPORTS = "/reports/"


@pytest.fixture
def env_stages(db):
    return list(StageDefinition.objects.filter(pipeline__code="ENV").order_by("position"))


@pytest.fixture
def agreement(institution, enterprise):
    return AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )


def portfolio(agreement, stage, projects=1):
    """``projects`` projects at ``stage``, each with an overdue milestone and
    a claim awaiting verification."""
    long_ago = timezone.localdate() - datetime.timedelta(days=45)
    for _ in range(projects):
        project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=stage)
        MilestoneFactory(project=project, name="Pilot plant report", due_date=long_ago)
        MilestoneFactory(
            project=project,
            name="Field trial data",
            status="claimed",
            claimed_at=timezone.now(),
            due_date=None,
        )


def chart_data(response, element_id):
    html = response.text
    start = html.index(f'id="{element_id}"')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_home_is_the_dashboard():
    assert reverse("home") == reverse("dashboard") == "/"
    assert reverse("reports:index") == REPORTS


def test_anonymous_visitors_are_asked_to_sign_in(client):
    for url in (DASHBOARD, REPORTS):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_partners_start_at_the_portal_and_cannot_open_the_reports(client, partner_user):
    client.force_login(partner_user)

    assert client.get(DASHBOARD).url == reverse("portal:overview")
    assert client.get(REPORTS).status_code == 404
    assert client.get(reverse("reports:annual-csv")).status_code == 404


def test_staff_see_their_portfolio_on_the_dashboard(client, staff_user, agreement, env_stages):
    portfolio(agreement, env_stages[1], projects=3)
    client.force_login(staff_user)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert "vendor/chartjs/chart.umd.min.js" in response.text
    assert "js/dashboard.js" in response.text
    funnel = chart_data(response, "funnel-data")
    assert funnel["labels"][1].endswith("Pilot")
    assert funnel["datasets"][0]["data"] == [0, 3, 0, 0, 0]
    conversion = chart_data(response, "conversion-data")
    assert conversion["datasets"][0]["label"].startswith("Technology transfer")
    assert conversion["datasets"][0]["data"][:3] == [1.0, 1.0, 0.0]
    assert response.context["overdue_count"] == 3
    assert response.context["claims_count"] == 3
    assert "Pilot plant report" in response.text and "Field trial data" in response.text
    # Every chart has its caption and a table of the same figures.
    assert response.text.count("<figcaption") >= 3
    assert response.text.count("<details") >= 4


def test_past_the_cap_the_counts_say_more_than(
    client, staff_user, agreement, env_stages, monkeypatch
):
    monkeypatch.setattr("projects.views.dashboard.COUNT_CAP", 2)
    monkeypatch.setattr("projects.views.dashboard.OVERDUE_SHOWN", 1)
    portfolio(agreement, env_stages[1], projects=3)
    client.force_login(staff_user)

    response = client.get(DASHBOARD)

    assert response.context["overdue_count"] == 2
    assert response.context["overdue_more"] is True
    assert response.context["claims_more"] is True
    assert 'data-testid="overdue-count">More than 2</div>' in response.text
    assert "Showing the first 1 of more than 2." in response.text
    monkeypatch.setattr("projects.views.dashboard.COUNT_CAP", 3)
    response = client.get(DASHBOARD)
    assert response.context["overdue_count"] == 3
    assert response.context["overdue_more"] is False
    assert 'data-testid="overdue-count">3</div>' in response.text


def test_staff_of_another_institution_see_other_numbers(
    client, staff_user, foreign_staff, agreement, env_stages
):
    portfolio(agreement, env_stages[1], projects=2)
    client.force_login(foreign_staff)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert response.context["overdue_count"] == 0
    assert response.context["claims_count"] == 0
    assert response.context["funnel"] == []
    assert "Pilot plant report" not in response.text


@pytest.fixture
def foreign_staff(db):
    from tests.factories import InstitutionFactory, UserFactory

    return UserFactory(institutions=[InstitutionFactory()])


def test_the_funnel_filter_answers_htmx_with_the_funnel_alone(
    client, staff_user, institution, enterprise, agreement, env_stages
):
    portfolio(agreement, env_stages[0])
    contract = AgreementFactory(
        partnership=PartnershipFactory(
            institution=institution, enterprise=enterprise, mode=CooperationMode.CONTRACT_RD
        )
    )
    portfolio(contract, env_stages[2], projects=2)
    client.force_login(staff_user)

    response = client.get(
        DASHBOARD,
        {"sector": "environmental", "mode": CooperationMode.CONTRACT_RD},
        headers={"HX-Request": "true", "HX-Target": "funnel-card"},
    )

    assert response.status_code == 200
    assert 'id="funnel-card"' in response.text
    assert "<html" not in response.text
    assert chart_data(response, "funnel-data")["datasets"][0]["data"] == [0, 0, 2, 0, 0]


def test_the_full_page_applies_the_funnel_filter_without_javascript(
    client, staff_user, agreement, env_stages
):
    portfolio(agreement, env_stages[0])
    client.force_login(staff_user)

    response = client.get(DASHBOARD, {"mode": CooperationMode.CONTRACT_RD, "sector": "nope"})

    assert response.status_code == 200
    assert response.context["funnel"] == []


def test_the_dashboard_shows_the_median_years_in_each_stage_with_the_page(
    client, staff_user, agreement, env_stages
):
    """Read from the stays the gate services keep: no fragment loaded
    after the page."""
    project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=env_stages[1])
    for kind, from_stage, to_stage, year in (
        ("start", None, env_stages[0], 2023),
        ("advance", env_stages[0], env_stages[1], 2025),
    ):
        StageTransitionFactory(
            project=project,
            kind=kind,
            from_stage=from_stage,
            to_stage=to_stage,
            decided_at=datetime.datetime(year, 1, 1, tzinfo=datetime.UTC),
        )
    stage_stays_refresh(project=project)
    client.force_login(staff_user)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    (transfer,) = response.context["conversion"].modes
    assert transfer.median_years[0] == pytest.approx(731 / 365.25)
    assert transfer.stays[:2] == (1, 0)
    table = response.text[response.text.index('id="time-in-stage"') :]
    assert "Technology transfer" in table
    assert ">2.0<" in table.replace(" ", "").replace("\n", "")
    assert "hx-get" not in response.text[response.text.index('id="time-in-stage-details"') :][:400]


def test_the_dashboard_runs_the_same_queries_for_1_and_50_projects(
    client, staff_user, agreement, env_stages
):
    client.force_login(staff_user)
    portfolio(agreement, env_stages[0], projects=1)
    client.get(DASHBOARD)  # the session and the language settle first
    with CaptureQueriesContext(connection) as one:
        assert client.get(DASHBOARD).status_code == 200

    portfolio(agreement, env_stages[1], projects=49)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(DASHBOARD).status_code == 200

    assert len(fifty) == len(one)


def test_the_reports_show_annual_metrics_and_conversion(client, staff_user, agreement, env_stages):
    portfolio(agreement, env_stages[1], projects=2)
    client.force_login(staff_user)

    response = client.get(REPORTS)

    assert response.status_code == 200
    years = [m.year for m in response.context["metrics"]]
    assert years[-1] == timezone.localdate().year and len(years) == 5
    assert "Annual tech-transfer metrics" in response.text
    assert response.context["conversion"].modes[0].projects == 2


def test_the_reports_export_csv(client, staff_user, agreement, env_stages):
    portfolio(agreement, env_stages[1])
    client.force_login(staff_user)

    annual = client.get(reverse("reports:annual-csv"))
    conversion = client.get(reverse("reports:conversion-csv"), {"sector": "environmental"})

    assert annual["Content-Type"].startswith("text/csv")
    annual_lines = annual.content.decode("utf-8-sig").splitlines()
    assert annual_lines[0].startswith("Year,Agreements executed")
    assert len(annual_lines) == 6
    rows = conversion.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Cooperation mode,Stage position")
    # Five stages of the environmental pipeline for the one mode.
    assert len(rows) == 6
    assert rows[2].split(",")[1:5] == ["2", "1", "1", "1.0000"]


def test_money_received_and_expected_share_the_quarter_axis(
    client, staff_user, agreement, env_stages
):
    from projects.models import Invoice, Payment

    today = timezone.localdate()
    project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=env_stages[0])
    paid = MilestoneFactory(project=project, amount=1000, status="paid")
    invoice = Invoice.objects.create(
        number="INV-DASH-1",
        milestone=paid,
        payee_name="Institute",
        payer_name="Company",
        amount=1000,
        currency="CNY",
        issued_on=today,
        due_on=today,
    )
    Payment.objects.create(invoice=invoice, amount=1000, currency="CNY", paid_on=today)
    # Written past the services that keep the money received.
    rebuild_received_money()
    MilestoneFactory(project=project, amount=2000, due_date=today)  # expected now
    client.force_login(staff_user)

    chart = chart_data(client.get(DASHBOARD), "money-data-CNY")

    received, royalties, expected = (dataset["data"] for dataset in chart["datasets"])
    assert royalties[7] == 0
    # Eight quarters received up to this one, eight expected from this one.
    assert len(chart["labels"]) == 15
    assert received[7] == 1000 and received[8] is None
    assert expected[:7] == [None] * 7
    assert 1900 < expected[7] <= 2000
