"""FilterSets for project lists, shared by the staff UI and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerships.choices import CooperationMode

from .choices import ProjectStatus, SectorCode
from .models import ResearchProject


class ResearchProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    sector = django_filters.ChoiceFilter(
        field_name="current_stage__pipeline__sector__code",
        choices=SectorCode.choices,
        label=_("Sector"),
    )
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))
    mode = django_filters.ChoiceFilter(
        field_name="partnership__mode",
        choices=CooperationMode.choices,
        label=_("Cooperation mode"),
    )

    class Meta:
        model = ResearchProject
        fields = ["q", "sector", "status", "mode"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(title_zh__icontains=value)
        )
