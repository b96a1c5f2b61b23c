"""Workers racing for the same event or delivery: the row locks and the
claim let exactly one of them through. Real threads, each with its own
PostgreSQL connection; SQLite serialises every writer and proves nothing
here."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from tests.factories import UserFactory
from webhooks import tasks
from webhooks.choices import DeliveryStatus
from webhooks.models import OutboxEvent, WebhookDelivery, WebhookEndpoint

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 8


@pytest.fixture
def owner(transactional_db):
    """A superuser sees every object, so these tests need no projects."""
    return UserFactory(is_superuser=True, is_staff=True)


def endpoint(owner, url="https://hooks.partner.example/biobridge"):
    return WebhookEndpoint.objects.create(
        url=url, event_types=["project.stage_changed"], created_by=owner
    )


def event():
    return OutboxEvent.objects.create(
        event_type="project.stage_changed", object_type="project", object_id=1
    )


def run_together(action, times=WORKERS):
    """Run ``action`` in ``times`` threads released at once; their results
    (or exceptions)."""
    barrier = threading.Barrier(times, timeout=30)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            outcomes.append(action())
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_workers_racing_to_send_one_delivery_send_it_once(local_urls, receiver, owner):
    # A slow receiver keeps the first worker busy while the others arrive.
    receiver.delay = 0.3
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint(owner, url=receiver.url), event=event(), next_attempt_at=timezone.now()
    )

    outcomes = run_together(lambda: tasks.deliver(str(delivery.pk)))

    assert sorted(outcomes, key=str) == [None] * (WORKERS - 1) + [DeliveryStatus.SUCCEEDED]
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_workers_racing_to_dispatch_one_event_create_its_deliveries_once(owner, queued_tasks):
    endpoint(owner)
    endpoint(owner)
    racing_for = event()

    outcomes = run_together(lambda: tasks.dispatch_event(str(racing_for.pk)))

    assert sorted(outcomes) == [0] * (WORKERS - 1) + [2]
    assert WebhookDelivery.objects.filter(event=racing_for).count() == 2
    assert len(queued_tasks.delivered) == 2
