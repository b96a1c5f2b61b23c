"""The daily round of reminders: milestones due in 30 and 7 days, overdue
milestones, royalty reports due, and minimum-royalty true-ups after a year
ends. Every notice carries an event key, so running the round twice on a
day sends nothing twice."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy

from notifications.choices import NotificationKind
from notifications.services import notify
from notifications.text import NoticeText, lowercase
from partnerships.computations.reporting import last_ended_period
from partnerships.models import Agreement
from partnerships.selectors import enterprise_users, research_party_users
from projects.choices import (
    MILESTONE_OPEN_STATUSES,
    MilestoneStatus,
    ProjectStatus,
    RoyaltyReportKind,
)
from projects.models import Milestone, ResearchProject, RoyaltyReport

from .royalties import _royalty_years, royalty_year_true_up

DUE_SOON_WINDOWS = (30, 7)


@dataclass
class ReminderRound:
    due_soon: int = 0
    overdue: int = 0
    royalty_reports_due: int = 0
    true_ups: int = 0


def _milestone_audience(milestone: Milestone):
    return list(enterprise_users(milestone.agreement)) + list(
        research_party_users(milestone.agreement)
    )


def _milestone_state(milestone: Milestone) -> NoticeText:
    return NoticeText(
        gettext_lazy("%(amount)s %(currency)s, now %(status)s."),
        amount=milestone.amount,
        currency=milestone.currency,
        status=lowercase(MilestoneStatus(milestone.status).label),
    )


def _remind_milestones(today: date, result: ReminderRound) -> None:
    open_milestones = Milestone.objects.filter(
        status__in=MILESTONE_OPEN_STATUSES, due_date__isnull=False
    ).select_related("project", "agreement__partnership")
    # Windows run from the widest: a milestone first seen 5 days before it
    # falls due gets the 7-day notice only.
    for days in DUE_SOON_WINDOWS:
        narrower = min((d for d in DUE_SOON_WINDOWS if d < days), default=-1)
        for milestone in open_milestones.filter(
            due_date__gte=today + timedelta(days=narrower + 1),
            due_date__lte=today + timedelta(days=days),
        ):
            result.due_soon += bool(
                notify(
                    recipients=_milestone_audience(milestone),
                    kind=NotificationKind.MILESTONE_DUE_SOON,
                    event_key=f"milestone_due:{milestone.pk}:{milestone.due_date}:{days}",
                    title=NoticeText(
                        gettext_lazy("%(code)s: “%(name)s” falls due on %(due)s"),
                        code=milestone.project.code,
                        name=milestone.name,
                        due=milestone.due_date,
                    ),
                    body=_milestone_state(milestone),
                    url=milestone.project.get_absolute_url(),
                )
            )
    for milestone in open_milestones.overdue(today):
        result.overdue += bool(
            notify(
                recipients=_milestone_audience(milestone),
                kind=NotificationKind.MILESTONE_OVERDUE,
                event_key=f"milestone_overdue:{milestone.pk}:{today}",
                title=NoticeText(
                    gettext_lazy("%(code)s: “%(name)s” is overdue since %(due)s"),
                    code=milestone.project.code,
                    name=milestone.name,
                    due=milestone.due_date,
                ),
                body=_milestone_state(milestone),
                url=milestone.project.get_absolute_url(),
            )
        )


def _remind_royalty_reports(today: date, result: ReminderRound) -> None:
    """Licensees of products on the market are reminded of a missing report
    once the period ends, and again once it is late."""
    on_market = ResearchProject.objects.filter(
        agreement=OuterRef("pk"), status=ProjectStatus.PRODUCTIZED
    )
    agreements = (
        Agreement.objects.filter(
            Exists(on_market), status=Agreement.Status.SIGNED, royalty_tiers__isnull=False
        )
        .distinct()
        .select_related("partnership")
    )
    for agreement in agreements:
        start, end = last_ended_period(agreement.royalty_reporting, today)
        _first_year, last_year = _royalty_years(agreement)
        if (agreement.expires_on and agreement.expires_on < start) or (
            last_year is not None and start.year > last_year
        ):
            # No royalties accrue after the agreement or its royalty term.
            continue
        reported = RoyaltyReport.objects.filter(
            agreement=agreement,
            kind=RoyaltyReportKind.SALES,
            period_start__lte=end,
            period_end__gte=start,
        ).exists()
        if reported:
            continue
        due_on = end + timedelta(days=agreement.royalty_report_due_days)
        late = today > due_on
        result.royalty_reports_due += bool(
            notify(
                recipients=enterprise_users(agreement),
                kind=NotificationKind.ROYALTY_REPORT_DUE,
                event_key=f"royalty_due:{agreement.pk}:{start}:{'late' if late else 'due'}",
                title=NoticeText(
                    gettext_lazy("%(reference)s: royalty report for %(start)s–%(end)s is late")
                    if late
                    else gettext_lazy(
                        "%(reference)s: royalty report for %(start)s–%(end)s due %(due)s"
                    ),
                    reference=agreement.reference,
                    start=start,
                    end=end,
                    due=due_on,
                ),
                body=gettext_lazy("Report net sales for the period in the partner portal."),
            )
        )


def _true_up_last_year(today: date, result: ReminderRound) -> None:
    year = today.year - 1
    for agreement in Agreement.objects.filter(
        status=Agreement.Status.SIGNED, minimum_annual_royalty__gt=0
    ):
        already = agreement.royalty_reports.filter(
            kind=RoyaltyReportKind.MINIMUM_TRUE_UP, period_start=date(year, 1, 1)
        ).exists()
        if not already and royalty_year_true_up(agreement=agreement, year=year) is not None:
            result.true_ups += 1


def reminders_send(*, today: date) -> ReminderRound:
    result = ReminderRound()
    _remind_milestones(today, result)
    _remind_royalty_reports(today, result)
    _true_up_last_year(today, result)
    return result
