from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from projects.services.reminders import reminders_send


@shared_task
def send_daily_reminders() -> dict:
    """The daily round of due and overdue reminders and year-end true-ups.
    Idempotent: every notice is keyed by its event and day."""

    return asdict(reminders_send(today=timezone.localdate()))
