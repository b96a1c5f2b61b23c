"""The calendar's staff pages: the month page, the user's feed (issue,
replace, revoke), and the feed itself, which calendar apps fetch without
signing in: the secret in its address stands for the user."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import is_partner_user

from .ical import DAYS_AHEAD, DAYS_BACK, feed_calendar
from .models import CalendarFeed
from .selectors import month_for, parse_month
from .services import calendar_feed_issue, calendar_feed_owner, calendar_feed_revoke


@login_required
@require_GET
def calendar_month(request):
    if is_partner_user(request.user):
        return redirect("portal:calendar")
    first = parse_month(request.GET.get("month"), timezone.localdate())
    return render(
        request,
        "calendars/month.html",
        {"month": month_for(request.user, first), "month_url": reverse("calendars:month")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    """The user's feed: its address is shown once, when issued (only its
    digest is kept); issuing again replaces it, revoking ends it."""
    new_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            token = calendar_feed_issue(user=request.user)
            new_url = request.build_absolute_uri(reverse("calendars:feed", args=[token]))
        elif action == "revoke":
            calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar feed is revoked."))
            return redirect("calendars:feed_settings")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "calendars/feed_settings.html",
        {"feed": feed, "new_url": new_url, "days_back": DAYS_BACK, "days_ahead": DAYS_AHEAD},
    )


@require_GET
def feed(request, token):
    user = calendar_feed_owner(token)
    if user is None:
        raise Http404
    base_url = request.build_absolute_uri("/").rstrip("/")
    with translation.override(user.language or None):
        body = feed_calendar(user, base_url=base_url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
