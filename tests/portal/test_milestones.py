"""The partner portal's milestones, invoices and payments: what the
enterprise sees, its decision on a claim (verify or dispute), and the
invoice as a PDF — in the portal and in the staff UI."""

import base64
import datetime
import re
import zlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from projects.invoice_documents import LEFT, RIGHT, invoice_pdf, with_document_data
from projects.models import Invoice, Milestone
from tests.factories import DocumentFactory, MilestoneFactory, UserFactory
from tests.portal.conftest import make_invoice_and_payment

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def partner(client, partner_user):
    client.force_login(partner_user)
    return partner_user


def detail_url(milestone):
    return reverse("portal:milestone_detail", kwargs={"milestone_pk": milestone.pk})


def verify_url(milestone):
    return reverse("portal:milestone_verify", kwargs={"milestone_pk": milestone.pk})


def dispute_url(milestone):
    return reverse("portal:milestone_dispute", kwargs={"milestone_pk": milestone.pk})


def pdf_text(data: bytes) -> str:
    """The text of a PDF's content streams, decoded (ASCII85, then Flate)."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)~>\s*endstream", data, re.DOTALL):
        chunks.append(zlib.decompress(base64.a85decode(stream.strip())))
    return b"\n".join(chunks).decode("latin-1")


# --- The list ------------------------------------------------------------------------


def test_the_list_opens_on_the_claims_awaiting_verification(client, partner, own, foreign):
    """Claims to verify come first; the invoiced milestone waits in its own
    tab, and another enterprise's milestones appear nowhere."""
    response = client.get(reverse("portal:milestones"))

    assert response.status_code == 200
    assert response.context["tab"] == "awaiting"
    page = response.content.decode()
    assert own.claimed_milestone.name in page
    assert own.invoiced_milestone.name not in page
    assert foreign.claimed_milestone.name not in page


def test_the_tabs_show_open_paid_and_all_milestones_with_their_invoice(
    client, partner, own, foreign
):
    paid = MilestoneFactory(project=own.project, name="OWN paid one", status="paid")

    open_tab = client.get(reverse("portal:milestones"), {"tab": "open"}).content.decode()
    paid_tab = client.get(reverse("portal:milestones"), {"tab": "paid"}).content.decode()
    all_tab = client.get(reverse("portal:milestones"), {"tab": "all"}).content.decode()

    assert own.invoiced_milestone.name in open_tab and own.invoice.number in open_tab
    assert own.claimed_milestone.name not in open_tab
    assert paid.name in paid_tab and own.invoiced_milestone.name not in paid_tab
    for milestone in (own.claimed_milestone, own.invoiced_milestone, paid):
        assert milestone.name in all_tab
    assert foreign.invoiced_milestone.name not in all_tab
    assert foreign.invoice.number not in all_tab


def test_the_invoices_tab_shows_amounts_paid_and_outstanding_and_the_payments(
    client, partner, own, foreign
):
    response = client.get(reverse("portal:invoices"))

    assert response.status_code == 200
    page = response.content.decode()
    assert own.invoice.number in page
    assert "BANK-OWN" in page
    (invoice,) = response.context["invoices"]
    assert invoice.amount_paid == Decimal("1000.00")
    assert invoice.outstanding == own.invoice.amount - Decimal("1000.00")
    assert reverse("portal:invoice_download", kwargs={"invoice_pk": own.invoice.pk}) in page
    assert foreign.invoice.number not in page and "BANK-FOREIGN" not in page


@pytest.mark.parametrize("tab", ["all", "invoices"])
def test_the_lists_take_as_many_queries_for_many_rows_as_for_one(
    client, partner, own, tab, django_assert_num_queries
):
    def add_rows():
        milestone = MilestoneFactory(project=own.project, status="invoiced")
        make_invoice_and_payment(milestone, code=f"OWN{milestone.pk}")

    address = reverse("portal:milestones") + f"?tab={tab}"
    with CaptureQueriesContext(connection) as one:
        assert client.get(address).status_code == 200
    for _ in range(10):
        add_rows()
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(address).status_code == 200


