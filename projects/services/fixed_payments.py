"""The fixed amounts of an agreement: owed on a date, invoiced, paid.

due → invoiced → partially paid → paid; due → cancelled or waived by the
payee's staff with a reason. Once invoiced, a fixed payment is settled by
payments only, as a milestone is.

Where they come from:

- the upfront payment, when the agreement is signed (due on its
  ``upfront_due_on``, or 30 days after signing);
- the annual licence and maintenance fees, one per anniversary of the
  effective date (of the signing date when there is none) up to the
  expiry, each recorded once its due date is within
  ``ANNUAL_FEE_HORIZON_DAYS``: a fee appears in time for its reminders,
  and an agreement without an expiry does not fill the books with fees of
  decades to come;
- patent-cost reimbursements, sublicence income shares, option fees and
  other amounts, added by the staff.

``agreement_fixed_payments_schedule`` records what the terms make owed and
is idempotent: the agreement's signing (``projects.handlers``), the daily
reminder round, ``manage.py schedule_fixed_payments`` and the demo seed all
call it, so agreements signed before fixed payments existed catch up on
the next round.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import BUSINESS, date_check
from core.errors import ALLOWED, DomainError, Guard, denied
from core.events import publish
from core.i18n import Lowercase, Message, Money
from core.money import quantize_money
from core.text import text_input
from partnerships.models import Agreement
from partnerships.selectors import acts_for_research_party
from projects.activity import activity_record
from projects.choices import (
    GENERATED_FIXED_PAYMENT_KINDS,
    FixedPaymentKind,
    FixedPaymentStatus,
)
from projects.events import FixedPaymentInvoiced
from projects.models import FixedPayment, Invoice, ResearchProject

from .invoicing import (
    DEFAULT_PAYMENT_TERMS_DAYS,
    invoice_issue,
    payment_record,
)

UPFRONT_DUE_DAYS = 30
ANNUAL_FEE_HORIZON_DAYS = 90
# The kinds staff add by hand; the others come from the agreement's terms.
ADDED_KINDS = tuple(kind for kind in FixedPaymentKind if kind not in GENERATED_FIXED_PAYMENT_KINDS)
_ANNUAL_FEE_TERMS = {
    FixedPaymentKind.ANNUAL_LICENCE_FEE: "annual_licence_fee",
    FixedPaymentKind.ANNUAL_MAINTENANCE_FEE: "annual_maintenance_fee",
}
# Anniversaries are counted for at most this many years of a term.
MAX_TERM_YEARS = 60


class FixedPaymentError(DomainError):
    code = "fixed_payment_refused"


# --- Guards -------------------------------------------------------------------


def _payee_staff(user, agreement: Agreement) -> bool:
    """Whether the user is staff of the agreement's payee. Asked once per
    user and partnership: a page asks it of every row's every action."""
    if getattr(user, "is_partner", False):
        return False
    answers = user.__dict__.setdefault("_payee_staff_of", {})
    if agreement.partnership_id not in answers:
        answers[agreement.partnership_id] = acts_for_research_party(user, agreement)
    return answers[agreement.partnership_id]


def fixed_payment_add_guard(agreement: Agreement, user) -> Guard:
    if not _payee_staff(user, agreement):
        return denied(
            _("Only the staff of %(payee)s add payments to this agreement.")
            % {"payee": _payee(agreement).name},
            "not_payee",
        )
    if agreement.status != Agreement.Status.SIGNED:
        return denied(
            _(
                "Record the signing of the agreement first: only a signed agreement makes "
                "money owed."
            ),
            "not_signed",
        )
    return ALLOWED


def fixed_payment_invoice_guard(fixed_payment: FixedPayment, user) -> Guard:
    if not _payee_staff(user, fixed_payment.agreement):
        return denied(
            _("Only the staff of %(payee)s invoice this payment.")
            % {"payee": _payee(fixed_payment.agreement).name},
            "not_payee",
        )
    status = fixed_payment.status
    if status in (FixedPaymentStatus.INVOICED, FixedPaymentStatus.PARTIALLY_PAID):
        return denied(
            _("Invoice %(number)s is already issued for it; record the payments against it.")
            % {"number": fixed_payment.invoice.number},
            "already_invoiced",
        )
    if status == FixedPaymentStatus.PAID:
        return denied(_("It is paid in full; nothing is left to invoice."), "already_paid")
    if status != FixedPaymentStatus.DUE:
        return denied(
            _("It was %(status)s: %(reason)s")
            % {
                "status": fixed_payment.get_status_display().lower(),
                "reason": fixed_payment.closing_reason,
            },
            "closed",
        )
    return ALLOWED


