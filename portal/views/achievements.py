"""The achievements and patents licensed, assigned or contributed to the
partner's enterprise under its own agreements: their status, the patents'
numbers, dates and expiry. Costs, assessment notes, counsel and the docket's
deadlines are the office's own and never reach the portal."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from achievements.selectors import (
    achievement_detail_for,
    achievement_list_for,
    achievement_patents_for,
    agreement_links_visible_to,
)
from portal.access import partner_view

ACHIEVEMENTS_PER_PAGE = 25


def _with_own_agreements(user, achievements):
    """Each achievement with the enterprise's agreements that transfer it:
    another licensee's are not the partner's to know."""
    return achievements.prefetch_related(
        Prefetch(
            "agreement_links",
            queryset=agreement_links_visible_to(user).select_related("agreement"),
            to_attr="own_agreement_links",
        )
    )


@require_GET
@partner_view
def achievement_list(request):
    achievements = _with_own_agreements(
        request.user, achievement_list_for(request.user).order_by("reference", "id")
    )
    page = Paginator(achievements, ACHIEVEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/achievement_list.html", {"page": page})


@partner_view
def achievement_detail(request, achievement_pk):
    user = request.user
    achievement = get_object_or_404(achievement_detail_for(user), pk=achievement_pk)
    # Looked up before the method is checked: another enterprise's
    # achievement answers 404 to any request, exactly like a missing one.
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(
        request,
        "portal/achievement_detail.html",
        {
            "achievement": achievement,
            "families": list(achievement_patents_for(user, achievement)),
            "agreement_links": list(achievement.agreement_links.all()),
        },
    )
