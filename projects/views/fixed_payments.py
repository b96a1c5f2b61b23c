"""The fixed payments of an agreement in the staff UI: the upfront, the
annual fees and the amounts the staff add, with their actions (invoice,
record a payment, cancel or waive). Each action is a small form page that
posts to the service through ``FIXED_PAYMENT_ACTIONS``; a refusal comes back
onto the form in the guard's words."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.templatetags.biobridge import money
from core.ui.forms import add_service_error
from partnerships.selectors import agreements_visible_to
from projects.choices import FIXED_PAYMENT_OPEN_STATUSES
from projects.forms import FixedPaymentForm, InvoiceForm, PaymentForm, ReasonForm
from projects.selectors import agreement_fixed_payments_for
from projects.services.fixed_payments import (
    ADDED_KINDS,
    FIXED_PAYMENT_ACTIONS,
    fixed_payment_add,
    fixed_payment_add_guard,
)

# The label of each action's button and page, and its form.
ACTION_LABELS = {
    "invoice": gettext_lazy("Invoice"),
    "pay": gettext_lazy("Record payment"),
    "cancel": gettext_lazy("Cancel"),
    "waive": gettext_lazy("Waive"),
}
ACTION_TITLES = {
    "invoice": gettext_lazy("Issue the invoice"),
    "pay": gettext_lazy("Record a payment"),
    "cancel": gettext_lazy("Cancel the payment"),
    "waive": gettext_lazy("Waive the payment"),
}


def fixed_payments_context(user, agreement, *, today) -> dict:
    """The agreement page's fixed payments, each with its actions and
    whether the user may take them now (and if not, why)."""
    rows = list(agreement_fixed_payments_for(user, agreement))
    for row in rows:
        # The guards read the agreement: the page's one serves every row.
        row.agreement = agreement
        row.overdue = row.is_overdue(today)
        guards = {name: rule.guard(row, user) for name, rule in FIXED_PAYMENT_ACTIONS.items()}
        row.actions = [
            {"name": name, "label": ACTION_LABELS[name]} for name, guard in guards.items() if guard
        ]
        # With nothing to do on an open payment, the page says why (the
        # invoice's or the payment's guard speaks for the row).
        row.blocked_reason = ""
        if not row.actions and row.status in FIXED_PAYMENT_OPEN_STATUSES:
            row.blocked_reason = (
                guards["invoice"] if row.status == "due" else guards["pay"]
            ).reason
    add_guard = fixed_payment_add_guard(agreement, user)
    return {"fixed_payments": rows, "fixed_payment_add_guard": add_guard}


def _refuse(form, reason) -> None:
    """Put a guard's reason above the form, bound or not."""
    if form.is_bound:
        form.is_valid()
    else:
        form.cleaned_data = {}
    form.add_error(None, reason)


def _agreement(request, reference):
    return get_object_or_404(
        agreements_visible_to(request.user).select_related("partnership"), reference=reference
    )


@login_required
@require_http_methods(["GET", "POST"])
def fixed_payment_create(request, reference):
    """Add a patent-cost reimbursement, a sublicence share, an option fee or
    another amount the enterprise owes under the agreement."""
    agreement = _agreement(request, reference)
    guard = fixed_payment_add_guard(agreement, request.user)
    form = FixedPaymentForm(
        request.POST or None, agreement=agreement, user=request.user, kinds=ADDED_KINDS
    )
    if not guard:
        _refuse(form, guard.reason)
    elif request.method == "POST" and form.is_valid():
        try:
            fixed_payment = fixed_payment_add(
                agreement=agreement, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("%(label)s recorded as owed.") % {"label": fixed_payment.label}
            )
            return redirect(agreement)
    return render(
        request,
        "projects/fixed_payment_form.html",
        {
            "agreement": agreement,
            "form": form,
            "title": _("Add a payment owed"),
            "submit_label": _("Add"),
        },
    )


def _action_form(action, fixed_payment, data=None):
    if action == "invoice":
        return InvoiceForm(data)
    if action == "pay":
        invoice = getattr(fixed_payment, "invoice", None)
        return PaymentForm(
            data,
            invoice=invoice,
            outstanding=getattr(fixed_payment, "outstanding", None) if invoice else None,
        )
    return ReasonForm(data)


def _done_message(action, fixed_payment, done) -> str:
    if action == "invoice":
        return _("Invoice %(number)s issued for %(label)s.") % {
            "number": done.number,
            "label": fixed_payment.label,
        }
    if action == "pay":
        return _("Payment of %(amount)s recorded on invoice %(number)s.") % {
            "amount": money(done.amount, done.currency),
            "number": done.invoice.number,
        }
    if action == "cancel":
        return _("%(label)s cancelled.") % {"label": fixed_payment.label}
    return _("%(label)s waived.") % {"label": fixed_payment.label}


@login_required
@require_http_methods(["GET", "POST"])
def fixed_payment_action(request, reference, pk, action):
    """The form of an action on a fixed payment (GET) and the action
    (POST), back to the agreement's page when done."""
    rule = FIXED_PAYMENT_ACTIONS.get(action)
    if rule is None:
        raise Http404
    agreement = _agreement(request, reference)
    fixed_payment = get_object_or_404(agreement_fixed_payments_for(request.user, agreement), pk=pk)
    guard = rule.guard(fixed_payment, request.user)
    form = _action_form(action, fixed_payment, request.POST if request.method == "POST" else None)
    if not guard:
        _refuse(form, guard.reason)
    elif request.method == "POST" and form.is_valid():
        inputs = {key: value for key, value in form.cleaned_data.items() if value is not None}
        try:
            done = rule.service(fixed_payment=fixed_payment, by=request.user, **inputs)
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _done_message(action, fixed_payment, done))
            return redirect(agreement)
    return render(
        request,
        "projects/fixed_payment_form.html",
        {
            "agreement": agreement,
            "fixed_payment": fixed_payment,
            "form": form,
            "title": ACTION_TITLES[action],
            "submit_label": ACTION_LABELS[action],
            "danger": action in ("cancel", "waive"),
        },
    )