def fixed_payment_close_guard(fixed_payment: FixedPayment, user) -> Guard:
    if not _payee_staff(user, fixed_payment.agreement):
        return denied(
            _("Only the staff of %(payee)s cancel or waive this payment.")
            % {"payee": _payee(fixed_payment.agreement).name},
            "not_payee",
        )
    if fixed_payment.status != FixedPaymentStatus.DUE:
        if fixed_payment.status in (FixedPaymentStatus.CANCELLED, FixedPaymentStatus.WAIVED):
            return denied(
                _("It was already %(status)s.")
                % {"status": fixed_payment.get_status_display().lower()},
                "closed",
            )
        return denied(
            _(
                "Invoice %(number)s is issued for it: a numbered invoice stands, and is "
                "settled by payments."
            )
            % {"number": fixed_payment.invoice.number},
            "invoiced",
        )
    return ALLOWED


def fixed_payment_pay_guard(fixed_payment: FixedPayment, user) -> Guard:
    invoice = getattr(fixed_payment, "invoice", None)
    if invoice is None:
        if fixed_payment.status == FixedPaymentStatus.DUE:
            return denied(
                _("Payments are recorded against the invoice: invoice it first."), "not_invoiced"
            )
        return denied(
            _("It was %(status)s: nothing is owed.")
            % {"status": fixed_payment.get_status_display().lower()},
            "closed",
        )
    if not _payee_staff(user, fixed_payment.agreement):
        return denied(
            _("Only the staff of %(payee)s or the finance integration record payments.")
            % {"payee": _payee(fixed_payment.agreement).name},
            "not_payee",
        )
    if fixed_payment.status == FixedPaymentStatus.PAID:
        return denied(
            _("Invoice %(number)s is paid in full.") % {"number": invoice.number}, "already_paid"
        )
    return ALLOWED


# --- Helpers ------------------------------------------------------------------


def _payee(agreement: Agreement):
    partnership = agreement.partnership
    return partnership.institution or partnership.joint_centre


def _locked(fixed_payment: FixedPayment) -> FixedPayment:
    return (
        FixedPayment.objects.select_for_update(of=("self",))
        .select_related("agreement__partnership", "project")
        .get(pk=fixed_payment.pk)
    )


def _create(agreement: Agreement, *, by, **values) -> FixedPayment:
    fixed_payment = FixedPayment.objects.create(
        agreement=agreement, currency=agreement.currency, created_by=_user(by), **values
    )
    activity_record(
        actor=by,
        verb="fixed_payment.created",
        target=fixed_payment,
        project=fixed_payment.project,
        agreement=agreement,
        summary=Message(
            gettext_lazy("%(label)s of %(amount)s owed, due %(due)s."),
            label=fixed_payment.label_message,
            amount=Money(fixed_payment.amount, fixed_payment.currency),
            due=fixed_payment.due_date,
        ),
        changes={
            "kind": fixed_payment.kind,
            "amount": fixed_payment.amount,
            "due_date": fixed_payment.due_date,
        },
    )
    return fixed_payment


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        # 29 February, in a year that has none.
        return start.replace(year=start.year + years, day=28)


# --- From the terms -------------------------------------------------------------


