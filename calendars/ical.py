"""A user's events as an iCalendar feed (RFC 5545), written with the
icalendar library: all-day VEVENTs whose UIDs name the object, not the
date, so a calendar app updates an event when its date moves."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .selectors import calendar_events_for

DAYS_BACK = 90
DAYS_AHEAD = 400


def feed_calendar(user, *, base_url: str, now: datetime | None = None) -> bytes:
    now = now or timezone.now()
    today = timezone.localdate(now)
    events = calendar_events_for(
        user, today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)
    )
    cal = Calendar()
    cal.add("prodid", "-//BioBridge//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("BioBridge: %(name)s") % {"name": user.get_full_name()})
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("dtstart", item.date)
        event.add("dtend", item.date + timedelta(days=1))
        event.add("summary", item.title)
        event.add("description", item.description)
        if item.url:
            event.add("url", base_url + item.url)
        event.add("categories", [item.kind])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
