"""The admin: endpoints are registered through the services; outbox events
and deliveries are a read-only log."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Activity
from webhooks.choices import DeliveryStatus
from webhooks.models import WebhookDelivery, WebhookEndpoint


@pytest.fixture
def admin_client_for(client, superuser):
    client.force_login(superuser)
    return client


def test_a_superuser_registers_an_endpoint_in_the_admin(admin_client_for, local_urls, superuser):
    response = admin_client_for.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "url": "http://127.0.0.1:9000/hooks",
            "description": "Data warehouse",
            "event_types": ["milestone.paid", "payment.recorded"],
        },
    )

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.created_by == superuser
    assert endpoint.event_types == ["milestone.paid", "payment.recorded"]
    assert Activity.objects.filter(verb="webhook_endpoint.created").exists()
    page = admin_client_for.get(
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    )
    assert endpoint.secret in page.content.decode()


def test_the_admin_refuses_a_private_url_on_its_field(admin_client_for, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    response = admin_client_for.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"url": "https://10.1.1.1/hooks", "event_types": ["milestone.paid"]},
    )

    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_lists_and_redelivers_but_never_edits(
    admin_client_for, make_endpoint, make_event, queued_tasks, django_capture_on_commit_callbacks
):
    delivery = WebhookDelivery.objects.create(
        endpoint=make_endpoint(),
        event=make_event(),
        status=DeliveryStatus.DEAD,
        last_status_code=500,
    )
    changelist = reverse("admin:webhooks_webhookdelivery_changelist")

    assert admin_client_for.get(changelist, {"status": "dead"}).status_code == 200
    assert (
        admin_client_for.get(reverse("admin:webhooks_outboxevent_changelist")).status_code == 200
    )
    assert admin_client_for.get(reverse("admin:webhooks_webhookdelivery_add")).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_for.post(
            changelist, {"action": "redeliver", "_selected_action": [str(delivery.pk)]}
        )

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at <= timezone.now()
    assert queued_tasks.delivered == [str(delivery.pk)]
