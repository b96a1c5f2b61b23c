"""FilterSets of the distributions' lists. They filter a queryset the
caller has scoped already (``distributions.selectors``)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import RunState
from .models import DistributionRun


class RunFilterSet(django_filters.FilterSet):
    institution = django_filters.NumberFilter(field_name="institution", label=_("Institution"))
    state = django_filters.ChoiceFilter(
        choices=RunState.choices, label=_("State"), empty_label=_("All")
    )
    year = django_filters.NumberFilter(
        method="filter_year", label=_("Year"), min_value=1900, max_value=2200
    )

    class Meta:
        model = DistributionRun
        fields = ["institution", "state", "year"]

    def filter_year(self, queryset, name, value):
        """The runs whose period overlaps the calendar year."""
        year = int(value)
        return queryset.filter(Q(period_start__year__lte=year) & Q(period_end__year__gte=year))
