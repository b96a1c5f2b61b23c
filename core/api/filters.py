"""The API's filter backend: django-filter's, refusing numbers that no
database column can hold, and building a request's filterset for less.

``?project=1e30`` passes django-filter's number field, but SQLite cannot
bind such an integer (a 500), and a related-object lookup skips Django's own
range check. It answers 400, in the one error format, like any other bad
filter value.

For each request django-filter deep-copies every filter of the filterset and
builds a new form class from them, about a tenth of the time of a request
for the first page of projects. The backend builds the filtersets of the
API's views from a subclass (``built_once``) that copies each filter
shallowly and makes the form class once per filterset class. That is safe
for filters whose field does not depend on the request; a filterset holding
one (a ``ModelChoiceFilter`` with a queryset chosen per request) is built as
django-filter builds it.

Most requests name no filter at all (a list's first page, a client paging
through): an empty form filters nothing and refuses nothing, so the backend
builds no filterset for them (``names_a_filter``).
"""

import copy
from decimal import Decimal
from functools import cache

from django import forms
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.choices import CallableChoiceIterator
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# The range of a 64-bit signed integer: the widest integer column.
SMALLEST, LARGEST = -(2**63), 2**63 - 1


class _BuiltOnce:
    """A filterset whose filters are shallow copies of the class's, each
    with this filterset as its parent, and whose form class is made once."""

    _form_class = None

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, shared in self.base_filters.items():
            own = copy.copy(shared)
            own.model = queryset.model
            own.parent = self
            if shared.method is not None:
                # Points the copy's FilterMethod at the copy, hence at this
                # filterset's method and request.
                own.method = shared.method
            self.filters[name] = own

    def get_form_class(self):
        # The fields come from the class's filters: a form instance
        # deep-copies its class's fields, so no request changes them.
        cls = type(self)
        if cls._form_class is None:
            fields = {name: shared.field for name, shared in self.base_filters.items()}
            cls._form_class = type(f"{cls.__name__}Form", (self._meta.form,), fields)
        return cls._form_class

    @property
    def form(self):
        # A form whose fields read nothing but the request's values (and
        # the language and time zone they are parsed in) cleans the same
        # values the same way every time: what it cleaned is kept, by those
        # values, and a request that sends them again skips building and
        # validating the form (its fields deep-copied, each value cleaned).
        # A form that refused its values is built again every time.
        if "_form" in vars(self):
            return self._form
        key = _validated_key(self)
        kept = _validated.get(key) if key is not None else None
        if kept is not None:
            self._form = _Validated(dict(kept))
            return self._form
        form = super().form
        if key is not None and form.is_valid():
            if len(_validated) >= VALIDATED_KEPT:
                _validated.clear()
            _validated[key] = dict(form.cleaned_data)
        return form


# What forms cleaned, by filterset class, language, time zone and the values
# of the request that its fields read; a few hundred kinds of filtered
# requests at the most, so it is emptied when full rather than aged.
VALIDATED_KEPT = 1024
_validated: dict = {}


class _Validated:
    """What the filtering reads of a form that validated."""

    errors: dict = {}

    def __init__(self, cleaned_data):
        self.cleaned_data = cleaned_data

    def is_valid(self) -> bool:
        return True


def _validated_key(filterset):
    cls = type(filterset)
    if not _cleans_values_alone(cls) or filterset.form_prefix or not filterset.is_bound:
        return None
    names = cls.base_filters
    values = tuple(
        sorted(
            (parameter, tuple(filterset.data.getlist(parameter)))
            for parameter in filterset.data
            if any(parameter == name or parameter.startswith(name + "_") for name in names)
        )
    )
    return cls, translation.get_language(), timezone.get_current_timezone_name(), values


# Form fields that clean a value by its text alone (and the language and time
# zone): numbers, text, dates and moments, fixed choices, and django-filter's
# fields made of them.
_PLAIN_FIELDS = (
    forms.CharField,
    forms.IntegerField,
    forms.DecimalField,
    forms.FloatField,
    forms.BooleanField,
    forms.NullBooleanField,
    forms.DateField,
    forms.DateTimeField,
    forms.TimeField,
    forms.ChoiceField,
)


@cache
def _cleans_values_alone(filterset_class) -> bool:
    """Whether the filterset's form cleans a request's values from their
    text alone: a plain form, whose fields are plain, with fixed choices;
    not a choice of objects read from the database."""
    if filterset_class._meta.form is not forms.Form:
        return False

    def plain(field) -> bool:
        if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
            return False
        if isinstance(field, forms.MultiValueField):
            return all(plain(part) for part in field.fields)
        if isinstance(field, forms.ChoiceField) and isinstance(
            field.choices, CallableChoiceIterator
        ):
            return False
        return isinstance(field, _PLAIN_FIELDS)

    return all(
        not isinstance(shared, QuerySetRequestMixin) and plain(shared.field)
        for shared in filterset_class.base_filters.values()
    )


@cache
def built_once(filterset_class):
    """``filterset_class`` built per request at less cost, or itself when a
    filter of it depends on the request."""
    if any(isinstance(f, QuerySetRequestMixin) for f in filterset_class.base_filters.values()):
        return filterset_class
    return type(filterset_class.__name__, (_BuiltOnce, filterset_class), {})


@cache
def _query_names(filterset_class) -> tuple[str, ...] | None:
    """The names of the query parameters that the filterset's form reads:
    a filter's own name, and for a filter of several inputs (a range, a
    lookup choice) the name and a suffix after ``_``. None when the form
    could refuse a request that names no filter (a required filter)."""
    if any(f.extra.get("required") for f in filterset_class.base_filters.values()):
        return None
    return tuple(filterset_class.base_filters)


def names_a_filter(query_params, filterset_class) -> bool:
    """Whether the request names a filter of the filterset (or may be
    refused without one). One that names none is filtered by nothing:
    django-filter leaves the queryset as it is for every empty value."""
    names = _query_names(filterset_class)
    if names is None:
        return True
    return any(
        parameter == name or parameter.startswith(name + "_")
        for parameter in query_params
        for name in names
    )


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not names_a_filter(
            request.query_params, filterset_class
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        # Only a view's declared class: one made from ``filterset_fields``
        # is new on each call.
        if filterset_class is None or filterset_class is not getattr(
            view, "filterset_class", None
        ):
            return filterset_class
        return built_once(filterset_class)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None and filterset.is_valid():
            out_of_range = {
                name: [f"Ensure this value is between {SMALLEST} and {LARGEST}."]
                for name, value in filterset.form.cleaned_data.items()
                if isinstance(value, int | Decimal)
                and not isinstance(value, bool)
                and not SMALLEST <= value <= LARGEST
            }
            if out_of_range:
                raise ValidationError(out_of_range)
        return filterset
