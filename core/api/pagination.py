from base64 import b64decode
from urllib import parse

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination, PageNumberPagination

MAX_PAGE_SIZE = 200


class StandardPagination(PageNumberPagination):
    """Numbered pages for the smaller collections; ``page_size`` up to 200."""

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
