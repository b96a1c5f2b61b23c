"""Idempotency keys for money-moving POSTs.

A client that sends ``Idempotency-Key: <key>`` may retry safely: the same
key with the same request replays the first successful response without
doing anything again; the same key with a different request answers 422; a
key whose first request is still running answers 409. Only successful
responses are kept: after an error the client may retry with the same key.
Keys are per user and kept for ``IDEMPOTENCY_KEY_TTL``.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.models import IdempotencyRecord

from .errors import IdempotencyConflict, IdempotencyMismatch

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _ttl() -> timedelta:
    return getattr(settings, "IDEMPOTENCY_KEY_TTL", timedelta(hours=24))


def _fingerprint(request) -> str:
    try:
        body = json.dumps(request.data, sort_keys=True, default=str)
    except TypeError:
        body = repr(sorted(request.data.keys()))
    raw = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _claim(user, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """Store the key as in flight, in its own committed transaction, so a
    concurrent request with the same key sees it at once."""
    IdempotencyRecord.objects.filter(
        user=user, key=key, created_at__lt=timezone.now() - _ttl()
    ).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=user,
                key=key,
                fingerprint=fingerprint,
                state=IdempotencyRecord.State.IN_FLIGHT,
            )
        return record, True
    except IntegrityError:
        return IdempotencyRecord.objects.get(user=user, key=key), False


def idempotent(view_method):
    """Make a DRF view method (a POST) honour ``Idempotency-Key``."""

    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if not key or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise ValidationError({HEADER: [f"At most {MAX_KEY_LENGTH} characters."]})
        fingerprint = _fingerprint(request)
        record, created = _claim(request.user, key, fingerprint)
        if not created:
            if record.fingerprint != fingerprint:
                raise IdempotencyMismatch()
            if record.state == IdempotencyRecord.State.IN_FLIGHT:
                raise IdempotencyConflict()
            return Response(
                record.response_body,
                status=record.response_status,
                headers={"Idempotent-Replayed": "true"},
            )
        try:
            response = view_method(self, request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if 200 <= response.status_code < 300:
            record.state = IdempotencyRecord.State.COMPLETED
            record.response_status = response.status_code
            record.response_body = json.loads(json.dumps(response.data, default=str))
            record.save(update_fields=["state", "response_status", "response_body"])
        else:
            record.delete()
        return response

    return wrapper
