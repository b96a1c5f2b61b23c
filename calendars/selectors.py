"""What concerns a user, by date: the events of their calendar feed and of
the month pages. Every object comes through its model's scoping selector,
so staff, partners and researchers each see only their own scope."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import is_partner_user, is_researcher_user
from achievements.selectors import deadlines_visible_to
from core.i18n import localized_name
from partnerships.selectors import agreements_visible_to
from projects.selectors import (
    invoices_visible_to,
    milestones_visible_to,
    projects_visible_to,
    royalty_reports_visible_to,
)

UID_DOMAIN = "biobridge"
# A royalty report falls due some days after its period ends (at most a
# year's worth, in practice 30 to 90): reports are read from this far back.
LONGEST_REPORT_DELAY = timedelta(days=366)


class EventKind:
    MILESTONE = "milestone"
    INVOICE = "invoice"
    ROYALTY_REPORT = "royalty-report"
    AGREEMENT_EXPIRY = "agreement-expiry"
    PATENT_DEADLINE = "patent-deadline"
    GATE_REVIEW = "gate-review"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    title: str
    date: date
    kind: str
    url: str
    description: str


def _uid(kind: str, pk: int, what: str) -> str:
    # The object's key, never its date: a moved date updates the event.
    return f"{kind}-{pk}-{what}@{UID_DOMAIN}"


def calendar_events_for(user, start: date, end: date) -> list[CalendarEvent]:
    """The user's events from ``start`` to ``end`` (both included), by date,
    titled in the active language. Six queries, however many events."""
    portal = is_partner_user(user)
    # A researcher opens achievements on the research pages and has no page
    # for the rest: those events carry no link.
    researcher = is_researcher_user(user)

    def link(portal_page: tuple[str, dict], staff_page: tuple[str, dict]) -> str:
        """The event's page on the user's side, each given as (route,
        arguments): the portal's for a partner, the staff UI's for staff,
        none for a researcher."""
        if researcher and not portal:
            return ""
        route, arguments = portal_page if portal else staff_page
        return reverse(route, kwargs=arguments)

    events: list[CalendarEvent] = []

    for milestone in (
        milestones_visible_to(user).filter(due_date__range=(start, end)).select_related("project")
    ):
        url = link(
            ("portal:milestone_detail", {"milestone_pk": milestone.pk}),
            ("projects:detail", {"code": milestone.project.code}),
        )
        events.append(
            CalendarEvent(
                uid=_uid("milestone", milestone.pk, "due"),
                title=_("Milestone due: %(project)s %(name)s")
                % {"project": milestone.project.code, "name": milestone.name},
                date=milestone.due_date,
                kind=EventKind.MILESTONE,
                url=url,
                description=localized_name(milestone.project, "title"),
            )
        )

    for invoice in invoices_visible_to(user).filter(due_on__range=(start, end)):
        url = link(
            ("portal:invoices", {}),
            ("milestones:invoice_detail", {"invoice_pk": invoice.pk}),
        )
        events.append(
            CalendarEvent(
                uid=_uid("invoice", invoice.pk, "due"),
                title=_("Invoice due: %(number)s") % {"number": invoice.number},
                date=invoice.due_on,
                kind=EventKind.INVOICE,
                url=url,
                description=_("%(payer)s pays %(payee)s")
                % {"payer": invoice.payer_name, "payee": invoice.payee_name},
            )
        )

    reports = (
        royalty_reports_visible_to(user)
        .filter(period_end__range=(start - LONGEST_REPORT_DELAY, end))
        .select_related("agreement")
    )
    for report in reports:
        due_on = report.period_end + timedelta(days=report.agreement.royalty_report_due_days)
        if not start <= due_on <= end:
            continue
        url = link(
            ("portal:royalty_report_detail", {"report_pk": report.pk}),
            ("royalties:detail", {"pk": report.pk}),
        )
        events.append(
            CalendarEvent(
                uid=_uid("royalty-report", report.pk, "due"),
                title=_("Royalty report due: %(agreement)s")
                % {"agreement": report.agreement.reference},
                date=due_on,
                kind=EventKind.ROYALTY_REPORT,
                url=url,
                description=_("Period %(start)s to %(end)s")
                % {"start": report.period_start.isoformat(), "end": report.period_end.isoformat()},
            )
        )

    for agreement in agreements_visible_to(user).filter(expires_on__range=(start, end)):
        url = link(
            ("portal:agreement_detail", {"reference": agreement.reference}),
            ("agreements:detail", {"reference": agreement.reference}),
        )
        events.append(
            CalendarEvent(
                uid=_uid("agreement", agreement.pk, "expiry"),
                title=_("Agreement expires: %(reference)s") % {"reference": agreement.reference},
                date=agreement.expires_on,
                kind=EventKind.AGREEMENT_EXPIRY,
                url=url,
                description=agreement.title,
            )
        )

    for deadline in (
        deadlines_visible_to(user).filter(due_on__range=(start, end)).select_related("achievement")
    ):
        events.append(
            CalendarEvent(
                uid=_uid("deadline", deadline.pk, "due"),
                title=_("Patent deadline: %(kind)s, %(achievement)s")
                % {
                    "kind": deadline.get_kind_display(),
                    "achievement": localized_name(deadline.achievement, "title"),
                },
                date=deadline.due_on,
                kind=EventKind.PATENT_DEADLINE,
                url=reverse(
                    "research:achievement_detail" if researcher else "achievements:detail",
                    kwargs={"pk": deadline.achievement_id},
                ),
                description=deadline.achievement.reference,
            )
        )

    for project in (
        projects_visible_to(user)
        .filter(next_gate_review_on__range=(start, end))
        .select_related("current_stage")
    ):
        url = link(
            ("portal:project_detail", {"code": project.code}),
            ("projects:detail", {"code": project.code}),
        )
        events.append(
            CalendarEvent(
                uid=_uid("project", project.pk, "gate-review"),
                title=_("Gate review: %(project)s, %(stage)s")
                % {"project": project.code, "stage": localized_name(project.current_stage)},
                date=project.next_gate_review_on,
                kind=EventKind.GATE_REVIEW,
                url=url,
                description=localized_name(project, "title"),
            )
        )

    events.sort(key=lambda event: (event.date, event.kind, event.uid))
    return events


@dataclass(frozen=True)
class MonthDay:
    date: date
    events: list[CalendarEvent]


@dataclass(frozen=True)
class Month:
    first: date
    previous: date
    next: date
    days: list[MonthDay]  # only the days with events, in order
    event_count: int


def parse_month(value: str | None, today: date) -> date:
    """The first day of the month ``YYYY-MM``; this month for anything else."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def month_for(user, first: date) -> Month:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    events = calendar_events_for(user, first, last)
    by_day: dict[date, list[CalendarEvent]] = {}
    for event in events:
        by_day.setdefault(event.date, []).append(event)
    return Month(
        first=first,
        previous=(first - timedelta(days=1)).replace(day=1),
        next=last + timedelta(days=1),
        days=[MonthDay(day, day_events) for day, day_events in sorted(by_day.items())],
        event_count=len(events),
    )
