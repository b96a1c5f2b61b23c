"""The staff's review of a royalty report: what its page shows (the lines,
the tier-by-tier computation, the year against the minimum annual royalty,
the history), the actions on it (accept, query, invoice, record a payment,
true up), their refusals with a reason a person can act on, and who may
reach it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import Payment, RoyaltyReport
from projects.services.royalties import SalesLine, royalty_report_invoice_guard
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    RoyaltyTierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Q1 = {"period_start": datetime.date(2025, 1, 1), "period_end": datetime.date(2025, 3, 31)}
Q2 = {"period_start": datetime.date(2025, 4, 1), "period_end": datetime.date(2025, 6, 30)}


@pytest.fixture
def licensee(db):
    return EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药")


@pytest.fixture
def partner(licensee):
    return PartnerUserFactory(enterprise=licensee, full_name="Zhou Min")


@pytest.fixture
def agreement(institution, licensee):
    """5% of annual sales up to 1,000,000, 8% above; a minimum annual royalty
    of 100,000."""
    agreement = AgreementFactory(
        partnership__institution=institution,
        partnership__enterprise=licensee,
        reference="AGR-ELU-7",
        currency="CNY",
        minimum_annual_royalty=Decimal("100000"),
    )
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=5)
    RoyaltyTierFactory(agreement=agreement, lower_bound=1_000_000, rate_percent=8)
    return agreement


@pytest.fixture
def project(agreement):
    return ProjectUnderAgreementFactory(code="ELU-007", agreement=agreement)


@pytest.fixture
def report(agreement, project, partner):
    """Q1 2025: 600,000 in China and 200,000 in Hong Kong, royalty 40,000."""
    return services.royalty_report_submit(
        agreement=agreement,
        by=partner,
        project=project,
        lines=[
            SalesLine(
                product="Tislelimab", territory="Mainland China", net_sales=Decimal(600_000)
            ),
            SalesLine(product="Tislelimab", territory="Hong Kong", net_sales=Decimal(200_000)),
        ],
        **Q1,
    )


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return staff_user


def page_url(report):
    return reverse("royalties:detail", args=[report.pk])


def action_url(report, action):
    return reverse("royalties:action", args=[report.pk, action])


def refresh(report) -> RoyaltyReport:
    return RoyaltyReport.objects.get(pk=report.pk)


# --- The page -------------------------------------------------------------------------


def test_the_page_shows_the_lines_the_tiers_and_who_submitted(client, staff, report):
    response = client.get(page_url(report))

    assert response.status_code == 200
    page = response.text
    assert "Mainland China" in page and "Hong Kong" in page
    assert "600,000.00 CNY" in page
    assert "40,000.00 CNY" in page
    assert "Zhou Min" in page
    slices = response.context["breakdown"]["slices"]
    assert [(s.rate_percent, s.sales) for s in slices] == [
        (Decimal(5), Decimal(800_000)),
        (Decimal(8), Decimal(0)),
    ]


def test_a_second_report_is_charged_on_top_of_the_years_earlier_sales(
    client, staff, report, agreement, partner
):
    second = services.royalty_report_submit(
        agreement=agreement, by=partner, net_sales=Decimal(400_000), **Q2
    )

    response = client.get(page_url(second))

    breakdown = response.context["breakdown"]
    assert breakdown["sales_before"] == Decimal(800_000)
    assert [s.sales for s in breakdown["slices"]] == [Decimal(200_000), Decimal(200_000)]
    assert second.royalty_due == Decimal("26000.00")


def test_the_page_sets_the_year_against_the_minimum_annual_royalty(
    client, staff, report, agreement, partner
):
    services.royalty_report_submit(
        agreement=agreement, by=partner, net_sales=Decimal(200_000), **Q2
    )

    response = client.get(page_url(report))

    year = response.context["year"]
    assert (year.royalties, year.minimum, year.shortfall) == (
        Decimal("50000.00"),
        Decimal("100000.00"),
        Decimal("50000.00"),
    )
    assert "50,000.00 CNY" in response.text


def test_the_history_shows_the_query_and_the_correction(
    client, staff, staff_user, report, partner
):
    services.royalty_report_query(report=report, by=staff_user, reason="Hong Kong sales look low.")
    services.royalty_report_resubmit(
        report=report,
        by=partner,
        lines=[
            SalesLine(
                product="Tislelimab", territory="Mainland China", net_sales=Decimal(600_000)
            ),
            SalesLine(product="Tislelimab", territory="Hong Kong", net_sales=Decimal(300_000)),
        ],
    )
    services.royalty_report_accept(report=refresh(report), by=staff_user)

    response = client.get(page_url(report))

    history = response.context["history"]
    assert [entry["verb"] for entry in history] == [
        "royalty_report.submitted",
        "royalty_report.queried",
        "royalty_report.resubmitted",
        "royalty_report.accepted",
    ]
    assert history[1]["reason"] == "Hong Kong sales look low."
    assert (history[2]["before_sales"], history[2]["after_sales"]) == (
        Decimal("800000.00"),
        Decimal("900000.00"),
    )
    assert "Hong Kong sales look low." in response.text
    assert "800,000.00 CNY → 900,000.00 CNY" in response.text


def test_the_correction_records_the_lines_it_replaced(staff_user, report, partner):
    services.royalty_report_query(report=report, by=staff_user, reason="Check Hong Kong.")
    services.royalty_report_resubmit(
        report=report,
        by=partner,
        lines=[SalesLine(product="Tislelimab", territory="Hong Kong", net_sales=Decimal(1))],
    )

    activity = report.agreement.activities.get(verb="royalty_report.resubmitted")
    assert activity.changes["before"]["lines"] == [
        ["Tislelimab", "Hong Kong", "200000.00"],
        ["Tislelimab", "Mainland China", "600000.00"],
    ]
    assert activity.changes["after"]["lines"] == [["Tislelimab", "Hong Kong", "1"]]


def test_the_list_the_agreement_and_the_project_link_to_the_report(
    client, staff, report, agreement, project
):
    link = f'href="{page_url(report)}"'

    assert link in client.get(reverse("royalties:list")).text
    assert link in client.get(agreement.get_absolute_url()).text
    assert link in client.get(project.get_absolute_url()).text


def test_the_page_takes_as_many_queries_for_many_lines_and_payments_as_for_one(
    client, staff, staff_user, agreement, partner
):
    def reported(territories, period):
        report = services.royalty_report_submit(
            agreement=agreement,
            by=partner,
            lines=[
                SalesLine(product="Tislelimab", territory=t, net_sales=Decimal(10_000))
                for t in territories
            ],
            **period,
        )
        services.royalty_report_accept(report=report, by=staff_user)
        services.royalty_report_invoice(report=report, by=staff_user)
        for index in range(len(territories)):
            services.payment_record(
                invoice=refresh(report).invoice,
                amount=Decimal(100),
                currency="CNY",
                paid_on=datetime.date.today(),
                by=staff_user,
                reference=f"T-{index}",
            )
        return report

    small = reported(["China"], Q1)
    large = reported([f"Province {n}" for n in range(12)], Q2)
    with CaptureQueriesContext(connection) as one:
        assert client.get(page_url(small)).status_code == 200
    with CaptureQueriesContext(connection) as twelve:
        assert client.get(page_url(large)).status_code == 200

    assert len(twelve) == len(one)


# --- Accept and query ---------------------------------------------------------------


def test_staff_accept_a_submitted_report(client, staff, report):
    response = client.post(action_url(report, "accept"))

    assert response.status_code == 302
    report = refresh(report)
    assert report.status == "accepted"
    assert report.accepted_by == staff


def test_staff_query_a_report_and_the_partner_reads_why_in_the_portal(
    client, staff, report, partner
):
    response = client.post(action_url(report, "query"), {"reason": "Hong Kong sales look low."})

    assert response.status_code == 302
    assert refresh(report).status == "queried"
    client.force_login(partner)
    portal = client.get(reverse("portal:royalty_report_detail", args=[report.pk]))
    assert "Hong Kong sales look low." in portal.text


def test_a_query_without_a_question_is_refused_on_the_form(client, staff, report):
    response = client.post(action_url(report, "query"), {"reason": "  "})

    assert response.status_code == 400
    assert refresh(report).status == "submitted"
    assert "This field is required." in response.text


def test_a_queried_report_waits_for_the_licensee(client, staff, staff_user, report):
    services.royalty_report_query(report=report, by=staff_user, reason="Check Hong Kong.")

    page = client.get(page_url(report)).text
    response = client.post(action_url(report, "accept"))

    reason = "Waiting for Hanhai Biopharma to correct and resubmit the queried report."
    assert reason in page
    assert response.status_code == 400
    assert reason in response.text
    assert refresh(report).status == "queried"


def test_a_guard_speaks_of_the_licensee_in_the_readers_language(staff_user, report):
    services.royalty_report_query(report=report, by=staff_user, reason="Check Hong Kong.")
    with translation.override("zh-hans"):
        guard = royalty_report_invoice_guard(refresh(report), staff_user)

    assert not guard
    assert "瀚海生物医药" in guard.reason


# --- Invoice and payment ----------------------------------------------------------------


def test_staff_invoice_an_accepted_report(client, staff, staff_user, report):
    services.royalty_report_accept(report=report, by=staff_user)

    response = client.post(
        action_url(report, "invoice"), {"issued_on": "", "payment_terms_days": "30"}
    )

    assert response.status_code == 302
    report = refresh(report)
    assert report.status == "invoiced"
    assert report.invoice.amount == Decimal("40000.00")


def test_a_report_not_accepted_is_not_invoiced_and_the_page_says_what_to_do(client, staff, report):
    response = client.post(action_url(report, "invoice"), {"payment_terms_days": "30"})

    assert response.status_code == 400
    assert "Accept the report first: only an accepted report is invoiced." in response.text
    assert refresh(report).status == "submitted"


def test_staff_record_a_payment_on_the_reports_invoice(client, staff, staff_user, report):
    services.royalty_report_accept(report=report, by=staff_user)
    invoice = services.royalty_report_invoice(report=report, by=staff_user)

    response = client.post(
        action_url(report, "pay"),
        {
            "amount": "40000",
            "currency": "CNY",
            "paid_on": datetime.date.today().isoformat(),
            "reference": "ICBC-1",
        },
    )

    assert response.status_code == 302
    assert refresh(report).status == "paid"
    assert Payment.objects.get(invoice=invoice).reference == "ICBC-1"
    page = client.get(page_url(report)).text
    assert "ICBC-1" in page
    assert "Paid in full on invoice" in page


def test_an_overpayment_is_refused_on_the_form(client, staff, staff_user, report):
    services.royalty_report_accept(report=report, by=staff_user)
    services.royalty_report_invoice(report=report, by=staff_user)

    response = client.post(
        action_url(report, "pay"),
        {"amount": "50000", "currency": "CNY", "paid_on": datetime.date.today().isoformat()},
    )

    assert response.status_code == 400
    assert "would exceed the invoice" in response.text
    assert not Payment.objects.exists()


def test_an_invoiced_report_is_no_longer_queried_and_the_page_names_its_invoice(
    client, staff, staff_user, report
):
    services.royalty_report_accept(report=report, by=staff_user)
    invoice = services.royalty_report_invoice(report=report, by=staff_user)

    response = client.post(action_url(report, "query"), {"reason": "Too late."})

    assert response.status_code == 400
    assert f"Invoiced as {invoice.number}" in response.text
    assert refresh(report).status == "invoiced"


# --- The true-up -------------------------------------------------------------------------


def test_staff_true_up_a_year_below_the_minimum(client, staff, staff_user, report):
    services.royalty_report_accept(report=report, by=staff_user)

    response = client.post(action_url(report, "true_up"))

    true_up = RoyaltyReport.objects.get(kind="minimum_true_up")
    assert response.status_code == 302
    assert response.url == page_url(true_up)
    assert true_up.royalty_due == Decimal("60000.00")
    assert true_up.accepted_by == staff_user
    # Invoiced from its own page, like any report.
    assert (
        client.post(action_url(true_up, "invoice"), {"payment_terms_days": "30"}).status_code
        == 302
    )


def test_no_true_up_while_a_report_of_the_year_is_queried(client, staff, staff_user, report):
    services.royalty_report_query(report=report, by=staff_user, reason="Check Hong Kong.")

    response = client.post(action_url(report, "true_up"))

    assert response.status_code == 400
    assert "Waiting for Hanhai Biopharma to resubmit its queried reports of 2025" in response.text
    assert not RoyaltyReport.objects.filter(kind="minimum_true_up").exists()


def test_no_true_up_before_the_year_is_over(client, staff, agreement, partner, staff_user):
    this_year = datetime.date.today().year
    report = services.royalty_report_submit(
        agreement=agreement,
        by=partner,
        net_sales=Decimal(1000),
        period_start=datetime.date(this_year, 1, 1),
        period_end=datetime.date(this_year, 1, 31),
    )
    services.royalty_report_accept(report=report, by=staff_user)

    page = client.get(page_url(report)).text

    assert f"The true-up is made once {this_year} is over" in page


# --- Who reaches the page ------------------------------------------------------------------


def test_staff_of_another_institution_get_404(client, report):
    client.force_login(UserFactory())

    assert client.get(page_url(report)).status_code == 404
    assert client.post(action_url(report, "accept")).status_code == 404
    assert refresh(report).status == "submitted"


@pytest.mark.parametrize("own_enterprise", [True, False])
def test_partners_never_reach_the_staff_page(client, report, partner, own_enterprise):
    client.force_login(partner if own_enterprise else PartnerUserFactory())

    assert client.get(page_url(report)).status_code == 404
    assert client.post(action_url(report, "accept")).status_code == 404
    assert refresh(report).status == "submitted"


def test_an_unknown_action_is_404(client, staff, report):
    assert client.post(action_url(report, "delete")).status_code == 404
    assert client.get(action_url(report, "accept")).status_code == 405
