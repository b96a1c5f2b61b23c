"""FilterSets for project lists, shared by the staff UI and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.choices import CooperationMode, MilestoneKind, Party
from pipelines.choices import SectorCode

from .choices import (
    FixedPaymentKind,
    FixedPaymentStatus,
    MilestoneStatus,
    ProjectStatus,
    RoyaltyReportKind,
    RoyaltyReportStatus,
    TransitionKind,
)
from .models import (
    Activity,
    CostEntry,
    Document,
    FixedPayment,
    Invoice,
    Milestone,
    Payment,
    ResearchProject,
    RoyaltyReport,
    StageTransition,
)
from .selectors import project_text_matches, projects_in_mode


class ResearchProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    sector = django_filters.ChoiceFilter(
        field_name="current_stage__pipeline__sector__code",
        choices=SectorCode.choices,
        label=_("Sector"),
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        choices=ProjectStatus.choices, label=_("Status"), empty_label=_("All")
    )
    mode = django_filters.ChoiceFilter(
        method="filter_mode",
        choices=CooperationMode.choices,
        label=_("Cooperation mode"),
        empty_label=_("All"),
    )
    stage = django_filters.NumberFilter(field_name="current_stage_id", label=_("Stage"))
    lead_institution = django_filters.NumberFilter(
        field_name="lead_institution_id", label=_("Lead institution")
    )
    enterprise = django_filters.NumberFilter(
        field_name="partner_enterprises", label=_("Partner enterprise")
    )
    joint_centre = django_filters.NumberFilter(
        field_name="joint_centre_id", label=_("Joint centre")
    )

    class Meta:
        model = ResearchProject
        fields = ["q", "sector", "status", "mode"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(project_text_matches(value))

    def filter_mode(self, queryset, name, value):
        # Without a request (a filterset built in code) the queryset is the
        # caller's, already scoped; the mode is then read as stored.
        user = getattr(self.request, "user", None)
        if user is None:
            return queryset.filter(partnership__mode=value)
        return projects_in_mode(user, queryset, value)


class MilestoneFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    project = django_filters.NumberFilter(field_name="project_id", label=_("Project"))
    agreement = django_filters.NumberFilter(field_name="agreement_id", label=_("Agreement"))
    status = django_filters.MultipleChoiceFilter(
        choices=MilestoneStatus.choices, label=_("Status")
    )
    kind = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("Kind"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = Milestone
        fields = ["q", "project", "agreement", "status", "kind", "overdue"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(project__code__icontains=value))

    def filter_overdue(self, queryset, name, value):
        overdue = Milestone.objects.overdue(timezone.localdate()).values("id")
        return queryset.filter(id__in=overdue) if value else queryset.exclude(id__in=overdue)


class StageTransitionFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    kind = django_filters.ChoiceFilter(choices=TransitionKind.choices)

    class Meta:
        model = StageTransition
        fields = ["project", "kind"]


class FixedPaymentFilterSet(django_filters.FilterSet):
    agreement = django_filters.NumberFilter(field_name="agreement_id", label=_("Agreement"))
    project = django_filters.NumberFilter(field_name="project_id", label=_("Project"))
    status = django_filters.MultipleChoiceFilter(
        choices=FixedPaymentStatus.choices, label=_("Status")
    )
    kind = django_filters.ChoiceFilter(choices=FixedPaymentKind.choices, label=_("Kind"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = FixedPayment
        fields = ["agreement", "project", "status", "kind", "overdue", "currency"]

    def filter_overdue(self, queryset, name, value):
        overdue = FixedPayment.objects.overdue(timezone.localdate()).values("id")
        return queryset.filter(id__in=overdue) if value else queryset.exclude(id__in=overdue)


class InvoiceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="number", lookup_expr="icontains")
    issued_after = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    issued_before = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte")
    # Which invoices still wait for their VAT invoice (发票).
    has_vat_invoice = django_filters.BooleanFilter(
        field_name="vat_invoice", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Invoice
        fields = ["q", "currency"]


class PaymentFilterSet(django_filters.FilterSet):
    invoice = django_filters.NumberFilter(field_name="invoice_id")
    paid_after = django_filters.DateFilter(field_name="paid_on", lookup_expr="gte")
    paid_before = django_filters.DateFilter(field_name="paid_on", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["invoice", "currency"]


class RoyaltyReportFilterSet(django_filters.FilterSet):
    agreement = django_filters.NumberFilter(field_name="agreement_id")
    project = django_filters.NumberFilter(field_name="project_id")
    status = django_filters.MultipleChoiceFilter(choices=RoyaltyReportStatus.choices)
    kind = django_filters.ChoiceFilter(choices=RoyaltyReportKind.choices)
    # Dates have four-digit years; a larger one would fail in the lookup.
    year = django_filters.NumberFilter(
        field_name="period_start__year", min_value=1, max_value=9999
    )

    class Meta:
        model = RoyaltyReport
        fields = ["agreement", "project", "status", "kind", "year"]


class CostEntryFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    stage = django_filters.NumberFilter(field_name="stage_id")
    paid_by = django_filters.ChoiceFilter(choices=Party.choices)

    class Meta:
        model = CostEntry
        fields = ["project", "stage", "paid_by", "currency"]


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="original_name", lookup_expr="icontains")
    project = django_filters.NumberFilter(field_name="project_id")
    agreement = django_filters.NumberFilter(field_name="agreement_id")
    milestone = django_filters.NumberFilter(field_name="milestone_id")

    class Meta:
        model = Document
        fields = ["q", "project", "agreement", "milestone"]


class ActivityFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    agreement = django_filters.NumberFilter(field_name="agreement_id")
    verb = django_filters.CharFilter()
    after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Activity
        fields = ["project", "agreement", "verb"]
