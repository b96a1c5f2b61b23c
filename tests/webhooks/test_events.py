"""Publishing: an event is written with the change, in its transaction, and
dispatched only once that transaction commits."""

import pytest
from django.db import transaction

from webhooks.events import event_publish
from webhooks.models import OutboxEvent


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