@transaction.atomic
def agreement_fixed_payments_schedule(
    *, agreement: Agreement, by=None, today: date | None = None
) -> list[FixedPayment]:
    """Record what a signed agreement's terms make owed and is not recorded
    yet: its upfront payment and the annual fees of the anniversaries due
    within ``ANNUAL_FEE_HORIZON_DAYS``. An upfront still due (not invoiced)
    follows a change of the terms' amount or date, and is cancelled when the
    terms drop it. Running it again records
    nothing twice. Returns what it recorded."""
    today = today or timezone.localdate()
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=agreement.pk)
    )
    if agreement.status != Agreement.Status.SIGNED:
        return []
    existing = {
        (row.kind, row.term_year): row
        for row in FixedPayment.objects.filter(
            agreement=agreement, kind__in=GENERATED_FIXED_PAYMENT_KINDS
        )
    }
    created = []
    if agreement.upfront_amount > 0:
        due = agreement.upfront_due_on or agreement.signed_on + timedelta(days=UPFRONT_DUE_DAYS)
        amount = quantize_money(agreement.upfront_amount, agreement.currency)
        upfront = existing.get((FixedPaymentKind.UPFRONT, None))
        if upfront is None:
            created.append(
                _create(
                    agreement, by=by, kind=FixedPaymentKind.UPFRONT, amount=amount, due_date=due
                )
            )
        elif upfront.status == FixedPaymentStatus.DUE and (
            (upfront.amount, upfront.due_date, upfront.currency)
            != (amount, due, agreement.currency)
        ):
            before = {"amount": upfront.amount, "due_date": upfront.due_date}
            upfront.amount, upfront.due_date, upfront.currency = amount, due, agreement.currency
            upfront.save(update_fields=["amount", "due_date", "currency", "updated_at"])
            activity_record(
                actor=by,
                verb="fixed_payment.changed",
                target=upfront,
                agreement=agreement,
                summary=Message(
                    gettext_lazy("Upfront payment now %(amount)s, due %(due)s."),
                    amount=Money(amount, agreement.currency),
                    due=due,
                ),
                changes={
                    "amount": [before["amount"], amount],
                    "due_date": [before["due_date"], due],
                },
            )
    else:
        upfront = existing.get((FixedPaymentKind.UPFRONT, None))
        if upfront is not None and upfront.status == FixedPaymentStatus.DUE:
            # The terms no longer promise an upfront: one not invoiced yet
            # is withdrawn, with the reason on record.
            upfront.status = FixedPaymentStatus.CANCELLED
            upfront.closing_reason = _("The agreement's terms no longer set an upfront payment.")
            upfront.save(update_fields=["status", "closing_reason", "updated_at"])
            activity_record(
                actor=by,
                verb="fixed_payment.cancelled",
                target=upfront,
                agreement=agreement,
                summary=Message(
                    gettext_lazy("Upfront payment cancelled: %(reason)s"),
                    reason=upfront.closing_reason,
                ),
                changes={"status": [FixedPaymentStatus.DUE, FixedPaymentStatus.CANCELLED]},
            )
    start = agreement.effective_on or agreement.signed_on
    horizon = today + timedelta(days=ANNUAL_FEE_HORIZON_DAYS)
    for kind, term in _ANNUAL_FEE_TERMS.items():
        fee = getattr(agreement, term)
        if fee <= 0:
            continue
        for year in range(1, MAX_TERM_YEARS + 1):
            due = anniversary(start, year)
            if due > horizon or (agreement.expires_on and due > agreement.expires_on):
                break
            if (kind, year) in existing:
                continue
            created.append(
                _create(
                    agreement,
                    by=by,
                    kind=kind,
                    term_year=year,
                    amount=quantize_money(fee, agreement.currency),
                    due_date=due,
                )
            )
    return created


def agreements_with_fixed_terms():
    """Signed agreements whose terms make fixed amounts owed."""
    return Agreement.objects.filter(status=Agreement.Status.SIGNED).exclude(
        upfront_amount=0, annual_licence_fee=0, annual_maintenance_fee=0
    )


# --- Added by the staff -----------------------------------------------------------


@transaction.atomic
def fixed_payment_add(
    *,
    agreement: Agreement,
    by,
    kind: str,
    amount: Decimal,
    due_date: date,
    description: str = "",
    project: ResearchProject | None = None,
) -> FixedPayment:
    """Record an amount the enterprise owes under the agreement: a
    reimbursement of patent costs, a share of sublicence income, an option
    fee or another fixed amount. The upfront and the annual fees come from
    the terms."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=agreement.pk)
    )
    fixed_payment_add_guard(agreement, by).raise_if_denied(FixedPaymentError)
    if kind not in ADDED_KINDS:
        raise FixedPaymentError(
            _(
                "The upfront payment and the annual fees follow from the agreement's terms: "
                "edit the terms to change them."
            ),
            code="from_terms",
            field="kind",
        )
    if not isinstance(amount, Decimal):
        raise FixedPaymentError(
            _("An amount is a decimal number."), code="invalid_amount", field="amount"
        )
    amount = quantize_money(amount, agreement.currency)
    if amount <= 0:
        raise FixedPaymentError(
            _("A fixed payment is a positive amount."), code="invalid_amount", field="amount"
        )
    date_check(due_date, field="due_date", bounds=BUSINESS)
    description = text_input(
        description,
        model=FixedPayment,
        field="description",
        error_class=FixedPaymentError,
        required=_("Say what the payment is for.") if kind == FixedPaymentKind.OTHER else None,
    )
    if project is not None and project.agreement_id != agreement.pk:
        raise FixedPaymentError(
            _("The project runs under another agreement."),
            code="project_of_other_agreement",
            field="project",
        )
    return _create(
        agreement,
        by=by,
        kind=kind,
        amount=amount,
        due_date=due_date,
        description=description,
        project=project,
    )


# --- Invoice, cancel, waive -------------------------------------------------------


@transaction.atomic
def fixed_payment_invoice(
    *,
    fixed_payment: FixedPayment,
    by,
    issued_on: date | None = None,
    payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS,
) -> Invoice:
    """Issue the invoice of a fixed payment, numbered gaplessly with the
    payee's other invoices."""
    fixed_payment = _locked(fixed_payment)
    fixed_payment_invoice_guard(fixed_payment, by).raise_if_denied(FixedPaymentError)
    invoice = invoice_issue(
        agreement=fixed_payment.agreement,
        amount=fixed_payment.amount,
        currency=fixed_payment.currency,
        fixed_payment=fixed_payment,
        by=by,
        issued_on=issued_on,
        payment_terms_days=payment_terms_days,
    )
    fixed_payment.status = FixedPaymentStatus.INVOICED
    fixed_payment.save(update_fields=["status", "updated_at"])
    activity = activity_record(
        actor=by,
        verb="fixed_payment.invoiced",
        target=fixed_payment,
        project=fixed_payment.project,
        agreement=fixed_payment.agreement,
        summary=Message(
            gettext_lazy("Invoice %(number)s issued for %(label)s."),
            number=invoice.number,
            label=fixed_payment.label_message,
        ),
        changes={
            "invoice": invoice.number,
            "due_on": invoice.due_on,
            "status": [FixedPaymentStatus.DUE, FixedPaymentStatus.INVOICED],
        },
    )
    publish(FixedPaymentInvoiced(fixed_payment=fixed_payment, invoice=invoice, activity=activity))
    return invoice


