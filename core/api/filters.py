"""The API's filter backend: django-filter's, refusing numbers that no
database column can hold.

``?project=1e30`` passes django-filter's number field, but SQLite cannot
bind such an integer (a 500), and a related-object lookup skips Django's own
range check. It answers 400, in the one error format, like any other bad
filter value.
"""

from decimal import Decimal

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# The range of a 64-bit signed integer: the widest integer column.
SMALLEST, LARGEST = -(2**63), 2**63 - 1


class FilterBackend(DjangoFilterBackend):
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
