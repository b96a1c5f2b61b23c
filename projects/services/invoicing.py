"""Invoices and payments for milestones, royalty reports and fixed payments.

Invoice numbers are gapless per payee and year (``INV-ELU-2026-0007``): the
number is drawn from a sequence row locked for the rest of the transaction,
so concurrent invoicing neither repeats nor skips a number, and a rolled-back
invoice gives its number back. Payments lock their invoice, so concurrent
payments can never together exceed it.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import INVOICE, PAST, date_check
from core.errors import ALLOWED, DomainError, Guard, InvalidInput, denied
from core.events import publish
from core.i18n import Message, Money
from core.money import Currency, format_amount, quantize_money
from core.text import text_input
from core.writable import WritableFields
from partnerships.models import Agreement, Institution, JointCentreParty, Partnership
from partnerships.selectors import acts_for_research_party
from projects.activity import activity_record
from projects.choices import (
    DIGITAL_VAT_INVOICE_KINDS,
    FIXED_PAYMENT_TRANSITIONS,
    MILESTONE_TRANSITIONS,
    ROYALTY_REPORT_TRANSITIONS,
    MilestoneStatus,
    VatInvoiceKind,
    VatRate,
    vat_rate_percent,
)
from projects.events import MilestonePaid, PaymentRecorded
from projects.models import (
    FixedPayment,
    Invoice,
    InvoiceSequence,
    Milestone,
    Payment,
    RoyaltyReport,
    VatInvoice,
)
from projects.selectors import invoice_amount_paid
from projects.services.open_money import (
    keeps_open_money,
    payment_received,
    project_of_invoice,
)

DEFAULT_PAYMENT_TERMS_DAYS = 30


class PaymentError(DomainError):
    code = "payment_refused"


class VatInvoiceError(DomainError):
    code = "vat_invoice_refused"


def invoicing_institution(partnership: Partnership) -> Institution | None:
    """The institution whose legal particulars and bank account an invoice
    of the partnership carries: its institution, or, for a joint centre
    (which has no legal personality of its own), the host institution
    listed first, which receives the money on the centre's behalf."""
    if partnership.institution_id:
        return partnership.institution
    host = (
        JointCentreParty.objects.filter(
            centre_id=partnership.joint_centre_id, institution__isnull=False
        )
        .select_related("institution")
        .order_by("pk")
        .first()
    )
    return host.institution if host else None


def invoice_parties(partnership: Partnership) -> dict[str, str]:
    """The payee's and the payer's particulars as an invoice records them at
    issue: later edits of either party leave issued invoices as they were."""
    payee = invoicing_institution(partnership)
    payer = partnership.enterprise
    parties = {
        "payer_legal_name": payer.legal_name,
        "payer_tax_id": payer.unified_social_credit_code,
        "payer_address": payer.registered_address,
    }
    if payee is not None:
        parties |= {
            "payee_legal_name": payee.legal_name,
            "payee_tax_id": payee.unified_social_credit_code,
            "payee_address": payee.registered_address,
            "payee_bank_name": payee.bank_name,
            "payee_bank_branch": payee.bank_branch,
            "payee_bank_account": payee.bank_account_number,
        }
    return parties


def invoice_prefix(agreement: Agreement, year: int) -> str:
    payee = agreement.partnership.institution or agreement.partnership.joint_centre
    return f"INV-{payee.code}-{year}"


def _next_invoice_number(prefix: str) -> str:
    sequence, _created = InvoiceSequence.objects.select_for_update().get_or_create(prefix=prefix)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}-{sequence.last_number:04d}"


