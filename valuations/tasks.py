from celery import shared_task

from .portfolio_selectors import portfolio_runs_stalled
from .portfolio_services import (
    PORTFOLIO_CHUNK_TASK,
    portfolio_chunk_execute,
    portfolio_chunks_missing,
)
from .selectors import valuations_stalled
from .services import VALUATION_COMPUTE_TASK, valuation_execute


@shared_task(name=VALUATION_COMPUTE_TASK, acks_late=True)
def valuation_compute(valuation_id: int) -> str:
    """Run a queued valuation (a large simulation). Idempotent: a second
    delivery of the same task leaves the first run's results."""
    return valuation_execute(valuation_id=valuation_id).status


@shared_task(ignore_result=True)
def sweep_stalled_valuations() -> int:
    """Every minute (``CELERY_BEAT_SCHEDULE``): run again the valuations whose
    task was lost (broker down when queued, or restarted while a worker
    held it)."""
    ids = list(valuations_stalled().values_list("pk", flat=True)[:100])
    for valuation_id in ids:
        valuation_compute.delay(valuation_id)
    # Portfolio runs whose chunks' tasks were lost: queue the chunks not
    # stored yet (a chunk that was only slow is then computed twice and
    # stored once).
    for run in portfolio_runs_stalled()[:100]:
        for index in portfolio_chunks_missing(run):
            portfolio_chunk_compute.delay(run.pk, index)
    return len(ids)


@shared_task(name=PORTFOLIO_CHUNK_TASK, acks_late=True, ignore_result=True)
def portfolio_chunk_compute(run_id: int, index: int) -> str:
    """Compute one chunk of a portfolio run; the last chunk merges the run.
    Idempotent: a redelivered chunk finds its trials stored and adds
    nothing."""
    return portfolio_chunk_execute(run_id=run_id, index=index).status
