"""The invoice as a PDF, for the payer's accounts department and the payee's
files. One function renders it for the staff UI and the partner portal alike;
it reads the invoice it is given and what hangs off it (the milestone or
royalty report or fixed payment billed, the agreement, the payments), so the caller decides
what to fetch and through which scoping selector.

Latin text is set in Helvetica; anything else (Chinese names of parties,
projects and milestones) in the CID font STSong-Light, which every PDF
reader carries, so no font file ships with BioBridge.
"""

import io

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from core.money import MINOR_UNITS
from core.text import digit_groups
from projects.models import Payment
from projects.selectors import invoices_with_amount_paid

LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
CJK = "STSong-Light"
LEFT = 20 * mm
RIGHT = A4[0] - 20 * mm
TOP = A4[1] - 22 * mm
BOTTOM = 22 * mm


def _register_fonts() -> None:
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def _font_for(text: str, *, bold: bool = False) -> str:
    if all(ord(character) < 256 for character in text):
        return LATIN_BOLD if bold else LATIN
    return CJK


def _money(amount, currency: str) -> str:
    places = MINOR_UNITS.get(currency, 2)
    text = formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text} {currency}"


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


class _Page:
    """A cursor down an A4 page; a new page starts when the text reaches
    the bottom margin."""

    def __init__(self, pdf: canvas.Canvas):
        self.pdf = pdf
        self.y = TOP

    def _room(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.pdf.showPage()
            self.y = TOP

    def text(self, text: str, *, size: float = 10, bold: bool = False, gap: float = 5 * mm):
        text = str(text)
        font = _font_for(text, bold=bold)
        # Long names and titles wrap rather than run off the page.
        for line in simpleSplit(text, font, size, RIGHT - LEFT) or [""]:
            self._room(gap)
            self.pdf.setFont(font, size)
            self.pdf.drawString(LEFT, self.y, line)
            self.y -= gap

    def row(self, label: str, value: str, *, bold: bool = False) -> None:
        label, value = str(label), str(value)
        font = _font_for(value, bold=bold)
        lines = simpleSplit(value, font, 10, RIGHT - LEFT - 55 * mm) or [""]
        self._room(6 * mm)
        self.pdf.setFont(_font_for(label), 10)
        self.pdf.drawString(LEFT, self.y, label)
        for line in lines:
            self._room(5 * mm)
            self.pdf.setFont(font, 10)
            self.pdf.drawString(LEFT + 55 * mm, self.y, line)
            self.y -= 5 * mm
        self.y -= 1 * mm

    def amount_row(self, label: str, value: str, *, bold: bool = False) -> None:
        label, value = str(label), str(value)
        self._room(6 * mm)
        self.pdf.setFont(_font_for(label, bold=bold), 10)
        self.pdf.drawString(LEFT, self.y, label)
        self.pdf.setFont(_font_for(value, bold=bold), 10)
        self.pdf.drawRightString(RIGHT, self.y, value)
        self.y -= 6 * mm

    def rule(self) -> None:
        self._room(4 * mm)
        self.pdf.setLineWidth(0.5)
        self.pdf.line(LEFT, self.y + 3 * mm, RIGHT, self.y + 3 * mm)
        self.y -= 2 * mm

    def space(self, height: float = 4 * mm) -> None:
        self.y -= height


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


def _party(page: _Page, label: str, *, name, legal_name, tax_id, address) -> None:
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
    _register_fonts()
    billed, agreement, project = _billed(invoice)
    payments = sorted(invoice.payments.all(), key=lambda payment: (payment.paid_on, payment.pk))
    paid, balance = invoice.amount_paid, invoice.outstanding
    currency = invoice.currency

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(f"{_('Invoice')} {invoice.number}")
    pdf.setAuthor(invoice.payee_name)
    pdf.setSubject(agreement.reference)
    page = _Page(pdf)

    page.text(_("Invoice"), size=20, bold=True, gap=9 * mm)
    page.text(invoice.number, size=13, bold=True, gap=9 * mm)
    page.row(_("Issued on"), _date(invoice.issued_on))
    page.row(_("Due on"), _date(invoice.due_on))
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
        detail = _("Due under the agreement on %(due)s") % {"due": _date(billed.due_date)}
    else:
        description = _("Royalties for %(start)s – %(end)s") % {
            "start": _date(billed.period_start),
            "end": _date(billed.period_end),
        }
        detail = _("Net sales %(sales)s") % {"sales": _money(billed.net_sales, currency)}
    page.amount_row(description, _money(invoice.amount, currency))
    if detail:
        page.text(detail, size=9)
    page.rule()
    page.amount_row(_("Total due"), _money(invoice.amount, currency), bold=True)
    page.space()

    page.text(_("Payment"), size=12, bold=True, gap=7 * mm)
    terms_days = (invoice.due_on - invoice.issued_on).days
    page.text(
        _("Please pay %(amount)s by %(due)s (%(days)s days from issue).")
        % {
            "amount": _money(invoice.amount, currency),
            "due": _date(invoice.due_on),
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
        page.row(_("Date of issue"), _date(vat_invoice.issued_on))
        page.row(_("Amount with tax"), _money(vat_invoice.amount_with_tax, "CNY"))
        page.row(_("Tax rate"), vat_invoice.get_tax_rate_display())
        page.row(_("Tax amount"), _money(vat_invoice.tax_amount, "CNY"))
        page.space()

    page.text(_("Payments received"), size=12, bold=True, gap=7 * mm)
    page.rule()
    if payments:
        for payment in payments:
            label = _date(payment.paid_on)
            if payment.reference:
                label = f"{label} · {payment.reference}"
            page.amount_row(label, _money(payment.amount, payment.currency))
    else:
        page.text(_("None yet."))
    page.rule()
    page.amount_row(_("Paid"), _money(paid, currency))
    page.amount_row(_("Balance outstanding"), _money(balance, currency), bold=True)

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
