"""The staff pages of the annual reports: pick an institution, a report
and a year; see every figure with the records it counts; state what the
records cannot know; export. Institutions come from the scoping selector:
another institution's report is a 404."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.media_types import XLSX_CONTENT_TYPE
from core.ui.forms import add_service_error

from .choices import ReportKind
from .documents import china_report_pdf, report_filename, report_workbook
from .drilldown import drilldown
from .forms import INPUTS_OF, AnnualReportInputForm, ReportPickForm
from .params import FIRST_YEAR, LAST_YEAR
from .selectors import may_see_reports, report_institutions_visible_to
from .services import annual_report_input_save, autm_report, china_annual_report

EXPORT_FORMATS = ("xlsx", "pdf")


def staff_view(view):
    """A page of the office: signed-in staff and superusers. Anyone else
    (a researcher, a partner) gets the 404 of a page that does not exist."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_see_reports(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _compute(kind: str, institution, year: int):
    if kind == ReportKind.CHINA_ANNUAL:
        return china_annual_report(institution, year)
    return autm_report(institution, year)


def _resolve(request, kind: str, institution_id: int, year: int):
    """The institution of the URL through the scoping selector, and the
    report kind and year checked."""
    if kind not in ReportKind.values or not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    institution = get_object_or_404(
        report_institutions_visible_to(request.user), pk=institution_id
    )
    return institution


def _report_url(kind, institution_id, year) -> str:
    return (
        f"{reverse('annual_reports:index')}?report={kind}&institution={institution_id}&year={year}"
    )


@staff_view
def annual_index(request):
    institutions = report_institutions_visible_to(request.user)
    picked = ReportPickForm(
        request.GET or None,
        institutions=institutions,
        initial={"report": ReportKind.CHINA_ANNUAL},
    )
    context = {"pick_form": picked, "report": None}
    if request.GET and picked.is_valid():
        kind = picked.cleaned_data["report"]
        institution = picked.cleaned_data["institution"]
        year = picked.cleaned_data["year"]
        report = _compute(kind, institution, year)
        context.update(
            report=report,
            kind=kind,
            input_form=AnnualReportInputForm(instance=report.inputs, report=kind),
        )
    return render(request, "reports/annual.html", context)


@staff_view
def inputs_save(request, kind: str, institution_id: int, year: int):
    institution = _resolve(request, kind, institution_id, year)
    if request.method != "POST":
        return redirect(_report_url(kind, institution.id, year))
    report = _compute(kind, institution, year)
    form = AnnualReportInputForm(request.POST, instance=report.inputs, report=kind)
    if form.is_valid():
        values = {field: form.cleaned_data[field] for field in INPUTS_OF[kind]}
        try:
            annual_report_input_save(
                institution=institution, report=kind, year=year, by=request.user, **values
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The report's inputs are saved."))
            return redirect(_report_url(kind, institution.id, year))
    picked = ReportPickForm(
        {"report": kind, "institution": institution.id, "year": year},
        institutions=report_institutions_visible_to(request.user),
    )
    picked.is_valid()
    context = {"pick_form": picked, "report": report, "kind": kind, "input_form": form}
    return render(request, "reports/annual.html", context, status=400)


@staff_view
def figure_records(request, kind: str, institution_id: int, year: int, key: str):
    institution = _resolve(request, kind, institution_id, year)
    report = _compute(kind, institution, year)
    try:
        figure = report[key]
    except KeyError:
        raise Http404 from None
    if not figure.has_records:
        raise Http404
    headers, rows, total = drilldown(figure.records)
    return render(
        request,
        "reports/figure_records.html",
        {
            "report": report,
            "figure": figure,
            "headers": headers,
            "rows": rows,
            "total": total,
            "back_url": _report_url(kind, institution.id, year),
        },
    )


@staff_view
def export(request, kind: str, institution_id: int, year: int, fmt: str):
    institution = _resolve(request, kind, institution_id, year)
    if fmt not in EXPORT_FORMATS or (fmt == "pdf" and kind != ReportKind.CHINA_ANNUAL):
        raise Http404
    report = _compute(kind, institution, year)
    if fmt == "pdf":
        response = HttpResponse(china_report_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(report_workbook(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, report_filename(report, fmt)
    )
    return response
