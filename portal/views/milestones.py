"""The enterprise's milestones, invoices and payments in the partner portal,
and the enterprise's decision on a claim: verify or dispute.

Everything is read through the scoping selectors and narrowed to the
agreements of the partner's own enterprise: on a project shared by two
enterprises, each pays its own milestones. Another enterprise's milestone or
invoice answers 404, like one that does not exist.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from portal.access import partner_view
from portal.forms import MilestoneDisputeForm, MilestoneVerifyForm
from projects.choices import MilestoneStatus
from projects.invoice_documents import invoice_pdf_response, with_document_data
from projects.models import Payment
from projects.selectors import (
    billed_with_amount_paid,
    documents_visible_to,
    invoices_visible_to,
    invoices_with_amount_paid,
    milestones_visible_to,
    payments_visible_to,
)
from projects.services.milestone_actions import milestone_act, milestone_action_guard

PER_PAGE = 50

# The tabs of the milestone list: the statuses each shows.
MILESTONE_TABS = {
    "awaiting": (gettext_lazy("Awaiting your verification"), {MilestoneStatus.CLAIMED}),
    "open": (
        gettext_lazy("Invoiced, open"),
        {MilestoneStatus.INVOICED, MilestoneStatus.PARTIALLY_PAID},
    ),
    "paid": (gettext_lazy("Paid"), {MilestoneStatus.PAID}),
    "all": (gettext_lazy("All"), None),
}
SETTLED = {MilestoneStatus.PAID, MilestoneStatus.CANCELLED, MilestoneStatus.WAIVED}


# --- Lists -------------------------------------------------------------------------


@partner_view
@require_GET
def milestone_list(request):
    """The enterprise's milestones by tab; with ``tab=invoices`` its
    invoices and the payments received on them."""
    return _money_page(request, request.GET.get("tab"))


@partner_view
@require_GET
def invoice_list(request):
    return _money_page(request, "invoices")


def _money_page(request, tab):
    milestones = milestones_visible_to(request.user)
    counts = milestones.aggregate(
        awaiting=Count("id", filter=Q(status=MilestoneStatus.CLAIMED)),
        open=Count(
            "id", filter=Q(status__in=[MilestoneStatus.INVOICED, MilestoneStatus.PARTIALLY_PAID])
        ),
        paid=Count("id", filter=Q(status=MilestoneStatus.PAID)),
        all=Count("id"),
    )
    if tab not in MILESTONE_TABS and tab != "invoices":
        tab = "awaiting" if counts["awaiting"] else "all"
    if tab == "invoices":
        return _invoice_tab(request, counts)
    statuses = MILESTONE_TABS[tab][1]
    if statuses is not None:
        milestones = milestones.filter(status__in=statuses)
    milestones = milestones.select_related("invoice").order_by(
        F("due_date").asc(nulls_last=True), "project__code", "id"
    )
    page = Paginator(milestones, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for milestone in page.object_list:
        milestone.overdue = milestone.is_overdue(today)
        milestone.invoice_shown = getattr(milestone, "invoice", None)
    return render(
        request,
        "portal/milestone_list.html",
        {"tab": tab, "tabs": _tabs(counts), "page": page, "milestones": page.object_list},
    )


def _tabs(counts):
    return [
        {"key": key, "label": label, "count": counts[key]}
        for key, (label, _statuses) in MILESTONE_TABS.items()
    ]


def _invoice_tab(request, counts):
    invoices = invoices_with_amount_paid(invoices_visible_to(request.user)).order_by(
        "-issued_on", "-number"
    )
    page = Paginator(invoices, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for invoice in page.object_list:
        invoice.overdue = invoice.outstanding > 0 and invoice.due_on < today
    payments = payments_visible_to(request.user).order_by("-paid_on", "-id")[:PER_PAGE]
    return render(
        request,
        "portal/invoice_list.html",
        {
            "tab": "invoices",
            "tabs": _tabs(counts),
            "page": page,
            "invoices": page.object_list,
            "payments": payments,
        },
    )


# --- One milestone ---------------------------------------------------------------


def _milestone(request, milestone_pk):
    milestones = (
        billed_with_amount_paid(milestones_visible_to(request.user))
        .select_related("invoice", "claimed_by", "verified_by")
        .prefetch_related(
            Prefetch("invoice__payments", queryset=Payment.objects.order_by("paid_on", "id")),
            Prefetch(
                "documents",
                queryset=documents_visible_to(request.user).order_by("original_name"),
            ),
        )
    )
    return get_object_or_404(milestones, pk=milestone_pk)


def _decision_context(request, milestone, *, verify_form=None, dispute_form=None, done=None):
    invoice = getattr(milestone, "invoice", None)
    verify_guard = milestone_action_guard("verify", milestone, request.user)
    dispute_guard = milestone_action_guard("dispute", milestone, request.user)
    return {
        "milestone": milestone,
        "project": milestone.project,
        "agreement": milestone.agreement,
        "invoice": invoice,
        "payments": list(invoice.payments.all()) if invoice else [],
        "paid_total": milestone.amount_paid,
        "outstanding": invoice.amount - milestone.amount_paid if invoice else None,
        "overdue": milestone.is_overdue(timezone.localdate()),
        "settled": milestone.status in SETTLED,
        "verify_guard": verify_guard,
        "dispute_guard": dispute_guard,
        "verify_form": verify_form or MilestoneVerifyForm(),
        "dispute_form": dispute_form or MilestoneDisputeForm(),
        "done": done,
    }


def _render_milestone(request, milestone, *, status=200, **kwargs):
    context = _decision_context(request, milestone, **kwargs)
    template = (
        "portal/partials/milestone_panel.html"
        if request.headers.get("HX-Request") == "true"
        else "portal/milestone_detail.html"
    )
    return render(request, template, context, status=status)


def not_a_read(request):
    """405 for a write to a page that is only read. Pages of one object call
    it after looking the object up, so that another enterprise's object
    answers 404 to any method, as a missing one does."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


