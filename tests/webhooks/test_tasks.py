"""Dispatch, delivery and the sweep, against a real HTTP receiver on
127.0.0.1: signed requests, retries with backoff, dead deliveries, 410, the
private-address rule at delivery time, and exactly-once delivery of a
committed event even when the broker missed it."""

import datetime
import json

import pytest
from django.db import transaction
from django.utils import timezone

from webhooks import tasks
from webhooks.choices import DeliveryStatus
from webhooks.events import event_publish
from webhooks.models import OutboxEvent, WebhookDelivery
from webhooks.services import _delivery_claim, outbox_sweep, retry_delay
from webhooks.signing import verify

# --- Dispatch ---------------------------------------------------------------------


def test_dispatch_creates_one_delivery_per_subscribed_active_endpoint(
    make_endpoint,
    make_event,
    other_staff_user,
    superuser,
    queued_tasks,
    django_capture_on_commit_callbacks,
):
    subscribed = make_endpoint(event_types=["project.stage_changed", "milestone.paid"])
    also_subscribed = make_endpoint(owner=superuser)
    make_endpoint(event_types=["milestone.paid"])  # other types
    make_endpoint(
        is_active=False, disabled_reason="410 Gone", disabled_at=timezone.now()
    )  # disabled
    make_endpoint(owner=other_staff_user)  # its owner cannot see the project
    event = make_event("project.stage_changed")

    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_event(str(event.pk))

    deliveries = WebhookDelivery.objects.filter(event=event)
    assert {delivery.endpoint for delivery in deliveries} == {subscribed, also_subscribed}
    assert all(delivery.status == DeliveryStatus.PENDING for delivery in deliveries)
    assert sorted(queued_tasks.delivered) == sorted(str(d.pk) for d in deliveries)
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_dispatching_twice_has_the_effect_of_once(
    make_endpoint, make_event, queued_tasks, django_capture_on_commit_callbacks
):
    make_endpoint()
    event = make_event()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_event(str(event.pk))
        tasks.dispatch_event(str(event.pk))

    assert WebhookDelivery.objects.filter(event=event).count() == 1
    assert len(queued_tasks.delivered) == 1


# --- Delivery ---------------------------------------------------------------------


@pytest.fixture
def delivery(local_urls, receiver, make_endpoint, make_event):
    """A due delivery of a stage change to the receiver."""
    endpoint = make_endpoint(url=receiver.url)
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event=make_event(), next_attempt_at=timezone.now()
    )


def test_the_receiver_gets_the_event_signed(delivery, receiver, project, settings):
    status = tasks.deliver(str(delivery.pk))

    assert status == DeliveryStatus.SUCCEEDED
    [request] = receiver.requests
    assert request.path == "/hooks/biobridge"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["BioBridge-Delivery"] == str(delivery.pk)
    assert request.headers["BioBridge-Event"] == "project.stage_changed"
    assert verify(delivery.endpoint.secret, request.headers["BioBridge-Signature"], request.body)
    body = json.loads(request.body)
    assert body == {
        "id": str(delivery.event.pk),
        "type": "project.stage_changed",
        "occurred_at": body["occurred_at"],
        "data": {
            "action": "project.advance",
            "object_type": "project",
            "object_id": project.pk,
            "url": f"{settings.SITE_URL}/api/v1/projects/{project.pk}/",
        },
    }
    assert body["occurred_at"].endswith("Z")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.response_excerpt == "thanks"
    assert delivery.next_attempt_at is None


def test_a_delivered_delivery_is_not_sent_again(delivery, receiver):
    tasks.deliver(str(delivery.pk))

    assert tasks.deliver(str(delivery.pk)) is None
    assert len(receiver.requests) == 1


def test_a_delivery_a_worker_is_sending_is_not_sent_by_another(delivery, receiver):
    """The first worker's claim holds the delivery for the length of the
    lease; the second finds nothing to do."""
    claim = _delivery_claim(delivery.pk)

    assert claim is not None
    assert tasks.deliver(str(delivery.pk)) is None
    assert receiver.requests == []


