"""The partner's start page: where its projects stand, the money that falls
due in the next 90 days, the claims and royalty reports waiting for it, and
what happened lately."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.access import partner_view
from projects.selectors import (
    activities_visible_to,
    claims_awaiting_verification,
    enterprise_cost_balances,
    fixed_payments_expected_for,
    invoices_open_for,
    milestones_expected_for,
    project_stage_counts,
    royalty_reports_due_for,
)

# How far ahead the overview looks for money falling due.
HORIZON_DAYS = 90
RECENT_ACTIVITY = 10
# The rows each list of the overview shows: the soonest due (the oldest
# claims). A partner in thousands of projects has thousands of invoices,
# milestones and claims open at once; a start page shows what to act on
# first and says that there is more, and the list pages hold the rest.
# Reading one row past the limit tells "more" without counting them all.
OVERVIEW_ROWS = 20


def _first_rows(queryset) -> tuple[list, object | None]:
    """The first ``OVERVIEW_ROWS`` rows of ``queryset``, and the row after
    them (None when there is no more)."""
    rows = list(queryset[: OVERVIEW_ROWS + 1])
    return rows[:OVERVIEW_ROWS], rows[OVERVIEW_ROWS] if len(rows) > OVERVIEW_ROWS else None


def _stages_by_sector(stages):
    """The stage counts grouped by sector, in the order of the sectors."""
    sectors = []
    for stage in stages:
        sector = stage.pipeline.sector
        if not sectors or sectors[-1]["sector"].pk != sector.pk:
            sectors.append({"sector": sector, "stages": [], "total": 0})
        sectors[-1]["stages"].append(stage)
        sectors[-1]["total"] += stage.project_count
    return sectors


@require_GET
@partner_view
def overview(request):
    user = request.user
    today = timezone.localdate()
    due_by = today + timedelta(days=HORIZON_DAYS)
    invoices, next_invoice = _first_rows(invoices_open_for(user, due_by=due_by))
    for invoice in invoices:
        invoice.overdue = invoice.due_on < today
    # Soonest due first: when the invoice after the last shown is overdue
    # too, every shown invoice is, and more are.
    more_overdue = next_invoice is not None and next_invoice.due_on < today
    expected, next_expected = _first_rows(milestones_expected_for(user, due_by=due_by))
    for milestone in expected:
        milestone.overdue = milestone.due_date < today
    fixed, next_fixed = _first_rows(fixed_payments_expected_for(user, due_by=due_by))
    for fixed_payment in fixed:
        fixed_payment.overdue = fixed_payment.due_date < today
    claims, next_claim = _first_rows(claims_awaiting_verification(user).select_related("project"))
    balances = enterprise_cost_balances(user)
    context = {
        "today": today,
        "horizon_days": HORIZON_DAYS,
        "due_by": due_by,
        "sectors": _stages_by_sector(project_stage_counts(user)),
        "overview_rows": OVERVIEW_ROWS,
        "open_invoices": invoices,
        "more_invoices": next_invoice is not None,
        "overdue_invoices": sum(1 for invoice in invoices if invoice.overdue),
        "more_overdue_invoices": more_overdue,
        "expected_milestones": expected,
        "more_expected_milestones": next_expected is not None,
        "expected_fixed_payments": fixed,
        "more_expected_fixed_payments": next_fixed is not None,
        "owed_to_partner": [entry for entry in balances if entry["line"].balance > 0],
        "claims": claims,
        "more_claims": next_claim is not None,
        "royalty_reports_due": royalty_reports_due_for(user, today=today),
        "activity": list(
            activities_visible_to(user).order_by("-created_at", "-id")[:RECENT_ACTIVITY]
        ),
    }
    return render(request, "portal/overview.html", context)
