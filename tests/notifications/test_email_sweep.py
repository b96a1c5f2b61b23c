"""Notice emails are not lost when the broker is down: the task queued on
commit may never arrive, and the minute's sweep queues it again."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from notifications.choices import NotificationKind
from notifications.models import Notification
from notifications.selectors import EMAIL_SWEEP_WINDOW, email_sweep_grace
from notifications.tasks import sweep_unsent_emails
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_in_process")]


def notice(recipient, *, age: timedelta, key: str = "milestone_claimed:1"):
    """A notice written ``age`` ago whose email never went out, as when the
    broker was down at commit."""
    notification = Notification.objects.create(
        recipient=recipient,
        kind=NotificationKind.CLAIM_AWAITING_VERIFICATION,
        event_key=key,
        title="PRJ-1: “First patient dosed” was claimed",
    )
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - age)
    return notification


def test_a_notice_whose_email_task_was_lost_is_emailed_by_the_sweep_once():
    recipient = UserFactory(email="finance@hanhai.example")
    lost = notice(recipient, age=email_sweep_grace() + timedelta(minutes=1))

    assert sweep_unsent_emails() == 1
    assert sweep_unsent_emails() == 0

    assert [message.to for message in mail.outbox] == [["finance@hanhai.example"]]
    lost.refresh_from_db()
    assert lost.emailed_at is not None


def test_a_fresh_notice_is_left_to_the_task_its_commit_queued():
    notice(UserFactory(), age=timedelta(seconds=10))

    assert sweep_unsent_emails() == 0
    assert mail.outbox == []


def test_stale_news_and_recipients_without_email_are_not_swept():
    notice(UserFactory(), age=EMAIL_SWEEP_WINDOW + timedelta(hours=1), key="old:1")
    notice(UserFactory(email=""), age=timedelta(minutes=10), key="no_email:1")
    notice(UserFactory(is_active=False), age=timedelta(minutes=10), key="inactive:1")

    assert sweep_unsent_emails() == 0
    assert mail.outbox == []


def test_beat_runs_the_sweep_every_minute():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["notifications.tasks.sweep_unsent_emails"] == 60.0
    assert schedule["valuations.tasks.sweep_stalled_valuations"] == 60.0
