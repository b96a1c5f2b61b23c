"""The activity timeline: one entry for every change to a project, its
terms, milestones, royalties and money."""

from django.conf import settings
from django.db import models
from django.utils import translation

from core.i18n import Message

from .models import Activity


def activity_record(
    *,
    actor,
    verb: str,
    target: models.Model,
    summary: Message | str,
    project=None,
    agreement=None,
    changes: dict | None = None,
    is_internal: bool = False,
) -> Activity:
    """Write one timeline entry. ``verb`` is stable and machine-readable
    (``milestone.claimed``); ``summary`` is the sentence people read: a
    ``Message``, kept so that each reader sees it in their language, with
    its text in the site's language beside it (a plain string is stored
    as it is)."""
    message = {}
    if isinstance(summary, Message):
        message = summary.to_json()
        with translation.override(settings.LANGUAGE_CODE):
            summary = str(summary)
    activity = Activity.objects.create(
        project=project,
        agreement=agreement,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        summary=str(summary)[:300],
        message=message,
        changes=_json_safe(changes or {}),
        is_internal=is_internal,
    )
    return activity


def _json_safe(value):
    """Decimals, dates and model instances as strings, so changes can be
    stored as JSON without losing precision."""
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)
