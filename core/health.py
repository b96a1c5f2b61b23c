"""Readiness: whether this process can serve, checked against what it needs.

Each check answers ``"ok"`` or ``"error"`` (the broker also ``"eager"``,
the beat heartbeat ``"stale"``) and never says why: an exception's text may
name a host, a user or a password, and ``/readyz`` answers anyone who asks.
The exception goes to the log, which operators read, by its class only.

The beat heartbeat is shown but does not make a node unready: web nodes
serve requests without beat, and taking every one of them out of the load
balancer because the single beat process stopped would turn a late reminder
into an outage. ``readiness()`` reports it in the overall status instead
(``"degraded"``), for monitoring to alert on.
"""

import logging
import os
import time
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"
STALE = "stale"
EAGER = "eager"

# Where the beat heartbeat task records when it last ran.
BEAT_HEARTBEAT_CACHE_KEY = "beat-heartbeat"
# A name no file is given: storage is asked whether it exists, which needs
# the storage to answer but reads and writes nothing.
STORAGE_PROBE_NAME = "readiness-probe/absent"
BROKER_TIMEOUT_SECONDS = 2

# Set once every migration was found applied. Reading the migration graph
# loads every migration module of every app, which takes longer than all the
# other checks together; migrations are applied before a release starts its
# processes and are never un-applied under a running one, so once applied,
# they stay applied for the life of this process.
_migrations_applied = False


@dataclass(frozen=True)
class Readiness:
    """What ``/readyz`` answers: each check's state and the heartbeat's
    age."""

    checks: dict[str, str]
    beat_age_seconds: int | None

    @property
    def ready(self) -> bool:
        """Whether the node should receive requests: every check but the
        heartbeat answered."""
        return all(state in (OK, EAGER) for name, state in self.checks.items() if name != "beat")

    @property
    def status(self) -> str:
        if not self.ready:
            return "unavailable"
        return OK if self.checks.get("beat") == OK else "degraded"

    def as_body(self) -> dict:
        return {
            "status": self.status,
            "checks": self.checks,
            "beat_age_seconds": self.beat_age_seconds,
        }


def readiness() -> Readiness:
    beat_state, beat_age = beat_heartbeat()
    return Readiness(
        checks={
            "database": _checked("database", database_state),
            "cache": _checked("cache", cache_state),
            "broker": _checked("broker", broker_state),
            "storage": _checked("storage", storage_state),
            "migrations": _checked("migrations", migrations_state),
            "beat": beat_state,
        },
        beat_age_seconds=beat_age,
    )


def _checked(name: str, check) -> str:
    try:
        return check()
    except Exception as error:
        logger.warning("Readiness check %s failed: %s", name, error.__class__.__name__)
        return ERROR


def database_state() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return OK if cursor.fetchone() == (1,) else ERROR


def cache_state() -> str:
    cache.set("readiness-probe", OK, 5)
    return OK if cache.get("readiness-probe") == OK else ERROR


def broker_state() -> str:
    if current_app.conf.task_always_eager:
        # No broker: tasks run in the process that queues them.
        return EAGER
    # A new connection, not one from the producer pool: a pooled connection
    # that the broker dropped would still count as connected.
    with current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    return OK


def storage_state() -> str:
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        # On local disk, exists() answers False whatever is wrong with the
        # directory, so the directory is looked at: writable, or (before
        # the first upload) creatable where the storage would create it.
        location = storage.path("")
        while not os.path.exists(location) and os.path.dirname(location) != location:
            location = os.path.dirname(location)
        if not (os.path.isdir(location) and os.access(location, os.W_OK)):
            return ERROR
    # Object storage answers exists() with a request to the bucket, which
    # fails when the bucket, the endpoint or the credentials are wrong.
    storage.exists(STORAGE_PROBE_NAME)
    return OK


def migrations_state() -> str:
    global _migrations_applied
    if _migrations_applied:
        return OK
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return ERROR
    _migrations_applied = True
    return OK


def beat_heartbeat_record(*, now: float | None = None) -> None:
    """Note that scheduled tasks ran just now (the beat heartbeat task)."""
    # Kept without expiry: when beat stops, the age keeps growing.
    cache.set(BEAT_HEARTBEAT_CACHE_KEY, time.time() if now is None else now, None)


def beat_heartbeat() -> tuple[str, int | None]:
    """The heartbeat's state and age in seconds (None when none was
    recorded): stale after ``BEAT_HEARTBEAT_STALE_SECONDS``."""
    try:
        recorded = cache.get(BEAT_HEARTBEAT_CACHE_KEY)
    except Exception as error:
        logger.warning("Readiness check beat failed: %s", error.__class__.__name__)
        return ERROR, None
    if recorded is None:
        return STALE, None
    age = max(0, int(time.time() - float(recorded)))
    return (OK if age <= settings.BEAT_HEARTBEAT_STALE_SECONDS else STALE), age
