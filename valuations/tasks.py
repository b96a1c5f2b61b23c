from celery import shared_task

from .services import VALUATION_COMPUTE_TASK, valuation_execute


@shared_task(name=VALUATION_COMPUTE_TASK, acks_late=True)
def valuation_compute(valuation_id: int) -> str:
    """Run a queued valuation (a large simulation). Idempotent: a second
    delivery of the same task leaves the first run's results."""
    return valuation_execute(valuation_id=valuation_id).status
