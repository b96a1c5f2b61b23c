"""A partner in a real browser, in the portal: verifies one claimed
milestone and disputes another, reports a quarter's net sales after
previewing the royalty, and downloads an invoice."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects.models import Invoice, Milestone, Payment, RoyaltyReport
from tests.e2e.test_staff_pages import sign_in
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
    RoyaltyTierFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partner_world():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    enterprise = EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药")
    agreement = AgreementFactory(
        partnership__institution=institution,
        partnership__enterprise=enterprise,
        reference="AGR-ELU-7",
        title="Licence of the PD-1/VEGF antibody",
        minimum_annual_royalty=Decimal("100000"),
    )
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=5)
    RoyaltyTierFactory(agreement=agreement, lower_bound=1_000_000, rate_percent=8)
    partner = PartnerUserFactory(
        enterprise=enterprise, email="partner@example.com", full_name="Zhou Min"
    )
    project = ProjectUnderAgreementFactory(
        code="ELU-007", title="Bispecific antibody against PD-1/VEGF", agreement=agreement
    )
    soon = datetime.date.today() + datetime.timedelta(days=20)
    to_verify = MilestoneFactory(
        project=project,
        name="Proof of concept in vivo",
        amount=Decimal("500000"),
        status="claimed",
        claim_note="Tumour volume down 62% against control in two mouse models.",
        due_date=soon,
    )
    to_dispute = MilestoneFactory(
        project=project,
        name="Candidate nominated",
        amount=Decimal("300000"),
        status="claimed",
        claim_note="Lead series selected.",
        due_date=soon,
    )
    invoiced = MilestoneFactory(
        project=project, name="Target validated", amount=Decimal("200000"), status="invoiced"
    )
    invoice = Invoice.objects.create(
        number="INV-ELU-2025-0001",
        milestone=invoiced,
        payee_name="East Lake University",
        payer_name="瀚海生物医药",
        amount=invoiced.amount,
        currency=invoiced.currency,
        issued_on=datetime.date(2025, 4, 1),
        due_on=datetime.date(2025, 5, 1),
    )
    Payment.objects.create(
        invoice=invoice,
        amount=Decimal("50000"),
        currency=invoice.currency,
        paid_on=datetime.date(2025, 4, 20),
        reference="ICBC-0420",
    )
    RoyaltyReportFactory(agreement=agreement, project=project, net_sales=100_000)
    return partner, to_verify, to_dispute, invoice


def test_a_partner_decides_on_claims_reports_sales_and_downloads_an_invoice(
    page, screenshot, partner_world
):
    partner, to_verify, to_dispute, invoice = partner_world
    sign_in(page, partner.email)
    page.get_by_role("link", name="Milestones & invoices").click()
    expect(page.get_by_role("link", name="Proof of concept in vivo")).to_be_visible()

    # Verify the first claim, with a comment, after confirming.
    page.get_by_role("link", name="Proof of concept in vivo").click()
    expect(page.get_by_text("Tumour volume down 62%")).to_be_visible()
    page.get_by_label("Comment for the research team").fill("Checked by our pharmacology lead.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("milestone-status")).to_have_text("Verified")
    expect(page.get_by_role("status")).to_contain_text("verified")
    assert Milestone.objects.get(pk=to_verify.pk).status == "verified"

    # Dispute the second one, with a reason.
    page.goto(f"/portal/milestones/{to_dispute.pk}/")
    page.get_by_label("Reason for the dispute").fill("The selection report is not attached.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Dispute").click()
    expect(page.get_by_test_id("milestone-status")).to_have_text("Disputed")
    expect(page.get_by_text("The selection report is not attached.")).to_be_visible()
    assert Milestone.objects.get(pk=to_dispute.pk).dispute_reason.startswith("The selection")

    # Report the second quarter's sales: preview, then confirm.
    page.get_by_role("link", name="Royalty reports").click()
    page.get_by_role("link", name="Report net sales").first.click()
    page.get_by_label("Period start").fill("2025-04-01")
    page.get_by_label("Period end").fill("2025-06-30")
    page.get_by_label("Net sales (CNY)").fill("1100000")
    page.get_by_role("button", name="Preview the royalty").click()
    expect(page.get_by_test_id("royalty-due")).to_contain_text("61,000.00 CNY")
    screenshot("portal-royalty-preview")
    page.get_by_role("button", name="Confirm and submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Submitted")
    page.get_by_role("link", name="Royalty reports").first.click()
    expect(page.get_by_role("cell", name="Submitted")).to_be_visible()
    report = RoyaltyReport.objects.get(period_start=datetime.date(2025, 4, 1))
    assert report.royalty_due == Decimal("61000.00")

    # Download the invoice.
    page.get_by_role("link", name="Milestones & invoices").click()
    page.get_by_role("link", name="Invoices and payments").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"PDF {invoice.number}").click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
