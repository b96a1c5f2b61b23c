"""The import wizard's steps, as services: upload a file, map its columns
(remembered per layout), check it by a dry run, commit it. A file larger
than ``IMPORT_BACKGROUND_ROWS`` rows is checked and committed by a Celery
task, which reports its progress through the cache so that the page can
show it while the import's own transaction is still open."""

import logging

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidInput

from .kinds import KINDS
from .models import ColumnMapping, ImportJob
from .parsing import ImportFileError, Sheet, read_file
from .services import auto_mapping, header_hash, import_sheets, require_importer

IMPORT_RUN_TASK = "imports.tasks.import_job_run"
logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 60 * 60


class ImportJobError(DomainError):
    code = "import_refused"


def _sheet(job: ImportJob) -> list[Sheet]:
    sheets = read_file(bytes(job.content), job.file_name)
    if job.kind == "workbook":
        return sheets
    chosen = [sheet for sheet in sheets if sheet.name == job.sheet_name]
    return chosen or sheets[:1]


@transaction.atomic
def import_job_create(*, by, kind: str, file_name: str, data: bytes) -> ImportJob:
    """Keep an uploaded file for the wizard once it reads: a file that does
    not is refused at once, with the reason."""
    require_importer(by)
    if kind not in KINDS and kind != "workbook":
        raise InvalidInput({"kind": [_("Choose a kind of record.")]})
    sheets = read_file(data, file_name)
    first = sheets[0]
    job = ImportJob(
        created_by=by,
        kind=kind,
        file_name=file_name[:255],
        content=data,
        sheet_name=first.name[:100],
        header=first.header,
        header_hash=header_hash(first.header),
        rows_total=sum(len(sheet.rows) for sheet in sheets),
    )
    if kind != "workbook":
        remembered = ColumnMapping.objects.filter(kind=kind, header_hash=job.header_hash).first()
        mapping = remembered.mapping if remembered else auto_mapping(KINDS[kind], first.header)
        job.mapping = {str(index): key for index, key in mapping.items()}
    job.save()
    return job


@transaction.atomic
def import_job_map(*, job: ImportJob, by, mapping: dict[int, str]) -> ImportJob:
    """Choose the column each header fills, and remember the choice for
    files of the same layout."""
    require_importer(by)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    columns = KINDS[job.kind].by_key
    used = [key for key in mapping.values() if key]
    unknown = [key for key in used if key not in columns]
    twice = sorted({key for key in used if used.count(key) > 1})
    if unknown or twice:
        raise InvalidInput(
            {
                "mapping": [
                    _("Each column is chosen for one header at most: %(columns)s.")
                    % {"columns": ", ".join(twice or unknown)}
                ]
            }
        )
    job.mapping = {str(index): key for index, key in mapping.items() if key}
    job.status = ImportJob.Status.UPLOADED
    job.result = {}
    job.save(update_fields=["mapping", "status", "result", "updated_at"])
    ColumnMapping.objects.update_or_create(
        kind=job.kind,
        header_hash=job.header_hash,
        defaults={"mapping": job.mapping, "updated_by": by},
    )
    return job


def progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """Rows done and rows in all, of a job running now."""
    return cache.get(progress_key(job.pk)) or (0, job.rows_total)


def runs_in_background(job: ImportJob) -> bool:
    return job.rows_total > settings.IMPORT_BACKGROUND_ROWS


def import_job_execute(*, job_id: int, dry_run: bool) -> ImportJob:
    """Run a job's dry run or commit now, and keep its report. Idempotent
    for the task: a committed job is not run again."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status == ImportJob.Status.COMMITTED:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    mapping = None
    if job.kind != "workbook":
        mapping = {int(index): key for index, key in job.mapping.items()}

    def progress(done, total):
        cache.set(progress_key(job.pk), (done, total), PROGRESS_SECONDS)

    try:
        result = import_sheets(
            kind=job.kind,
            sheets=_sheet(job),
            by=job.created_by,
            dry_run=dry_run,
            mapping=mapping,
            progress=progress,
        )
    except ImportFileError as error:
        job.result = {"valid": False, "errors": [], "refused": error.message}
        job.status = ImportJob.Status.REFUSED
    except Exception:
        # A fault of the importer, not of the file: the job must not stay
        # "running" for ever, and the rows were rolled back with it.
        logger.exception("Import %s failed", job.pk)
        job.result = {
            "valid": False,
            "errors": [],
            "refused": _("The import failed unexpectedly; nothing was written."),
        }
        job.status = ImportJob.Status.REFUSED
    else:
        job.result = result.as_dict()
        if result.committed:
            job.status = ImportJob.Status.COMMITTED
            # The records are written; the file is not kept beyond them.
            job.content = b""
        elif dry_run:
            job.status = ImportJob.Status.CHECKED
        else:
            job.status = ImportJob.Status.REFUSED
    job.save()
    cache.delete(progress_key(job.pk))
    return job


def import_job_start(*, job: ImportJob, by, dry_run: bool) -> ImportJob:
    """Check or commit a job: at once, or, for a large file, by a task."""
    require_importer(by)
    if job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        raise ImportJobError(_("The import is already running."), code="running")
    if job.status == ImportJob.Status.COMMITTED:
        raise ImportJobError(_("The import is already committed."), code="committed")
    if not dry_run and not job.result.get("valid"):
        raise ImportJobError(_("Check the file and correct its errors first."), code="unchecked")
    if not runs_in_background(job):
        return import_job_execute(job_id=job.pk, dry_run=dry_run)
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status", "updated_at"])
    cache.set(progress_key(job.pk), (0, job.rows_total), PROGRESS_SECONDS)
    transaction.on_commit(lambda: _import_run_task().delay(job.pk, dry_run))
    return job


def _import_run_task():
    # By name from Celery's registry: the task module imports this one.
    return current_app.tasks[IMPORT_RUN_TASK]