def test_staff_are_sent_to_the_staff_ui_and_strangers_to_sign_in(client, staff_user, own):
    assert client.get(reverse("portal:milestones")).status_code == 302
    client.force_login(staff_user)
    response = client.get(detail_url(own.claimed_milestone))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# --- One milestone ------------------------------------------------------------------


def test_the_page_shows_the_claim_evidence_the_partner_may_see_and_the_invoice(
    client, partner, own
):
    milestone = own.invoiced_milestone
    milestone.claim_note = "Tumour shrinkage in 8 of 10 mice."
    milestone.save()
    DocumentFactory(project=own.project, milestone=milestone, original_name="efficacy.pdf")
    DocumentFactory(
        project=own.project,
        milestone=milestone,
        original_name="internal-costs.xlsx",
        is_internal=True,
    )

    response = client.get(detail_url(milestone))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tumour shrinkage in 8 of 10 mice." in page
    assert "efficacy.pdf" in page
    assert "internal-costs.xlsx" not in page
    assert own.invoice.number in page and "BANK-OWN" in page
    assert own.project.code in page


def test_another_enterprises_milestone_answers_404_like_a_missing_one(client, partner, foreign):
    milestone = foreign.claimed_milestone

    assert client.get(detail_url(milestone)).status_code == 404
    assert client.post(verify_url(milestone), {"comment": "ok"}).status_code == 404
    assert client.post(dispute_url(milestone), {"reason": "no"}).status_code == 404
    assert (
        client.get(reverse("portal:milestone_detail", kwargs={"milestone_pk": 0})).status_code
        == 404
    )
    milestone.refresh_from_db()
    assert milestone.status == "claimed"


def test_a_claim_is_verified_with_a_comment(client, partner, own):
    milestone = own.claimed_milestone

    response = client.post(verify_url(milestone), {"comment": "Checked by our CMC lead."})

    assert response.status_code == 302
    assert response["Location"] == detail_url(milestone)
    milestone.refresh_from_db()
    assert milestone.status == "verified"
    assert milestone.verification_comment == "Checked by our CMC lead."
    assert milestone.verified_by == partner
    page = client.get(response["Location"]).content.decode()
    assert "verified" in page.lower()


def test_verifying_in_place_answers_with_the_panel_in_its_new_state(client, partner, own):
    response = client.post(verify_url(own.claimed_milestone), {"comment": ""}, **HTMX)

    assert response.status_code == 200
    assert response.templates[0].name == "portal/partials/milestone_panel.html"
    assert 'data-testid="milestone-status">Verified<' in response.content.decode()


def test_a_dispute_needs_a_reason_and_keeps_the_claim_until_given(client, partner, own):
    milestone = own.claimed_milestone

    refused = client.post(dispute_url(milestone), {"reason": "  "})

    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == "claimed"

    client.post(dispute_url(milestone), {"reason": "The study report is missing."})

    milestone.refresh_from_db()
    assert milestone.status == "disputed"
    assert milestone.dispute_reason == "The study report is missing."


def test_buttons_are_disabled_with_the_reason_when_no_decision_is_possible(client, partner, own):
    page = client.get(detail_url(own.invoiced_milestone)).content.decode()

    assert "disabled" in page
    assert "There is no claim awaiting verification. Invoiced: waiting for" in page


def test_a_refused_decision_is_shown_on_the_form_never_a_server_error(client, partner, own):
    """The milestone moved on meanwhile: the service refuses, the page says why
    and keeps what the partner typed."""
    milestone = own.invoiced_milestone

    response = client.post(verify_url(milestone), {"comment": "Looks right to us."})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is no claim awaiting verification. Invoiced: waiting for" in page
    milestone.refresh_from_db()
    assert milestone.status == "invoiced"


def test_opening_a_decision_address_leads_back_to_the_milestone(client, partner, own):
    response = client.get(verify_url(own.claimed_milestone))

    assert response.status_code == 302
    assert response["Location"] == detail_url(own.claimed_milestone)


