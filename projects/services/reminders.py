"""The daily round of reminders: milestones and fixed payments (upfronts,
annual fees…) due in 30 and 7 days or overdue, agreements expiring in 90
and 30 days, royalty reports due, and minimum-royalty true-ups after a year
ends. The round first records the fixed payments the signed agreements'
terms make owed by now (the next year's fees). The round announces each
reminder as an event; the notices it leads to carry an event key, so
running the round twice on a day sends nothing twice, and the round counts
only the reminders that told somebody."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ALLOWED, DomainError, Guard, denied
from core.events import DomainEvent, publish
from core.i18n import Message
from partnerships.computations.reporting import last_ended_period
from partnerships.events import AgreementExpiring
from partnerships.models import Agreement
from partnerships.selectors import acts_for_research_party
from projects.activity import activity_record
from projects.choices import (
    FIXED_PAYMENT_OPEN_STATUSES,
    MILESTONE_OPEN_STATUSES,
    ProjectStatus,
    RoyaltyReportKind,
)
from projects.events import (
    FixedPaymentDueSoon,
    FixedPaymentOverdue,
    MilestoneDueSoon,
    MilestoneOverdue,
    MilestoneReminderSent,
    RoyaltyReportDue,
)
from projects.models import Activity, FixedPayment, Milestone, ResearchProject, RoyaltyReport

from .fixed_payments import agreement_fixed_payments_schedule, agreements_with_fixed_terms
from .royalties import _royalty_years, royalty_year_true_up

DUE_SOON_WINDOWS = (30, 7)
EXPIRY_WINDOWS = (90, 30)


@dataclass
class ReminderRound:
    due_soon: int = 0
    overdue: int = 0
    royalty_reports_due: int = 0
    agreements_expiring: int = 0
    true_ups: int = 0
    fixed_payments_recorded: int = 0


def _told(event: DomainEvent) -> bool:
    """Announce a reminder; whether anybody was told of it (a handler
    answers what it told, and nothing once everybody knows)."""
    return any(publish(event))


def _remind_milestones(today: date, result: ReminderRound) -> None:
    open_milestones = Milestone.objects.filter(
        status__in=MILESTONE_OPEN_STATUSES, due_date__isnull=False
    ).select_related("project", "agreement__partnership")
    # Windows run from the widest: a milestone first seen 5 days before it
    # falls due gets the 7-day notice only.
    for days, first, last in _windows(DUE_SOON_WINDOWS, today):
        for milestone in open_milestones.filter(due_date__gte=first, due_date__lte=last):
            result.due_soon += _told(MilestoneDueSoon(milestone=milestone, days=days))
    for milestone in open_milestones.overdue(today):
        result.overdue += _told(MilestoneOverdue(milestone=milestone, today=today))


def _windows(windows: tuple[int, ...], today: date):
    """Each window with the dates it covers, from the widest: a day falls
    in the narrowest window that holds it, so a thing first seen 20 days
    ahead gets the 30-day reminder only, and never the 90-day one late."""
    for days in windows:
        narrower = min((d for d in windows if d < days), default=-1)
        yield days, today + timedelta(days=narrower + 1), today + timedelta(days=days)


def _remind_agreements_expiring(today: date, result: ReminderRound) -> None:
    """The research party's staff and the enterprise's partner admins hear
    90 and 30 days before a signed agreement expires, once per window and
    expiry date: an agreement extended to a new date is reminded of again."""
    signed = Agreement.objects.filter(
        status=Agreement.Status.SIGNED, expires_on__isnull=False
    ).select_related("partnership")
    for days, first, last in _windows(EXPIRY_WINDOWS, today):
        for agreement in signed.filter(expires_on__gte=first, expires_on__lte=last):
            result.agreements_expiring += _told(
                AgreementExpiring(agreement=agreement, days=days, expires_on=agreement.expires_on)
            )


def _schedule_fixed_payments(today: date, result: ReminderRound) -> None:
    for agreement in agreements_with_fixed_terms():
        result.fixed_payments_recorded += len(
            agreement_fixed_payments_schedule(agreement=agreement, today=today)
        )


def _remind_fixed_payments(today: date, result: ReminderRound) -> None:
    open_payments = FixedPayment.objects.filter(
        status__in=FIXED_PAYMENT_OPEN_STATUSES
    ).select_related("agreement__partnership", "project")
    for days in DUE_SOON_WINDOWS:
        narrower = min((d for d in DUE_SOON_WINDOWS if d < days), default=-1)
        for fixed_payment in open_payments.filter(
            due_date__gte=today + timedelta(days=narrower + 1),
            due_date__lte=today + timedelta(days=days),
        ):
            result.due_soon += _told(FixedPaymentDueSoon(fixed_payment=fixed_payment, days=days))
    for fixed_payment in open_payments.overdue(today):
        result.overdue += _told(FixedPaymentOverdue(fixed_payment=fixed_payment, today=today))


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
        result.royalty_reports_due += _told(
            RoyaltyReportDue(
                agreement=agreement,
                period_start=start,
                period_end=end,
                due_on=due_on,
                late=late,
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
    _schedule_fixed_payments(today, result)
    _remind_milestones(today, result)
    _remind_agreements_expiring(today, result)
    _remind_fixed_payments(today, result)
    _remind_royalty_reports(today, result)
    _true_up_last_year(today, result)
    return result


# --- A reminder sent by hand -----------------------------------------------------

REMINDER_SENT = "milestone.reminder_sent"


class ReminderError(DomainError):
    code = "reminder_refused"


def milestone_reminder_guard(milestone: Milestone, user) -> Guard:
    """Whether ``user`` may remind both parties of the milestone now: the
    payee's staff, for an open milestone with a due date, once a day."""
    if not acts_for_research_party(user, milestone.agreement):
        return denied(_("Only the payee's staff send reminders of a milestone."), "not_payee")
    if milestone.status not in MILESTONE_OPEN_STATUSES:
        return denied(
            _("The milestone is %(status)s; there is nothing to remind of.")
            % {"status": milestone.get_status_display().lower()},
            "not_open",
        )
    if milestone.due_date is None:
        return denied(_("The milestone has no due date yet."), "no_due_date")
    sent_today = Activity.objects.filter(
        verb=REMINDER_SENT,
        target_type=Milestone._meta.label_lower,
        target_id=milestone.pk,
        created_at__date=timezone.localdate(),
    )
    if sent_today.exists():
        return denied(_("A reminder of this milestone was already sent today."), "already_sent")
    return ALLOWED


@transaction.atomic
def milestone_reminder_send(*, milestone: Milestone, by) -> Activity:
    """Remind both parties of the milestone's agreement of it now, and
    record on the timeline that it was sent and by whom."""
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("project", "agreement__partnership")
        .get(pk=milestone.pk)
    )
    milestone_reminder_guard(milestone, by).raise_if_denied(ReminderError)
    activity = activity_record(
        actor=by,
        verb=REMINDER_SENT,
        target=milestone,
        project=milestone.project,
        agreement=milestone.agreement,
        summary=Message(
            gettext_lazy("Reminder of milestone %(name)s sent to both parties."),
            name=milestone.name,
        ),
    )
    publish(MilestoneReminderSent(milestone=milestone, activity=activity))
    return activity
