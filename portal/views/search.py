"""The partner's search: the same search as the staff UI's, over the
enterprise's own objects, its hits linking to the portal's pages."""

from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from portal.access import partner_view
from search.selectors import DEFAULT_LIMIT, search_page_for

# The full page shows more of each kind than the box's live results.
PAGE_LIMIT = 20


@partner_view
@require_GET
@vary_on_headers("HX-Request")
def search(request):
    if request.headers.get("HX-Request") == "true":
        page = search_page_for(request.user, request.GET.get("q"), limit_per_kind=DEFAULT_LIMIT)
        return render(request, "search/partials/live.html", {"search": page})
    page = search_page_for(request.user, request.GET.get("q"), limit_per_kind=PAGE_LIMIT)
    status = 400 if page.error else 200
    return render(request, "portal/search.html", {"search": page}, status=status)
