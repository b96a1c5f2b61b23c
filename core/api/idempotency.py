"""Idempotency keys for money-moving POSTs.

A client that sends ``Idempotency-Key: <key>`` may retry safely: the same
key with the same request replays the first successful response without
doing anything again; the same key with a different request answers 422; a
key whose first request is still running answers 409. Only successful
responses are kept: after an error the client may retry with the same key.
Keys are per user and kept for ``IDEMPOTENCY_KEY_TTL``.

The request's work and the stored response commit in one transaction: a
retry either replays a response whose effect happened, or does the work for
the first time — also when the database went away in between. A key left in
flight by a request that died (the database restarted under it) may be taken
over after ``IN_FLIGHT_LEASE``.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.models import IdempotencyRecord

from .errors import IdempotencyConflict, IdempotencyMismatch

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


# Longer than any money-moving request takes.
IN_FLIGHT_LEASE = timedelta(minutes=1)


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
        pass
    # A request that died in flight left its claim behind: take it over once
    # the lease ran out (one request wins the update).
    abandoned = IdempotencyRecord.objects.filter(
        user=user,
        key=key,
        fingerprint=fingerprint,
        state=IdempotencyRecord.State.IN_FLIGHT,
        created_at__lt=timezone.now() - IN_FLIGHT_LEASE,
    )
    if abandoned.update(created_at=timezone.now()):
        return IdempotencyRecord.objects.get(user=user, key=key), True
    return IdempotencyRecord.objects.get(user=user, key=key), False


def _complete(record: IdempotencyRecord, response) -> None:
    """Keep the response to replay, in the transaction of the work."""
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyRecord.State.COMPLETED,
        response_status=response.status_code,
        response_body=json.loads(json.dumps(response.data, default=str)),
    )


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
            with transaction.atomic():
                response = view_method(self, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    _complete(record, response)
        except (OperationalError, InterfaceError):
            # The database is unreachable: nothing committed, and the claim
            # is released when its lease runs out.
            raise
        except BaseException:
            record.delete()
            raise
        if not 200 <= response.status_code < 300:
            record.delete()
        return response

    return wrapper
