"""The staff page of one royalty report and the actions on it: accept,
query (with the reason the licensee reads in the portal), invoice, record a
payment, and true the year up to the minimum annual royalty.

The page shows what a licensing officer checks before deciding: the lines
by product and territory, the tier-by-tier computation of the royalty, the
year against the minimum annual royalty and the report's history. Each
action is a POST of its own form; the services decide, and a refusal comes
back onto the form. An action that is not available now is shown disabled
with the reason its guard gives.
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.ui.forms import Form
from projects.choices import RoyaltyReportKind
from projects.forms import InvoiceForm, PaymentForm, RoyaltyQueryForm
from projects.selectors import royalty_report_detail_for, royalty_report_history
from projects.services.royalties import royalty_preview_breakdown, royalty_year_position
from projects.services.royalty_actions import royalty_report_act, royalty_report_action_guard


class RoyaltyAction:
    def __init__(self, name, label, explanation, form_class, done, *, sales_only=False):
        self.name = name
        self.label = label
        self.explanation = explanation
        self.form_class = form_class
        self.done = done
        # Accepting and querying review reported sales; a true-up is
        # computed from the terms and has nothing to review.
        self.sales_only = sales_only


ROYALTY_ACTIONS = {
    action.name: action
    for action in (
        RoyaltyAction(
            "accept",
            pgettext_lazy("royalty report action", "Accept"),
            gettext_lazy("The figures are right: the report can be invoiced."),
            Form,
            gettext_lazy("Royalty report accepted."),
            sales_only=True,
        ),
        RoyaltyAction(
            "query",
            pgettext_lazy("royalty report action", "Query"),
            gettext_lazy(
                "Send the report back to the licensee with a question; it corrects and "
                "resubmits it in the portal."
            ),
            RoyaltyQueryForm,
            gettext_lazy("Royalty report queried: the licensee sees your question."),
            sales_only=True,
        ),
        RoyaltyAction(
            "invoice",
            pgettext_lazy("royalty report action", "Invoice"),
            gettext_lazy("Issue the numbered invoice for the royalty due."),
            InvoiceForm,
            gettext_lazy("Invoice issued."),
        ),
        RoyaltyAction(
            "pay",
            pgettext_lazy("royalty report action", "Record payment"),
            gettext_lazy("Record money received against the invoice; part payments are fine."),
            PaymentForm,
            gettext_lazy("Payment recorded."),
        ),
        RoyaltyAction(
            "true_up",
            pgettext_lazy("royalty report action", "True up to the minimum"),
            gettext_lazy(
                "Bill the shortfall of the year's royalties against the minimum annual "
                "royalty, as a report of its own that is invoiced like any other."
            ),
            Form,
            gettext_lazy("Minimum annual royalty trued up."),
        ),
    )
}


def _report(request, pk):
    """The report, if the user sees it; 404 otherwise, whoever's it is."""
    return get_object_or_404(royalty_report_detail_for(request.user), pk=pk)


def _invoice_of(report):
    return getattr(report, "invoice", None)


def _form(action, report, data=None):
    if action.name == "pay":
        invoice = _invoice_of(report)
        outstanding = invoice.amount - report.amount_paid if invoice else None
        return PaymentForm(data, invoice=invoice, outstanding=outstanding)
    return action.form_class(data)


def _offered(action, report) -> bool:
    if action.sales_only and report.kind != RoyaltyReportKind.SALES:
        return False
    if action.name == "true_up":
        return bool(report.agreement.minimum_annual_royalty)
    return True


def _decimal(value):
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


HISTORY_LABELS = {
    "royalty_report.submitted": gettext_lazy("Submitted"),
    "royalty_report.queried": gettext_lazy("Queried"),
    "royalty_report.resubmitted": gettext_lazy("Corrected and resubmitted"),
    "royalty_report.accepted": gettext_lazy("Accepted"),
    "royalty_report.invoiced": gettext_lazy("Invoiced"),
    "royalty_report.true_up": gettext_lazy("Trued up to the minimum annual royalty"),
    "payment.recorded": gettext_lazy("Payment recorded"),
}


