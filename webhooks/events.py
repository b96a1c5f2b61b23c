"""Publishing events: the write side of the transactional outbox.

``event_publish`` writes an ``OutboxEvent`` in the caller's transaction and
asks Celery to dispatch it once that transaction commits. A rolled-back
change therefore publishes nothing, and a committed one is never lost: if the
broker is down at commit time, ``tasks.sweep_outbox`` finds the undispatched
event a minute later.

Most events come from the activity timeline: ``projects.activity`` calls
``publish_for_activity`` for every entry it records, and the verb decides
which event, if any, the entry announces.
"""

from functools import partial

from django.db import models, transaction
from django.utils import timezone

from .choices import EventType
from .models import OutboxEvent
from .selectors import OBJECT_KINDS, object_api_path, subscribed_event_types

# The keys of ``data`` in the request body that BioBridge fills in itself.
RESERVED_DATA_KEYS = frozenset({"object_type", "object_id", "url"})

# Stage-gate decisions (projects.choices.TransitionKind) recorded as
# ``project.<decision>``; each of them changes the stage or the status.
STAGE_DECISIONS = ("advance", "skip", "hold", "resume", "terminate", "revert")

ACTIVITY_EVENT_TYPES: dict[str, EventType] = {
    **{f"project.{decision}": EventType.PROJECT_STAGE_CHANGED for decision in STAGE_DECISIONS},
    "milestone.claimed": EventType.MILESTONE_CLAIMED,
    # A claim resubmitted after a dispute is a claim again for the payer.
    "milestone.resubmitted": EventType.MILESTONE_CLAIMED,
    "milestone.verified": EventType.MILESTONE_VERIFIED,
    "milestone.disputed": EventType.MILESTONE_DISPUTED,
    "milestone.invoiced": EventType.MILESTONE_INVOICED,
    "payment.recorded": EventType.PAYMENT_RECORDED,
    "royalty_report.submitted": EventType.ROYALTY_REPORT_SUBMITTED,
    "valuation.finished": EventType.VALUATION_FINISHED,
}


def event_publish(
    *, event_type: str, obj: models.Model, url_path: str = "", data: dict | None = None
) -> OutboxEvent | None:
    """Announce ``event_type`` about ``obj`` once the current transaction
    commits. ``url_path`` defaults to the object's API route; ``data`` is
    added to the body's ``data`` next to the object's type, id and URL.

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
    )


def event_type_for_activity(verb: str, changes: dict | None = None) -> str | None:
    """The event type an activity entry announces, or None.

    The verb decides. A payment that settles its invoice announces a second
    event, ``milestone.paid``, when the invoice bills a milestone; telling a
    milestone's invoice from a royalty report's needs the database, so
    ``publish_for_activity`` adds that one (see ``settles_invoice``)."""
    return ACTIVITY_EVENT_TYPES.get(verb)


def settles_invoice(verb: str, changes: dict | None) -> bool:
    """Whether a ``payment.recorded`` entry is the payment that made its bill
    paid in full: its changes hold ``"status": [before, "paid"]``."""
    if verb != "payment.recorded" or not isinstance(changes, dict):
        return False
    status = changes.get("status")
    return isinstance(status, list | tuple) and len(status) == 2 and status[1] == "paid"


def publish_for_activity(activity) -> list[OutboxEvent]:
    """Publish the events an activity entry announces: none, one, or two
    (``payment.recorded`` and ``milestone.paid``). Called by
    ``projects.activity.activity_record`` in the transaction of the change.
    """
    event_type = event_type_for_activity(activity.verb, activity.changes)
    if event_type is None:
        return []
    subscribed = subscribed_event_types()
    publish = partial(_publish, occurred_at=activity.created_at)
    common = {
        "action": activity.verb,
        "activity_id": activity.pk,
        "project_id": activity.project_id,
        "agreement_id": activity.agreement_id,
        "changes": activity.changes,
    }
    events = []
    if event_type == EventType.PROJECT_STAGE_CHANGED:
        # The entry's target is the stage transition; integrations care
        # about the project it moved.
        event = publish(
            event_type=event_type,
            object_type="project",
            object_id=activity.project_id,
            data={**common, "transition_id": activity.target_id},
            subscribed=subscribed,
        )
    else:
        kind = OBJECT_KINDS.get(activity.target_type)
        event = publish(
            event_type=event_type,
            object_type=kind.name if kind else activity.target_type,
            object_id=activity.target_id,
            data=common,
            subscribed=subscribed,
        )
    if event is not None:
        events.append(event)

    if EventType.MILESTONE_PAID in subscribed and settles_invoice(activity.verb, activity.changes):
        milestone_id = _milestone_paid_by(activity.target_id)
        if milestone_id is not None:
            event = publish(
                event_type=EventType.MILESTONE_PAID,
                object_type="milestone",
                object_id=milestone_id,
                data={**common, "payment_id": activity.target_id},
                subscribed=subscribed,
            )
            if event is not None:
                events.append(event)
    return events


def _milestone_paid_by(payment_id: int) -> int | None:
    """The milestone whose invoice the payment is on; None for a royalty
    report's invoice."""
    from projects.models import Invoice

    return (
        Invoice.objects.filter(payments=payment_id, milestone__isnull=False)
        .values_list("milestone_id", flat=True)
        .first()
    )


def _publish(
    *,
    event_type: str,
    object_type: str,
    object_id: int,
    url_path: str = "",
    data: dict | None = None,
    occurred_at=None,
    subscribed: set[str] | None = None,
) -> OutboxEvent | None:
    event_type = EventType(event_type)
    data = dict(data or {})
    clash = RESERVED_DATA_KEYS.intersection(data)
    if clash:
        raise ValueError(f"data cannot set {', '.join(sorted(clash))}: BioBridge fills them in.")
    if event_type not in (subscribed if subscribed is not None else subscribed_event_types()):
        return None
    url_path = url_path or object_api_path(object_type, object_id)
    event = OutboxEvent.objects.create(
        event_type=event_type,
        occurred_at=occurred_at or timezone.now(),
        object_type=object_type,
        object_id=object_id,
        object_url_path=url_path,
        payload=data,
    )
    transaction.on_commit(partial(_queue_dispatch, event.pk), robust=True)
    return event


def _queue_dispatch(event_id) -> None:
    # robust=True above: a broker that is down must not fail the request that
    # made the change; the sweep dispatches the event later.
    from .tasks import dispatch_event

    dispatch_event.delay(str(event_id))
