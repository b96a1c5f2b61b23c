"""Webhook writes: endpoints managed by research-centre staff, and the
delivery engine that the Celery tasks in ``tasks.py`` run.

Delivery in three steps, each idempotent because brokers redeliver:

1. ``outbox_event_dispatch`` turns an outbox event into one delivery per
   active endpoint that subscribes to its type and whose owner may see its
   object (the unique (endpoint, event) constraint backs this up).
2. ``webhook_delivery_attempt`` claims a due delivery under a row lock
   (``skip_locked``: a second worker skips it instead of waiting), sends it
   outside any transaction, and records the answer only if the claim is still
   its own. No database lock is held while the receiver is being called.
3. ``outbox_sweep`` (every minute) dispatches events whose on-commit dispatch
   never ran — the broker was down when the change committed — and queues
   retries that have come due.
"""

import json
import logging
import random
from dataclasses import dataclass
from datetime import UTC, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import has_full_access, is_centre_staff_user
from core.errors import DomainError
from core.i18n import Message
from core.request_id import HEADER, current_request_id, new_request_id
from projects.activity import activity_record

from . import transport
from .choices import OPEN_DELIVERY_STATUSES, DeliveryStatus
from .models import OutboxEvent, WebhookDelivery, WebhookEndpoint, new_endpoint_secret
from .selectors import (
    event_visible_to,
    webhook_deliveries_visible_to,
    webhook_endpoints_visible_to,
)
from .signing import signature_header

logger = logging.getLogger(__name__)

USER_AGENT = "BioBridge-Webhooks/1"

# ``tasks.deliver``, which makes one attempt at a delivery.
DELIVER_TASK = "webhooks.tasks.deliver"


class WebhookError(DomainError):
    code = "webhook_refused"


# --- Endpoints ---------------------------------------------------------------


def _require_staff(user) -> None:
    if not (has_full_access(user) or is_centre_staff_user(user)):
        raise WebhookError(
            _("Only research-centre staff manage webhooks."), code="permission_denied"
        )


