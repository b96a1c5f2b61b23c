"""Filters of the distribution runs API. They filter a queryset the caller
has scoped already (``distributions.selectors``)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from distributions.choices import LineState, RecipientKind, RewardForm, RunState
from distributions.models import DistributionLine, DistributionRun


def _choice(choices, label):
    return django_filters.ChoiceFilter(choices=choices, label=label, empty_label=_("All"))


class DistributionRunFilterSet(django_filters.FilterSet):
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    state = _choice(RunState.choices, _("State"))
    # A run is listed when its period overlaps [period_after, period_before].
    period_after = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", label=_("Period ends on or after")
    )
    period_before = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", label=_("Period starts on or before")
    )
    corrects = django_filters.NumberFilter(field_name="corrects_id", label=_("Corrects"))

    class Meta:
        model = DistributionRun
        fields = ["institution", "state", "corrects"]


class DistributionLineFilterSet(django_filters.FilterSet):
    run = django_filters.NumberFilter(field_name="run_id", label=_("Run"))
    achievement = django_filters.NumberFilter(field_name="achievement_id", label=_("Achievement"))
    person = django_filters.NumberFilter(field_name="person_id", label=_("Person"))
    kind = _choice(RecipientKind.choices, _("Recipient"))
    form = _choice(RewardForm.choices, _("Form"))
    state = _choice(LineState.choices, _("State"))

    class Meta:
        model = DistributionLine
        fields = ["run", "achievement", "person", "kind", "form", "state"]
