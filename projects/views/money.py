"""Staff UI lists of the money side: milestones, payments and royalty
reports. Each starts from its scoping selector, so a partner user who opens
one sees only what its enterprise is party to, as in the API."""

import django_filters
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.ui.exports import ExportColumn, choice_label
from core.ui.lists import FilteredListView, ListExport, Sorting
from partnerships.choices import MilestoneKind
from projects.choices import (
    MILESTONE_OPEN_STATUSES,
    FixedPaymentKind,
    MilestoneStatus,
    RoyaltyReportKind,
    RoyaltyReportStatus,
)
from projects.filtersets import MilestoneFilterSet, PaymentFilterSet, RoyaltyReportFilterSet
from projects.invoice_documents import invoice_pdf_response, with_document_data
from projects.selectors import (
    invoices_visible_to,
    milestones_visible_to,
    payments_visible_to,
    royalty_reports_visible_to,
)


def _yes_no(value) -> str:
    return str(_("yes") if value else _("no"))


# --- Milestones ---------------------------------------------------------------------


class MilestoneListView(FilteredListView):
    template_name = "projects/milestone_list.html"
    filterset_class = MilestoneFilterSet
    shown_filters = ("q", "status", "kind", "overdue", "due_after", "due_before")
    filter_labels = {"due_after": _("Due from"), "due_before": _("Due until")}
    sorting = Sorting(
        columns={
            "project": ["project__code"],
            "name": ["name"],
            "payer": ["agreement__partnership__enterprise__name"],
            "due_date": ["due_date"],
            "amount": ["amount"],
            "status": ["status"],
        },
        default="due_date",
    )
    export = ListExport(
        filename="milestones",
        fields=(
            "project__code",
            "project__title",
            "name",
            "kind",
            "status",
            "is_overdue",
            "agreement__reference",
            "agreement__partnership__enterprise__name",
            "payee",
            "trigger_stage__name",
            "trigger_event",
            "due_date",
            "amount",
            "currency",
        ),
        columns=(
            ExportColumn(_("Project"), "project__code"),
            ExportColumn(_("Project title"), "project__title", width=40),
            ExportColumn(_("Milestone"), "name", width=40),
            ExportColumn(_("Kind"), "kind", choice_label(MilestoneKind.choices)),
            ExportColumn(_("Status"), "status", choice_label(MilestoneStatus.choices)),
            ExportColumn(_("Overdue"), "is_overdue", _yes_no, width=9),
            ExportColumn(_("Agreement"), "agreement__reference"),
            ExportColumn(_("Payer"), "agreement__partnership__enterprise__name", width=30),
            ExportColumn(_("Payee"), "payee", width=30),
            ExportColumn(_("Trigger stage"), "trigger_stage__name", width=24),
            ExportColumn(_("Trigger event"), "trigger_event", width=24),
            ExportColumn(_("Due date"), "due_date", width=12),
            ExportColumn(_("Amount"), "amount"),
            ExportColumn(_("Currency"), "currency", width=8),
        ),
    )

    def get_queryset(self):
        # Overdue is derived from the due date and the status, never stored.
        overdue = Q(due_date__lt=timezone.localdate(), status__in=MILESTONE_OPEN_STATUSES)
        return milestones_visible_to(self.request.user).annotate(
            is_overdue=Case(
                When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            payee=Coalesce(
                "agreement__partnership__institution__name",
                "agreement__partnership__joint_centre__name",
            ),
        )

    def get_context_data(self, listing):
        return {
            **super().get_context_data(listing),
            "tab": "milestones",
            "clear_url": reverse_lazy("milestones:list"),
        }


# --- Payments -----------------------------------------------------------------------


class PaymentListFilterSet(PaymentFilterSet):
    """The API's payment filters, and a search over what a finance officer
    has at hand: the bank reference, the invoice number, the payer, the
    project."""

    q = django_filters.CharFilter(method="filter_text", label=_("Search"))

    class Meta(PaymentFilterSet.Meta):
        fields = ["q", *PaymentFilterSet.Meta.fields]

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(invoice__number__icontains=value)
            | Q(invoice__payer_name__icontains=value)
            | Q(invoice__milestone__project__code__icontains=value)
            | Q(invoice__royalty_report__agreement__reference__icontains=value)
            | Q(invoice__fixed_payment__agreement__reference__icontains=value)
        )


