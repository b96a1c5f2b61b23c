"""FilterSets for partnership lists, shared by the staff UI and the API.

They narrow a queryset that a scoping selector has already limited to what
the user may see: filtering by another partner's id finds nothing.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    AgreementKind,
    CooperationMode,
    EnterpriseSize,
    Exclusivity,
    InstitutionKind,
    MilestoneKind,
    PartnershipStatus,
    SunkCostBearer,
)
from .models import (
    Agreement,
    Enterprise,
    FailureClause,
    Institution,
    JointCentre,
    MilestoneScheduleItem,
    Partnership,
    Person,
)


class TextSearchFilterSet(django_filters.FilterSet):
    """``q`` matches any of ``search_fields``, case-insensitively."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="filter_text", label=_("Search"))

    def filter_text(self, queryset, name, value):
        match = Q()
        for field in self.search_fields:
            match |= Q(**{f"{field}__icontains": value})
        return queryset.filter(match)


class InstitutionFilterSet(TextSearchFilterSet):
    search_fields = ("code", "name", "name_zh", "city")

    kind = django_filters.ChoiceFilter(choices=InstitutionKind.choices, label=_("Kind"))
    country = django_filters.CharFilter(lookup_expr="iexact", label=_("Country (ISO code)"))

    class Meta:
        model = Institution
        fields = ["q", "kind", "country"]


class EnterpriseFilterSet(TextSearchFilterSet):
    search_fields = ("code", "name", "name_zh", "unified_social_credit_code")

    size = django_filters.ChoiceFilter(choices=EnterpriseSize.choices, label=_("Size"))
    country = django_filters.CharFilter(lookup_expr="iexact", label=_("Country (ISO code)"))
    sector = django_filters.NumberFilter(field_name="sectors", label=_("Sector"), distinct=True)

    class Meta:
        model = Enterprise
        fields = ["q", "size", "country", "sector"]


class PersonFilterSet(TextSearchFilterSet):
    search_fields = ("full_name", "name_zh", "email", "job_title")

    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))

    class Meta:
        model = Person
        fields = ["q", "institution", "enterprise"]


class JointCentreFilterSet(TextSearchFilterSet):
    search_fields = ("code", "name", "name_zh")

    institution = django_filters.NumberFilter(
        field_name="parties__institution", label=_("Host institution"), distinct=True
    )
    enterprise = django_filters.NumberFilter(
        field_name="parties__enterprise", label=_("Lead enterprise"), distinct=True
    )
    sector = django_filters.NumberFilter(
        field_name="focus_sectors", label=_("Focus sector"), distinct=True
    )
    established_after = django_filters.DateFilter(field_name="established_on", lookup_expr="gte")
    established_before = django_filters.DateFilter(field_name="established_on", lookup_expr="lte")

    class Meta:
        model = JointCentre
        fields = ["q", "institution", "enterprise", "sector"]


class PartnershipFilterSet(TextSearchFilterSet):
    search_fields = ("code", "title", "enterprise__name", "enterprise__name_zh")

    mode = django_filters.MultipleChoiceFilter(
        choices=CooperationMode.choices, label=_("Cooperation mode")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=PartnershipStatus.choices, label=_("Status")
    )
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    joint_centre = django_filters.NumberFilter(
        field_name="joint_centre_id", label=_("Joint centre")
    )
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    started_after = django_filters.DateFilter(field_name="started_on", lookup_expr="gte")
    started_before = django_filters.DateFilter(field_name="started_on", lookup_expr="lte")

    class Meta:
        model = Partnership
        fields = ["q", "mode", "status", "institution", "joint_centre", "enterprise"]


class AgreementFilterSet(TextSearchFilterSet):
    search_fields = ("reference", "title", "partnership__code", "partnership__enterprise__name")

    kind = django_filters.MultipleChoiceFilter(choices=AgreementKind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(
        choices=Agreement.Status.choices, label=_("Status")
    )
    exclusivity = django_filters.ChoiceFilter(choices=Exclusivity.choices, label=_("Exclusivity"))
    mode = django_filters.ChoiceFilter(
        field_name="partnership__mode",
        choices=CooperationMode.choices,
        label=_("Cooperation mode"),
    )
    partnership = django_filters.NumberFilter(field_name="partnership_id", label=_("Partnership"))
    institution = django_filters.NumberFilter(
        field_name="partnership__institution_id", label=_("Institution")
    )
    joint_centre = django_filters.NumberFilter(
        field_name="partnership__joint_centre_id", label=_("Joint centre")
    )
    enterprise = django_filters.NumberFilter(
        field_name="partnership__enterprise_id", label=_("Enterprise")
    )
    signed_after = django_filters.DateFilter(field_name="signed_on", lookup_expr="gte")
    signed_before = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte")

    class Meta:
        model = Agreement
        fields = [
            "q",
            "kind",
            "status",
            "exclusivity",
            "mode",
            "partnership",
            "institution",
            "joint_centre",
            "enterprise",
        ]


class FailureClauseFilterSet(django_filters.FilterSet):
    stage = django_filters.NumberFilter(field_name="stage_id", label=_("Stage"))
    sunk_costs_borne_by = django_filters.ChoiceFilter(
        choices=SunkCostBearer.choices, label=_("Sunk costs borne by")
    )
    ip_reverts_to_institution = django_filters.BooleanFilter()

    class Meta:
        model = FailureClause
        fields = ["stage", "sunk_costs_borne_by", "ip_reverts_to_institution"]


class MilestoneScheduleItemFilterSet(TextSearchFilterSet):
    search_fields = ("name", "trigger_event")

    kind = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("Kind"))
    trigger_stage = django_filters.NumberFilter(
        field_name="trigger_stage_id", label=_("Trigger stage")
    )

    class Meta:
        model = MilestoneScheduleItem
        fields = ["q", "kind", "trigger_stage"]
