"""Royalty reports in the partner portal: what the enterprise has reported,
where the year stands against the minimum annual royalty, which reports are
due, and reporting a period's net sales in two steps — the figures, then a
preview of the royalty they owe — before the report is submitted.

Only the agreements of the partner's own enterprise are offered; another
enterprise's agreement or report answers 404.
"""

from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from core.i18n import display_date
from core.templatetags.biobridge import money
from partnerships.computations.reporting import next_period_to_report
from partnerships.selectors import agreements_visible_to
from portal.access import partner_view
from portal.forms import RoyaltyFiguresForm, SalesLineFormSet, sales_lines
from portal.views.milestones import not_a_read
from projects import services
from projects.choices import RoyaltyReportKind, RoyaltyReportStatus
from projects.models import Payment
from projects.selectors import (
    billed_with_amount_paid,
    projects_visible_to,
    royalty_reports_due_for,
    royalty_reports_visible_to,
)
from projects.services.royalties import royalty_preview_breakdown

# --- Reading ---------------------------------------------------------------------------


def _royalty_agreements(user):
    """Signed agreements of the partner's enterprise that carry royalties."""
    return (
        agreements_visible_to(user)
        .filter(
            Q(royalty_tiers__isnull=False) | Q(sublicense_income_share__gt=0),
            partnership__enterprise_id=user.enterprise_id,
            status="signed",
        )
        .distinct()
        .order_by("reference")
    )


def _enterprise_reports(user):
    agreements = agreements_visible_to(user).filter(partnership__enterprise_id=user.enterprise_id)
    return royalty_reports_visible_to(user).filter(agreement__in=agreements.values("id"))


def _year_positions(agreement, reports, today) -> list[dict]:
    """The royalties of this year and, while it has reports, last year,
    against the minimum annual royalty."""
    minimum = agreement.minimum_annual_royalty
    positions = []
    for year in (today.year - 1, today.year):
        of_year = [report for report in reports if report.period_start.year == year]
        if year < today.year and not of_year:
            continue
        royalties = sum((report.royalty_due for report in of_year), Decimal(0))
        positions.append(
            {
                "year": year,
                "royalties": royalties,
                "minimum": minimum,
                "shortfall": max(Decimal(0), minimum - royalties) if minimum else Decimal(0),
                "trued_up": any(r.kind == RoyaltyReportKind.MINIMUM_TRUE_UP for r in of_year),
                "ended": year < today.year,
            }
        )
    return positions


@partner_view
@require_GET
def royalty_report_list(request):
    today = timezone.localdate()
    agreements = list(_royalty_agreements(request.user))
    reports = list(
        _enterprise_reports(request.user)
        .select_related("invoice")
        .order_by("-period_start", "-id")
    )
    # The same rule as the overview and the daily reminders.
    due = {
        entry["agreement"].pk: entry
        for entry in royalty_reports_due_for(request.user, today=today)
    }
    summaries = []
    for agreement in agreements:
        own = [report for report in reports if report.agreement_id == agreement.pk]
        summaries.append(
            {
                "agreement": agreement,
                "years": _year_positions(agreement, own, today),
                "due": due.get(agreement.pk),
                "queried": [r for r in own if r.status == RoyaltyReportStatus.QUERIED],
            }
        )
    return render(
        request,
        "portal/royalty_report_list.html",
        {"summaries": summaries, "reports": reports},
    )


def _report(request, report_pk):
    reports = (
        billed_with_amount_paid(_enterprise_reports(request.user), amount="royalty_due")
        .select_related("invoice", "submitted_by")
        .prefetch_related(
            "lines",
            Prefetch("invoice__payments", queryset=Payment.objects.order_by("paid_on", "id")),
        )
    )
    return get_object_or_404(reports, pk=report_pk)


@partner_view
def royalty_report_detail(request, report_pk):
    report = _report(request, report_pk)
    if refused := not_a_read(request):
        return refused
    invoice = getattr(report, "invoice", None)
    payments = list(invoice.payments.all()) if invoice else []
    return render(
        request,
        "portal/royalty_report_detail.html",
        {
            "report": report,
            "agreement": report.agreement,
            "invoice": invoice,
            "payments": payments,
            "paid_total": report.amount_paid,
            "outstanding": invoice.amount - report.amount_paid if invoice else None,
        },
    )


# --- Reporting sales: figures, preview, submit --------------------------------------


class _DryRun(Exception):
    """Raised to roll back a trial submission."""


def _check_with_service(service, **kwargs):
    """Run the submission and roll it back: the preview is refused on
    exactly the rules the submission is, without repeating them here."""
    try:
        with transaction.atomic():
            service(**kwargs)
            raise _DryRun
    except _DryRun:
        pass


def _figures(form, formset):
    """The service's keyword arguments from valid forms."""
    data = form.cleaned_data
    kwargs = {"sublicense_income": data.get("sublicense_income") or Decimal(0)}
    if formset is not None:
        kwargs["lines"] = sales_lines(formset)
        kwargs["net_sales"] = sum((line.net_sales for line in kwargs["lines"]), Decimal(0))
    else:
        kwargs["net_sales"] = data["net_sales"]
    if data.get("note"):
        kwargs["note"] = data["note"]
    return kwargs