def _history(request, report):
    """The report's activity as the page shows it: what happened, by whom
    and when, with the figures that changed, read from the recorded
    changes rather than the sentence (written in its author's language)."""
    entries = []
    for activity in royalty_report_history(request.user, report):
        changes = activity.changes or {}
        before = changes.get("before") or {}
        after = changes.get("after") or {}
        entries.append(
            {
                "activity": activity,
                "verb": activity.verb,
                "label": HISTORY_LABELS.get(activity.verb, activity.verb),
                "reason": changes.get("reason", ""),
                "net_sales": _decimal(changes.get("net_sales")),
                "royalty_due": _decimal(changes.get("royalty_due")),
                "before_sales": _decimal(before.get("net_sales")),
                "after_sales": _decimal(after.get("net_sales")),
                "before_royalty": _decimal(before.get("royalty_due")),
                "after_royalty": _decimal(after.get("royalty_due")),
                "invoice": changes.get("invoice", ""),
                "amount": _decimal(changes.get("amount")),
                "reference": changes.get("reference", ""),
            }
        )
    return entries


def _review_actions(actions) -> dict:
    """The actions open now, each with its form, and those that are not,
    grouped by their reason: a queried report gives one reason for all four
    of its buttons, said once."""
    open_actions = [item for item in actions if item["form"] is not None]
    groups: dict[str, list] = {}
    for item in actions:
        if item["form"] is None:
            groups.setdefault(item["guard"].reason, []).append(item["action"])
    blocked = [
        {"id": f"royalty-blocked-{index}", "reason": reason, "actions": grouped}
        for index, (reason, grouped) in enumerate(groups.items())
    ]
    return {"open_actions": open_actions, "blocked_actions": blocked}


def _render(request, report, *, form=None, chosen=None, status=200):
    agreement = report.agreement
    invoice = _invoice_of(report)
    actions = []
    for action in ROYALTY_ACTIONS.values():
        if not _offered(action, report):
            continue
        guard = royalty_report_action_guard(action.name, report, request.user)
        if chosen is not None and action.name == chosen.name:
            action_form = form
        else:
            action_form = _form(action, report) if guard else None
        actions.append({"action": action, "guard": guard, "form": action_form})
    breakdown = None
    if report.kind == RoyaltyReportKind.SALES:
        breakdown = royalty_preview_breakdown(
            agreement=agreement,
            period_start=report.period_start,
            net_sales=report.net_sales,
            sublicense_income=report.sublicense_income,
            corrected_report=report,
        )
    context = {
        "report": report,
        "agreement": agreement,
        "partnership": agreement.partnership,
        "invoice": invoice,
        "payments": list(invoice.payments.all()) if invoice else [],
        "outstanding": invoice.amount - report.amount_paid if invoice else None,
        "lines": list(report.lines.all()),
        "breakdown": breakdown,
        "tiers": list(agreement.royalty_tiers.order_by("lower_bound")),
        "year": royalty_year_position(agreement=agreement, year=report.period_start.year),
        "history": _history(request, report),
        **_review_actions([item for item in actions if item["action"].name != "true_up"]),
        "true_up_action": next(
            (item for item in actions if item["action"].name == "true_up"), None
        ),
    }
    return render(request, "projects/royalty_detail.html", context, status=status)


@login_required
@require_GET
def royalty_report_detail(request, pk):
    """A royalty report: what was reported and how the royalty follows,
    where the year stands, what happened to it, and what can be done now."""
    return _render(request, _report(request, pk))


@login_required
@require_POST
def royalty_report_action(request, pk, action):
    """Take an action on the report; back to the page with the outcome, or
    the page with the refusal on the action's form."""
    report = _report(request, pk)
    chosen = ROYALTY_ACTIONS.get(action)
    if chosen is None or not _offered(chosen, report):
        raise Http404
    form = _form(chosen, report, request.POST)
    guard = royalty_report_action_guard(action, report, request.user)
    if not guard:
        form.is_valid()
        form.add_error(None, guard.reason)
    elif form.is_valid():
        try:
            outcome = royalty_report_act(
                action=action, report=report, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, str(chosen.done))
            if action == "true_up":
                # The true-up is a report of its own, invoiced from its page.
                return redirect("royalties:detail", pk=outcome.pk)
            return redirect("royalties:detail", pk=report.pk)
    return _render(request, _report(request, pk), form=form, chosen=chosen, status=400)
