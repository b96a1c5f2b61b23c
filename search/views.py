"""The search pages: the staff UI's ``/search/`` and the researcher's
``/research/search/``. The top bar's box sends its words here; with htmx
the answer is the live results under the box (as the user types), without
it the full page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from achievements.research_views import researcher_view

from .selectors import DEFAULT_LIMIT, search_page_for

# The full page shows more of each kind than the box's live results.
PAGE_LIMIT = 20


def _respond(request, template: str):
    if request.headers.get("HX-Request") == "true":
        page = search_page_for(request.user, request.GET.get("q"), limit_per_kind=DEFAULT_LIMIT)
        return render(request, "search/partials/live.html", {"search": page})
    page = search_page_for(request.user, request.GET.get("q"), limit_per_kind=PAGE_LIMIT)
    return render(request, template, {"search": page}, status=400 if page.error else 200)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def search_page(request):
    return _respond(request, "search/page.html")


@researcher_view
@require_GET
@vary_on_headers("HX-Request")
def research_search_page(request):
    return _respond(request, "search/page.html")
