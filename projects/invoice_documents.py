"""The invoice as a PDF, for the payer's accounts department and the payee's
files. One function renders it for the staff UI and the partner portal alike;
it reads the invoice it is given and what hangs off it (the milestone or
royalty report or fixed payment billed, the agreement, the payments), so the caller decides
what to fetch and through which scoping selector.

Fonts, page and formats are the documents' shared set-up (``core.pdf``).
"""

import io

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from core.pdf import LEFT, RIGHT, PdfPage, pdf_date, pdf_money, register_fonts
from core.text import digit_groups
from projects.models import Payment
from projects.selectors import invoices_with_amount_paid

__all__ = ["LEFT", "RIGHT", "invoice_pdf", "invoice_pdf_response", "with_document_data"]


def with_document_data(invoices: QuerySet) -> QuerySet:
    """The invoices (from the caller's scoping selector) with what their
    document shows, in a fixed number of queries."""

    return (
        invoices_with_amount_paid(invoices)
        .select_related(
            "milestone__agreement",
            "milestone__project",
            "milestone__trigger_stage",
            "royalty_report__agreement",
            "royalty_report__project",
            "vat_invoice",
            "fixed_payment__agreement",
            "fixed_payment__project",
        )
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("paid_on", "id")))
    )


def _billed(invoice):
    """What the invoice is for, its agreement and its project (if any)."""
    if invoice.milestone_id:
        milestone = invoice.milestone
        return milestone, milestone.agreement, milestone.project
    billed = invoice.royalty_report or invoice.fixed_payment
    return billed, billed.agreement, billed.project


def _party(page: PdfPage, label: str, *, name, legal_name, tax_id, address) -> None:
    """A party as the invoice recorded it at issue: the legal name (and
    the name it is known by, when that differs), tax ID and address."""
    page.row(label, legal_name or name, bold=True)
    if legal_name and legal_name != name:
        page.row("", name)
    if tax_id:
        page.row(_("Tax ID (USCC)"), tax_id)
    if address:
        page.row(_("Address"), address)


def invoice_pdf(invoice) -> bytes:
    """The invoice as a PDF: number and dates, payee and payer with their
    legal particulars as issued, what it bills, the amount, how to pay (the
    payee's bank account), the VAT invoice issued for it when recorded, the
    payments received and the balance.
    ``invoice`` comes from ``with_document_data``."""
    register_fonts()
    billed, agreement, project = _billed(invoice)
    payments = sorted(invoice.payments.all(), key=lambda payment: (payment.paid_on, payment.pk))
    paid, balance = invoice.amount_paid, invoice.outstanding
    currency = invoice.currency

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(f"{_('Invoice')} {invoice.number}")
    pdf.setAuthor(invoice.payee_name)
    pdf.setSubject(agreement.reference)
    page = PdfPage(pdf)

    page.text(_("Invoice"), size=20, bold=True, gap=9 * mm)
    page.text(invoice.number, size=13, bold=True, gap=9 * mm)
    page.row(_("Issued on"), pdf_date(invoice.issued_on))
    page.row(_("Due on"), pdf_date(invoice.due_on))
    page.space()
    _party(
        page,
        _("From (payee)"),
        name=invoice.payee_name,
        legal_name=invoice.payee_legal_name,
        tax_id=invoice.payee_tax_id,
        address=invoice.payee_address,
    )
    _party(
        page,
        _("To (payer)"),
        name=invoice.payer_name,
        legal_name=invoice.payer_legal_name,
        tax_id=invoice.payer_tax_id,
        address=invoice.payer_address,
    )
    page.row(_("Agreement"), f"{agreement.reference} · {agreement.title}")
    if project is not None:
        page.row(_("Project"), f"{project.code} · {project.title}")
        if project.title_zh:
            page.row("", project.title_zh)
    page.space()

    page.text(_("Billed"), size=12, bold=True, gap=7 * mm)
    page.rule()
    if invoice.milestone_id:
        description = _("Milestone payment: %(name)s") % {"name": billed.name}
        if billed.trigger_stage_id:
            detail = _("On entering %(stage)s") % {"stage": billed.trigger_stage.name}
        else:
            detail = billed.trigger_event
    elif invoice.fixed_payment_id:
        description = billed.label
        detail = _("Due under the agreement on %(due)s") % {"due": pdf_date(billed.due_date)}
    else:
        description = _("Royalties for %(start)s – %(end)s") % {
            "start": pdf_date(billed.period_start),
            "end": pdf_date(billed.period_end),
        }
        detail = _("Net sales %(sales)s") % {"sales": pdf_money(billed.net_sales, currency)}
    page.amount_row(description, pdf_money(invoice.amount, currency))
    if detail:
        page.text(detail, size=9)
    page.rule()
    page.amount_row(_("Total due"), pdf_money(invoice.amount, currency), bold=True)
    page.space()

    page.text(_("Payment"), size=12, bold=True, gap=7 * mm)
    terms_days = (invoice.due_on - invoice.issued_on).days
    page.text(
        _("Please pay %(amount)s by %(due)s (%(days)s days from issue).")
        % {
            "amount": pdf_money(invoice.amount, currency),
            "due": pdf_date(invoice.due_on),
            "days": terms_days,
        }
    )
    page.text(
        _("Quote the invoice number %(number)s and agreement %(reference)s with the transfer.")
        % {"number": invoice.number, "reference": agreement.reference}
    )
    page.text(_("Currency of payment: %(currency)s.") % {"currency": currency})
    if invoice.payee_bank_account:
        page.space(2 * mm)
        page.row(_("Account name"), invoice.payee_legal_name or invoice.payee_name)
        bank = " · ".join(
            part for part in (invoice.payee_bank_name, invoice.payee_bank_branch) if part
        )
        if bank:
            page.row(_("Bank"), bank)
        page.row(_("Account number"), digit_groups(invoice.payee_bank_account), bold=True)
    page.space()

    vat_invoice = getattr(invoice, "vat_invoice", None)
    if vat_invoice is not None:
        page.text(_("VAT invoice (fapiao)"), size=12, bold=True, gap=7 * mm)
        page.rule()
        page.row(_("VAT invoice type"), vat_invoice.get_kind_display())
        if vat_invoice.code:
            page.row(_("VAT invoice code"), vat_invoice.code)
        page.row(_("VAT invoice number"), vat_invoice.number, bold=True)
        page.row(_("Date of issue"), pdf_date(vat_invoice.issued_on))
        page.row(_("Amount with tax"), pdf_money(vat_invoice.amount_with_tax, "CNY"))
        page.row(_("Tax rate"), vat_invoice.get_tax_rate_display())
        page.row(_("Tax amount"), pdf_money(vat_invoice.tax_amount, "CNY"))
        page.space()

    page.text(_("Payments received"), size=12, bold=True, gap=7 * mm)
    page.rule()
    if payments:
        for payment in payments:
            label = pdf_date(payment.paid_on)
            if payment.reference:
                label = f"{label} · {payment.reference}"
            page.amount_row(label, pdf_money(payment.amount, payment.currency))
    else:
        page.text(_("None yet."))
    page.rule()
    page.amount_row(_("Paid"), pdf_money(paid, currency))
    page.amount_row(_("Balance outstanding"), pdf_money(balance, currency), bold=True)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def invoice_filename(invoice) -> str:
    return f"{invoice.number}.pdf"


def invoice_pdf_response(invoice) -> HttpResponse:
    """The invoice's PDF as a download, as the staff UI and the portal both
    answer it."""
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice)}"'
    return response
