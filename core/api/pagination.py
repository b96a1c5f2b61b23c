from rest_framework.pagination import CursorPagination, PageNumberPagination

MAX_PAGE_SIZE = 200


class StandardPagination(PageNumberPagination):
    """Numbered pages for the smaller collections; ``page_size`` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class LargeCollectionPagination(CursorPagination):
    """Cursor pages for the large collections (projects, milestones,
    payments, activity): no COUNT query, stable under inserts, and as fast on
    the thousandth page as on the first. ``ordering`` may name any of the
    view's ``ordering_fields``; the id breaks ties."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if "id" not in ordering and "-id" not in ordering and "pk" not in ordering:
            ordering = (*ordering, "-id" if ordering[0].startswith("-") else "id")
        return ordering
