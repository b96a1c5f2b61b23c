from celery import shared_task


@shared_task(ignore_result=False)
def ping() -> str:
    """Answer "pong": proves that a worker takes tasks from the broker."""
    return "pong"
