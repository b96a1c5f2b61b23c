"""Publishing events: the write side of the transactional outbox.

``event_publish`` writes an ``OutboxEvent`` in the caller's transaction and
asks Celery to dispatch it once that transaction commits. A rolled-back
change therefore publishes nothing, and a committed one is never lost: if the
broker is down at commit time, ``tasks.sweep_outbox`` finds the undispatched
event a minute later.

The services do not call it: they publish domain events, and
``webhooks.handlers`` turns the ones integrations hear of into outbox
events.
"""

from datetime import datetime
from functools import partial

from celery import current_app
from django.db import models, transaction
from django.utils import timezone

from core.request_id import current_request_id

from .choices import EventType
from .models import OutboxEvent
from .selectors import OBJECT_KINDS, object_api_path, subscribed_event_types

# ``tasks.dispatch_event``, which turns an outbox event into deliveries.
DISPATCH_TASK = "webhooks.tasks.dispatch_event"

# The keys of ``data`` in the request body that BioBridge fills in itself.
RESERVED_DATA_KEYS = frozenset({"object_type", "object_id", "url"})


def event_publish(
    *,
    event_type: str,
    obj: models.Model,
    url_path: str = "",
    data: dict | None = None,
    occurred_at: datetime | None = None,
) -> OutboxEvent | None:
    """Announce ``event_type`` about ``obj`` once the current transaction
    commits. ``url_path`` defaults to the object's API route; ``data`` is
    added to the body's ``data`` next to the object's type, id and URL.
    ``occurred_at`` is when the change happened (now by default): the time
    of its timeline entry, for a change that recorded one.

    Returns the event, or None when no active endpoint subscribes to the
    type: nobody would receive it, so nothing is written."""
    label = obj._meta.label_lower
    kind = OBJECT_KINDS.get(label)
    return _publish(
        event_type=event_type,
        object_type=kind.name if kind else label,
        object_id=obj.pk,
        url_path=url_path,
        data=data,
        occurred_at=occurred_at,
    )


def _publish(
    *,
    event_type: str,
    object_type: str,
    object_id: int,
    url_path: str = "",
    data: dict | None = None,
    occurred_at=None,
) -> OutboxEvent | None:
    event_type = EventType(event_type)
    data = dict(data or {})
    clash = RESERVED_DATA_KEYS.intersection(data)
    if clash:
        raise ValueError(f"data cannot set {', '.join(sorted(clash))}: BioBridge fills them in.")
    if event_type not in subscribed_event_types():
        return None
    url_path = url_path or object_api_path(object_type, object_id)
    event = OutboxEvent.objects.create(
        event_type=event_type,
        occurred_at=occurred_at or timezone.now(),
        object_type=object_type,
        object_id=object_id,
        object_url_path=url_path,
        payload=data,
        # Kept with the event: deliveries are made later by tasks, possibly
        # by the sweep, whose own id is not the one that caused the event.
        request_id=current_request_id() or "",
    )
    transaction.on_commit(partial(_queue_dispatch, event.pk), robust=True)
    return event


def _queue_dispatch(event_id) -> None:
    # robust=True above: a broker that is down must not fail the request that
    # made the change; the sweep dispatches the event later. The task is
    # found by name in Celery's registry: task modules are a layer above
    # this one, which must not import them.
    current_app.tasks[DISPATCH_TASK].delay(str(event_id))
