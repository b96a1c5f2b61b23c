"""The docket: deadlines computed from each family's facts
(``achievements.computations.deadlines``), stored, and closed by staff;
reminders as they come due."""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import PAST, date_check
from core.errors import DomainError
from core.events import publish
from core.i18n import Message
from core.text import text_input

from ..choices import ApplicationStatus, DeadlineKind, DeadlineState
from ..computations import deadlines as rules
from ..events import DeadlineDue, PatentApplicationStatusChanged
from ..models import Deadline, PatentApplication, PatentFamily
from .achievements import achievement_record, refuse_unless_manager

# Days before the due date a reminder goes out; one more when overdue.
REMINDER_DAYS = (90, 30, 7)
OVERDUE = -1


class DeadlineError(DomainError):
    code = "invalid_deadline"


def family_facts(family: PatentFamily) -> rules.FamilyFacts:
    applications = list(family.applications.prefetch_related("office_actions"))
    return rules.FamilyFacts(
        priority_date=family.priority_date,
        applications=tuple(
            rules.ApplicationFacts(
                id=application.pk,
                jurisdiction=application.jurisdiction,
                kind=application.kind,
                status=application.status,
                filed_on=application.filed_on,
                granted_on=application.granted_on,
                parent_id=application.parent_id,
                expires_on=application.expires_on,
                office_actions=tuple(
                    rules.OfficeActionFacts(
                        id=action.pk,
                        received_on=action.received_on,
                        term_months=action.term_months,
                        responded_on=action.responded_on,
                    )
                    for action in application.office_actions.all()
                ),
            )
            for application in applications
        ),
    )


def _closed(family: PatentFamily) -> rules.Closed:
    closed = defaultdict(dict)
    rows = (
        family.deadlines.filter(
            kind__in=[DeadlineKind.ANNUITY, DeadlineKind.MAINTENANCE_FEE],
            state__in=[DeadlineState.DONE, DeadlineState.WAIVED],
        )
        .values("kind", "application_id")
        .annotate(last=Max("sequence"))
    )
    for row in rows:
        closed[row["kind"]][row["application_id"]] = row["last"]
    return rules.Closed(
        annuity=closed[DeadlineKind.ANNUITY], maintenance_fee=closed[DeadlineKind.MAINTENANCE_FEE]
    )


def _key(deadline) -> tuple:
    return (deadline.kind, deadline.application_id, deadline.office_action_id, deadline.sequence)


@transaction.atomic
def deadlines_refresh(family: PatentFamily) -> None:
    """Bring the family's stored deadlines in line with its facts: add what
    the rules call for, move the dates of open ones, close those the facts
    show met, drop open ones that no longer apply. Closed ones stay as they
    were: they are the docket's history."""
    family = PatentFamily.objects.select_for_update().get(pk=family.pk)
    facts = family_facts(family)
    expected = {d.key: d for d in rules.family_deadlines(facts, _closed(family))}
    stored = {_key(row): row for row in family.deadlines.all()}
    for key, row in stored.items():
        if row.state != DeadlineState.OPEN:
            continue
        due = expected.get(key)
        if due is None:
            row.delete()
            continue
        changed = False
        if (row.due_on, row.grace_until) != (due.due_on, due.grace_until):
            row.due_on, row.grace_until = due.due_on, due.grace_until
            row.last_reminder_days = None
            changed = True
        if due.done_on is not None:
            row.state, row.done_on = DeadlineState.DONE, due.done_on
            changed = True
        if changed:
            row.save()
    Deadline.objects.bulk_create(
        Deadline(
            family=family,
            achievement_id=family.achievement_id,
            application_id=due.application_id,
            office_action_id=due.office_action_id,
            kind=due.kind,
            sequence=due.sequence,
            due_on=due.due_on,
            grace_until=due.grace_until,
            state=DeadlineState.DONE if due.done_on else DeadlineState.OPEN,
            done_on=due.done_on,
        )
        for key, due in expected.items()
        if key not in stored
    )
    expires_on = rules.family_expiry(facts)
    if family.expires_on != expires_on:
        family.expires_on = expires_on
        family.save(update_fields=["expires_on", "updated_at"])


def _open_deadline(deadline: Deadline, by) -> Deadline:
    deadline = (
        Deadline.objects.select_for_update().select_related("achievement").get(pk=deadline.pk)
    )
    refuse_unless_manager(by, deadline.achievement)
    if deadline.state != DeadlineState.OPEN:
        raise DeadlineError(_("The deadline is closed already."), code="deadline_closed")
    return deadline


