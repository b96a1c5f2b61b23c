from celery import shared_task

from .selectors import notifications_awaiting_email
from .services import notification_email_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """Email one notice. Idempotent: a notice already emailed is skipped."""
    return notification_email_send(notification_id=notification_id)


@shared_task(ignore_result=True)
def sweep_unsent_emails() -> int:
    """Every minute (``CELERY_BEAT_SCHEDULE``): queue the emails of notices
    whose task never reached the broker. Sending is idempotent, so a notice
    queued twice is still emailed once."""
    ids = list(notifications_awaiting_email().values_list("pk", flat=True)[:1000])
    for notification_id in ids:
        send_notification_email.delay(notification_id)
    return len(ids)
