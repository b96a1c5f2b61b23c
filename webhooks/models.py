import secrets
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_DELIVERY_STATUSES, DeliveryStatus, EventType
from .validators import validate_endpoint_url, validate_event_types


def new_endpoint_secret() -> str:
    """256 random bits, hex: the key an endpoint's requests are signed with."""
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """A URL of an integration (a finance system, a CRM, a data warehouse)
    that BioBridge calls when something happens, for the event types it
    subscribes to. Registered by research-centre staff; it receives events
    about what its owner may see. Requests are signed with ``secret``."""

    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[validate_endpoint_url],
        help_text=_("An https:// address on the public internet that accepts POST requests."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=128,
        default=new_endpoint_secret,
        help_text=_("The receiver checks each request's signature with it."),
    )
    previous_secret = models.CharField(
        _("previous signing secret"),
        max_length=128,
        blank=True,
        help_text=_("After a rotation, requests are signed with this one too until it expires."),
    )
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret expires at"), null=True, blank=True
    )
    event_types = models.JSONField(
        _("event types"),
        default=list,
        validators=[validate_event_types],
        help_text=_("The events this endpoint receives."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
        help_text=_("The endpoint receives events about what this user may see."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(secret=""),
                name="webhook_endpoint_has_secret",
                violation_error_message=_("A webhook endpoint has a signing secret."),
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, disabled_reason="", disabled_at__isnull=True)
                | (Q(is_active=False, disabled_at__isnull=False) & ~Q(disabled_reason="")),
                name="webhook_endpoint_disabled_with_reason",
                violation_error_message=_(
                    "A disabled endpoint says why and since when; an active one does not."
                ),
            ),
            models.CheckConstraint(
                condition=Q(previous_secret="", previous_secret_expires_at__isnull=True)
                | (~Q(previous_secret="") & Q(previous_secret_expires_at__isnull=False)),
                name="webhook_endpoint_previous_secret_expires",
                violation_error_message=_("A previous secret has an expiry time."),
            ),
        ]

    def __str__(self):
        return self.description or self.url

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in (self.event_types or [])

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets a request is signed with now: the current one, and the
        previous one during its grace period after a rotation."""
        now = now or timezone.now()
        keys = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at > now:
            keys.append(self.previous_secret)
        return keys


class OutboxEvent(models.Model):
    """Something that happened in BioBridge that integrations may hear of: a
    stage change, a claimed milestone, a payment. Written in the same
    transaction as the change itself (the transactional outbox), so an event
    exists if and only if its change was committed; Celery turns it into one
    delivery per subscribed endpoint."""

    id = models.UUIDField(_("event id"), primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("event type"), max_length=60, choices=EventType.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    object_type = models.CharField(
        _("object type"), max_length=60, help_text=_("e.g. project, milestone, payment.")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    object_url_path = models.CharField(
        _("object URL path"),
        max_length=300,
        blank=True,
        help_text=_("Where an integration reads the object, e.g. /api/v1/milestones/42/."),
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    dispatched_at = models.DateTimeField(
        _("dispatched at"),
        null=True,
        blank=True,
        help_text=_("When its deliveries were created; empty until then."),
    )
    request_id = models.CharField(
        _("request id"),
        max_length=64,
        blank=True,
        help_text=_(
            "The request or task that caused the event, as in the logs; sent with "
            "every delivery as X-Request-ID."
        ),
    )

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["-occurred_at"]
        indexes = [
            # The sweep looks for events that were never dispatched.
            models.Index(
                fields=["occurred_at"],
                condition=Q(dispatched_at__isnull=True),
                name="webhook_outbox_undispatched",
            ),
            models.Index(fields=["object_type", "object_id"], name="webhook_outbox_object"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(event_type__in=EventType.values),
                name="webhook_outbox_known_event_type",
                violation_error_message=_("Unknown event type."),
            ),
        ]

    def __str__(self):
        return f"{self.event_type} {self.object_type} {self.object_id}"


class WebhookDelivery(models.Model):
    """One event sent to one endpoint: the delivery log. Its id is sent as
    ``BioBridge-Delivery`` and stays the same across retries, so a receiver
    can drop a request it has already processed."""

    id = models.UUIDField(_("delivery id"), primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.ForeignKey(
        OutboxEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    first_attempt_at = models.DateTimeField(
        _("first attempt at"),
        null=True,
        blank=True,
        help_text=_("Retries stop a fixed time after it (72 hours by default)."),
    )
    next_attempt_at = models.DateTimeField(
        _("next attempt at"),
        null=True,
        blank=True,
        help_text=_("When a pending or failed delivery is tried next."),
    )
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    claimed_until = models.DateTimeField(
        _("being sent until"),
        null=True,
        blank=True,
        help_text=_("A worker is sending it; no other worker takes it before then."),
    )
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    response_excerpt = models.TextField(
        _("response excerpt"), blank=True, help_text=_("The start of the receiver's last answer.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"],
                name="webhook_delivery_once_per_endpoint",
                violation_error_message=_("This event is already delivered to this endpoint."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="webhook_delivery_known_status",
                violation_error_message=_("Unknown delivery status."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_DELIVERY_STATUSES, next_attempt_at__isnull=False)
                | (~Q(status__in=OPEN_DELIVERY_STATUSES) & Q(next_attempt_at__isnull=True)),
                name="webhook_delivery_open_has_next_attempt",
                violation_error_message=_(
                    "A pending or failed delivery has a next attempt; a finished one does not."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SUCCEEDED)
                | Q(last_status_code__gte=200, last_status_code__lt=300),
                name="webhook_delivery_succeeded_with_2xx",
                violation_error_message=_("A delivery succeeds with a 2xx answer."),
            ),
        ]

    def __str__(self):
        return f"{self.event.event_type} → {self.endpoint} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DELIVERY_STATUSES