def _describe(deadline: Deadline) -> Message:
    return Message(
        gettext_lazy("%(kind)s due %(due_on)s"),
        kind=DeadlineKind(deadline.kind).label,
        due_on=deadline.due_on,
    )


@transaction.atomic
def deadline_complete(*, deadline: Deadline, by, done_on: date | None = None) -> Deadline:
    """Mark a deadline met (the fee paid, the response filed); the next
    annuity or maintenance fee comes onto the docket."""
    deadline = _open_deadline(deadline, by)
    done_on = done_on or timezone.localdate()
    date_check(done_on, field="done_on", bounds=PAST)
    deadline.state, deadline.done_on, deadline.closed_by = DeadlineState.DONE, done_on, by
    deadline.save()
    achievement_record(
        achievement=deadline.achievement,
        by=by,
        verb="deadline.done",
        summary=Message(gettext_lazy("Done: %(deadline)s."), deadline=_describe(deadline)),
    )
    deadlines_refresh(deadline.family)
    return deadline


@transaction.atomic
def deadline_waive(*, deadline: Deadline, by, reason: str) -> Deadline:
    """Let a deadline pass on purpose (no EP entry, the annuity not paid so
    the patent lapses), with the reason."""
    deadline = _open_deadline(deadline, by)
    deadline.waived_reason = text_input(
        reason,
        model=Deadline,
        field="waived_reason",
        required=_("Say why the deadline is let pass."),
        error_class=DeadlineError,
        name="reason",
    )
    deadline.state, deadline.closed_by = DeadlineState.WAIVED, by
    deadline.save()
    achievement_record(
        achievement=deadline.achievement,
        by=by,
        verb="deadline.waived",
        summary=Message(
            gettext_lazy("Let pass: %(deadline)s (%(reason)s)."),
            deadline=_describe(deadline),
            reason=deadline.waived_reason,
        ),
    )
    deadlines_refresh(deadline.family)
    return deadline


def _reminder_step(days_left: int) -> int | None:
    """The reminder that ``days_left`` calls for: the nearest threshold not
    yet passed, or OVERDUE."""
    if days_left < 0:
        return OVERDUE
    for days in sorted(REMINDER_DAYS):
        if days_left <= days:
            return days
    return None


def deadlines_remind(*, today: date | None = None) -> int:
    """Tell the office of open deadlines 90, 30 and 7 days ahead and once
    overdue, each reminder once even when a day's run was missed. Expiry is
    a date to know, not to act on: it is not reminded. Returns how many
    reminders went out."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    candidates = (
        Deadline.objects.filter(state=DeadlineState.OPEN, due_on__lte=horizon)
        .exclude(kind=DeadlineKind.EXPIRY)
        .exclude(last_reminder_days=OVERDUE)
        .select_related("achievement", "family", "application")
    )
    sent = 0
    for deadline in candidates.iterator(chunk_size=500):
        step = _reminder_step((deadline.due_on - today).days)
        if step is None:
            continue
        if deadline.last_reminder_days is not None and deadline.last_reminder_days <= step:
            continue
        with transaction.atomic():
            updated = Deadline.objects.filter(
                Q(last_reminder_days__isnull=True) | Q(last_reminder_days__gt=step),
                pk=deadline.pk,
                state=DeadlineState.OPEN,
            ).update(last_reminder_days=step)
            if updated:
                deadline.last_reminder_days = step
                publish(DeadlineDue(deadline=deadline, days_left=(deadline.due_on - today).days))
                sent += 1
    return sent


def applications_expire(*, today: date | None = None) -> int:
    """Applications whose term has run out are expired, and their expiry on
    the docket done. Returns how many."""
    today = today or timezone.localdate()
    due = Deadline.objects.filter(
        kind=DeadlineKind.EXPIRY, state=DeadlineState.OPEN, due_on__lt=today
    ).select_related("application", "family")
    expired = 0
    for deadline in due.iterator(chunk_size=500):
        with transaction.atomic():
            application = PatentApplication.objects.select_for_update().get(
                pk=deadline.application_id
            )
            previous = application.status
            application.status = ApplicationStatus.EXPIRED
            application.save(update_fields=["status", "updated_at"])
            publish(
                PatentApplicationStatusChanged(
                    application=application, previous_status=previous, by=None
                )
            )
            Deadline.objects.filter(pk=deadline.pk).update(
                state=DeadlineState.DONE, done_on=deadline.due_on
            )
            deadlines_refresh(deadline.family)
            expired += 1
    return expired
