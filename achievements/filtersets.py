"""FilterSets for achievement, disclosure, patent and docket lists, shared by
the staff UI and the API. They filter a queryset the caller has scoped
already (``achievements.selectors``)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    AchievementKind,
    AchievementStatus,
    ApplicationKind,
    ApplicationStatus,
    CounselKind,
    DeadlineKind,
    DeadlineState,
    DisclosureStatus,
    FundingSource,
    IpCostKind,
    Jurisdiction,
)
from .models import (
    Achievement,
    AchievementAgreement,
    AchievementOwner,
    Counsel,
    Deadline,
    Disclosure,
    Inventor,
    IpCost,
    PatentApplication,
    PatentFamily,
)


def _choice(choices, label):
    return django_filters.ChoiceFilter(choices=choices, label=label, empty_label=_("All"))


class AchievementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    kind = _choice(AchievementKind.choices, _("Kind"))
    status = _choice(AchievementStatus.choices, _("Status"))
    funding_source = _choice(FundingSource.choices, _("Funding source"))
    institution = django_filters.NumberFilter(
        method="filter_institution", label=_("Owning institution")
    )
    project = django_filters.NumberFilter(method="filter_project", label=_("Research project"))
    agreement = django_filters.NumberFilter(method="filter_agreement", label=_("Agreement"))
    inventor = django_filters.NumberFilter(method="filter_inventor", label=_("Inventor"))
    disclosed_after = django_filters.DateFilter(
        field_name="disclosed_on", lookup_expr="gte", label=_("Disclosed on or after")
    )
    disclosed_before = django_filters.DateFilter(
        field_name="disclosed_on", lookup_expr="lte", label=_("Disclosed on or before")
    )

    class Meta:
        model = Achievement
        fields = ["q", "kind", "status", "funding_source"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(title_zh__icontains=value)
        )

    # Each relation is a subquery, so a filter never duplicates a row.
    def filter_institution(self, queryset, name, value):
        return queryset.filter(
            id__in=AchievementOwner.objects.filter(institution_id=value).values("achievement_id")
        )

    def filter_project(self, queryset, name, value):
        return queryset.filter(
            id__in=Achievement.projects.through.objects.filter(researchproject_id=value).values(
                "achievement_id"
            )
        )

    def filter_agreement(self, queryset, name, value):
        return queryset.filter(
            id__in=AchievementAgreement.objects.filter(agreement_id=value).values("achievement_id")
        )

    def filter_inventor(self, queryset, name, value):
        return queryset.filter(
            id__in=Inventor.objects.filter(person_id=value).values("achievement_id")
        )


class DisclosureFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    status = _choice(DisclosureStatus.choices, _("Status"))
    kind = _choice(AchievementKind.choices, _("Kind"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))

    class Meta:
        model = Disclosure
        fields = ["q", "status", "kind", "institution"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(title_zh__icontains=value))


class PatentFamilyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    achievement = django_filters.NumberFilter(field_name="achievement_id", label=_("Achievement"))

    class Meta:
        model = PatentFamily
        fields = ["q", "achievement"]


class PatentApplicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_number", label=_("Number"))
    family = django_filters.NumberFilter(field_name="family_id", label=_("Patent family"))
    achievement = django_filters.NumberFilter(
        field_name="family__achievement_id", label=_("Achievement")
    )
    jurisdiction = _choice(Jurisdiction.choices, _("Jurisdiction"))
    kind = _choice(ApplicationKind.choices, _("Kind"))
    status = _choice(ApplicationStatus.choices, _("Status"))
    counsel = django_filters.NumberFilter(field_name="counsel_id", label=_("Counsel"))

    class Meta:
        model = PatentApplication
        fields = ["q", "family", "achievement", "jurisdiction", "kind", "status", "counsel"]

    def filter_number(self, queryset, name, value):
        return queryset.filter(
            Q(application_number__icontains=value)
            | Q(publication_number__icontains=value)
            | Q(grant_number__icontains=value)
        )


class DeadlineFilterSet(django_filters.FilterSet):
    """The docket's filters. Each is an indexed column of the deadline or
    one join to its application, so the docket stays fast at portfolio
    scale."""

    family = django_filters.NumberFilter(field_name="family_id", label=_("Patent family"))
    application = django_filters.NumberFilter(field_name="application_id", label=_("Application"))
    achievement = django_filters.NumberFilter(field_name="achievement_id", label=_("Achievement"))
    kind = _choice(DeadlineKind.choices, _("Kind"))
    state = _choice(DeadlineState.choices, _("State"))
    # Family-level deadlines (PCT filing, phase entries) belong to no
    # office: they match no jurisdiction.
    jurisdiction = django_filters.ChoiceFilter(
        field_name="application__jurisdiction",
        choices=Jurisdiction.choices,
        label=_("Jurisdiction"),
        empty_label=_("All"),
    )
    counsel = django_filters.NumberFilter(field_name="application__counsel_id", label=_("Counsel"))
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("Due on or before")
    )
    due_after = django_filters.DateFilter(
        field_name="due_on", lookup_expr="gte", label=_("Due on or after")
    )

    class Meta:
        model = Deadline
        fields = [
            "family",
            "application",
            "achievement",
            "kind",
            "state",
            "jurisdiction",
            "counsel",
            "due_before",
            "due_after",
        ]


class IpCostFilterSet(django_filters.FilterSet):
    achievement = django_filters.NumberFilter(field_name="achievement_id", label=_("Achievement"))
    application = django_filters.NumberFilter(field_name="application_id", label=_("Application"))
    kind = _choice(IpCostKind.choices, _("Kind"))
    counsel = django_filters.NumberFilter(field_name="counsel_id", label=_("Counsel"))
    incurred_after = django_filters.DateFilter(
        field_name="incurred_on", lookup_expr="gte", label=_("Incurred on or after")
    )
    incurred_before = django_filters.DateFilter(
        field_name="incurred_on", lookup_expr="lte", label=_("Incurred on or before")
    )

    class Meta:
        model = IpCost
        fields = ["achievement", "application", "kind", "counsel"]


class CounselFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    kind = _choice(CounselKind.choices, _("Kind"))

    class Meta:
        model = Counsel
        fields = ["q", "kind"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_zh__icontains=value))
