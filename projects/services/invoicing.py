"""Invoices and payments for milestones and royalty reports.

Invoice numbers are gapless per payee and year (``INV-ELU-2026-0007``): the
number is drawn from a sequence row locked for the rest of the transaction,
so concurrent invoicing neither repeats nor skips a number, and a rolled-back
invoice gives its number back. Payments lock their invoice, so concurrent
payments can never together exceed it.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import INVOICE, PAST, date_check
from core.errors import ALLOWED, DomainError, Guard, denied
from core.events import publish
from core.i18n import Message, Money
from core.money import format_amount, quantize_money
from core.text import text_input
from partnerships.models import Agreement
from partnerships.selectors import acts_for_research_party
from projects.activity import activity_record
from projects.choices import (
    MILESTONE_TRANSITIONS,
    ROYALTY_REPORT_TRANSITIONS,
    MilestoneStatus,
)
from projects.events import MilestonePaid, PaymentRecorded
from projects.models import Invoice, InvoiceSequence, Milestone, Payment, RoyaltyReport
from projects.selectors import invoice_amount_paid

DEFAULT_PAYMENT_TERMS_DAYS = 30


class PaymentError(DomainError):
    code = "payment_refused"


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
    issued_on: date | None = None,
    payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS,
) -> Invoice:
    """Issue the invoice of a milestone or a royalty report. Callers check
    their own guard first; this runs inside their transaction."""
    issued_on = issued_on or timezone.localdate()
    # Bounded before anything is numbered: the year names the invoice for
    # good, and the due date is counted from this day.
    date_check(issued_on, field="issued_on", bounds=INVOICE)
    partnership = agreement.partnership
    payee = partnership.institution or partnership.joint_centre
    return Invoice.objects.create(
        number=_next_invoice_number(invoice_prefix(agreement, issued_on.year)),
        milestone=milestone,
        royalty_report=royalty_report,
        payee_name=payee.name,
        payer_name=partnership.enterprise.name,
        amount=quantize_money(amount, currency),
        currency=currency,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=payment_terms_days),
        issued_by=by,
    )


def _billed(invoice: Invoice):
    """The milestone or royalty report an invoice bills, locked (its own row
    only: a report's project is an outer join, which PostgreSQL cannot
    lock)."""
    if invoice.milestone_id:
        return (
            Milestone.objects.select_for_update(of=("self",))
            .select_related("agreement__partnership", "project")
            .get(pk=invoice.milestone_id)
        )
    return (
        RoyaltyReport.objects.select_for_update(of=("self",))
        .select_related("agreement__partnership", "project")
        .get(pk=invoice.royalty_report_id)
    )


def payment_record_guard(invoice: Invoice, user) -> Guard:
    billed = invoice.milestone or invoice.royalty_report
    if not acts_for_research_party(user, billed.agreement):
        return denied(
            _("Only the payee's staff or the finance integration record payments."),
            "not_payee",
        )
    if billed.status == MilestoneStatus.PAID:
        return denied(_("The invoice is settled."), "already_paid")
    # Payments follow the same transition maps as every other change.
    transitions = (
        MILESTONE_TRANSITIONS if isinstance(billed, Milestone) else ROYALTY_REPORT_TRANSITIONS
    )
    if MilestoneStatus.PAID not in transitions[billed.status]:
        return denied(
            _("Payments are recorded once invoiced; this is %(status)s.")
            % {"status": billed.get_status_display().lower()},
            "invalid_transition",
        )
    return ALLOWED


@transaction.atomic
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
    fully_paid = paid_before + amount == invoice.amount
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
