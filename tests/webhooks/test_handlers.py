"""What integrations hear of: the outbox events each domain event writes,
about which object, with the timeline entry's verb, id and changes."""

import datetime

import pytest
from django.utils import timezone

from core.events import handlers_of, publish
from projects.activity import activity_record
from projects.events import (
    MilestoneClaimable,
    MilestoneClaimed,
    MilestoneDisputed,
    MilestoneDueSoon,
    MilestoneInvoiced,
    MilestoneOverdue,
    MilestonePaid,
    MilestoneVerified,
    PaymentRecorded,
    ProjectStageChanged,
    RoyaltyReportDue,
    RoyaltyReportInvoiced,
    RoyaltyReportQueried,
    RoyaltyReportResubmitted,
    RoyaltyReportSubmitted,
)
from projects.models import Activity, Invoice, Payment
from tests.factories import RoyaltyReportFactory, StageTransitionFactory
from webhooks import handlers
from webhooks.models import OutboxEvent

from .conftest import milestone_payment


@pytest.fixture
def subscriber(make_endpoint):
    """An active endpoint subscribed to every event type the tests use."""
    return make_endpoint(
        event_types=[
            "project.stage_changed",
            "milestone.claimed",
            "milestone.verified",
            "milestone.disputed",
            "milestone.invoiced",
            "milestone.paid",
            "payment.recorded",
            "royalty_report.submitted",
        ]
    )


def activity(*, verb, target, project, changes=None):
    return Activity.objects.create(
        project=project,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        summary=verb,
        changes=changes or {},
    )


def written():
    return list(OutboxEvent.objects.all())


def test_a_stage_decision_announces_the_project(subscriber, project, queued_tasks):
    """The entry's target is the stage transition; the event is about the
    project it moved, with the decision and the stages in its data."""
    transition = StageTransitionFactory(project=project)
    entry = activity(
        verb="project.advance",
        target=transition,
        project=project,
        changes={"stage": ["Discovery", "Preclinical"], "status": ["active", "active"]},
    )

    publish(ProjectStageChanged(project=project, transition=transition, activity=entry))

    [event] = written()
    assert event.event_type == "project.stage_changed"
    assert (event.object_type, event.object_id) == ("project", project.pk)
    assert event.object_url_path == f"/api/v1/projects/{project.pk}/"
    assert event.payload == {
        "action": "project.advance",
        "activity_id": entry.pk,
        "project_id": project.pk,
        "agreement_id": None,
        "changes": {"stage": ["Discovery", "Preclinical"], "status": ["active", "active"]},
        "transition_id": transition.pk,
    }
    assert event.occurred_at == entry.created_at


@pytest.mark.parametrize(
    ("event_class", "verb", "event_type"),
    [
        (MilestoneClaimed, "milestone.claimed", "milestone.claimed"),
        (MilestoneClaimed, "milestone.resubmitted", "milestone.claimed"),
        (MilestoneVerified, "milestone.verified", "milestone.verified"),
        (MilestoneDisputed, "milestone.disputed", "milestone.disputed"),
    ],
)
def test_a_milestone_that_moved_is_announced_with_its_timeline_entry(
    subscriber, project, event_class, verb, event_type
):
    """A claim resubmitted after a dispute is announced as claimed: it is a
    claim again for the payer."""
    milestone, _payment = milestone_payment(project)
    milestone.claimed_at = timezone.now()
    entry = activity(
        verb=verb, target=milestone, project=project, changes={"status": ["planned", "claimed"]}
    )

    publish(event_class(milestone=milestone, activity=entry))

    [event] = written()
    assert event.event_type == event_type
    assert (event.object_type, event.object_id) == ("milestone", milestone.pk)
    assert event.object_url_path == f"/api/v1/milestones/{milestone.pk}/"
    assert event.payload["action"] == verb
    assert event.payload["activity_id"] == entry.pk
    assert event.payload["changes"] == {"status": ["planned", "claimed"]}
    assert event.occurred_at == entry.created_at


