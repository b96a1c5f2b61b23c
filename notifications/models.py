from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.i18n import render_stored

from .choices import NotificationKind


class Notification(models.Model):
    """A notice to one user, shown in the app and sent by email.

    ``event_key`` names the event the notice is about (for reminders, with the
    day), so the same event never reaches the same user twice even when the
    task that raised it runs again."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    event_key = models.CharField(_("event"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    # Title and body as translatable templates and values
    # (``core.i18n.Message``): the page shows them in the reader's current
    # language; the stored text, in the recipient's language, serves email
    # and notices written before they were kept.
    title_message = models.JSONField(_("title message"), default=dict, blank=True)
    body_message = models.JSONField(_("body message"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"],
                name="notification_once_per_event",
                violation_error_message=_("This user was already told of this event."),
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The sweep of emails whose task was lost reads only these.
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unsent_idx",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title_text(self) -> str:
        return render_stored(self.title_message, self.title)[:200]

    @property
    def body_text(self) -> str:
        return render_stored(self.body_message, self.body)
