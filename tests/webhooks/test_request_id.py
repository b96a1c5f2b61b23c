"""Each webhook request carries, as X-Request-ID, the id of the request or
task that caused its event, also when it is sent again later by the sweep,
so that one change can be followed from the web's logs to the receiver's."""

import datetime

import pytest
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from core.request_id import request_id_scope
from projects.models import ResearchProject
from webhooks.events import event_publish
from webhooks.models import OutboxEvent, WebhookDelivery
from webhooks.services import outbox_sweep


def stage_change_view(request, pk):
    """Stands for any page or API call whose change announces an event."""
    event_publish(event_type="project.stage_changed", obj=ResearchProject.objects.get(pk=pk))
    return HttpResponse(status=204)


urlpatterns = [path("projects/<int:pk>/advance/", stage_change_view)]


@pytest.fixture
def endpoint(local_urls, receiver, make_endpoint):
    return make_endpoint(url=receiver.url)


@pytest.mark.urls(__name__)
def test_the_receiver_gets_the_id_the_change_was_answered_with(
    client, endpoint, project, receiver, inline_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/projects/{project.pk}/advance/")

    assert response.status_code == 204
    [received] = receiver.requests
    assert received.headers["X-Request-ID"] == response["X-Request-ID"]
    assert OutboxEvent.objects.get().request_id == response["X-Request-ID"]


def test_a_retry_sent_by_the_sweep_keeps_the_id_of_the_original_request(
    endpoint, project, receiver, inline_tasks, django_capture_on_commit_callbacks
):
    receiver.status = 503
    with request_id_scope("web-7d21"), django_capture_on_commit_callbacks(execute=True):
        event_publish(event_type="project.stage_changed", obj=project)
    receiver.status = 200
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())

    with request_id_scope("sweep-0b9e"):
        outbox_sweep()

    assert [request.headers["X-Request-ID"] for request in receiver.requests] == [
        "web-7d21",
        "web-7d21",
    ]
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_an_event_caused_by_a_task_carries_the_tasks_id(
    endpoint, project, receiver, inline_tasks, django_capture_on_commit_callbacks
):
    """A scheduled task (the docket's deadlines, a finished valuation) runs
    under an id of its own, which its events carry."""
    with request_id_scope("task-5a0c"), django_capture_on_commit_callbacks(execute=True):
        event_publish(event_type="project.stage_changed", obj=project)

    assert receiver.requests[0].headers["X-Request-ID"] == "task-5a0c"


def test_an_event_kept_without_an_id_goes_out_under_the_sending_tasks(
    endpoint, make_event, receiver, inline_tasks, django_capture_on_commit_callbacks
):
    """Events published before their request id was kept."""
    event = make_event()

    with request_id_scope("sweep-0b9e"), django_capture_on_commit_callbacks(execute=True):
        outbox_sweep(now=event.occurred_at + datetime.timedelta(hours=1))

    assert receiver.requests[0].headers["X-Request-ID"] == "sweep-0b9e"
