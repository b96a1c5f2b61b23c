from datetime import date

from celery import shared_task
from django.utils import timezone

from achievements.services import applications_expire, deadlines_remind


@shared_task
def run_docket(today: str | None = None) -> dict:
    """The docket's daily round: applications whose term ran out are
    expired, then open deadlines 90, 30 and 7 days ahead and overdue are
    reminded. ``today`` (ISO) runs it as on another day. Idempotent: each
    reminder goes out once per step of its due date, and an expired
    application is not expired again."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    expired = applications_expire(today=day)
    reminded = deadlines_remind(today=day)
    return {"expired": expired, "reminded": reminded}
