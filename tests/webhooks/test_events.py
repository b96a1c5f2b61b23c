"""Publishing: an event is written with the change, in its transaction, and
dispatched only once that transaction commits."""

import pytest
from django.db import transaction

from projects.models import Activity
from tests.factories import RoyaltyReportFactory
from webhooks.events import event_publish, event_type_for_activity, publish_for_activity
from webhooks.models import OutboxEvent

from .conftest import milestone_payment


class ChangeFailed(Exception):
    pass


@pytest.fixture
def subscriber(make_endpoint):
    """An active endpoint subscribed to every event type the tests use."""
    return make_endpoint(
        event_types=[
            "project.stage_changed",
            "milestone.claimed",
            "milestone.paid",
            "payment.recorded",
            "royalty_report.submitted",
        ]
    )


def test_a_rolled_back_change_publishes_nothing(
    subscriber, project, queued_tasks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ChangeFailed),
        transaction.atomic(),
    ):
        event_publish(event_type="project.stage_changed", obj=project)
        raise ChangeFailed

    assert OutboxEvent.objects.count() == 0
    assert callbacks == []
    assert queued_tasks.dispatched == []


def test_a_committed_change_publishes_exactly_one_event_and_queues_its_dispatch(
    subscriber, project, queued_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            event = event_publish(
                event_type="project.stage_changed", obj=project, data={"to_stage": "Phase I"}
            )
        assert queued_tasks.dispatched == []  # not before the commit

    assert len(callbacks) == 1
    assert list(OutboxEvent.objects.values_list("id", flat=True)) == [event.pk]
    assert queued_tasks.dispatched == [str(event.pk)]
    assert event.object_type == "project"
    assert event.object_id == project.pk
    assert event.object_url_path == f"/api/v1/projects/{project.pk}/"
    assert event.payload == {"to_stage": "Phase I"}
    assert event.dispatched_at is None


def test_a_broker_that_is_down_does_not_fail_the_change(
    subscriber, project, monkeypatch, django_capture_on_commit_callbacks
):
    """The event stays in the outbox for the sweep; the user's change
    stands."""
    from webhooks import tasks

    def broker_down(event_id):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.dispatch_event, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = event_publish(event_type="project.stage_changed", obj=project)

    event.refresh_from_db()
    assert event.dispatched_at is None


def test_an_event_nobody_subscribes_to_is_not_written(
    make_endpoint, project, queued_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(event_types=["milestone.claimed"])
    make_endpoint(
        event_types=["project.stage_changed"],
        is_active=False,
        disabled_reason="Gone",
        disabled_at="2025-01-01T00:00:00Z",
    )

    with django_capture_on_commit_callbacks(execute=True):
        event = event_publish(event_type="project.stage_changed", obj=project)

    assert event is None
    assert not OutboxEvent.objects.exists()


def test_an_unknown_event_type_or_a_reserved_data_key_is_a_programming_error(subscriber, project):
    with pytest.raises(ValueError):
        event_publish(event_type="project.renamed", obj=project)
    with pytest.raises(ValueError):
        event_publish(event_type="project.stage_changed", obj=project, data={"url": "x"})


# --- From the activity timeline ------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "event_type"),
    [
        ("project.advance", "project.stage_changed"),
        ("project.skip", "project.stage_changed"),
        ("project.hold", "project.stage_changed"),
        ("project.resume", "project.stage_changed"),
        ("project.terminate", "project.stage_changed"),
        ("project.revert", "project.stage_changed"),
        ("milestone.claimed", "milestone.claimed"),
        ("milestone.resubmitted", "milestone.claimed"),
        ("milestone.verified", "milestone.verified"),
        ("milestone.disputed", "milestone.disputed"),
        ("milestone.invoiced", "milestone.invoiced"),
        ("payment.recorded", "payment.recorded"),
        ("royalty_report.submitted", "royalty_report.submitted"),
        ("valuation.finished", "valuation.finished"),
        ("project.start", None),
        ("milestone.created", None),
        ("milestone.triggered", None),
        ("royalty_report.accepted", None),
        ("document.uploaded", None),
        ("cost.recorded", None),
    ],
)
def test_activity_verbs_map_to_event_types(verb, event_type):
    assert event_type_for_activity(verb, {}) == event_type


def activity(*, verb, target, project, changes=None):
    return Activity.objects.create(
        project=project,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        summary=verb,
        changes=changes or {},
    )


def test_a_stage_decision_announces_the_project(subscriber, project, queued_tasks):
    """The entry's target is the stage transition; the event is about the
    project it moved, with the decision and the stages in its data."""
    from tests.factories import StageTransitionFactory

    transition = StageTransitionFactory(project=project)
    entry = activity(
        verb="project.advance",
        target=transition,
        project=project,
        changes={"stage": ["Discovery", "Preclinical"], "status": ["active", "active"]},
    )

    [event] = publish_for_activity(entry)

    assert event.event_type == "project.stage_changed"
    assert (event.object_type, event.object_id) == ("project", project.pk)
    assert event.payload["action"] == "project.advance"
    assert event.payload["transition_id"] == transition.pk
    assert event.payload["changes"]["stage"] == ["Discovery", "Preclinical"]
    assert event.occurred_at == entry.created_at


def test_a_resubmitted_claim_announces_a_claimed_milestone(subscriber, project):
    milestone, _payment = milestone_payment(project)
    entry = activity(
        verb="milestone.resubmitted",
        target=milestone,
        project=project,
        changes={"status": ["disputed", "claimed"]},
    )

    [event] = publish_for_activity(entry)

    assert event.event_type == "milestone.claimed"
    assert (event.object_type, event.object_id) == ("milestone", milestone.pk)
    assert event.object_url_path == f"/api/v1/milestones/{milestone.pk}/"


def test_the_payment_that_settles_a_milestone_also_announces_it_paid(subscriber, project):
    milestone, payment = milestone_payment(project)
    entry = activity(
        verb="payment.recorded",
        target=payment,
        project=project,
        changes={"amount": "100000.00", "status": ["invoiced", "paid"]},
    )

    recorded, paid = publish_for_activity(entry)

    assert recorded.event_type == "payment.recorded"
    assert (recorded.object_type, recorded.object_id) == ("payment", payment.pk)
    assert paid.event_type == "milestone.paid"
    assert (paid.object_type, paid.object_id) == ("milestone", milestone.pk)
    assert paid.payload["payment_id"] == payment.pk


def test_a_partial_payment_announces_only_the_payment(subscriber, project):
    _milestone, payment = milestone_payment(project)
    entry = activity(
        verb="payment.recorded",
        target=payment,
        project=project,
        changes={"status": ["invoiced", "partially_paid"]},
    )

    assert [event.event_type for event in publish_for_activity(entry)] == ["payment.recorded"]


def test_a_payment_that_settles_a_royalty_report_announces_no_paid_milestone(subscriber, project):
    from projects.models import Invoice, Payment

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

    assert [event.event_type for event in publish_for_activity(entry)] == ["payment.recorded"]


def test_a_submitted_royalty_report_is_announced(subscriber, project):
    report = RoyaltyReportFactory(project=project, status="submitted")
    entry = activity(verb="royalty_report.submitted", target=report, project=project)

    [event] = publish_for_activity(entry)

    assert (event.object_type, event.object_id) == ("royalty_report", report.pk)


def test_an_entry_that_announces_nothing_costs_no_query(
    subscriber, project, django_assert_num_queries
):
    entry = activity(verb="document.uploaded", target=project, project=project)

    with django_assert_num_queries(0):
        assert publish_for_activity(entry) == []


def test_an_entry_nobody_subscribes_to_writes_nothing(make_endpoint, project):
    make_endpoint(event_types=["valuation.finished"])
    entry = activity(verb="milestone.verified", target=project, project=project)

    assert publish_for_activity(entry) == []
    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_a_finished_valuation_is_announced_once(make_endpoint, project):
    """valuation.finished goes out when a run stores its outcome, and running
    the same valuation again announces nothing."""
    from tests.factories import UserFactory
    from valuations.models import Valuation
    from valuations.services import valuation_execute

    admin = UserFactory(is_superuser=True, is_staff=True)
    make_endpoint(event_types=["valuation.finished"], owner=admin)
    valuation = Valuation.objects.create(
        project=project,
        method="scorecard",
        currency="CNY",
        inputs={"trl": 4, "scores": {}},
        engine_version="test",
        created_by=admin,
    )

    valuation_execute(valuation_id=valuation.pk)
    valuation_execute(valuation_id=valuation.pk)

    events = OutboxEvent.objects.filter(event_type="valuation.finished")
    assert events.count() == 1
    assert events.get().object_id == valuation.pk
