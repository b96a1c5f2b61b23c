"""The partner's agreements: a list, and a page for each with its terms in
plain words and where the enterprise stands in the cost sharing."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from achievements.selectors import achievement_list_for
from partnerships.computations.term import agreement_term_position
from partnerships.selectors import agreement_terms_for, agreements_visible_to
from partnerships.terms_display import agreement_terms_context, term_left
from portal.access import partner_view
from projects.selectors import (
    agreement_cost_ledger,
    agreement_fixed_payments_for,
    project_list_for,
    projects_visible_to,
)

AGREEMENTS_PER_PAGE = 25


@require_GET
@partner_view
def agreement_list(request):
    agreements = agreements_visible_to(request.user).order_by("-signed_on", "reference")
    page = Paginator(agreements, AGREEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # The page's projects counted in one grouped query: annotating the count
    # joined thousands of projects to the agreements' wide rows and sorted
    # them (0.2 s for an enterprise with 23,000 projects).
    counts = dict(
        projects_visible_to(request.user)
        .filter(agreement__in=[agreement.pk for agreement in page.object_list])
        .order_by()
        .values_list("agreement")
        .annotate(Count("id"))
    )
    for agreement in page.object_list:
        agreement.project_count = counts.get(agreement.pk, 0)
    return render(request, "portal/agreement_list.html", {"page": page})


# An agreement may carry thousands of projects: the page names the first
# ones and links to the project list filtered by the agreement.
PROJECTS_SHOWN = 10


def _projects_shown(user, agreement) -> dict:
    projects = project_list_for(user).filter(agreement=agreement)
    return {
        "projects": projects.order_by("code")[:PROJECTS_SHOWN],
        "projects_count": projects.count(),
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
    today = timezone.localdate()
    fixed_payments = list(agreement_fixed_payments_for(user, agreement))
    for fixed_payment in fixed_payments:
        fixed_payment.overdue = fixed_payment.is_overdue(today)
    context = agreement_terms_context(agreement)
    term = agreement_term_position(agreement, today=timezone.localdate())
    context.update(
        {
            "term": term,
            "term_left": term_left(term),
            # The terms partial then names the agreement without linking to
            # the staff page, which partners cannot open.
            "on_agreement_page": True,
            "ledger": ledger,
            "enterprise_lines": [line for line in ledger if line.party == "enterprise"],
            # The upfront, the annual fees and the other fixed amounts the
            # enterprise owes under this agreement, with their invoices.
            "fixed_payments": fixed_payments,
            # The achievements and patents the agreement transfers.
            "achievements": achievement_list_for(user)
            .filter(agreement_links__agreement=agreement)
            .order_by("reference", "id"),
            **_projects_shown(user, agreement),
        }
    )
    return render(request, "portal/agreement_detail.html", context)
