"""Telling people: in-app notices and their emails."""

from collections.abc import Iterable
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.selectors import is_partner_user, is_researcher_user

from .choices import NotificationKind
from .links import partner_link, researcher_link
from .models import Notification
from .text import NoticeText

# ``tasks.send_notification_email``, which emails one notice.
EMAIL_TASK = "notifications.tasks.send_notification_email"


def notify(
    *,
    recipients: Iterable,
    kind: NotificationKind,
    event_key: str,
    title: NoticeText | str,
    body: NoticeText | str = "",
    url: str = "",
    portal_url: str | None = None,
    research_url: str | None = None,
) -> list[Notification]:
    """Create a notice for each recipient who has not been told of
    ``event_key`` yet, and email it once the transaction commits.

    ``title`` and ``body`` are written in each recipient's language (see
    ``notifications.text``); plain strings are stored as they are.

    Returns the notices created; a repeated event creates none. ``url`` is
    the staff UI's address; partner users, who use the portal, get
    ``portal_url``, the portal's page of the same object, or failing that
    the portal page ``notifications.links`` finds for the staff address.
    Researchers, who use their own pages, get ``research_url`` or their
    start page."""
    created = []
    partner_url = None
    for recipient in recipients:
        link = url
        if is_partner_user(recipient):
            if partner_url is None:
                partner_url = partner_link(portal_url=portal_url, url=url)
            link = partner_url
        elif is_researcher_user(recipient):
            link = researcher_link(research_url=research_url)
        with translation.override(recipient_language(recipient)):
            words = {"title": str(title)[:200], "body": str(body)}
        words["title_message"] = title.to_json() if isinstance(title, NoticeText) else {}
        words["body_message"] = body.to_json() if isinstance(body, NoticeText) else {}
        try:
            # A savepoint per notice: a duplicate must not spoil the caller's
            # transaction.
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    kind=kind,
                    event_key=event_key[:200],
                    url=link,
                    **words,
                )
        except IntegrityError:
            continue
        created.append(notification)
        # Robust: the change and its notice are committed by then; a mail
        # server or broker that is down is logged, it does not turn the
        # user's completed action into an error.
        transaction.on_commit(partial(_queue_email, notification.pk), robust=True)
    return created


def _queue_email(notification_id: int) -> None:
    # Found by name in Celery's registry: task modules are a layer above
    # the services, which must not import them. Unlike ``send_task``, the
    # registered task also runs in eager mode.
    current_app.tasks[EMAIL_TASK].delay(notification_id)


def recipient_language(user) -> str:
    """The language a user's notices and emails are written in."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notice, at most once. Returns whether an email went out."""
    from django.core.mail import send_mail

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        # The notice was written in the recipient's language; whatever the
        # email adds around it must be too, whoever's request or task sends it.
        with translation.override(recipient_language(notification.recipient)):
            subject, body = _email_text(notification)
        send_mail(
            subject=subject,
            message=body,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def _email_text(notification: Notification) -> tuple[str, str]:
    subject = _("[BioBridge] %(title)s") % {"title": notification.title}
    body = notification.body
    if notification.url:
        base = getattr(settings, "SITE_URL", "").rstrip("/")
        link = _("Open it in BioBridge: %(link)s") % {"link": f"{base}{notification.url}"}
        body = f"{body}\n\n{link}".strip()
    return subject, body


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read: the given ones, or all."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