def _locked_endpoint(endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    _require_staff(by)
    # Lock the endpoint: its owner and a superuser may change it at once,
    # and a worker may be disabling it after a 410.
    locked = webhook_endpoints_visible_to(by).select_for_update(of=("self",))
    locked = locked.filter(pk=endpoint.pk).first()
    if locked is None:
        raise WebhookError(_("Webhook endpoint not found."), code="not_found")
    return locked


def _validate(endpoint: WebhookEndpoint, *, check_url: bool = True) -> None:
    """Model validation (URL and address rules, event types, constraints)
    as a domain error on the first field at fault. ``check_url=False`` skips
    the URL, whose check resolves its host name."""
    try:
        endpoint.full_clean(exclude=None if check_url else ["url"])
    except ValidationError as error:
        field, errors = next(iter(error.error_dict.items()))
        raise WebhookError(
            errors[0].messages[0],
            code=errors[0].code or "invalid",
            field=None if field == NON_FIELD_ERRORS else field,
        ) from error


def _record(endpoint: WebhookEndpoint, *, by, verb: str, summary: str, changes=None) -> None:
    # Internal: endpoint changes are an operators' audit trail.
    activity_record(
        actor=by,
        verb=verb,
        target=endpoint,
        summary=summary,
        changes=changes,
        is_internal=True,
    )


@transaction.atomic
def webhook_endpoint_create(
    *, url: str, event_types: list[str], description: str = "", by
) -> WebhookEndpoint:
    """Register an endpoint. Its secret is generated here; show it to the
    user, who configures the receiver with it."""
    _require_staff(by)
    endpoint = WebhookEndpoint(
        url=(url or "").strip(),
        event_types=list(event_types or []),
        description=(description or "").strip(),
        created_by=by,
    )
    _validate(endpoint)
    endpoint.save()
    _record(
        endpoint,
        by=by,
        verb="webhook_endpoint.created",
        summary=Message(gettext_lazy("Webhook endpoint %(url)s registered."), url=endpoint.url),
        changes={"url": endpoint.url, "event_types": endpoint.event_types},
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    by,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    """Change an endpoint's URL, event types or description (None leaves a
    value as it is). Deliveries already made keep the URL they were for;
    open ones go to the new URL."""
    endpoint = _locked_endpoint(endpoint, by)
    changes = {}
    for field, value in (
        ("url", None if url is None else url.strip()),
        ("event_types", None if event_types is None else list(event_types)),
        ("description", None if description is None else description.strip()),
    ):
        if value is not None and value != getattr(endpoint, field):
            changes[field] = [getattr(endpoint, field), value]
            setattr(endpoint, field, value)
    if not changes:
        return endpoint
    _validate(endpoint, check_url="url" in changes)
    endpoint.save()
    _record(
        endpoint,
        by=by,
        verb="webhook_endpoint.updated",
        summary=Message(gettext_lazy("Webhook endpoint %(url)s changed."), url=endpoint.url),
        changes=changes,
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    """Give the endpoint a new secret. Requests are signed with the old one
    as well for ``WEBHOOK_SECRET_ROTATION_GRACE_SECONDS`` (24 hours by
    default), so the receiver can switch over without dropping requests."""
    endpoint = _locked_endpoint(endpoint, by)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + timedelta(
        seconds=settings.WEBHOOK_SECRET_ROTATION_GRACE_SECONDS
    )
    endpoint.secret = new_endpoint_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    _record(
        endpoint,
        by=by,
        verb="webhook_endpoint.secret_rotated",
        summary=Message(
            gettext_lazy("The signing secret of %(url)s was rotated."), url=endpoint.url
        ),
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, by, reason: str) -> WebhookEndpoint:
    """Stop sending to an endpoint. Its open deliveries become dead; after
    re-enabling it, staff redeliver the ones that matter."""
    reason = (reason or "").strip()
    if not reason:
        raise WebhookError(
            _("Say why the endpoint is disabled."), code="reason_required", field="reason"
        )
    return _endpoint_disable(_locked_endpoint(endpoint, by), reason=reason, by=by)


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    """Send to a disabled endpoint again, for events from now on. Its URL is
    checked again: the rules, or what the name resolves to, may have
    changed."""
    endpoint = _locked_endpoint(endpoint, by)
    if endpoint.is_active:
        return endpoint
    endpoint.is_active = True
    endpoint.disabled_reason = ""
    endpoint.disabled_at = None
    _validate(endpoint)
    endpoint.save(update_fields=["is_active", "disabled_reason", "disabled_at", "updated_at"])
    _record(
        endpoint,
        by=by,
        verb="webhook_endpoint.enabled",
        summary=Message(gettext_lazy("Webhook endpoint %(url)s enabled."), url=endpoint.url),
    )
    return endpoint


def _endpoint_disable(endpoint: WebhookEndpoint, *, reason: str, by) -> WebhookEndpoint:
    """Disable a locked endpoint and close its open deliveries."""
    if not endpoint.is_active:
        return endpoint
    now = timezone.now()
    endpoint.is_active = False
    endpoint.disabled_reason = reason[:300]
    endpoint.disabled_at = now
    endpoint.save(update_fields=["is_active", "disabled_reason", "disabled_at", "updated_at"])
    WebhookDelivery.objects.filter(endpoint=endpoint, status__in=OPEN_DELIVERY_STATUSES).update(
        status=DeliveryStatus.DEAD,
        next_attempt_at=None,
        claimed_until=None,
        last_error=(_("The endpoint was disabled: %(reason)s") % {"reason": reason})[:500],
    )
    _record(
        endpoint,
        by=by,
        verb="webhook_endpoint.disabled",
        summary=Message(
            gettext_lazy("Webhook endpoint %(url)s disabled: %(reason)s"),
            url=endpoint.url,
            reason=reason,
        ),
        changes={"reason": reason},
    )
    return endpoint


# --- Deliveries ---------------------------------------------------------------


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    """Send a delivery again, whatever became of it, as a fresh series of
    attempts with the same delivery id (a receiver that already processed
    it may ignore it)."""
    _require_staff(by)
    now = timezone.now()
    locked = (
        webhook_deliveries_visible_to(by)
        .select_for_update(of=("self",))
        .filter(pk=delivery.pk)
        .first()
    )
    if locked is None:
        raise WebhookError(_("Webhook delivery not found."), code="not_found")
    if not locked.endpoint.is_active:
        raise WebhookError(
            _("The endpoint is disabled; enable it first."), code="endpoint_disabled"
        )
    if locked.claimed_until is not None and locked.claimed_until > now:
        raise WebhookError(_("The delivery is being sent right now."), code="delivery_in_flight")
    old_status = locked.status
    locked.status = DeliveryStatus.PENDING
    locked.attempts = 0
    locked.first_attempt_at = None
    locked.next_attempt_at = now
    locked.claimed_until = None
    locked.save(
        update_fields=[
            "status",
            "attempts",
            "first_attempt_at",
            "next_attempt_at",
            "claimed_until",
        ]
    )
    _record(
        locked.endpoint,
        by=by,
        verb="webhook_delivery.redelivered",
        summary=Message(
            gettext_lazy("Delivery %(id)s of %(type)s queued again."),
            id=locked.pk,
            type=locked.event.event_type,
        ),
        changes={"delivery": str(locked.pk), "status": [old_status, DeliveryStatus.PENDING]},
    )
    transaction.on_commit(partial(_queue_deliveries, [locked.pk]), robust=True)
    return locked


# --- Dispatch -------------------------------------------------------------------


def outbox_event_dispatch(*, event_id) -> list | None:
    """Create the event's deliveries and queue them. Returns their ids, or
    None when there was nothing to do: the event is missing, dispatched
    already, or being dispatched by another worker right now."""
    now = timezone.now()
    with transaction.atomic():
        event = (
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, dispatched_at__isnull=True)
            .first()
        )
        if event is None:
            return None
        endpoints = [
            endpoint
            for endpoint in WebhookEndpoint.objects.filter(is_active=True)
            .select_related("created_by")
            .order_by("pk")
            if endpoint.subscribes_to(event.event_type)
            and event_visible_to(endpoint.created_by, event)
        ]
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=now)
                for endpoint in endpoints
            ],
            ignore_conflicts=True,
        )
        event.dispatched_at = now
        event.save(update_fields=["dispatched_at"])
        delivery_ids = list(
            WebhookDelivery.objects.filter(event=event, status=DeliveryStatus.PENDING)
            .order_by("created_at")
            .values_list("id", flat=True)
        )
        transaction.on_commit(partial(_queue_deliveries, delivery_ids), robust=True)
    return delivery_ids


