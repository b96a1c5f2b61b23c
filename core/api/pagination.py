from base64 import b64decode, b64encode
from math import inf
from urllib import parse

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.utils.urls import replace_query_param

MAX_PAGE_SIZE = 200


FARTHEST_ROW = 2**31


class PageFirstPaginator(Paginator):
    """Django's paginator, reading the page before counting the rows: a page
    that holds fewer rows than fit on it is the last, so the count is the
    rows before it and on it, and no COUNT query is needed; an empty page
    past the first lies past the end. Only a full page (or ``page=last``,
    which needs the count first) counts the rows, as Django does. Pages and
    errors are Django's."""

    def page(self, number):
        if "count" in self.__dict__ or self.orphans or not self.allow_empty_first_page:
            return super().page(number)
        # The checks of Django's validate_number that need no count.
        number = self._validate_number(number, inf)
        bottom = (number - 1) * self.per_page
        # No list is this long; such an offset may overflow the database's
        # integers, so such a page is refused after a COUNT, as Django does.
        if bottom + self.per_page > FARTHEST_ROW:
            return super().page(number)
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if len(rows) < self.per_page:
            if not rows and number > 1:
                raise EmptyPage(self.error_messages["no_results"])
            self.count = bottom + len(rows)
        elif number > self.num_pages:
            # Rows removed between the page and the count.
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)


class StandardPagination(PageNumberPagination):
    """Numbered pages for the smaller collections; ``page_size`` up to 200.
    The page is read first, and the rows are counted only when it is full
    (``PageFirstPaginator``)."""

    django_paginator_class = PageFirstPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class InvalidCursor(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_cursor"
    default_detail = _("The page cursor is not valid; start again from the first page.")


class LargeCollectionPagination(CursorPagination):
    """Cursor pages for the large collections (projects, milestones,
    payments, activity): no COUNT query, stable under inserts, and as fast on
    the thousandth page as on the first. ``ordering`` may name any of the
    view's ``ordering_fields``; the id breaks ties.

    A cursor comes back from the client, so it is checked like any input
    before it reaches the database: one that does not decode, or whose
    position is no value of the ordering field, is a 400 (``invalid_cursor``).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if "id" not in ordering and "-id" not in ordering and "pk" not in ordering:
            ordering = (*ordering, "-id" if ordering[0].startswith("-") else "id")
        return ordering

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        # Strictly: a lenient decoder drops the characters it does not know
        # and would take a garbled cursor for the first page.
        try:
            text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse.parse_qs(text, keep_blank_values=True, strict_parsing=True)
        except ValueError as error:
            raise InvalidCursor() from error
        if not tokens or set(tokens) - {"o", "r", "p"}:
            raise InvalidCursor()
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as error:
            raise InvalidCursor() from error
        if cursor.position is not None:
            self._check_position(cursor.position)
        return cursor

    def _check_position(self, position: str) -> None:
        """The position is a value of the first ordering field; PostgreSQL
        refuses a NUL byte in any text."""
        if "\x00" in position:
            raise InvalidCursor()
        try:
            field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        except FieldDoesNotExist:
            return
        try:
            field.run_validators(field.to_python(position))
        except (ValidationError, TypeError, ValueError) as error:
            raise InvalidCursor() from error


class KeysetPagination(CursorPagination):
    """Cursor pages over a fixed ordering whose last field is the id, e.g.
    ``("due_on", "id")``: each page starts strictly after the last row of
    the one before, compared on the whole key, so a page costs one indexed
    query however deep it is and however many rows share a date (DRF's
    cursor counts past the rows that share the first field). No COUNT, and
    no ``ordering=`` parameter: the order is the index's.

    The cursor carries the key of the row to start after (or before, going
    back) and is checked like any input: one that does not decode, or
    whose values are no values of the key's fields, is a 400
    (``invalid_cursor``).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("id",)

    def get_ordering(self, request, queryset, view):
        ordering = tuple(getattr(view, "keyset_ordering", None) or self.ordering)
        if ordering[-1] != "id" or any(name.startswith("-") for name in ordering):
            raise ValueError("A keyset ascends and ends with the id.")
        return ordering

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.ordering = self.get_ordering(request, queryset, view)
        self._model = queryset.model
        key, reverse = self._decode(request)
        if key is not None:
            queryset = queryset.filter(self._after(key, reverse))
        ordering = [f"-{name}" for name in self.ordering] if reverse else list(self.ordering)
        rows = list(queryset.order_by(*ordering)[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if reverse:
            rows.reverse()
        self.page = rows
        # Going forward, there is a next page if a row was left over, and a
        # previous one if the page started after a cursor; going back, the
        # other way round.
        self.has_next = (not reverse and more) or (reverse and key is not None)
        self.has_previous = (reverse and more) or (not reverse and key is not None)
        return rows

    def _after(self, key: tuple, reverse: bool) -> Q:
        """Rows after ``key`` in the ordering (before it, going back):
        a ≥ x and ((a > x) or (a = x and b > y) or …). The first term is
        implied by the rest; it is there so that the database reads the
        index of the first field from ``x`` on instead of filtering it all."""
        lookup = "lt" if reverse else "gt"
        condition = Q()
        for index, name in enumerate(self.ordering):
            equal = {self.ordering[i]: key[i] for i in range(index)}
            condition |= Q(**equal, **{f"{name}__{lookup}": key[index]})
        first = self.ordering[0]
        return Q(**{f"{first}__{lookup}e": key[0]}) & condition

    def _key_of(self, row) -> tuple:
        return tuple(getattr(row, name) for name in self.ordering)

    def get_next_link(self):
        if not self.has_next or not self.page:
            return None
        return self._link(self._key_of(self.page[-1]), reverse=False)

    def get_previous_link(self):
        if not self.has_previous or not self.page:
            return None
        return self._link(self._key_of(self.page[0]), reverse=True)

    def _link(self, key: tuple, *, reverse: bool) -> str:
        tokens = {"k": [str(value) for value in key]}
        if reverse:
            tokens["r"] = "1"
        encoded = b64encode(parse.urlencode(tokens, doseq=True).encode("ascii")).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def _decode(self, request) -> tuple[tuple | None, bool]:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None, False
        try:
            text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse.parse_qs(text, keep_blank_values=True, strict_parsing=True)
        except ValueError as error:
            raise InvalidCursor() from error
        values = tokens.get("k", [])
        if set(tokens) - {"k", "r"} or tokens.get("r", ["1"]) != ["1"]:
            raise InvalidCursor()
        if len(values) != len(self.ordering):
            raise InvalidCursor()
        key = []
        for name, value in zip(self.ordering, values, strict=True):
            if "\x00" in value:
                raise InvalidCursor()
            field = self._model._meta.get_field(name)
            try:
                value = field.to_python(value)
                field.run_validators(value)
            except (ValidationError, TypeError, ValueError, OverflowError) as error:
                raise InvalidCursor() from error
            if value is None or (isinstance(value, int) and not 0 < value < 2**63):
                raise InvalidCursor()
            key.append(value)
        return tuple(key), "r" in tokens
