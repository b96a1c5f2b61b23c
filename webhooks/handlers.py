"""What integrations hear of: the outbox events each domain event leads to.

The handlers run in the publisher's transaction, so an outbox event commits
or rolls back with the change it announces (see ``webhooks.events``).
Events about a change on the activity timeline carry that entry: its verb
as ``action``, its id, project, agreement and changes, and its time as the
event's ``occurred_at``.

Registered by ``WebhooksConfig.ready()``.
"""

from achievements.events import (
    AchievementStatusChanged,
    DeadlineDue,
    DisclosureConverted,
    DisclosureSubmitted,
    PatentApplicationStatusChanged,
)
from core.events import subscribe
from distributions.events import LineSettled, RunApproved
from projects.events import (
    MilestoneClaimed,
    MilestoneDisputed,
    MilestoneInvoiced,
    MilestonePaid,
    MilestoneVerified,
    PaymentRecorded,
    ProjectStageChanged,
    RoyaltyReportSubmitted,
)
from projects.models import Activity
from valuations.events import ValuationFinished

from .choices import EventType
from .events import event_publish
from .models import OutboxEvent


def _timeline_data(activity: Activity) -> dict:
    return {
        "action": activity.verb,
        "activity_id": activity.pk,
        "project_id": activity.project_id,
        "agreement_id": activity.agreement_id,
        "changes": activity.changes,
    }


@subscribe(ProjectStageChanged)
def announce_stage_changed(event: ProjectStageChanged) -> OutboxEvent | None:
    # Integrations care about the project the decision moved, not about the
    # transition the timeline entry is about.
    return event_publish(
        event_type=EventType.PROJECT_STAGE_CHANGED,
        obj=event.project,
        data={**_timeline_data(event.activity), "transition_id": event.transition.pk},
        occurred_at=event.activity.created_at,
    )


# A claim resubmitted after a dispute is announced as claimed: it is a claim
# again for the payer.
MILESTONE_EVENT_TYPES = {
    MilestoneClaimed: EventType.MILESTONE_CLAIMED,
    MilestoneVerified: EventType.MILESTONE_VERIFIED,
    MilestoneDisputed: EventType.MILESTONE_DISPUTED,
    MilestoneInvoiced: EventType.MILESTONE_INVOICED,
}


@subscribe(*MILESTONE_EVENT_TYPES)
def announce_milestone_moved(
    event: MilestoneClaimed | MilestoneVerified | MilestoneDisputed | MilestoneInvoiced,
) -> OutboxEvent | None:
    return event_publish(
        event_type=MILESTONE_EVENT_TYPES[type(event)],
        obj=event.milestone,
        data=_timeline_data(event.activity),
        occurred_at=event.activity.created_at,
    )


@subscribe(PaymentRecorded)
def announce_payment_recorded(event: PaymentRecorded) -> OutboxEvent | None:
    return event_publish(
        event_type=EventType.PAYMENT_RECORDED,
        obj=event.payment,
        data=_timeline_data(event.activity),
        occurred_at=event.activity.created_at,
    )


@subscribe(MilestonePaid)
def announce_milestone_paid(event: MilestonePaid) -> OutboxEvent | None:
    return event_publish(
        event_type=EventType.MILESTONE_PAID,
        obj=event.milestone,
        data={**_timeline_data(event.activity), "payment_id": event.payment.pk},
        occurred_at=event.activity.created_at,
    )


@subscribe(RoyaltyReportSubmitted)
def announce_royalty_report_submitted(event: RoyaltyReportSubmitted) -> OutboxEvent | None:
    return event_publish(
        event_type=EventType.ROYALTY_REPORT_SUBMITTED,
        obj=event.report,
        data=_timeline_data(event.activity),
        occurred_at=event.activity.created_at,
    )


@subscribe(ValuationFinished)
def announce_valuation_finished(event: ValuationFinished) -> OutboxEvent | None:
    valuation = event.valuation
    return event_publish(
        event_type=EventType.VALUATION_FINISHED,
        obj=valuation,
        data={"status": valuation.status, "project_id": valuation.project_id},
    )


# --- Achievements and the docket ---------------------------------------------------


@subscribe(AchievementStatusChanged)
def announce_achievement_status_changed(event: AchievementStatusChanged) -> OutboxEvent | None:
    achievement = event.achievement
    return event_publish(
        event_type=EventType.ACHIEVEMENT_STATUS_CHANGED,
        obj=achievement,
        data={
            "reference": achievement.reference,
            "status": achievement.status,
            "previous_status": event.previous_status,
        },
    )


@subscribe(DisclosureSubmitted)
def announce_disclosure_submitted(event: DisclosureSubmitted) -> OutboxEvent | None:
    disclosure = event.disclosure
    return event_publish(
        event_type=EventType.DISCLOSURE_SUBMITTED,
        obj=disclosure,
        data={"institution_id": disclosure.institution_id},
    )


@subscribe(DisclosureConverted)
def announce_disclosure_converted(event: DisclosureConverted) -> OutboxEvent | None:
    return event_publish(
        event_type=EventType.DISCLOSURE_CONVERTED,
        obj=event.disclosure,
        data={
            "institution_id": event.disclosure.institution_id,
            "achievement_id": event.achievement.pk,
            "achievement_reference": event.achievement.reference,
        },
    )


@subscribe(PatentApplicationStatusChanged)
def announce_application_status_changed(
    event: PatentApplicationStatusChanged,
) -> OutboxEvent | None:
    application = event.application
    return event_publish(
        event_type=EventType.PATENT_APPLICATION_STATUS_CHANGED,
        obj=application,
        data={
            "status": application.status,
            "previous_status": event.previous_status,
            "jurisdiction": application.jurisdiction,
            "application_number": application.application_number,
            "family_id": application.family_id,
            "achievement_id": application.family.achievement_id,
        },
    )


@subscribe(DeadlineDue)
def announce_deadline_due(event: DeadlineDue) -> OutboxEvent | None:
    deadline = event.deadline
    return event_publish(
        event_type=EventType.DEADLINE_DUE,
        obj=deadline,
        data={
            "kind": deadline.kind,
            "sequence": deadline.sequence,
            "due_on": deadline.due_on.isoformat(),
            "grace_until": deadline.grace_until.isoformat() if deadline.grace_until else None,
            "days_left": event.days_left,
            "achievement_id": deadline.achievement_id,
            "family_id": deadline.family_id,
            "application_id": deadline.application_id,
        },
    )


# --- Income distribution ----------------------------------------------------------


@subscribe(RunApproved)
def announce_run_approved(event: RunApproved) -> OutboxEvent | None:
    run = event.run
    return event_publish(
        event_type=EventType.DISTRIBUTION_RUN_APPROVED,
        obj=run,
        data={
            "institution_id": run.institution_id,
            "period_start": run.period_start.isoformat(),
            "period_end": run.period_end.isoformat(),
            "currency": run.currency,
            "net_income": str(run.net_income),
            "corrects_id": run.corrects_id,
        },
    )


@subscribe(LineSettled)
def announce_line_settled(event: LineSettled) -> OutboxEvent | None:
    line = event.line
    return event_publish(
        event_type=EventType.DISTRIBUTION_LINE_SETTLED,
        obj=line,
        data={
            "run_id": line.run_id,
            "state": line.state,
            "form": line.form,
            "amount": str(line.amount),
            "currency": line.currency,
            "equity_shares": str(line.equity_shares) if line.equity_shares is not None else None,
            "settled_on": line.settled_on.isoformat(),
        },
    )