def fixed_payment_pay(*, fixed_payment: FixedPayment, by, **payment):
    """Record a payment against the fixed payment's invoice
    (``payment_record``: locked, never past the invoice)."""
    invoice = Invoice.objects.filter(fixed_payment=fixed_payment).first()
    if invoice is None:
        fixed_payment_pay_guard(fixed_payment, by).raise_if_denied(FixedPaymentError)
    return payment_record(invoice=invoice, by=by, **payment)


@dataclass(frozen=True)
class FixedPaymentAction:
    """``guard(fixed_payment, user)`` says whether ``service(fixed_payment=…,
    by=…, **inputs)`` may run now; the staff page and the API look the
    actions up here."""

    name: str
    guard: Callable[[FixedPayment, Any], Guard]
    service: Callable[..., Any]


def _close(fixed_payment: FixedPayment, *, by, reason: str, to_status) -> FixedPayment:
    reason = text_input(
        reason,
        model=FixedPayment,
        field="closing_reason",
        name="reason",
        required=_("Cancelling or waiving a payment needs a reason."),
        error_class=FixedPaymentError,
    )
    fixed_payment = _locked(fixed_payment)
    fixed_payment_close_guard(fixed_payment, by).raise_if_denied(FixedPaymentError)
    fixed_payment.status = to_status
    fixed_payment.closing_reason = reason
    fixed_payment.save(update_fields=["status", "closing_reason", "updated_at"])
    activity_record(
        actor=by,
        verb=f"fixed_payment.{to_status}",
        target=fixed_payment,
        project=fixed_payment.project,
        agreement=fixed_payment.agreement,
        summary=Message(
            gettext_lazy("%(label)s %(status)s: %(reason)s"),
            label=fixed_payment.label_message,
            status=Lowercase(FixedPaymentStatus(to_status).label),
            reason=reason,
        ),
        changes={"status": [FixedPaymentStatus.DUE, to_status], "reason": reason},
    )
    return fixed_payment


@transaction.atomic
def fixed_payment_cancel(*, fixed_payment: FixedPayment, by, reason: str) -> FixedPayment:
    """Withdraw an amount recorded in error or no longer owed."""
    return _close(fixed_payment, by=by, reason=reason, to_status=FixedPaymentStatus.CANCELLED)


@transaction.atomic
def fixed_payment_waive(*, fixed_payment: FixedPayment, by, reason: str) -> FixedPayment:
    """Forgo an amount the enterprise owes."""
    return _close(fixed_payment, by=by, reason=reason, to_status=FixedPaymentStatus.WAIVED)


FIXED_PAYMENT_ACTIONS: dict[str, FixedPaymentAction] = {
    action.name: action
    for action in (
        FixedPaymentAction("invoice", fixed_payment_invoice_guard, fixed_payment_invoice),
        FixedPaymentAction("pay", fixed_payment_pay_guard, fixed_payment_pay),
        FixedPaymentAction("cancel", fixed_payment_close_guard, fixed_payment_cancel),
        FixedPaymentAction("waive", fixed_payment_close_guard, fixed_payment_waive),
    )
}
