"""Managing endpoints: staff only, URLs checked, secrets rotated with a
grace period, disabling closes open deliveries, redelivery."""

import datetime

import pytest
from django.utils import timezone

from projects.models import Activity
from webhooks.choices import DeliveryStatus
from webhooks.models import WebhookDelivery
from webhooks.services import (
    WebhookError,
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)


def test_staff_register_an_endpoint_with_a_generated_secret(staff_user, local_urls):
    endpoint = webhook_endpoint_create(
        url=" http://127.0.0.1:9000/hooks ",
        event_types=["milestone.claimed", "payment.recorded"],
        description="Finance ERP",
        by=staff_user,
    )

    assert endpoint.url == "http://127.0.0.1:9000/hooks"
    assert endpoint.is_active
    assert len(endpoint.secret) == 64
    assert endpoint.created_by == staff_user
    entry = Activity.objects.get(verb="webhook_endpoint.created")
    assert entry.is_internal
    assert endpoint.secret not in str(entry.changes)


def test_each_endpoint_gets_its_own_secret(staff_user, local_urls):
    first, second = (
        webhook_endpoint_create(
            url="http://127.0.0.1:9000/hooks", event_types=["milestone.paid"], by=staff_user
        )
        for _ in range(2)
    )

    assert first.secret != second.secret


def test_a_superuser_registers_an_endpoint(superuser, local_urls):
    endpoint = webhook_endpoint_create(
        url="http://127.0.0.1:9000/hooks", event_types=["milestone.paid"], by=superuser
    )

    assert endpoint.pk


def test_a_partner_cannot_register_an_endpoint(partner_user, local_urls):
    with pytest.raises(WebhookError) as refused:
        webhook_endpoint_create(
            url="http://127.0.0.1:9000/hooks", event_types=["milestone.paid"], by=partner_user
        )

    assert refused.value.code == "permission_denied"


def test_a_private_url_is_refused_on_the_url_field(staff_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    with pytest.raises(WebhookError) as refused:
        webhook_endpoint_create(
            url="https://192.168.0.10/hooks", event_types=["milestone.paid"], by=staff_user
        )

    assert refused.value.field == "url"
    assert refused.value.code == "private_address"


def test_unknown_event_types_are_refused_on_their_field(staff_user, local_urls):
    with pytest.raises(WebhookError) as refused:
        webhook_endpoint_create(
            url="http://127.0.0.1:9000/hooks", event_types=["milestone.lost"], by=staff_user
        )

    assert refused.value.field == "event_types"


def test_changing_the_url_checks_it_again(make_endpoint, staff_user, settings):
    endpoint = make_endpoint()
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    with pytest.raises(WebhookError) as refused:
        webhook_endpoint_update(endpoint=endpoint, by=staff_user, url="https://10.0.0.1/x")

    assert refused.value.field == "url"
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.partner.example/biobridge"


def test_staff_change_the_event_types_of_their_endpoint(make_endpoint, staff_user):
    endpoint = make_endpoint(event_types=["milestone.claimed"])

    webhook_endpoint_update(
        endpoint=endpoint, by=staff_user, event_types=["milestone.claimed", "milestone.paid"]
    )

    endpoint.refresh_from_db()
    assert endpoint.event_types == ["milestone.claimed", "milestone.paid"]


def test_staff_cannot_change_another_staff_members_endpoint(make_endpoint, other_staff_user):
    endpoint = make_endpoint()

    with pytest.raises(WebhookError) as refused:
        webhook_endpoint_update(endpoint=endpoint, by=other_staff_user, description="mine now")

    assert refused.value.code == "not_found"


def test_a_rotated_secret_signs_alongside_the_old_one_for_a_day(make_endpoint, staff_user):
    endpoint = make_endpoint()
    old_secret = endpoint.secret

    endpoint = webhook_endpoint_rotate_secret(endpoint=endpoint, by=staff_user)

    assert endpoint.secret != old_secret
    assert endpoint.signing_secrets() == [endpoint.secret, old_secret]
    a_day_later = timezone.now() + datetime.timedelta(hours=24, seconds=1)
    assert endpoint.signing_secrets(a_day_later) == [endpoint.secret]


def test_disabling_an_endpoint_closes_its_open_deliveries(make_endpoint, make_event, staff_user):
    endpoint = make_endpoint()
    open_delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=make_event(), next_attempt_at=timezone.now()
    )
    done = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=make_event(),
        status=DeliveryStatus.SUCCEEDED,
        last_status_code=204,
    )

    webhook_endpoint_disable(endpoint=endpoint, by=staff_user, reason="Receiver retired")

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "Receiver retired"
    open_delivery.refresh_from_db()
    assert open_delivery.status == DeliveryStatus.DEAD
    assert "Receiver retired" in open_delivery.last_error
    done.refresh_from_db()
    assert done.status == DeliveryStatus.SUCCEEDED


def test_disabling_needs_a_reason(make_endpoint, staff_user):
    with pytest.raises(WebhookError) as refused:
        webhook_endpoint_disable(endpoint=make_endpoint(), by=staff_user, reason=" ")

    assert refused.value.field == "reason"


def test_enabling_an_endpoint_checks_its_url_again(make_endpoint, staff_user, settings):
    endpoint = make_endpoint(url="https://127.0.0.1/hooks")
    webhook_endpoint_disable(endpoint=endpoint, by=staff_user, reason="Maintenance")
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    with pytest.raises(WebhookError) as refused:
        webhook_endpoint_enable(endpoint=endpoint, by=staff_user)
    assert refused.value.code == "private_address"

    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    endpoint = webhook_endpoint_enable(endpoint=endpoint, by=staff_user)
    assert endpoint.is_active
    assert endpoint.disabled_reason == ""


@pytest.fixture
def dead_delivery(make_endpoint, make_event):
    now = timezone.now()
    return WebhookDelivery.objects.create(
        endpoint=make_endpoint(),
        event=make_event(),
        status=DeliveryStatus.DEAD,
        attempts=31,
        first_attempt_at=now - datetime.timedelta(hours=80),
        last_attempt_at=now - datetime.timedelta(hours=8),
        last_status_code=503,
    )


def test_staff_redeliver_a_dead_delivery_with_the_same_id(
    dead_delivery, staff_user, queued_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhook_delivery_redeliver(delivery=dead_delivery, by=staff_user)

    assert delivery.pk == dead_delivery.pk
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 0
    assert delivery.first_attempt_at is None
    assert queued_tasks.delivered == [str(dead_delivery.pk)]


def test_a_partner_cannot_redeliver(dead_delivery, partner_user):
    with pytest.raises(WebhookError) as refused:
        webhook_delivery_redeliver(delivery=dead_delivery, by=partner_user)

    assert refused.value.code == "permission_denied"


def test_other_staff_cannot_redeliver(dead_delivery, other_staff_user):
    with pytest.raises(WebhookError) as refused:
        webhook_delivery_redeliver(delivery=dead_delivery, by=other_staff_user)

    assert refused.value.code == "not_found"


def test_a_delivery_to_a_disabled_endpoint_is_not_redelivered(dead_delivery, staff_user):
    webhook_endpoint_disable(endpoint=dead_delivery.endpoint, by=staff_user, reason="Paused")

    with pytest.raises(WebhookError) as refused:
        webhook_delivery_redeliver(delivery=dead_delivery, by=staff_user)

    assert refused.value.code == "endpoint_disabled"
