"""Staff and a partner in a real browser, in English and in Chinese: staff
query a submitted royalty report, the partner corrects and resubmits it in
the portal, and staff accept it, invoice it and record its payment."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from projects import services
from projects.choices import RoyaltyReportStatus
from projects.models import RoyaltyReport
from tests.e2e.browsing import sign_in_as
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    RoyaltyTierFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def review_world():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    enterprise = EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药")
    agreement = AgreementFactory(
        partnership__institution=institution,
        partnership__enterprise=enterprise,
        reference="AGR-ELU-7",
        currency="CNY",
        minimum_annual_royalty=Decimal("100000"),
    )
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=5)
    staff = UserFactory(institutions=[institution], email="staff@example.com")
    partner = PartnerUserFactory(enterprise=enterprise, email="partner@example.com")
    project = ProjectUnderAgreementFactory(code="ELU-007", agreement=agreement)
    report = services.royalty_report_submit(
        agreement=agreement,
        by=partner,
        project=project,
        net_sales=Decimal(800_000),
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
    )
    return staff, partner, report


def submit(page, action):
    page.get_by_test_id(f"royalty-action-{action}").locator("button[type=submit]").click()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_staff_query_the_partner_resubmits_and_staff_accept_invoice_and_record_payment(
    page, live_server, review_world, language
):
    staff, partner, report = review_world
    with translation.override(language):
        status = {value: str(label) for value, label in RoyaltyReportStatus.choices}
    address = f"/royalties/{report.pk}/"

    # Staff find the report on the list and query it.
    sign_in_as(page, live_server, staff.email, language)
    page.goto("/royalties/")
    page.locator(f'a[href="{address}"]').click()
    expect(page.get_by_test_id("report-status")).to_have_text(status["submitted"])
    page.get_by_test_id("royalty-action-query").locator("textarea").fill(
        "Hong Kong sales are missing."
    )
    submit(page, "query")
    expect(page.get_by_test_id("report-status")).to_have_text(status["queried"])
    expect(page.get_by_test_id("royalty-blocked")).to_contain_text(
        "瀚海生物医药" if language == "zh-hans" else "Hanhai Biopharma"
    )

    # The partner reads the question, corrects the figures and resubmits.
    sign_in_as(page, live_server, partner.email, language)
    page.goto(f"/portal/royalty-reports/{report.pk}/")
    expect(page.get_by_text("Hong Kong sales are missing.")).to_be_visible()
    page.locator(f'a[href="/portal/royalty-reports/{report.pk}/resubmit/"]').click()
    page.locator("input[name=net_sales]").fill("900000")
    page.locator("button[name=step][value=preview]").click()
    page.locator("button[name=step][value=confirm]").click()
    expect(page.get_by_test_id("report-status")).to_have_text(status["submitted"])

    # Staff accept, invoice and record the payment.
    sign_in_as(page, live_server, staff.email, language)
    page.goto(address)
    expect(page.get_by_test_id("royalty-due")).to_contain_text("45,000.00 CNY")
    submit(page, "accept")
    expect(page.get_by_test_id("report-status")).to_have_text(status["accepted"])
    submit(page, "invoice")
    expect(page.get_by_test_id("report-status")).to_have_text(status["invoiced"])
    pay = page.get_by_test_id("royalty-action-pay")
    pay.locator("input[name=paid_on]").fill(timezone.localdate().isoformat())
    pay.locator("input[name=reference]").fill("ICBC-0315")
    submit(page, "pay")
    expect(page.get_by_test_id("report-status")).to_have_text(status["paid"])
    expect(page.get_by_test_id("report-history")).to_contain_text("Hong Kong sales are missing.")
    expect(page.get_by_test_id("report-payments")).to_contain_text("ICBC-0315")

    report = RoyaltyReport.objects.get(pk=report.pk)
    assert report.status == "paid"
    assert report.invoice.amount == Decimal("45000.00")
