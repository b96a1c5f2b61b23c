"""The partner's agreements: a list, and a page for each with its terms in
plain words and where the enterprise stands in the cost sharing."""

from collections import defaultdict
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from partnerships.selectors import agreement_terms_for, agreements_visible_to
from portal.access import partner_view
from projects.selectors import agreement_cost_ledger, project_list_for, projects_visible_to

AGREEMENTS_PER_PAGE = 25


@require_GET
@partner_view
def agreement_list(request):
    agreements = (
        agreements_visible_to(request.user)
        .annotate(
            project_count=Count(
                "projects",
                filter=Q(projects__in=projects_visible_to(request.user).values("id")),
                distinct=True,
            )
        )
        .order_by("-signed_on", "reference")
    )
    page = Paginator(agreements, AGREEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/agreement_list.html", {"page": page})


def _terms(agreement) -> dict:
    """The terms as the staff page's terms partial shows them: cost shares
    per range of stages with both parties' percent, royalty tiers with the
    top of each band."""
    ranges = defaultdict(dict)
    for share in agreement.cost_shares.all():
        ranges[(share.first_stage, share.last_stage)][share.party] = share.percent
    cost_shares = [
        {
            "first_stage": first,
            "last_stage": last,
            "research": parties.get("research", Decimal(0)),
            "enterprise": parties.get("enterprise", Decimal(0)),
        }
        for (first, last), parties in sorted(ranges.items(), key=lambda item: item[0][0].position)
    ]
    tiers = list(agreement.royalty_tiers.all())
    royalty_tiers = [
        {
            "tier": tier,
            "upper_bound": tiers[index + 1].lower_bound if index + 1 < len(tiers) else None,
        }
        for index, tier in enumerate(tiers)
    ]
    return {
        "agreement": agreement,
        "cost_shares": cost_shares,
        "failure_clauses": list(agreement.failure_clauses.all()),
        "schedule": list(agreement.milestone_schedule.all()),
        "royalty_tiers": royalty_tiers,
    }


@partner_view
def agreement_detail(request, reference):
    user = request.user
    agreement = get_object_or_404(agreement_terms_for(user), reference=reference)
    # Looked up before the method is checked: another enterprise's agreement
    # answers 404 to any request, exactly like a missing one.
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    ledger = agreement_cost_ledger(user, agreement)
    context = _terms(agreement)
    context.update(
        {
            # The terms partial then names the agreement without linking to
            # the staff page, which partners cannot open.
            "on_agreement_page": True,
            "ledger": ledger,
            "enterprise_lines": [line for line in ledger if line.party == "enterprise"],
            "projects": project_list_for(user).filter(agreement=agreement).order_by("code"),
        }
    )
    return render(request, "portal/agreement_detail.html", context)
