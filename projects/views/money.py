"""Staff UI lists of the money side: milestones, payments and royalty
reports. Each starts from its scoping selector, so a partner user who opens
one sees only what its enterprise is party to, as in the API."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import is_staff_side_user
from core.errors import DomainError
from core.ui.bulk import BulkAction, BulkActionView
from core.ui.exports import ExportColumn, choice_label
from core.ui.forms import Form
from core.ui.lists import FilteredListView, ListExport, Sorting
from partnerships.choices import MilestoneKind
from projects import services
from projects.choices import (
    MILESTONE_OPEN_STATUSES,
    FixedPaymentKind,
    MilestoneStatus,
    RoyaltyReportKind,
    RoyaltyReportStatus,
    VatInvoiceKind,
    VatRate,
)
from projects.filtersets import (
    InvoiceFilterSet,
    MilestoneFilterSet,
    PaymentFilterSet,
    RoyaltyReportFilterSet,
)
from projects.forms import VatInvoiceForm
from projects.invoice_documents import invoice_pdf_response, with_document_data
from projects.selectors import (
    invoices_visible_to,
    invoices_with_amount_paid,
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
            "bulk": MilestoneBulkView.bar_for(self.request, listing),
        }


class MilestoneBulkView(BulkActionView):
    """Remind both parties of milestones, or export them. Each reminder is
    sent in a transaction of its own: a milestone already settled or
    reminded today is no reason not to remind of the others."""

    list_view = MilestoneListView
    list_url_name = "milestones:list"
    bulk_url_name = "milestones:bulk"
    actions = (
        BulkAction(
            key="remind",
            label=_("Send a reminder"),
            run=lambda milestone, by, inputs: services.milestone_reminder_send(
                milestone=milestone, by=by
            ),
            prepare=lambda milestones: milestones.select_related("project"),
        ),
    )

    @classmethod
    def may_use(cls, user) -> bool:
        return is_staff_side_user(user)


# --- Invoices -----------------------------------------------------------------------


def _vat_invoice_export(prefix: str) -> tuple[tuple[str, ...], tuple[ExportColumn, ...]]:
    """The fields and columns of the VAT invoice (发票) recorded on an
    invoice, for the exports that list invoices or their payments; empty
    when none is recorded yet."""
    key = f"{prefix}vat_invoice__"
    columns = (
        ExportColumn(
            _("VAT invoice type"), f"{key}kind", choice_label(VatInvoiceKind.choices), width=30
        ),
        ExportColumn(_("VAT invoice code"), f"{key}code", width=14),
        ExportColumn(_("VAT invoice number"), f"{key}number", width=22),
        ExportColumn(_("VAT invoice date"), f"{key}issued_on", width=12),
        ExportColumn(_("Amount with tax (CNY)"), f"{key}amount_with_tax"),
        ExportColumn(_("Tax rate"), f"{key}tax_rate", choice_label(VatRate.choices), width=10),
        ExportColumn(_("Tax amount (CNY)"), f"{key}tax_amount"),
    )
    return tuple(column.key for column in columns), columns


INVOICE_VAT_FIELDS, INVOICE_VAT_COLUMNS = _vat_invoice_export("")
PAYMENT_VAT_FIELDS, PAYMENT_VAT_COLUMNS = _vat_invoice_export("invoice__")


class InvoiceListFilterSet(InvoiceFilterSet):
    """The API's invoice filters, and a search over the invoice number,
    the payer, the project and the agreement."""

    q = django_filters.CharFilter(method="filter_text", label=_("Search"))

    class Meta(InvoiceFilterSet.Meta):
        fields = InvoiceFilterSet.Meta.fields

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value)
            | Q(payer_name__icontains=value)
            | Q(payer_legal_name__icontains=value)
            | Q(vat_invoice__number__icontains=value)
            | Q(milestone__project__code__icontains=value)
            | Q(milestone__agreement__reference__icontains=value)
            | Q(royalty_report__agreement__reference__icontains=value)
            | Q(fixed_payment__agreement__reference__icontains=value)
        )


class InvoiceListView(FilteredListView):
    """Every invoice the user sees, with what was paid on it and the VAT
    invoice issued for it: the list accounts reconcile against."""

    template_name = "projects/invoice_list.html"
    filterset_class = InvoiceListFilterSet
    shown_filters = ("q", "has_vat_invoice", "currency", "issued_after", "issued_before")
    filter_labels = {
        "has_vat_invoice": _("VAT invoice recorded"),
        "currency": _("Currency"),
        "issued_after": _("Issued from"),
        "issued_before": _("Issued until"),
    }
    sorting = Sorting(
        columns={
            "issued_on": ["issued_on"],
            "number": ["number"],
            "payer": ["payer_name"],
            "amount": ["amount"],
            "due_on": ["due_on"],
        },
        default="-issued_on",
    )
    export = ListExport(
        filename="invoices",
        fields=(
            "number",
            "issued_on",
            "due_on",
            "amount",
            "currency",
            "amount_paid",
            "payee_name",
            "payee_legal_name",
            "payee_tax_id",
            "payer_name",
            "payer_legal_name",
            "payer_tax_id",
            "milestone__project__code",
            "milestone__name",
            "royalty_report__agreement__reference",
            "fixed_payment__agreement__reference",
            "fixed_payment__kind",
            "fixed_payment__term_year",
            *INVOICE_VAT_FIELDS,
        ),
        columns=(
            ExportColumn(_("Invoice"), "number", width=24),
            ExportColumn(_("Issued on"), "issued_on", width=12),
            ExportColumn(_("Due on"), "due_on", width=12),
            ExportColumn(_("Amount"), "amount"),
            ExportColumn(_("Currency"), "currency", width=8),
            ExportColumn(_("Paid"), "amount_paid"),
            ExportColumn(_("Payee"), "payee_name", width=30),
            ExportColumn(_("Payee's legal name"), "payee_legal_name", width=30),
            ExportColumn(_("Payee's tax ID"), "payee_tax_id", width=20),
            ExportColumn(_("Payer"), "payer_name", width=30),
            ExportColumn(_("Payer's legal name"), "payer_legal_name", width=30),
            ExportColumn(_("Payer's tax ID"), "payer_tax_id", width=20),
            ExportColumn(_("Project"), "milestone__project__code"),
            ExportColumn(_("Milestone"), "milestone__name", width=30),
            ExportColumn(_("Royalty report of agreement"), "royalty_report__agreement__reference"),
            ExportColumn(_("Fixed payment of agreement"), "fixed_payment__agreement__reference"),
            ExportColumn(
                _("Fixed payment"),
                "fixed_payment__kind",
                choice_label(FixedPaymentKind.choices),
                width=24,
            ),
            ExportColumn(_("Year of the term"), "fixed_payment__term_year", width=8),
            *INVOICE_VAT_COLUMNS,
        ),
    )

    def get_queryset(self):
        return invoices_with_amount_paid(invoices_visible_to(self.request.user)).select_related(
            "milestone__project",
            "royalty_report__agreement",
            "fixed_payment__agreement",
            "vat_invoice",
        )

    def get_context_data(self, listing):
        return {
            **super().get_context_data(listing),
            "tab": "invoices",
            "clear_url": reverse_lazy("milestones:invoices"),
            "bulk": InvoiceBulkView.bar_for(self.request, listing),
        }


class SentForm(Form):
    sent_on = forms.DateField(label=_("Sent on"), initial=timezone.localdate)


class InvoiceBulkView(BulkActionView):
    """Mark invoices as sent, or export them. Marking is all or nothing:
    the invoices of a selection go out together, in one mailing, and the
    record should not say that some of them went out when the mailing is
    held back to fix one that was refused."""

    list_view = InvoiceListView
    list_url_name = "milestones:invoices"
    bulk_url_name = "milestones:invoices_bulk"
    actions = (
        BulkAction(
            key="mark_sent",
            label=_("Mark as sent"),
            form_class=SentForm,
            all_or_nothing=True,
            run=lambda invoice, by, inputs: services.invoice_mark_sent(
                invoice=invoice, by=by, sent_on=inputs["sent_on"]
            ),
        ),
    )

    @classmethod
    def may_use(cls, user) -> bool:
        return is_staff_side_user(user)


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
            *PAYMENT_VAT_FIELDS,
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
            *PAYMENT_VAT_COLUMNS,
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


# --- The invoice page ----------------------------------------------------------------


def _add_vat_invoice_error(form, error: DomainError) -> None:
    if error.fields:
        for field, field_messages in error.fields.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_domain_error(error)


@login_required
@require_http_methods(["GET", "POST"])
def invoice_detail(request, invoice_pk):
    """An invoice as issued: both parties' particulars, what it bills, the
    payments received, and the VAT invoice (发票) issued for it, which the
    payee's staff record here (POST). 404 for an invoice the user does not
    see."""
    invoices = with_document_data(invoices_visible_to(request.user)).select_related(
        "milestone__agreement__partnership",
        "royalty_report__agreement__partnership",
        "fixed_payment__agreement__partnership",
    )
    invoice = get_object_or_404(invoices, pk=invoice_pk)
    guard = services.vat_invoice_record_guard(invoice, request.user)
    form = None
    if guard:
        form = VatInvoiceForm(request.POST or None, invoice=invoice)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            record = services.vat_invoice_record(
                invoice=invoice, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _add_vat_invoice_error(form, error)
        else:
            messages.success(
                request,
                _("VAT invoice %(vat)s recorded on invoice %(number)s.")
                % {"vat": str(record), "number": invoice.number},
            )
            return redirect("milestones:invoice_detail", invoice_pk=invoice.pk)
    billed = invoice.billed
    return render(
        request,
        "projects/invoice_detail.html",
        {
            "invoice": invoice,
            "billed": billed,
            "agreement": billed.agreement,
            "vat_invoice": getattr(invoice, "vat_invoice", None),
            "payments": list(invoice.payments.all()),
            "form": form,
            "form_open": request.method == "POST",
        },
    )


# --- Invoice documents ------------------------------------------------------------


@login_required
@require_GET
def invoice_download(request, invoice_pk):
    """The invoice as a PDF, if the user sees it; 404 otherwise."""
    invoice = get_object_or_404(
        with_document_data(invoices_visible_to(request.user)), pk=invoice_pk
    )
    return invoice_pdf_response(invoice)
