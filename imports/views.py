"""The import wizard of the staff UI: upload a file, map its columns, check
it by a dry run, commit it. Large files run as a background task whose
progress the page polls. Research-centre staff only; each sees their own
imports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import has_full_access, is_centre_staff_user
from core.errors import DomainError
from core.media_types import XLSX_CONTENT_TYPE as XLSX
from core.ui.forms import add_service_error

from .exports import export_workbook
from .forms import MappingForm, UploadForm
from .jobs import (
    import_job_create,
    import_job_map,
    import_job_progress,
    import_job_start,
)
from .kinds import KINDS
from .models import ImportJob
from .parsing import ImportFileError, check_request_size
from .selectors import import_jobs_visible_to
from .workbooks import report_csv, template_workbook

PENDING = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
TEMPLATE_LANGUAGES = {"en", "zh-hans"}


def _require_staff(request):
    if not (has_full_access(request.user) or is_centre_staff_user(request.user)):
        raise PermissionDenied


def _job(request, pk) -> ImportJob:
    _require_staff(request)
    return get_object_or_404(import_jobs_visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    """Step 1: the upload, beside the templates and the imports so far."""
    _require_staff(request)
    if request.method == "POST":
        try:
            check_request_size(request.META.get("CONTENT_LENGTH"))
        except ImportFileError as error:
            form = UploadForm()
            form.add_error(None, error.message)
            return _start_page(request, form)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                by=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read() if upload.size is not None else b"",
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            if job.kind == "workbook":
                return redirect(job)
            return redirect("imports:mapping", pk=job.pk)
    return _start_page(request, form)


def _start_page(request, form):
    page = Paginator(import_jobs_visible_to(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/start.html",
        {"form": form, "page": page, "kinds": KINDS.values()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request, pk):
    """Step 2: which column each header fills; then the dry run."""
    job = _job(request, pk)
    if job.kind == "workbook" or job.status == ImportJob.Status.COMMITTED:
        return redirect(job)
    form = MappingForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_map(job=job, by=request.user, mapping=form.mapping())
            job = import_job_start(job=job, by=request.user, dry_run=True)
        except DomainError as error:
            add_service_error(form, error)
        else:
            return redirect(job)
    return render(request, "imports/mapping.html", {"job": job, "form": form})


@login_required
@require_GET
def import_detail(request, pk):
    """Step 3: the dry run's report, row by row, and the commit."""
    job = _job(request, pk)
    done, total = import_job_progress(job)
    return render(
        request,
        "imports/detail.html",
        {
            "job": job,
            "result": _labelled(job.result, job.kind),
            "done": done,
            "total": total,
            "pending": PENDING,
        },
    )


def _labelled(result: dict, kind: str) -> dict:
    """The report with each error's column named as the reader's language
    names it (the report keeps the column's key, for programs)."""
    labels = {}
    kinds = [KINDS[kind]] if kind in KINDS else list(KINDS.values())
    for each in kinds:
        for column in each.all_columns:
            labels.setdefault(column.key, column.label)
    errors = [
        {**error, "column_label": labels.get(error["column"], error["column"])}
        for error in result.get("errors", [])
    ]
    return {**result, "errors": errors}


def _start(request, pk, *, dry_run: bool):
    job = _job(request, pk)
    try:
        import_job_start(job=job, by=request.user, dry_run=dry_run)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(job)


@login_required
@require_POST
def import_check(request, pk):
    """Step 3: the dry run of the mapped file (again, after a change)."""
    return _start(request, pk, dry_run=True)


@login_required
@require_POST
def import_commit(request, pk):
    """Step 4: write every row, all or nothing."""
    return _start(request, pk, dry_run=False)


@login_required
@require_GET
def import_status(request, pk):
    """The progress of a running import, polled by its page; once finished
    the page reloads with the report."""
    job = _job(request, pk)
    if job.status not in PENDING and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    done, total = import_job_progress(job)
    return render(
        request, "imports/partials/status.html", {"job": job, "done": done, "total": total}
    )


@login_required
@require_GET
def import_report(request, pk):
    """The report of the last run as CSV (with a byte-order mark, so that
    Excel reads the Chinese in it)."""
    job = _job(request, pk)
    response = HttpResponse("\ufeff" + report_csv(job.result), content_type="text/csv")
    response["Content-Disposition"] = content_disposition_header(
        True, f"import-{job.pk}-report.csv"
    )
    return response


@login_required
@require_GET
def import_template(request, kind, language):
    """An empty workbook for a kind of record, headed in English or Chinese."""
    _require_staff(request)
    if kind not in KINDS or language not in TEMPLATE_LANGUAGES:
        raise Http404
    response = HttpResponse(template_workbook(KINDS[kind], language), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"biobridge-{kind}-{language}.xlsx"
    )
    return response


@login_required
@require_GET
def import_export(request):
    """Every record the user may see, as one workbook in the import
    templates' columns, headed in the reader's language: it imports again
    as it is."""
    _require_staff(request)
    language = translation.get_language()
    language = language if language in TEMPLATE_LANGUAGES else "en"
    response = HttpResponse(export_workbook(request.user, language), content_type=XLSX)
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = content_disposition_header(
        True, f"biobridge-export-{day}.xlsx"
    )
    return response
