"""The dashboard and the reports: the portfolio's numbers (DESIGN §6) for
research-centre staff, over the projects and money they may see.

Staff only. ``/`` is everyone's home, so a partner user who lands there is
sent on to the project list, the partner's own start page; the reports and
the dashboard's fragments answer partners 403. A portfolio's analytics are
the research centre's business, not its partners'.
"""

import csv
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import has_full_access, is_centre_staff_user
from core.exchange import reporting_currency
from core.templatetags.biobridge import localized
from partnerships.choices import CooperationMode
from pipelines.choices import SectorCode
from projects import analytics

OVERDUE_SHOWN = 10
CLAIMS_SHOWN = 10
# The dashboard counts its lists up to this many and says "more than" past
# it: at a million projects, counting 130,000 overdue milestones took 300 ms,
# counting up to a thousand takes 7 (docs/benchmarks.md).
COUNT_CAP = 1000
REPORT_YEARS = 5
PAST_QUARTERS = 8
FUTURE_QUARTERS = 8


def _is_staff(user) -> bool:
    return has_full_access(user) or is_centre_staff_user(user)


def staff_only(view):
    """Research-centre staff and superusers; others are refused (403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class AnalyticsFilterForm(forms.Form):
    sector = forms.ChoiceField(
        label=gettext_lazy("Sector"),
        required=False,
        choices=[("", gettext_lazy("All sectors")), *SectorCode.choices],
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Cooperation mode"),
        required=False,
        choices=[("", gettext_lazy("All cooperation modes")), *CooperationMode.choices],
    )

    def values(self) -> dict:
        """The valid filters; an unknown value is dropped, not an error."""
        self.is_valid()
        return {
            name: self.cleaned_data.get(name) or None
            for name in ("sector", "mode")
            if name not in self.errors
        }


def _stage_label(stage, *, with_sector: bool) -> str:
    name = localized(stage)
    if with_sector:
        return f"{localized(stage.pipeline.sector)} · {name}"
    return name


def _funnel_context(user, filters: dict, counts=None) -> dict:
    funnel = analytics.pipeline_funnel(user, **filters, counts=counts)
    with_sector = not filters.get("sector")
    labels = [_stage_label(row.stage, with_sector=with_sector) for row in funnel]
    return {
        "funnel": list(zip(labels, funnel, strict=True)),
        "funnel_chart": {
            "labels": labels,
            "datasets": [
                {"label": _("Active"), "data": [row.active for row in funnel]},
                {"label": _("On hold"), "data": [row.on_hold for row in funnel]},
                {"label": _("Productized"), "data": [row.productized for row in funnel]},
            ],
        },
    }


def _conversion_chart(conversion) -> dict:
    return {
        "labels": [str(n) for n in range(1, conversion.positions + 1)],
        "datasets": [
            {"label": str(mode.label), "data": [share for share in mode.shares]}
            for mode in conversion.modes
        ],
    }


def _quarter_label(quarter) -> str:
    # Translators: a calendar quarter, as in "2026 Q4".
    return _("%(year)d Q%(number)d") % {"year": quarter.year, "number": quarter.number}


def _money_charts(aging, received, royalties, expected) -> dict:
    """Per currency, the quarters from the first received to the last
    expected, with each series where it applies (None elsewhere)."""
    past = [_quarter_label(q) for q in received.quarters]
    future = [_quarter_label(q) for q in expected.quarters]
    labels = past + [label for label in future if label not in past]
    currencies = sorted(
        set(received.currencies) | set(royalties.currencies) | set(expected.currencies)
    )

    def placed(quarter_labels, amounts):
        by_label = dict(zip(quarter_labels, amounts, strict=True))
        return [float(by_label[label]) if label in by_label else None for label in labels]

    money = {
        currency: {
            "labels": labels,
            "datasets": [
                {
                    "label": _("Received"),
                    "data": placed(past, received.amounts.get(currency, [0] * len(past))),
                },
                {
                    "label": _("Royalty income"),
                    "data": placed(past, royalties.amounts.get(currency, [0] * len(past))),
                },
                {
                    "label": _("Expected (probability-weighted, discounted)"),
                    "data": placed(
                        future, expected.present_value.get(currency, [0] * len(future))
                    ),
                },
            ],
        }
        for currency in currencies
    }
    aging_chart = {
        "labels": [str(label) for _key, label in analytics.AGING_BUCKETS],
        "datasets": [
            {
                "label": row.currency,
                "data": [float(row.buckets[key]) for key, _label in analytics.AGING_BUCKETS],
            }
            for row in aging
        ],
    }
    tables = {}
    for currency in currencies:
        rows = {label: {"label": label} for label in labels}
        for quarter_labels, amounts, key in (
            (past, received.amounts.get(currency), "received"),
            (past, royalties.amounts.get(currency), "royalties"),
            (future, expected.weighted.get(currency), "weighted"),
            (future, expected.present_value.get(currency), "present_value"),
        ):
            for label, amount in zip(quarter_labels, amounts or [], strict=False):
                rows[label][key] = amount
        later = expected.later_weighted.get(currency)
        if later:
            rows[_("Later")] = {
                "label": _("Later"),
                "weighted": later,
                "present_value": expected.later_present_value[currency],
            }
        tables[currency] = list(rows.values())
    return {"money_charts": money, "money_tables": tables, "aging_chart": aging_chart}


def _counted_up_to(queryset, name: str) -> dict:
    """``NAME_count``, the rows up to ``COUNT_CAP``, and ``NAME_more``,
    whether there are more than that."""
    counted = queryset.order_by()[: COUNT_CAP + 1].count()
    return {f"{name}_count": min(counted, COUNT_CAP), f"{name}_more": counted > COUNT_CAP}


@login_required
def dashboard(request):
    """The portfolio at a glance: funnel, conversion by cooperation mode,
    money owed, received and expected, and what needs doing."""
    if not _is_staff(request.user):
        return redirect("projects:list")
    user = request.user
    form = AnalyticsFilterForm(request.GET)
    filters = form.values()
    if request.headers.get("HX-Target") == "funnel-card":
        context = {"filter_form": form, **_funnel_context(user, filters)}
        return render(request, "projects/partials/dashboard_funnel.html", context)

    # One scan of the projects serves the funnel and the conversion.
    counts = analytics.portfolio_counts(user)
    context = {"filter_form": form, **_funnel_context(user, filters, counts)}
    today = timezone.localdate()
    conversion = analytics.conversion_by_mode(user, counts=counts)
    aging = analytics.receivables_aging(user, today=today)
    received = analytics.received_per_quarter(user, today=today, quarters=PAST_QUARTERS)
    royalties = analytics.royalty_income_per_quarter(user, today=today, quarters=PAST_QUARTERS)
    expected = analytics.expected_receipts(user, today=today, quarters=FUTURE_QUARTERS)
    overdue = analytics.overdue_milestones(user, today=today)
    overdue_fixed = analytics.overdue_fixed_payments(user, today=today)
    claims = analytics.claims_awaiting_verification(user)
    context.update(
        {
            "today": today,
            "conversion": conversion,
            "conversion_chart": _conversion_chart(conversion),
            "aging": aging,
            "aging_buckets": analytics.AGING_BUCKETS,
            "received": received,
            "royalties": royalties,
            "expected": expected,
            "converted": analytics.money_totals_converted(aging, expected, on=today),
            "discount_percent": expected.annual_rate * 100,
            "overdue": list(overdue[:OVERDUE_SHOWN]),
            **_counted_up_to(overdue, "overdue"),
            "overdue_fixed": list(overdue_fixed[:OVERDUE_SHOWN]),
            **_counted_up_to(overdue_fixed, "overdue_fixed"),
            "claims": list(claims[:CLAIMS_SHOWN]),
            **_counted_up_to(claims, "claims"),
            **_money_charts(aging, received, royalties, expected),
        }
    )
    return render(request, "projects/dashboard.html", context)


@staff_only
def reports(request):
    """Annual tech-transfer metrics and conversion by cooperation mode."""
    form = AnalyticsFilterForm(request.GET)
    sector = form.values().get("sector")
    today = timezone.localdate()
    metrics = analytics.annual_metrics(request.user, today=today, years=REPORT_YEARS)
    currencies = sorted({c for year in metrics for c in year.licensing_income})
    converted = analytics.annual_income_converted(metrics, today=today)
    return render(
        request,
        "projects/reports.html",
        {
            "filter_form": form,
            "sector": sector,
            "metrics": metrics,
            "income_rows": [
                (year, [year.licensing_income.get(c) for c in currencies], total)
                for year, total in zip(metrics, converted, strict=True)
            ],
            "show_converted": any(converted),
            "reporting_currency": reporting_currency(),
            "currencies": currencies,
            "conversion": analytics.conversion_by_mode(request.user, sector=sector),
        },
    )


def _csv_response(filename: str, header: list, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark, so that spreadsheet programs read UTF-8 (Chinese).
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@staff_only
def annual_metrics_csv(request):
    today = timezone.localdate()
    metrics = analytics.annual_metrics(request.user, today=today, years=REPORT_YEARS)
    currencies = sorted({c for year in metrics for c in year.licensing_income})
    header = [
        _("Year"),
        _("Agreements executed"),
        _("Of which licences and assignments"),
        *[_("Licensing income (%(currency)s)") % {"currency": c} for c in currencies],
        _("Start-ups formed"),
        _("Projects productized"),
    ]
    rows = [
        [
            year.year,
            year.agreements_executed,
            year.licences_executed,
            *[year.licensing_income.get(c, 0) for c in currencies],
            year.startups_formed,
            year.projects_productized,
        ]
        for year in metrics
    ]
    return _csv_response("annual-metrics.csv", header, rows)


@staff_only
def conversion_csv(request):
    sector = AnalyticsFilterForm(request.GET).values().get("sector")
    conversion = analytics.conversion_by_mode(request.user, sector=sector)
    header = [
        _("Cooperation mode"),
        _("Stage position"),
        _("Projects"),
        _("Reached"),
        _("Share reached"),
        _("Median years in stage"),
        _("Stays measured"),
        _("Termination rate"),
    ]
    rows = [
        [
            mode.label,
            number,
            mode.projects,
            reached,
            f"{share:.4f}" if share is not None else "",
            f"{median:.2f}" if median is not None else "",
            stays,
            f"{mode.termination_rate:.4f}",
        ]
        for mode in conversion.modes
        for number, reached, share, median, stays in mode.positions
    ]
    return _csv_response("conversion-by-mode.csv", header, rows)