def _queue_deliveries(delivery_ids) -> None:
    # Found by name in Celery's registry: task modules are a layer above
    # the services, which must not import them.
    deliver = current_app.tasks[DELIVER_TASK]
    for delivery_id in delivery_ids:
        deliver.delay(str(delivery_id))


# --- Delivery ---------------------------------------------------------------------


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: exponential
    backoff with full jitter — a random time up to base × 2^(attempts−1),
    capped — so that receivers coming back after an outage are not hit by
    every retry at the same moment."""
    ceiling = min(
        settings.WEBHOOK_RETRY_MAX_DELAY_SECONDS,
        settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
    )
    return max(1.0, random.uniform(0, ceiling))


def delivery_body(event: OutboxEvent) -> bytes:
    """The JSON body sent for ``event``: the same bytes on every attempt."""
    url = None
    if event.object_url_path:
        url = settings.SITE_URL.rstrip("/") + event.object_url_path
    body = {
        "id": str(event.id),
        "type": event.event_type,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": {
            **event.payload,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "url": url,
        },
    }
    return json.dumps(
        body, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def delivery_headers(delivery: WebhookDelivery, body: bytes, now) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "BioBridge-Delivery": str(delivery.pk),
        "BioBridge-Event": delivery.event.event_type,
        # The request or task that caused the event, to follow it through
        # BioBridge's logs and the receiver's. An event published before
        # events kept it goes out under the id of the task sending it.
        HEADER: delivery.event.request_id or current_request_id() or new_request_id(),
        "BioBridge-Signature": signature_header(
            delivery.endpoint.signing_secrets(now), int(now.timestamp()), body
        ),
    }


@dataclass(frozen=True)
class _Claim:
    delivery_id: object
    started_at: object
    url: str
    body: bytes
    headers: dict


def webhook_delivery_attempt(*, delivery_id) -> str | None:
    """Send a due delivery once and record the answer. Returns the new
    status, or None when the delivery was not due, finished already, or
    taken by another worker."""
    claim = _delivery_claim(delivery_id)
    if claim is None or isinstance(claim, str):
        return claim
    answer = transport.post(claim.url, claim.body, claim.headers)
    return _delivery_record(claim, answer)


def _delivery_claim(delivery_id) -> _Claim | str | None:
    now = timezone.now()
    with transaction.atomic():
        # Lock only the delivery row (of=self): deliveries to the same
        # endpoint go out side by side.
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint", "event")
            .filter(
                pk=delivery_id,
                status__in=OPEN_DELIVERY_STATUSES,
                next_attempt_at__lte=now,
            )
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .first()
        )
        if delivery is None:
            return None
        if not delivery.endpoint.is_active:
            delivery.status = DeliveryStatus.DEAD
            delivery.next_attempt_at = None
            delivery.last_error = _("The endpoint is disabled.")
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return delivery.status
        body = delivery_body(delivery.event)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.first_attempt_at = delivery.first_attempt_at or now
        delivery.claimed_until = now + timedelta(seconds=settings.WEBHOOK_DELIVERY_LEASE_SECONDS)
        delivery.save(
            update_fields=["attempts", "last_attempt_at", "first_attempt_at", "claimed_until"]
        )
        return _Claim(
            delivery_id=delivery.pk,
            started_at=now,
            url=delivery.endpoint.url,
            body=body,
            headers=delivery_headers(delivery, body, now),
        )


def _delivery_record(claim: _Claim, answer: transport.Answer) -> str | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .get(pk=claim.delivery_id)
        )
        if delivery.last_attempt_at != claim.started_at or not delivery.is_open:
            # The claim ran out and another attempt took over, or the
            # endpoint was disabled meanwhile: that outcome stands.
            logger.info("Dropping the outcome of a superseded attempt of %s", delivery.pk)
            return None
        delivery.claimed_until = None
        delivery.last_status_code = answer.status_code
        delivery.response_excerpt = answer.excerpt
        delivery.last_error = answer.error[:500]
        if answer.ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.next_attempt_at = None
        elif answer.status_code == 410:
            delivery.status = DeliveryStatus.DEAD
            delivery.next_attempt_at = None
            delivery.last_error = _("The receiver answered 410 Gone; the endpoint is disabled.")
        else:
            if not delivery.last_error:
                delivery.last_error = _("The receiver answered %(status)s.") % {
                    "status": answer.status_code
                }
            gives_up_at = delivery.first_attempt_at + timedelta(
                seconds=settings.WEBHOOK_RETRY_WINDOW_SECONDS
            )
            if now >= gives_up_at:
                delivery.status = DeliveryStatus.DEAD
                delivery.next_attempt_at = None
                delivery.last_error = (
                    _("Gave up after %(attempts)s attempts: %(error)s")
                    % {"attempts": delivery.attempts, "error": delivery.last_error}
                )[:500]
            else:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = min(
                    now + timedelta(seconds=retry_delay(delivery.attempts)), gives_up_at
                )
        delivery.save(
            update_fields=[
                "status",
                "next_attempt_at",
                "claimed_until",
                "last_status_code",
                "response_excerpt",
                "last_error",
            ]
        )
    if answer.status_code == 410:
        # A separate transaction, endpoint first: the same lock order as
        # staff disabling the endpoint, so the two cannot deadlock.
        with transaction.atomic():
            endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
            _endpoint_disable(
                endpoint,
                reason=_("The receiver answered 410 Gone on %(date)s.")
                % {"date": now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")},
                by=None,
            )
    return delivery.status


# --- Sweep ----------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    dispatched: int
    queued: int


def outbox_sweep(*, now=None) -> SweepResult:
    """Dispatch events that were never dispatched (older than
    ``WEBHOOK_DISPATCH_GRACE_SECONDS``, so the on-commit dispatch had its
    chance) and queue the deliveries whose next attempt is due."""
    now = now or timezone.now()
    batch = settings.WEBHOOK_SWEEP_BATCH_SIZE
    # Due deliveries first: the ones the dispatches below create are queued
    # by the dispatch itself.
    due = list(
        WebhookDelivery.objects.filter(status__in=OPEN_DELIVERY_STATUSES, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:batch]
    )
    undispatched = list(
        OutboxEvent.objects.filter(
            dispatched_at__isnull=True,
            occurred_at__lte=now - timedelta(seconds=settings.WEBHOOK_DISPATCH_GRACE_SECONDS),
        )
        .order_by("occurred_at")
        .values_list("id", flat=True)[:batch]
    )
    dispatched = 0
    for event_id in undispatched:
        if outbox_event_dispatch(event_id=event_id) is not None:
            dispatched += 1
    _queue_deliveries(due)
    if dispatched or due:
        logger.info(
            "Webhook sweep: %s events dispatched, %s deliveries queued", dispatched, len(due)
        )
    return SweepResult(dispatched=dispatched, queued=len(due))