def _report_sales(request, *, agreement, report=None):
    """The two steps of reporting (or correcting) a period's sales.

    ``step`` in the POST says what the partner pressed: ``preview`` (the
    figures are checked and the royalty shown), ``change`` (back to the
    figures, as typed) or ``confirm`` (submit)."""
    breakdown = agreement.sales_breakdown_required
    fixed_period = (report.period_start, report.period_end) if report is not None else None
    projects = None
    if report is None:
        projects = projects_visible_to(request.user).filter(agreement=agreement).order_by("code")
    form_kwargs = {
        "agreement": agreement,
        "projects": projects,
        "breakdown": breakdown,
        "fixed_period": fixed_period,
    }
    data = request.POST if request.method == "POST" else None
    initial = _initial(request.user, agreement, report)
    form = RoyaltyFiguresForm(data, initial=initial, **form_kwargs)
    formset = None
    if breakdown:
        initial_lines = (
            [
                {"product": line.product, "territory": line.territory, "net_sales": line.net_sales}
                for line in report.lines.all()
            ]
            if report is not None
            else None
        )
        formset = SalesLineFormSet(data, initial=initial_lines, prefix="lines")
    context = {
        "agreement": agreement,
        "report": report,
        "form": form,
        "formset": formset,
        "breakdown": breakdown,
        "fixed_period": fixed_period,
        # Every period that has ended is reported: the one offered is the
        # next, which can be reported once it is over.
        "next_period_open": (report is None and initial["period_end"] >= timezone.localdate()),
        "next_period_end": initial.get("period_end"),
    }
    step = request.POST.get("step") if data is not None else None
    valid = data is not None and form.is_valid() and (formset is None or formset.is_valid())
    if not valid or step not in ("preview", "confirm"):
        status = 400 if data is not None and step in ("preview", "confirm") else 200
        return render(request, "portal/royalty_report_form.html", context, status=status)

    figures = _figures(form, formset)
    period = form.period()
    if report is None:
        service = services.royalty_report_submit
        kwargs = {
            "agreement": agreement,
            "by": request.user,
            "period_start": period[0],
            "period_end": period[1],
            "project": form.cleaned_data.get("project"),
            **figures,
        }
    else:
        service = services.royalty_report_resubmit
        kwargs = {"report": report, "by": request.user, **figures}
    try:
        if step == "preview":
            _check_with_service(service, **kwargs)
        else:
            submitted = service(**kwargs)
    except DomainError as error:
        if error.field == "lines" and formset is not None:
            context["lines_error"] = error.message
        else:
            form.add_domain_error(error)
        return render(request, "portal/royalty_report_form.html", context, status=400)
    if step == "preview":
        context.update(
            royalty_preview_breakdown(
                agreement=agreement,
                period_start=period[0],
                net_sales=figures["net_sales"],
                sublicense_income=figures["sublicense_income"],
                corrected_report=report,
            )
        )
        context["period"] = period
        context["lines"] = figures.get("lines", [])
        return render(request, "portal/royalty_report_preview.html", context)
    messages.success(
        request,
        _("Royalty report for %(start)s – %(end)s submitted: royalty %(royalty)s.")
        % {
            "start": display_date(submitted.period_start),
            "end": display_date(submitted.period_end),
            "royalty": money(submitted.royalty_due, submitted.currency),
        },
    )
    return redirect("portal:royalty_report_detail", report_pk=submitted.pk)


def _initial(user, agreement, report):
    if report is not None:
        return {
            "net_sales": report.net_sales,
            "sublicense_income": report.sublicense_income,
            "note": report.note,
        }
    # Offer the next period not yet reported, never one a report covers
    # (which the submission would refuse).
    reported = (
        royalty_reports_visible_to(user)
        .filter(agreement=agreement, kind=RoyaltyReportKind.SALES)
        .values_list("period_start", "period_end")
    )
    start, end = next_period_to_report(
        agreement.royalty_reporting, list(reported), timezone.localdate()
    )
    return {"period_start": start, "period_end": end}


@partner_view
@require_http_methods(["GET", "POST"])
def royalty_report_new(request):
    """Report a period's sales under ``?agreement=<reference>``; without
    one, choose the agreement."""
    agreements = _royalty_agreements(request.user)
    reference = request.GET.get("agreement")
    if not reference:
        choices = list(agreements)
        if len(choices) == 1:
            return redirect(f"{request.path}?agreement={choices[0].reference}")
        return render(request, "portal/royalty_report_choose.html", {"agreements": choices})
    agreement = get_object_or_404(
        agreements.prefetch_related("royalty_tiers"), reference=reference
    )
    return _report_sales(request, agreement=agreement)


@partner_view
@require_http_methods(["GET", "POST"])
def royalty_report_resubmit(request, report_pk):
    """Correct a report the licensor queried, and submit it again."""
    report = _report(request, report_pk)
    if report.status != RoyaltyReportStatus.QUERIED:
        messages.info(request, _("Only a queried report is corrected and resubmitted."))
        return redirect("portal:royalty_report_detail", report_pk=report.pk)
    return _report_sales(request, agreement=report.agreement, report=report)
