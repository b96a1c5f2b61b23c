"""Celery tasks for webhooks. Each takes ids and calls a service; running one
twice has the effect of running it once."""

from dataclasses import asdict

from celery import shared_task

from .services import outbox_event_dispatch, outbox_sweep, webhook_delivery_attempt


@shared_task(ignore_result=True)
def dispatch_event(event_id: str) -> int:
    """Create and queue the deliveries of one outbox event."""
    return len(outbox_event_dispatch(event_id=event_id) or [])


@shared_task(ignore_result=True)
def deliver(delivery_id: str) -> str | None:
    """Make one attempt at a delivery, if it is due and nobody else is
    making it."""
    return webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> dict:
    """Every minute (``CELERY_BEAT_SCHEDULE``): dispatch what the broker
    missed, queue retries that are due."""
    return asdict(outbox_sweep())