class PaymentListView(FilteredListView):
    template_name = "projects/payment_list.html"
    filterset_class = PaymentListFilterSet
    shown_filters = ("q", "currency", "paid_after", "paid_before")
    filter_labels = {
        "currency": _("Currency"),
        "paid_after": _("Paid from"),
        "paid_before": _("Paid until"),
    }
    sorting = Sorting(
        columns={
            "paid_on": ["paid_on"],
            "amount": ["amount"],
            "invoice": ["invoice__number"],
            "payer": ["invoice__payer_name"],
            "payee": ["invoice__payee_name"],
        },
        default="-paid_on",
    )
    export = ListExport(
        filename="payments",
        fields=(
            "paid_on",
            "amount",
            "currency",
            "reference",
            "invoice__number",
            "invoice__payer_name",
            "invoice__payee_name",
            "invoice__milestone__project__code",
            "invoice__milestone__name",
            "invoice__royalty_report__agreement__reference",
            "invoice__fixed_payment__agreement__reference",
            "invoice__fixed_payment__kind",
            "invoice__fixed_payment__term_year",
        ),
        columns=(
            ExportColumn(_("Paid on"), "paid_on", width=12),
            ExportColumn(_("Amount"), "amount"),
            ExportColumn(_("Currency"), "currency", width=8),
            ExportColumn(_("Reference"), "reference", width=24),
            ExportColumn(_("Invoice"), "invoice__number", width=24),
            ExportColumn(_("Payer"), "invoice__payer_name", width=30),
            ExportColumn(_("Payee"), "invoice__payee_name", width=30),
            ExportColumn(_("Project"), "invoice__milestone__project__code"),
            ExportColumn(_("Milestone"), "invoice__milestone__name", width=30),
            ExportColumn(
                _("Royalty report of agreement"), "invoice__royalty_report__agreement__reference"
            ),
            ExportColumn(
                _("Fixed payment of agreement"), "invoice__fixed_payment__agreement__reference"
            ),
            ExportColumn(
                _("Fixed payment"),
                "invoice__fixed_payment__kind",
                choice_label(FixedPaymentKind.choices),
                width=24,
            ),
            ExportColumn(_("Year of the term"), "invoice__fixed_payment__term_year", width=8),
        ),
    )

    def get_queryset(self):
        return payments_visible_to(self.request.user).select_related(
            "invoice__milestone__project",
            "invoice__royalty_report__agreement",
            "invoice__fixed_payment__agreement",
        )

    def get_context_data(self, listing):
        return {
            **super().get_context_data(listing),
            "tab": "payments",
            "clear_url": reverse_lazy("milestones:payments"),
        }


# --- Royalty reports ----------------------------------------------------------------


class RoyaltyReportListFilterSet(RoyaltyReportFilterSet):
    """The API's royalty report filters, labelled, and a search over the
    agreement, its enterprise and the project."""

    q = django_filters.CharFilter(method="filter_text", label=_("Search"))

    class Meta(RoyaltyReportFilterSet.Meta):
        fields = ["q", *RoyaltyReportFilterSet.Meta.fields]

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(agreement__reference__icontains=value)
            | Q(agreement__title__icontains=value)
            | Q(agreement__partnership__enterprise__name__icontains=value)
            | Q(project__code__icontains=value)
        )


class RoyaltyReportListView(FilteredListView):
    template_name = "projects/royalty_list.html"
    filterset_class = RoyaltyReportListFilterSet
    shown_filters = ("q", "status", "kind", "year")
    filter_labels = {"status": _("Status"), "kind": _("Kind"), "year": _("Year")}
    sorting = Sorting(
        columns={
            "period": ["period_start", "period_end"],
            "agreement": ["agreement__reference"],
            "licensee": ["agreement__partnership__enterprise__name"],
            "project": ["project__code"],
            "net_sales": ["net_sales"],
            "royalty_due": ["royalty_due"],
            "status": ["status"],
        },
        default="-period",
    )
    export = ListExport(
        filename="royalty-reports",
        fields=(
            "agreement__reference",
            "agreement__partnership__enterprise__name",
            "project__code",
            "kind",
            "period_start",
            "period_end",
            "net_sales",
            "sublicense_income",
            "royalty_due",
            "currency",
            "status",
            "submitted_at",
        ),
        columns=(
            ExportColumn(_("Agreement"), "agreement__reference"),
            ExportColumn(_("Licensee"), "agreement__partnership__enterprise__name", width=30),
            ExportColumn(_("Project"), "project__code"),
            ExportColumn(_("Kind"), "kind", choice_label(RoyaltyReportKind.choices), width=24),
            ExportColumn(_("Period start"), "period_start", width=12),
            ExportColumn(_("Period end"), "period_end", width=12),
            ExportColumn(_("Net sales"), "net_sales"),
            ExportColumn(_("Sublicense income"), "sublicense_income"),
            ExportColumn(_("Royalty due"), "royalty_due"),
            ExportColumn(_("Currency"), "currency", width=8),
            ExportColumn(_("Status"), "status", choice_label(RoyaltyReportStatus.choices)),
            ExportColumn(_("Submitted at"), "submitted_at", width=18),
        ),
    )

    def get_queryset(self):
        return royalty_reports_visible_to(self.request.user).select_related(
            "agreement__partnership__enterprise"
        )

    def get_context_data(self, listing):
        return {**super().get_context_data(listing), "clear_url": reverse_lazy("royalties:list")}


# --- Invoice documents ------------------------------------------------------------


@login_required
@require_GET
def invoice_download(request, invoice_pk):
    """The invoice as a PDF, if the user sees it; 404 otherwise."""
    invoice = get_object_or_404(
        with_document_data(invoices_visible_to(request.user)), pk=invoice_pk
    )
    return invoice_pdf_response(invoice)
