"""Celery runs tasks eagerly without a broker and through the broker with one.

With CELERY_BROKER_URL set (as CI does with Redis), a real worker thread takes
the task from the broker, so the suite proves the broker wiring end to end.
"""

import os
import re
import subprocess
import sys

import pytest
from celery.signals import before_task_publish, task_prerun
from django.conf import settings

from core.request_id import current_request_id, request_id_scope
from core.tasks import ping

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.skipif(not settings.CELERY_TASK_ALWAYS_EAGER, reason="a broker is configured")
def test_without_a_broker_tasks_run_eagerly_in_process():
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert ping.delay().get(timeout=1) == "pong"


@pytest.mark.broker
@pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="no broker configured")
@pytest.mark.usefixtures("worker_on_the_real_broker")
def test_a_worker_takes_a_task_from_the_real_broker():
    result = ping.delay()

    assert result.get(timeout=20) == "pong"


def test_a_process_that_is_no_worker_knows_every_apps_tasks_by_name():
    """Services queue tasks by name from Celery's registry rather than
    import the task modules above them, so a web process (or an eager run)
    must know the tasks before anything imported their modules."""
    script = (
        "import django; django.setup()\n"
        "from celery import current_app\n"
        "print(' '.join(sorted(current_app.tasks)))\n"
    )
    known = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    ).stdout.split()

    assert {
        "notifications.tasks.send_notification_email",
        "webhooks.tasks.dispatch_event",
        "webhooks.tasks.deliver",
        "projects.tasks.send_daily_reminders",
    } <= set(known)


# --- The request id ---------------------------------------------------------------


@pytest.fixture
def ids_seen_by_tasks():
    """The request id current in each task as it starts."""
    seen = []

    def note(**kwargs):
        seen.append(current_request_id())

    task_prerun.connect(note, weak=False)
    yield seen
    task_prerun.disconnect(note)


def test_a_task_queued_during_a_request_runs_under_its_id(ids_seen_by_tasks, tasks_run_in_process):
    with request_id_scope("web-4f2a"):
        ping.delay()

    assert ids_seen_by_tasks == ["web-4f2a"]


def test_a_task_queued_outside_any_request_gets_an_id_of_its_own(
    ids_seen_by_tasks, tasks_run_in_process
):
    ping.delay()
    ping.delay()

    assert all(NEW_ID.fullmatch(seen) for seen in ids_seen_by_tasks)
    assert ids_seen_by_tasks[0] != ids_seen_by_tasks[1]
    assert current_request_id() is None


def test_a_queued_task_carries_the_id_in_its_message_headers():
    headers = {"task": "core.tasks.ping", "id": "1"}

    with request_id_scope("web-4f2a"):
        before_task_publish.send(sender="core.tasks.ping", body=(), headers=headers)
    before_task_publish.send(sender="core.tasks.ping", body=(), headers=(other := {}))

    assert headers["request_id"] == "web-4f2a"
    assert "request_id" not in other


@pytest.mark.broker
@pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="no broker configured")
@pytest.mark.usefixtures("worker_on_the_real_broker")
def test_a_worker_runs_a_task_under_the_id_of_the_request_that_queued_it(ids_seen_by_tasks):
    with request_id_scope("web-9c1d"):
        queued_in_request = ping.delay()
    queued_elsewhere = ping.delay()

    assert queued_in_request.get(timeout=20) == "pong"
    assert queued_elsewhere.get(timeout=20) == "pong"
    assert ids_seen_by_tasks[0] == "web-9c1d"
    assert NEW_ID.fullmatch(ids_seen_by_tasks[1])