# --- The invoice as a PDF ------------------------------------------------------------


def test_the_partner_downloads_its_invoice_as_a_pdf(client, partner, own, foreign):
    response = client.get(
        reverse("portal:invoice_download", kwargs={"invoice_pk": own.invoice.pk})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{own.invoice.number}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert own.invoice.number in pdf_text(response.content)

    foreign_address = reverse("portal:invoice_download", kwargs={"invoice_pk": foreign.invoice.pk})
    assert client.get(foreign_address).status_code == 404


def test_staff_of_the_payee_download_the_invoice_others_get_404(client, own):
    address = reverse("milestones:invoice_download", kwargs={"invoice_pk": own.invoice.pk})
    payee_staff = UserFactory(institutions=[own.partnership.institution])
    client.force_login(payee_staff)

    response = client.get(address)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    client.force_login(UserFactory())
    assert client.get(address).status_code == 404


def pdf_of(invoice) -> bytes:
    """The PDF of the invoice as stored, read as the download reads it."""
    return invoice_pdf(with_document_data(Invoice.objects.filter(pk=invoice.pk)).get())


def test_the_invoice_pdf_gives_number_dates_parties_amount_payments_and_balance(own):
    invoice = own.invoice
    invoice.payer_name = "瀚海生物医药"
    invoice.save()

    text = pdf_text(pdf_of(invoice))

    assert invoice.number in text
    assert own.agreement.reference in text
    assert "Payee" in text and own.invoiced_milestone.name in text
    assert "BANK-OWN" in text
    amount = f"{invoice.amount:,.2f}"
    balance = f"{invoice.amount - Decimal('1000.00'):,.2f}"
    assert amount in text and balance in text
    assert "STSong-Light" in pdf_of(invoice).decode("latin-1")


def test_an_invoice_pdf_is_the_same_bytes_each_time(own):
    assert pdf_of(own.invoice) == pdf_of(own.invoice)


def test_a_milestone_invoice_pdf_has_the_dates_of_issue(own):
    own.invoice.issued_on = datetime.date(2025, 6, 2)
    own.invoice.due_on = datetime.date(2025, 7, 2)
    own.invoice.save()

    text = pdf_text(pdf_of(own.invoice))

    assert "30 days" in text
    assert Milestone.objects.filter(pk=own.invoiced_milestone.pk).exists()


def test_the_staff_project_page_links_the_invoice_pdf(client, own):
    client.force_login(UserFactory(institutions=[own.partnership.institution]))

    page = client.get(own.project.get_absolute_url()).content.decode()

    assert reverse("milestones:invoice_download", kwargs={"invoice_pk": own.invoice.pk}) in page


def test_a_long_agreement_title_wraps_onto_more_lines_of_the_pdf(own):
    own.agreement.title = "Exclusive worldwide licence " * 7
    own.agreement.save()

    text = pdf_text(pdf_of(own.invoice))

    values = re.findall(r"212\.5984 [\d.]+ Tm \((.*?)\) Tj", text)
    title_lines = [line for line in values if "licence" in line or "Exclusive" in line]
    assert len(title_lines) >= 2
    width = RIGHT - LEFT - 55 * mm
    assert all(stringWidth(line, "Helvetica", 10) <= width for line in title_lines)


def test_the_milestone_page_takes_as_many_queries_for_many_payments_and_documents(
    client, partner, own, django_assert_num_queries
):
    milestone = own.invoiced_milestone
    address = detail_url(milestone)
    with CaptureQueriesContext(connection) as one:
        assert client.get(address).status_code == 200
    for number in range(8):
        DocumentFactory(project=own.project, milestone=milestone)
        own.invoice.payments.create(
            amount=Decimal("10.00"),
            currency=own.invoice.currency,
            paid_on=datetime.date(2025, 4, 21),
            reference=f"BANK-X{number}",
        )
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(address).status_code == 200