def test_a_server_error_schedules_a_later_retry(delivery, receiver):
    receiver.status = 500
    receiver.answer = b"database unavailable"

    status = tasks.deliver(str(delivery.pk))

    assert status == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.last_status_code == 500
    assert delivery.response_excerpt == "database unavailable"
    assert delivery.next_attempt_at > delivery.last_attempt_at
    assert delivery.next_attempt_at <= delivery.last_attempt_at + datetime.timedelta(seconds=30)


def test_a_retry_is_not_sent_before_it_is_due_and_keeps_its_delivery_id(delivery, receiver):
    receiver.status = 503
    tasks.deliver(str(delivery.pk))

    assert tasks.deliver(str(delivery.pk)) is None  # not due yet

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    receiver.status = 204
    receiver.answer = b""
    assert tasks.deliver(str(delivery.pk)) == DeliveryStatus.SUCCEEDED

    first, second = receiver.requests
    assert first.headers["BioBridge-Delivery"] == second.headers["BioBridge-Delivery"]
    assert first.body == second.body
    delivery.refresh_from_db()
    assert delivery.attempts == 2


@pytest.mark.parametrize("attempts", [1, 2, 5, 10, 40])
def test_backoff_doubles_from_30_seconds_with_full_jitter_and_a_cap(attempts):
    ceiling = min(6 * 3600, 30 * 2 ** (attempts - 1))

    delays = [retry_delay(attempts) for _ in range(200)]

    assert all(1 <= delay <= max(ceiling, 1) for delay in delays)
    assert len(set(delays)) > 1  # jittered


def test_after_72_hours_of_failures_the_delivery_is_dead(delivery, receiver):
    receiver.status = 502
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED,
        attempts=27,
        first_attempt_at=now - datetime.timedelta(hours=72, seconds=1),
        next_attempt_at=now,
    )

    status = tasks.deliver(str(delivery.pk))

    assert status == DeliveryStatus.DEAD
    delivery.refresh_from_db()
    assert delivery.attempts == 28
    assert delivery.next_attempt_at is None
    assert "Gave up after 28 attempts" in delivery.last_error


def test_the_last_retry_falls_within_the_72_hours(delivery, receiver):
    receiver.status = 502
    first_attempt = timezone.now() - datetime.timedelta(hours=71, minutes=59)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED,
        attempts=27,
        first_attempt_at=first_attempt,
        next_attempt_at=timezone.now(),
    )

    assert tasks.deliver(str(delivery.pk)) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert delivery.next_attempt_at <= first_attempt + datetime.timedelta(hours=72)


def test_410_gone_disables_the_endpoint(delivery, receiver, make_event):
    other = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint, event=make_event(), next_attempt_at=timezone.now()
    )
    receiver.status = 410

    status = tasks.deliver(str(delivery.pk))

    assert status == DeliveryStatus.DEAD
    endpoint = delivery.endpoint
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "410" in endpoint.disabled_reason
    other.refresh_from_db()
    assert other.status == DeliveryStatus.DEAD
    assert tasks.deliver(str(other.pk)) is None
    assert len(receiver.requests) == 1


def test_a_redirect_is_not_followed(delivery, receiver):
    receiver.status = 302
    receiver.extra_headers = {"Location": "http://169.254.169.254/latest/meta-data/"}

    assert tasks.deliver(str(delivery.pk)) == DeliveryStatus.FAILED

    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.last_status_code == 302


def test_a_network_error_schedules_a_retry(local_urls, make_endpoint, make_event):
    endpoint = make_endpoint(url="http://127.0.0.1:9/nobody-listens")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=make_event(), next_attempt_at=timezone.now()
    )

    assert tasks.deliver(str(delivery.pk)) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert "ConnectionError" in delivery.last_error
    assert delivery.next_attempt_at is not None


