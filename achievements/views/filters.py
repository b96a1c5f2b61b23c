"""The filters of the achievements' list pages and of the docket. Choices
among objects read what the user may see."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.templatetags.biobridge import localized
from partnerships.selectors import institutions_visible_to

from .. import filtersets
from ..choices import (
    DeadlineKind,
    DeadlineState,
    DisclosureStatus,
    Jurisdiction,
)
from ..models import Achievement, Deadline
from ..selectors import counsel_visible_to


def choose_among(form, name: str, objects, label=localized) -> None:
    """Show the number filter ``name`` as a drop-down of ``objects`` (what
    the user may see). A number typed into the address that is none of
    them filters nothing more than the scoped list already holds."""
    field = form.fields.get(name)
    if field is None:
        return
    form.fields[name] = forms.TypedChoiceField(
        label=field.label,
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All")), *((obj.pk, label(obj)) for obj in objects)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def choose_institution(request):
    def configure(form):
        choose_among(form, "institution", institutions_visible_to(request.user).order_by("name"))

    return configure


def choose_counsel(request):
    def configure(form):
        choose_among(form, "counsel", counsel_visible_to(request.user))

    return configure


class AchievementFilterSet(filtersets.AchievementFilterSet):
    """The list page's filters: the shared ones a person picks on a form."""

    project = agreement = inventor = disclosed_after = disclosed_before = None

    class Meta(filtersets.AchievementFilterSet.Meta):
        fields = ["q", "kind", "status", "funding_source", "institution"]


class DocketFilterSet(django_filters.FilterSet):
    """The docket's filters; without a state, the open deadlines."""

    achievement = django_filters.CharFilter(method="filter_achievement", label=_("Achievement"))
    jurisdiction = django_filters.ChoiceFilter(
        field_name="application__jurisdiction",
        choices=Jurisdiction.choices,
        label=_("Jurisdiction"),
        empty_label=_("All"),
    )
    counsel = django_filters.NumberFilter(field_name="application__counsel", label=_("Counsel"))
    kind = django_filters.ChoiceFilter(
        choices=DeadlineKind.choices, label=_("Kind"), empty_label=_("All")
    )
    state = django_filters.ChoiceFilter(
        choices=[*DeadlineState.choices, ("all", _("Any state"))],
        method="filter_state",
        label=_("State"),
        empty_label=None,
    )
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("Due by")
    )

    class Meta:
        model = Deadline
        fields = ["achievement", "jurisdiction", "counsel", "kind", "state", "due_before"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("state"):
            data = data.copy()
            data["state"] = DeadlineState.OPEN
        super().__init__(data, *args, **kwargs)

    def filter_achievement(self, queryset, name, value):
        # The reference as typed or in capitals (ACH-2026-0014), through its
        # unique index: a case-insensitive match would read every reference.
        value = value.strip()
        references = {value, value.upper()}
        return queryset.filter(
            achievement_id__in=Achievement.objects.filter(reference__in=references).values("id")
        )

    def filter_state(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(state=value)


class DisclosureFilterSet(filtersets.DisclosureFilterSet):
    """The review list's filters. A draft is its writer's own, so staff
    filter among the other states."""

    status = django_filters.ChoiceFilter(
        choices=[
            choice for choice in DisclosureStatus.choices if choice[0] != DisclosureStatus.DRAFT
        ],
        label=_("Status"),
        empty_label=_("All"),
    )
    kind = None

    class Meta(filtersets.DisclosureFilterSet.Meta):
        fields = ["q", "status", "institution"]