def invoice_issue(
    *,
    agreement: Agreement,
    amount: Decimal,
    currency: str,
    by,
    milestone: Milestone | None = None,
    royalty_report: RoyaltyReport | None = None,
    fixed_payment: FixedPayment | None = None,
    issued_on: date | None = None,
    payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS,
) -> Invoice:
    """Issue the invoice of a milestone, a royalty report or a fixed
    payment. Callers check
    their own guard first; this runs inside their transaction."""
    issued_on = issued_on or timezone.localdate()
    # Bounded before anything is numbered: the year names the invoice for
    # good, and the due date is counted from this day.
    date_check(issued_on, field="issued_on", bounds=INVOICE)
    partnership = agreement.partnership
    payee = partnership.institution or partnership.joint_centre
    return Invoice.objects.create(
        number=_next_invoice_number(invoice_prefix(agreement, issued_on.year)),
        agreement=agreement,
        milestone=milestone,
        royalty_report=royalty_report,
        fixed_payment=fixed_payment,
        payee_name=payee.name,
        payer_name=partnership.enterprise.name,
        **invoice_parties(partnership),
        amount=quantize_money(amount, currency),
        currency=currency,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=payment_terms_days),
        issued_by=by,
    )


def invoice_agreement_follow(billed: Milestone | RoyaltyReport) -> None:
    """Keeps the invoice of a milestone or royalty report under its
    agreement after the admin moves it to another (the invoice's key, by
    which a partner's invoices are found)."""
    field = "milestone" if isinstance(billed, Milestone) else "royalty_report"
    Invoice.objects.filter(**{field: billed}).exclude(agreement_id=billed.agreement_id).update(
        agreement_id=billed.agreement_id
    )


def _billed(invoice: Invoice):
    """The milestone, royalty report or fixed payment an invoice bills,
    locked (its own row only: a report's project is an outer join, which
    PostgreSQL cannot lock)."""
    if invoice.milestone_id:
        model, pk = Milestone, invoice.milestone_id
    elif invoice.royalty_report_id:
        model, pk = RoyaltyReport, invoice.royalty_report_id
    else:
        model, pk = FixedPayment, invoice.fixed_payment_id
    return (
        model.objects.select_for_update(of=("self",))
        .select_related("agreement__partnership", "project")
        .get(pk=pk)
    )


_TRANSITIONS = {
    Milestone: MILESTONE_TRANSITIONS,
    RoyaltyReport: ROYALTY_REPORT_TRANSITIONS,
    FixedPayment: FIXED_PAYMENT_TRANSITIONS,
}


def payment_record_guard(invoice: Invoice, user) -> Guard:
    billed = invoice.billed
    if not acts_for_research_party(user, billed.agreement):
        return denied(
            _("Only the payee's staff or the finance integration record payments."),
            "not_payee",
        )
    if billed.status == MilestoneStatus.PAID:
        return denied(_("The invoice is settled."), "already_paid")
    # Payments follow the same transition maps as every other change.
    if MilestoneStatus.PAID not in _TRANSITIONS[type(billed)][billed.status]:
        return denied(
            _("Payments are recorded once invoiced; this is %(status)s.")
            % {"status": billed.get_status_display().lower()},
            "invalid_transition",
        )
    return ALLOWED


def invoice_mark_sent_guard(invoice: Invoice, user) -> Guard:
    """Whether ``user`` may record that the invoice went out: the payee's
    staff, once, and not for an invoice settled or of something cancelled
    or waived meanwhile."""
    billed = invoice.billed
    if not acts_for_research_party(user, billed.agreement):
        return denied(_("Only the payee's staff record that an invoice was sent."), "not_payee")
    if invoice.sent_on is not None:
        return denied(
            _("The invoice was already marked as sent on %(date)s.")
            % {"date": date_format(invoice.sent_on)},
            "already_sent",
        )
    if billed.status == MilestoneStatus.PAID:
        return denied(_("The invoice is settled."), "already_paid")
    if billed.status in (MilestoneStatus.CANCELLED, MilestoneStatus.WAIVED):
        return denied(
            _("What the invoice bills is %(status)s.")
            % {"status": billed.get_status_display().lower()},
            "invalid_transition",
        )
    return ALLOWED


