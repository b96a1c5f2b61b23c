from celery import shared_task

from .jobs import IMPORT_RUN_TASK, import_job_execute


@shared_task(name=IMPORT_RUN_TASK, acks_late=True, ignore_result=True)
def import_job_run(job_id: int, dry_run: bool) -> str:
    """Check or commit a large import. Idempotent: a committed job is not
    run again, and a dry run writes nothing."""
    return import_job_execute(job_id=job_id, dry_run=dry_run).status
