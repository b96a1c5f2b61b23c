"""The partner's calendar: the same month as the staff page's, with the
enterprise's own milestones, invoices, royalty reports and agreements."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from calendars.selectors import month_for, parse_month
from portal.access import partner_view


@partner_view
@require_GET
def calendar_month(request):
    first = parse_month(request.GET.get("month"), timezone.localdate())
    return render(
        request,
        "portal/calendar.html",
        {"month": month_for(request.user, first), "month_url": reverse("portal:calendar")},
    )