@transaction.atomic
def invoice_mark_sent(*, invoice: Invoice, by, sent_on: date | None = None) -> Invoice:
    """Record that the invoice went out to the payer (today unless
    ``sent_on`` says otherwise), once."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    invoice_mark_sent_guard(invoice, by).raise_if_denied(PaymentError)
    sent_on = sent_on or timezone.localdate()
    date_check(sent_on, field="sent_on", bounds=PAST)
    if sent_on < invoice.issued_on:
        raise PaymentError(
            _("An invoice cannot be sent before it is issued."), code="invalid", field="sent_on"
        )
    invoice.sent_on = sent_on
    invoice.sent_by = by
    invoice.save(update_fields=["sent_on", "sent_by"])
    billed = invoice.billed
    activity_record(
        actor=by,
        verb="invoice.sent",
        target=invoice,
        project=getattr(billed, "project", None),
        agreement=billed.agreement,
        summary=Message(
            gettext_lazy("Invoice %(number)s marked as sent on %(date)s."),
            number=invoice.number,
            date=sent_on,
        ),
        changes={"sent_on": sent_on},
    )
    return invoice


@transaction.atomic
@keeps_open_money(project_of_invoice)
def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    currency: str,
    paid_on: date,
    by,
    reference: str = "",
) -> Payment:
    """Record money received against an invoice. Partial payments are
    allowed; a payment that would take the total past the invoice is
    refused."""
    # Lock the invoice: two finance users, or a user and the ERP
    # integration, may record the same transfer at the same moment.
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    billed = _billed(invoice)
    guard = payment_record_guard(invoice, by)
    if guard.code != "already_paid":
        # Nothing is outstanding on a settled invoice, so a payment on it is
        # refused below as an over-payment, like any payment beyond what is
        # outstanding: the same answer whichever of two payments came first.
        guard.raise_if_denied(PaymentError)
    if not isinstance(amount, Decimal):
        raise PaymentError(
            _("An amount is a decimal number."), code="invalid_amount", field="amount"
        )
    if currency != invoice.currency:
        raise PaymentError(
            _("The invoice is in %(currency)s.") % {"currency": invoice.currency},
            code="currency_mismatch",
            field="currency",
        )
    amount = quantize_money(amount, currency)
    if amount <= 0:
        raise PaymentError(
            _("A payment is a positive amount."), code="invalid_amount", field="amount"
        )
    if paid_on > timezone.localdate():
        raise PaymentError(
            _("A payment cannot be dated in the future."), code="future_payment", field="paid_on"
        )
    date_check(paid_on, field="paid_on", bounds=PAST)
    if paid_on < invoice.issued_on:
        # No check constraint can compare rows of two tables: this is the rule.
        raise PaymentError(
            _(
                "A payment cannot be dated before its invoice: invoice %(number)s was issued "
                "on %(issued)s."
            )
            % {
                "number": invoice.number,
                "issued": date_format(invoice.issued_on, "SHORT_DATE_FORMAT"),
            },
            code="paid_before_invoice",
            field="paid_on",
        )
    reference = text_input(reference, model=Payment, field="reference", error_class=PaymentError)
    if reference and invoice.payments.filter(reference=reference).exists():
        raise PaymentError(
            _("A payment with reference %(reference)s is already recorded on this invoice.")
            % {"reference": reference},
            code="duplicate_reference",
            field="reference",
        )
    paid_before = invoice_amount_paid(invoice)
    outstanding = invoice.amount - paid_before
    if amount > outstanding:
        raise PaymentError(
            _(
                "This payment would exceed the invoice: %(outstanding)s %(currency)s is "
                "outstanding."
            )
            % {"outstanding": format_amount(outstanding, currency), "currency": currency},
            code="overpayment",
            field="amount",
        )
    payment = Payment.objects.create(
        invoice=invoice,
        amount=amount,
        currency=currency,
        paid_on=paid_on,
        reference=reference,
        recorded_by=by,
    )
    if invoice.milestone_id is None:
        payment_received(payment)
    fully_paid = paid_before + amount == invoice.amount
    if fully_paid:
        invoice.paid_in_full_on = paid_on
        invoice.save(update_fields=["paid_in_full_on"])
    old_status = billed.status
    billed.status = "paid" if fully_paid else "partially_paid"
    billed.save(update_fields=["status", "updated_at"])

    project = billed.project
    activity = activity_record(
        actor=by,
        verb="payment.recorded",
        target=payment,
        project=project,
        agreement=billed.agreement,
        summary=Message(
            gettext_lazy("Payment of %(amount)s %(currency)s recorded on invoice %(number)s."),
            amount=Money(amount, currency, code=False),
            currency=currency,
            number=invoice.number,
        ),
        changes={
            "amount": amount,
            "paid_on": paid_on,
            "reference": reference,
            "status": [old_status, billed.status],
        },
    )
    publish(PaymentRecorded(payment=payment, invoice=invoice, billed=billed, activity=activity))
    if fully_paid and isinstance(billed, Milestone):
        publish(
            MilestonePaid(milestone=billed, invoice=invoice, payment=payment, activity=activity)
        )
    return payment


# --- The VAT invoice (发票) ------------------------------------------------------

VAT_INVOICE_FIELDS = WritableFields(
    fields=("kind", "code", "number", "issued_on", "amount_with_tax", "tax_rate", "tax_amount")
)
DIGITAL_NUMBER = re.compile(r"^[0-9]{20}$")
OLDER_NUMBER = re.compile(r"^[0-9]{8}$")
OLDER_CODE = re.compile(r"^(?:[0-9]{10}|[0-9]{12})$")
# A VAT invoice computes the tax line by line, each rounded to the fen, so
# its total tax may differ from the tax on its total by a few fen.
TAX_ROUNDING_TOLERANCE = Decimal("0.05")


def vat_invoice_record_guard(invoice: Invoice, user) -> Guard:
    billed = invoice.billed
    if not acts_for_research_party(user, billed.agreement):
        return denied(
            _("Only the payee's staff record the VAT invoice issued for an invoice."),
            "not_payee",
        )
    return ALLOWED


def _digits(value: str) -> str:
    # Numbers are read off a printed invoice: spaces between groups are
    # dropped, anything else is refused below.
    return re.sub(r"\s", "", value or "")


def _check_vat_invoice(invoice: Invoice, record: VatInvoice) -> None:
    """Every rule of a VAT invoice, every bad field at once."""
    errors: dict[str, list[str]] = {}
    if record.kind in DIGITAL_VAT_INVOICE_KINDS:
        if record.code:
            errors["code"] = [_("A fully digitalised e-invoice has no code; leave it empty.")]
        if not DIGITAL_NUMBER.fullmatch(record.number):
            errors["number"] = [_("The number of a fully digitalised e-invoice is 20 digits.")]
    else:
        if not OLDER_CODE.fullmatch(record.code):
            errors["code"] = [_("The code of this kind of VAT invoice is 10 or 12 digits.")]
        if not OLDER_NUMBER.fullmatch(record.number):
            errors["number"] = [_("The number of this kind of VAT invoice is 8 digits.")]
    if record.issued_on < invoice.issued_on:
        errors["issued_on"] = [
            _("A VAT invoice cannot be dated before its invoice (%(date)s).")
            % {"date": date_format(invoice.issued_on, "SHORT_DATE_FORMAT")}
        ]
    if record.amount_with_tax <= 0:
        errors["amount_with_tax"] = [_("The amount with tax is positive.")]
    elif invoice.currency == Currency.CNY and record.amount_with_tax != invoice.amount:
        errors["amount_with_tax"] = [
            _("The VAT invoice is for the invoice's amount, %(amount)s yuan, tax included.")
            % {"amount": number_format(invoice.amount, 2, force_grouping=True)}
        ]
    if record.tax_amount < 0:
        errors["tax_amount"] = [_("The tax amount cannot be negative.")]
    elif record.amount_with_tax > 0:
        rate = vat_rate_percent(record.tax_rate)
        expected = quantize_money(record.amount_with_tax * rate / (100 + rate), Currency.CNY)
        if abs(record.tax_amount - expected) > TAX_ROUNDING_TOLERANCE:
            errors["tax_amount"] = [
                _("At %(rate)s the tax on %(amount)s yuan is %(expected)s yuan, not %(tax)s.")
                % {
                    "rate": VatRate(record.tax_rate).label,
                    "amount": number_format(record.amount_with_tax, 2, force_grouping=True),
                    "expected": number_format(expected, 2, force_grouping=True),
                    "tax": number_format(record.tax_amount, 2, force_grouping=True),
                }
            ]
    if not errors:
        clash = VatInvoice.objects.filter(code=record.code, number=record.number).exclude(
            invoice=invoice
        )
        if clash.exists():
            errors["number"] = [
                _("This VAT invoice is already recorded on invoice %(number)s.")
                % {"number": clash.values_list("invoice__number", flat=True).first()}
            ]
    if errors:
        raise InvalidInput(errors, code="invalid_vat_invoice")


@transaction.atomic
def vat_invoice_record(
    *,
    invoice: Invoice,
    by,
    kind: str,
    number: str,
    issued_on: date,
    amount_with_tax: Decimal,
    tax_rate: str,
    tax_amount: Decimal,
    code: str = "",
) -> VatInvoice:
    """Record the VAT invoice (发票) issued for an invoice, or correct the
    one recorded. Numbers are checked by kind, the date against the
    invoice's, the amount against the invoice's (when it is in yuan) and the
    tax against the rate."""
    # Lock the invoice: two staff members may enter its VAT invoice at once.
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    billed = _billed(invoice)
    vat_invoice_record_guard(invoice, by).raise_if_denied(VatInvoiceError)
    if kind not in VatInvoiceKind.values:
        raise VatInvoiceError(
            _("Choose a kind of VAT invoice."), code="invalid_kind", field="kind"
        )
    if tax_rate not in VatRate.values:
        raise VatInvoiceError(_("Choose a tax rate."), code="invalid_rate", field="tax_rate")
    for name, value in (("amount_with_tax", amount_with_tax), ("tax_amount", tax_amount)):
        if not isinstance(value, Decimal):
            raise VatInvoiceError(
                _("An amount is a decimal number."), code="invalid_amount", field=name
            )
    # Not in the future: a VAT invoice is recorded once issued.
    date_check(issued_on, field="issued_on", bounds=PAST)
    record = VatInvoice.objects.filter(invoice=invoice).first() or VatInvoice(invoice=invoice)
    before = {name: getattr(record, name) for name in VAT_INVOICE_FIELDS.fields}
    record.kind = kind
    record.code = _digits(code)
    record.number = _digits(number)
    record.issued_on = issued_on
    record.amount_with_tax = quantize_money(amount_with_tax, Currency.CNY)
    record.tax_rate = tax_rate
    record.tax_amount = quantize_money(tax_amount, Currency.CNY)
    _check_vat_invoice(invoice, record)
    corrected = record.pk is not None
    record.recorded_by = by
    try:
        # A savepoint: the same VAT invoice entered on another invoice at
        # this very moment loses to the unique constraint, not to a 500.
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        raise InvalidInput(
            {"number": [_("This VAT invoice is already recorded.")]},
            code="invalid_vat_invoice",
        ) from error
    after = {name: getattr(record, name) for name in VAT_INVOICE_FIELDS.fields}
    activity_record(
        actor=by,
        verb="invoice.vat_invoice_recorded",
        target=invoice,
        project=billed.project,
        agreement=billed.agreement,
        summary=Message(
            gettext_lazy("VAT invoice %(vat)s on invoice %(number)s corrected.")
            if corrected
            else gettext_lazy("VAT invoice %(vat)s recorded on invoice %(number)s."),
            vat=str(record),
            number=invoice.number,
        ),
        changes={
            name: [before[name], after[name]] if corrected else after[name]
            for name in VAT_INVOICE_FIELDS.fields
            if not corrected or before[name] != after[name]
        },
    )
    return record
