"""The invoice in the staff UI, its PDF, its exports and the API: both
parties' legal particulars as issued, the payee's bank account, and the
VAT invoice (发票) that the payee's staff record after issue. A partner sees
its own invoices' VAT invoice and nothing of another enterprise's."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects.models import Invoice, VatInvoice
from projects.services import (
    milestone_claim,
    milestone_invoice,
    milestone_verify,
    payment_record,
)
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnershipFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
    VatInvoiceFactory,
    valid_uscc,
)
from tests.partnerships.conftest import api_client_for
from tests.portal.test_milestones import pdf_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # read per test: a run may cross midnight
DIGITAL_NUMBER = "26112000000012345678"


def issue(project, *, staff, partner, amount=Decimal("1060000.00")):
    milestone = MilestoneFactory(project=project, amount=amount, name="Proof of concept")
    milestone_claim(milestone=milestone, by=staff, evidence_note="Study report BB-17.")
    milestone_verify(milestone=milestone, by=partner)
    milestone.refresh_from_db()
    return milestone_invoice(milestone=milestone, by=staff)


@pytest.fixture
def invoice(institution, enterprise, project, staff_user, partner_user):
    institution.unified_social_credit_code = valid_uscc(900011)
    institution.registered_address = "Haidian District, Beijing"
    institution.bank_name = "ICBC"
    institution.bank_branch = "Haidian West sub-branch"
    institution.bank_account_number = "0200004509089131550"
    institution.save()
    enterprise.registered_address = "Zhangjiang Road 88, Shanghai"
    enterprise.save()
    return issue(project, staff=staff_user, partner=partner_user)


@pytest.fixture
def foreign_invoice(db):
    """An invoice of another institution to another enterprise, with its VAT
    invoice recorded."""
    enterprise = EnterpriseFactory()
    institution = InstitutionFactory()
    agreement = AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )
    invoice = issue(
        ProjectUnderAgreementFactory(agreement=agreement),
        staff=UserFactory(institutions=[institution]),
        partner=PartnerUserFactory(enterprise=enterprise),
    )
    VatInvoiceFactory(invoice=invoice, number="26112000000099999999")
    return invoice


def page_url(invoice):
    return reverse("milestones:invoice_detail", kwargs={"invoice_pk": invoice.pk})


def form_data(invoice, **changes):
    return {
        "kind": "digital_special",
        "code": "",
        "number": DIGITAL_NUMBER,
        "issued_on": TODAY().isoformat(),
        "amount_with_tax": str(invoice.amount),
        "tax_rate": "6",
        "tax_amount": "60000.00",
    } | changes


def pdf_of(client, invoice, *, portal=False):
    name = "portal:invoice_download" if portal else "milestones:invoice_download"
    response = client.get(reverse(name, kwargs={"invoice_pk": invoice.pk}))
    assert response.status_code == 200
    return response.content


# --- The staff invoice page ---------------------------------------------------------


def test_the_invoice_page_shows_both_parties_as_issued_and_the_bank_account(
    client, staff_user, invoice
):
    client.force_login(staff_user)

    response = client.get(page_url(invoice))

    assert response.status_code == 200
    html = response.content.decode()
    assert invoice.number in html
    assert invoice.payee_tax_id in html and invoice.payer_tax_id in html
    assert "Haidian District, Beijing" in html and "Zhangjiang Road 88, Shanghai" in html
    assert "0200 0045 0908 9131 550" in html
    assert "No VAT invoice recorded yet." in html
    assert reverse("milestones:invoice_download", kwargs={"invoice_pk": invoice.pk}) in html


def test_staff_record_the_vat_invoice_on_the_invoice_page_and_see_it(client, staff_user, invoice):
    client.force_login(staff_user)

    response = client.post(page_url(invoice), form_data(invoice))

    assert response.status_code == 302
    vat = VatInvoice.objects.get(invoice=invoice)
    assert vat.number == DIGITAL_NUMBER and vat.recorded_by == staff_user
    html = client.get(page_url(invoice)).content.decode()
    assert DIGITAL_NUMBER in html
    assert "Fully digitalised e-invoice (special VAT invoice)" in html
    project_page = client.get(invoice.milestone.project.get_absolute_url()).content.decode()
    assert page_url(invoice) in project_page and DIGITAL_NUMBER in project_page


def test_a_wrong_vat_invoice_comes_back_with_the_errors_at_their_fields(
    client, staff_user, invoice
):
    client.force_login(staff_user)

    response = client.post(
        page_url(invoice),
        form_data(invoice, kind="special", number="1234", tax_amount="1.00"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"code", "number", "tax_amount"}
    assert 'value="1234"' in response.content.decode()
    assert not VatInvoice.objects.exists()


def test_the_staff_invoice_page_is_closed_to_partners_even_for_their_own_invoice(
    client, partner_user, invoice
):
    """Partners read their invoices in the portal; the staff UI shows them
    nothing."""
    client.force_login(partner_user)

    assert client.get(page_url(invoice)).status_code == 404
    assert client.post(page_url(invoice), form_data(invoice)).status_code == 404
    assert not VatInvoice.objects.exists()


def test_another_enterprises_invoice_answers_404_in_the_ui_the_pdf_and_the_api(
    client, partner_user, invoice, foreign_invoice
):
    client.force_login(partner_user)

    assert client.get(page_url(foreign_invoice)).status_code == 404
    assert client.post(page_url(foreign_invoice), form_data(foreign_invoice)).status_code == 404
    for name in ("milestones:invoice_download", "portal:invoice_download"):
        address = reverse(name, kwargs={"invoice_pk": foreign_invoice.pk})
        assert client.get(address).status_code == 404
    api = api_client_for(partner_user)
    assert api.get(f"/api/v1/invoices/{foreign_invoice.pk}/").status_code == 404
    listed = api.get("/api/v1/invoices/").json()["results"]
    assert [row["number"] for row in listed] == [invoice.number]


def test_staff_of_another_institution_get_404_for_the_invoice_page(client, foreign_staff, invoice):
    client.force_login(foreign_staff)

    assert client.get(page_url(invoice)).status_code == 404


def test_the_partner_portal_lists_its_invoices_vat_invoice_and_no_one_elses(
    client, partner_user, invoice, foreign_invoice
):
    VatInvoiceFactory(invoice=invoice, number=DIGITAL_NUMBER)
    client.force_login(partner_user)

    html = client.get(reverse("portal:invoices")).content.decode()

    assert DIGITAL_NUMBER in html
    assert foreign_invoice.vat_invoice.number not in html


# --- The PDF ------------------------------------------------------------------------


def test_the_pdf_gives_the_parties_legal_particulars_and_the_payees_bank_account(
    client, staff_user, invoice
):
    client.force_login(staff_user)

    text = pdf_text(pdf_of(client, invoice))

    assert invoice.payee_tax_id in text and invoice.payer_tax_id in text
    assert "Tax ID \\(USCC\\)" in text
    assert "Haidian District, Beijing" in text and "Zhangjiang Road 88, Shanghai" in text
    assert "ICBC" in text and "Haidian West sub-branch" in text
    assert "0200 0045 0908 9131 550" in text
    assert "VAT invoice" not in text


def test_the_pdf_shows_the_vat_invoice_once_recorded_and_the_partner_gets_it_too(
    client, partner_user, invoice
):
    VatInvoiceFactory(invoice=invoice, number=DIGITAL_NUMBER)
    client.force_login(partner_user)

    data = pdf_of(client, invoice, portal=True)
    text = pdf_text(data)

    assert "VAT invoice \\(fapiao\\)" in text
    assert DIGITAL_NUMBER in text
    assert "1,060,000.00 CNY" in text
    # Chinese names (the factories' institutions have one) are set in the
    # CJK font that every PDF reader carries.
    assert "STSong-Light" in data.decode("latin-1")


def test_the_pdf_keeps_the_particulars_as_issued_after_a_party_is_edited(
    client, staff_user, invoice, institution
):
    institution.bank_account_number = "6222000011112222"
    institution.save()
    client.force_login(staff_user)

    text = pdf_text(pdf_of(client, invoice))

    assert "0200 0045 0908 9131 550" in text
    assert "6222 0000 1111 2222" not in text


# --- Exports ------------------------------------------------------------------------


def test_the_invoice_export_carries_the_vat_invoice_and_the_tax_ids(client, staff_user, invoice):
    VatInvoiceFactory(invoice=invoice, number=DIGITAL_NUMBER)
    client.force_login(staff_user)

    response = client.get(reverse("milestones:invoices"), {"format": "csv"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    (row,) = rows
    assert row["\ufeffInvoice"] == invoice.number
    assert row["VAT invoice number"] == DIGITAL_NUMBER
    assert row["VAT invoice type"] == "Fully digitalised e-invoice (special VAT invoice)"
    assert row["Tax rate"] == "Exempt"
    assert row["Payer's tax ID"] == invoice.payer_tax_id


def test_the_payment_export_names_the_vat_invoice_of_each_payment(client, staff_user, invoice):
    payment_record(
        invoice=invoice,
        by=staff_user,
        amount=Decimal("1060000.00"),
        currency="CNY",
        paid_on=TODAY(),
    )
    VatInvoiceFactory(invoice=invoice, number=DIGITAL_NUMBER)
    client.force_login(staff_user)

    response = client.get(reverse("milestones:payments"), {"format": "xlsx"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = (list(values) for values in sheet.iter_rows(max_row=2, values_only=True))
    assert row[header.index("VAT invoice number")] == DIGITAL_NUMBER


def test_the_invoice_list_filters_those_still_without_a_vat_invoice(
    client, staff_user, invoice, project, partner_user
):
    VatInvoiceFactory(invoice=invoice, number=DIGITAL_NUMBER)
    waiting = issue(project, staff=staff_user, partner=partner_user)
    client.force_login(staff_user)

    response = client.get(reverse("milestones:invoices"), {"has_vat_invoice": "false"})

    shown = [row.number for row in response.context["page"]]
    assert shown == [waiting.number]


# --- The API ------------------------------------------------------------------------


def test_the_api_gives_an_invoice_its_parties_and_vat_invoice(partner_user, invoice):
    VatInvoiceFactory(invoice=invoice, number=DIGITAL_NUMBER)

    data = api_client_for(partner_user).get(f"/api/v1/invoices/{invoice.pk}/").json()

    assert data["payee_tax_id"] == invoice.payee_tax_id
    assert data["payee_bank_account"] == "0200004509089131550"
    assert data["payer_address"] == "Zhangjiang Road 88, Shanghai"
    assert data["vat_invoice"]["number"] == DIGITAL_NUMBER
    assert data["vat_invoice"]["tax_rate"] == "exempt"


def test_staff_record_the_vat_invoice_through_the_api_and_bad_input_is_a_400(
    staff_user, partner_user, invoice
):
    url = f"/api/v1/invoices/{invoice.pk}/vat-invoice/"
    staff = api_client_for(staff_user)

    bad = staff.put(url, form_data(invoice, number="12345678"), format="json")
    good = staff.put(url, form_data(invoice), format="json")
    by_partner = api_client_for(partner_user).put(url, form_data(invoice), format="json")

    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"number"}
    assert good.status_code == 200
    assert good.json()["number"] == DIGITAL_NUMBER
    assert by_partner.status_code == 403
    assert Invoice.objects.get(pk=invoice.pk).vat_invoice.recorded_by == staff_user
