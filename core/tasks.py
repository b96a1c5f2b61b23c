from celery import shared_task

from core.health import beat_heartbeat_record


@shared_task(ignore_result=False)
def ping() -> str:
    """Answer "pong": proves that a worker takes tasks from the broker."""
    return "pong"


@shared_task(ignore_result=True)
def record_beat_heartbeat() -> None:
    """Every minute (``CELERY_BEAT_SCHEDULE``): note in the cache that beat
    scheduled a task and a worker ran it, for ``/readyz`` to show how long
    ago that was.

    The cache rather than the database: every web node reads the same Redis,
    a minute's write there costs nothing, and a lost value (Redis restarted)
    only shows the heartbeat stale until the next minute."""
    beat_heartbeat_record()
