"""A research-centre staff member in a real browser records the VAT invoice
(发票) issued for an invoice, in English, then corrects it in Simplified
Chinese, and finds it on the invoice page beside the PDF."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects import services
from projects.models import VatInvoice
from tests.e2e.test_staff_pages import sign_in
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
    valid_uscc,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIRST_NUMBER = "26112000000012345678"
CORRECTED_NUMBER = "26112000000087654321"


@pytest.fixture
def issued_invoice():
    institution = InstitutionFactory(
        name="East Lake University",
        name_zh="东湖大学",
        unified_social_credit_code=valid_uscc(4201),
        registered_address="武汉市洪山区珞喻路1号",
        bank_name="中国工商银行",
        bank_branch="武汉东湖支行",
        bank_account_number="3202004509089131550",
    )
    enterprise = EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药有限公司")
    agreement = AgreementFactory(
        partnership__institution=institution,
        partnership__enterprise=enterprise,
        reference="AGR-ELU-7",
    )
    staff = UserFactory(email="finance@example.com", institutions=[institution])
    project = ProjectUnderAgreementFactory(code="ELU-007", agreement=agreement)
    milestone = MilestoneFactory(
        project=project, name="Proof of concept in vivo", amount=Decimal("1060000")
    )
    services.milestone_claim(milestone=milestone, by=staff, evidence_note="Study report.")
    services.milestone_verify(milestone=milestone, by=PartnerUserFactory(enterprise=enterprise))
    milestone.refresh_from_db()
    invoice = services.milestone_invoice(milestone=milestone, by=staff)
    return staff, project, invoice


def test_staff_record_the_fapiao_in_english_and_correct_it_in_chinese(page, issued_invoice):
    staff, project, invoice = issued_invoice
    sign_in(page, staff.email)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name=invoice.number, exact=True).click()

    # English: the parties as issued, then the VAT invoice recorded.
    expect(page.get_by_role("heading", name=invoice.number)).to_be_visible()
    expect(page.get_by_test_id("invoice-payee")).to_contain_text("3202 0045 0908 9131 550")
    page.get_by_label("VAT invoice number").fill(FIRST_NUMBER)
    page.get_by_label("Tax amount (CNY)").fill("60000.00")
    page.get_by_role("button", name="Save the VAT invoice").click()
    expect(page.get_by_test_id("vat-invoice-number")).to_have_text(FIRST_NUMBER)
    expect(page.get_by_test_id("vat-invoice")).to_contain_text(
        "Fully digitalised e-invoice (special VAT invoice)"
    )

    # Chinese: the form opens on what was recorded, its date input keeps
    # an ISO value, and the correction saves. (The language switch submits
    # itself once the page's script has run.)
    page.wait_for_load_state()
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_test_id("vat-invoice")).to_contain_text("数电发票（增值税专用发票）")
    page.get_by_text("更正发票").click()
    page.get_by_label("发票号码").fill(CORRECTED_NUMBER)
    page.get_by_role("button", name="保存发票").click()
    expect(page.get_by_test_id("vat-invoice-number")).to_have_text(CORRECTED_NUMBER)
    expect(page.get_by_test_id("invoice-pdf")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_test_id("invoice-pdf").click()
    assert download.value.suggested_filename == f"{invoice.number}.pdf"
    vat = VatInvoice.objects.get(invoice=invoice)
    assert (vat.number, vat.tax_amount, vat.recorded_by) == (
        CORRECTED_NUMBER,
        Decimal("60000.00"),
        staff,
    )