def test_an_invoiced_milestone_is_announced(subscriber, project):
    milestone, payment = milestone_payment(project)
    entry = activity(verb="milestone.invoiced", target=milestone, project=project)

    publish(MilestoneInvoiced(milestone=milestone, invoice=payment.invoice, activity=entry))

    [event] = written()
    assert event.event_type == "milestone.invoiced"
    assert (event.object_type, event.object_id) == ("milestone", milestone.pk)


def test_the_payment_that_settles_a_milestone_also_announces_it_paid(subscriber, project):
    milestone, payment = milestone_payment(project)
    entry = activity(
        verb="payment.recorded",
        target=payment,
        project=project,
        changes={"amount": "100000.00", "status": ["invoiced", "paid"]},
    )

    publish(
        PaymentRecorded(payment=payment, invoice=payment.invoice, billed=milestone, activity=entry)
    )
    publish(
        MilestonePaid(
            milestone=milestone, invoice=payment.invoice, payment=payment, activity=entry
        )
    )

    by_type = {event.event_type: event for event in written()}
    assert len(by_type) == 2
    recorded, paid = by_type["payment.recorded"], by_type["milestone.paid"]
    assert recorded.event_type == "payment.recorded"
    assert (recorded.object_type, recorded.object_id) == ("payment", payment.pk)
    assert recorded.payload["action"] == "payment.recorded"
    assert paid.event_type == "milestone.paid"
    assert (paid.object_type, paid.object_id) == ("milestone", milestone.pk)
    assert paid.payload["payment_id"] == payment.pk
    assert paid.payload["activity_id"] == entry.pk
    assert paid.occurred_at == entry.created_at


def test_a_payment_on_a_royalty_reports_invoice_announces_the_payment(subscriber, project):
    report = RoyaltyReportFactory(project=project, status="paid")
    invoice = Invoice.objects.create(
        number="INV-T-2025-9001",
        royalty_report=report,
        payee_name="Institute",
        payer_name="Company",
        amount=5000,
        currency="CNY",
        issued_on="2025-04-01",
        due_on="2025-05-01",
    )
    payment = Payment.objects.create(
        invoice=invoice, amount=5000, currency="CNY", paid_on="2025-04-20"
    )
    entry = activity(
        verb="payment.recorded",
        target=payment,
        project=project,
        changes={"status": ["invoiced", "paid"]},
    )

    publish(PaymentRecorded(payment=payment, invoice=invoice, billed=report, activity=entry))

    assert [event.event_type for event in written()] == ["payment.recorded"]


def test_a_submitted_royalty_report_is_announced(subscriber, project):
    report = RoyaltyReportFactory(project=project, status="submitted", submitted_at=timezone.now())
    entry = activity(verb="royalty_report.submitted", target=report, project=project)

    publish(RoyaltyReportSubmitted(report=report, activity=entry))

    [event] = written()
    assert (event.object_type, event.object_id) == ("royalty_report", report.pk)
    assert event.payload["action"] == "royalty_report.submitted"


@pytest.mark.parametrize(
    "event_class",
    [
        MilestoneClaimable,
        RoyaltyReportResubmitted,
        RoyaltyReportQueried,
        RoyaltyReportInvoiced,
        MilestoneDueSoon,
        MilestoneOverdue,
        RoyaltyReportDue,
    ],
)
def test_events_integrations_are_not_told_of_reach_no_webhook_handler(event_class):
    """Claimable milestones, corrected, queried and invoiced royalty reports
    and the daily reminders are not webhook events."""
    assert not [
        handler for handler in handlers_of(event_class) if handler.__module__ == handlers.__name__
    ]


def test_an_event_nobody_subscribes_to_writes_nothing(make_endpoint, project):
    make_endpoint(event_types=["valuation.finished"])
    milestone, _payment = milestone_payment(project)
    entry = activity(verb="milestone.verified", target=milestone, project=project)

    publish(MilestoneVerified(milestone=milestone, activity=entry))

    assert not OutboxEvent.objects.exists()


def test_recording_a_timeline_entry_announces_nothing_by_itself(subscriber, project):
    """Only the services' events reach integrations, never a verb guessed
    from the timeline."""
    activity_record(
        actor=None,
        verb="milestone.claimed",
        target=project,
        project=project,
        summary="Claimed.",
        changes={"on": datetime.date(2025, 4, 1)},
    )

    assert not OutboxEvent.objects.exists()
