from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from projects.filtersets import ResearchProjectFilterSet
from projects.selectors import project_list_for

PROJECTS_PER_PAGE = 50


@login_required
def home(request):
    """Where a signed-in user starts."""
    return redirect("projects:list")


@login_required
def project_list(request):
    """The projects the user may see, filtered and paginated."""
    filterset = ResearchProjectFilterSet(
        request.GET, queryset=project_list_for(request.user).order_by("code")
    )
    page = Paginator(filterset.qs, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/list.html",
        {"filterset": filterset, "page": page, "query": query.urlencode()},
    )