@partner_view
def milestone_detail(request, milestone_pk):
    milestone = _milestone(request, milestone_pk)
    return not_a_read(request) or _render_milestone(request, milestone)


def _decide(request, milestone_pk, *, form_class, form_key, action, done_message):
    """Verify or dispute: the form, the service, and the page again, with the
    refusal on the form when the service refuses."""
    milestone = _milestone(request, milestone_pk)
    if request.method != "POST":
        return redirect("portal:milestone_detail", milestone_pk=milestone.pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            milestone_act(action=action, milestone=milestone, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            milestone = _milestone(request, milestone_pk)
            message = done_message % {"name": milestone.name}
            if request.headers.get("HX-Request") == "true":
                return _render_milestone(request, milestone, done=message)
            messages.success(request, message)
            return redirect("portal:milestone_detail", milestone_pk=milestone.pk)
    is_htmx = request.headers.get("HX-Request") == "true"
    return _render_milestone(
        request, milestone, status=200 if is_htmx else 400, **{form_key: form}
    )


@partner_view
@require_http_methods(["GET", "POST"])
def milestone_verify(request, milestone_pk):
    return _decide(
        request,
        milestone_pk,
        form_class=MilestoneVerifyForm,
        form_key="verify_form",
        action="verify",
        done_message=_("“%(name)s” verified. The research team can now invoice it."),
    )


@partner_view
@require_http_methods(["GET", "POST"])
def milestone_dispute(request, milestone_pk):
    return _decide(
        request,
        milestone_pk,
        form_class=MilestoneDisputeForm,
        form_key="dispute_form",
        action="dispute",
        done_message=_("“%(name)s” disputed. The research team has been told why."),
    )


# --- Invoice documents -------------------------------------------------------------


@partner_view
def invoice_download(request, invoice_pk):
    """The invoice as a PDF; another enterprise's answers 404."""
    invoice = get_object_or_404(
        with_document_data(invoices_visible_to(request.user)), pk=invoice_pk
    )
    return not_a_read(request) or invoice_pdf_response(invoice)
