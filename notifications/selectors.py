from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification


def notifications_visible_to(user):
    """A user's own notices; nobody reads another's."""
    if not (user.is_authenticated and user.is_active):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


# A notice is emailed by a task queued when its transaction commits; one whose
# task never reached the broker (it was down), or whose worker died, is picked
# up by the sweep after NOTIFICATION_EMAIL_SWEEP_GRACE_SECONDS, and only while
# the news is fresh.
EMAIL_SWEEP_WINDOW = timedelta(days=3)


def email_sweep_grace() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATION_EMAIL_SWEEP_GRACE_SECONDS)


def notifications_awaiting_email(now=None) -> QuerySet[Notification]:
    """Notices not emailed yet, older than the grace and younger than the
    window, to recipients who can receive an email."""
    now = now or timezone.now()
    return Notification.objects.filter(
        emailed_at__isnull=True,
        created_at__lte=now - email_sweep_grace(),
        created_at__gte=now - EMAIL_SWEEP_WINDOW,
        recipient__is_active=True,
    ).exclude(recipient__email="")