def test_a_loopback_url_is_refused_at_delivery_when_private_urls_are_not_allowed(
    delivery, receiver, settings
):
    """The endpoint was saved while private addresses were allowed; the rule
    holds again when it is sent."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    assert tasks.deliver(str(delivery.pk)) == DeliveryStatus.FAILED

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert "not a public address" in delivery.last_error


def test_a_name_that_now_resolves_to_a_private_address_is_refused_at_delivery(
    delivery, receiver, settings, monkeypatch
):
    """DNS rebinding: the host was public when the endpoint was saved and
    resolves to 127.0.0.1 now. The connection is refused before it is made."""
    import socket

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "hooks.partner.example":
            return real_getaddrinfo("127.0.0.1", port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    port = receiver.url.split(":")[2].split("/")[0]
    endpoint = delivery.endpoint
    endpoint.url = f"http://hooks.partner.example:{port}/hooks/biobridge"
    endpoint.save()
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    assert tasks.deliver(str(delivery.pk)) == DeliveryStatus.FAILED

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert "resolves to 127.0.0.1" in delivery.last_error


def test_plain_http_is_refused_at_delivery_when_not_allowed(delivery, receiver, settings):
    settings.WEBHOOK_ALLOW_HTTP = False

    assert tasks.deliver(str(delivery.pk)) == DeliveryStatus.FAILED

    assert receiver.requests == []


# --- The outbox end to end, and the sweep ------------------------------------------


@pytest.fixture
def subscribed_receiver(local_urls, receiver, make_endpoint):
    make_endpoint(url=receiver.url, event_types=["project.stage_changed"])
    return receiver


def test_a_committed_change_is_delivered_once(
    subscribed_receiver, project, inline_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = event_publish(event_type="project.stage_changed", obj=project)

    [request] = subscribed_receiver.requests
    assert json.loads(request.body)["id"] == str(event.pk)


def test_the_sweep_delivers_an_event_the_broker_missed_exactly_once(
    subscribed_receiver, project, inline_tasks, django_capture_on_commit_callbacks
):
    """The change committed while the broker was down: its on-commit
    dispatch never ran. The sweep finds the event once it is a minute old
    and delivers it; running the sweep again sends nothing more."""
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        event = event_publish(event_type="project.stage_changed", obj=project)
    assert subscribed_receiver.requests == []

    a_minute_later = timezone.now() + datetime.timedelta(seconds=61)
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox_sweep(now=a_minute_later)
    with django_capture_on_commit_callbacks(execute=True):
        second = outbox_sweep(now=a_minute_later)

    assert (first.dispatched, second.dispatched) == (1, 0)
    [request] = subscribed_receiver.requests
    assert json.loads(request.body)["id"] == str(event.pk)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_the_sweep_leaves_a_fresh_event_to_its_own_dispatch(
    subscribed_receiver, project, queued_tasks
):
    event = event_publish(event_type="project.stage_changed", obj=project)

    result = outbox_sweep()

    assert result.dispatched == 0
    event.refresh_from_db()
    assert event.dispatched_at is None


def test_deliveries_queued_twice_are_sent_once(
    subscribed_receiver, project, queued_tasks, django_capture_on_commit_callbacks
):
    """A slow queue: the dispatch queued the delivery and the next sweep
    queued it again before any worker ran. Brokers also redeliver."""
    event = event_publish(event_type="project.stage_changed", obj=project)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_event(str(event.pk))
        outbox_sweep(now=timezone.now() + datetime.timedelta(seconds=1))

    assert len(queued_tasks.delivered) == 2
    for delivery_id in queued_tasks.delivered:
        tasks.deliver(delivery_id)

    assert len(subscribed_receiver.requests) == 1


def test_the_sweep_queues_retries_that_are_due(make_endpoint, make_event, queued_tasks):
    endpoint = make_endpoint()
    now = timezone.now()
    due = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=make_event(),
        status=DeliveryStatus.FAILED,
        attempts=3,
        first_attempt_at=now - datetime.timedelta(minutes=10),
        next_attempt_at=now - datetime.timedelta(seconds=5),
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=make_event(),
        status=DeliveryStatus.FAILED,
        attempts=3,
        first_attempt_at=now - datetime.timedelta(minutes=10),
        next_attempt_at=now + datetime.timedelta(minutes=5),
    )

    result = tasks.sweep_outbox()

    assert result["queued"] == 1
    assert queued_tasks.delivered == [str(due.pk)]


def test_an_event_of_a_deleted_subscription_is_dispatched_to_nobody(
    make_endpoint, make_event, queued_tasks
):
    event = make_event()

    tasks.dispatch_event(str(event.pk))

    assert not WebhookDelivery.objects.exists()
    assert OutboxEvent.objects.get().dispatched_at is not None
