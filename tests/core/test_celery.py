"""Celery runs tasks eagerly without a broker and through the broker with one.

With CELERY_BROKER_URL set (as CI does with Redis), a real worker thread takes
the task from the broker, so the suite proves the broker wiring end to end.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from core.tasks import ping


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
