from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from projects.filtersets import ResearchProjectFilterSet
from projects.selectors import project_detail_for, project_list_for

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


@login_required
def project_detail(request, code):
    project = get_object_or_404(project_detail_for(request.user), code=code)
    stages = project.pipeline.stages.order_by("position")
    return render(request, "projects/detail.html", {"project": project, "stages": stages})
