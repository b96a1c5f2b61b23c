"""Portfolio pages of the staff UI: start a portfolio run of an institution,
joint centre or enterprise, follow its progress, read its results. Reads go
through the scoping selectors, writes through the services."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from pipelines.choices import SectorCode

from .choices import PortfolioScope, ValuationStatus
from .errors import ValuationInputError
from .portfolio_forms import PortfolioRunForm
from .portfolio_selectors import (
    portfolio_parties_visible_to,
    portfolio_run_list_for,
    portfolio_runs_visible_to,
)
from .portfolio_services import portfolio_run_start

RUNS_PER_PAGE = 25
PENDING = (ValuationStatus.QUEUED, ValuationStatus.RUNNING)
# The histogram's drawing area, in SVG user units.
CHART_WIDTH, CHART_HEIGHT = 600, 160


@login_required
def portfolio_list(request):
    """The portfolio runs the user may see."""
    page = Paginator(portfolio_run_list_for(request.user), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "valuations/portfolio_list.html", {"page": page})


def _party(request, scope, party_id):
    if scope not in PortfolioScope.values or not str(party_id).isdigit():
        raise Http404
    return get_object_or_404(portfolio_parties_visible_to(request.user, scope), pk=party_id)


@login_required
def portfolio_new(request, scope, party_id):
    """The settings of a run of a party's portfolio; running it."""
    party = _party(request, scope, party_id)
    form = PortfolioRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = portfolio_run_start(
                user=request.user,
                scope=scope,
                party_id=party.pk,
                correlation=data["correlation"],
                trials=data["trials"],
                seed=data["seed"],
                currency=data["currency"] or None,
                target=data["target"],
            )
        except ValuationInputError as error:
            for field, messages in error.fields.items():
                form.add_error(field if field in form.fields else None, messages)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect(run)
    return render(
        request,
        "valuations/portfolio_new.html",
        {
            "form": form,
            "party": party,
            "scope": scope,
            "scope_label": PortfolioScope(scope).label,
        },
    )


def _visible_run(request, pk):
    return get_object_or_404(
        portfolio_runs_visible_to(request.user).select_related(
            "institution", "joint_centre", "enterprise", "created_by"
        ),
        pk=pk,
    )


@login_required
def portfolio_detail(request, pk):
    run = _visible_run(request, pk)
    return render(
        request, "valuations/portfolio_detail.html", {"run": run, **portfolio_context(run)}
    )


@login_required
def portfolio_status(request, pk):
    """The progress of a running portfolio, polled by its page; once it has
    finished the page reloads with the results."""
    run = _visible_run(request, pk)
    if run.status not in PENDING and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "valuations/partials/portfolio_status.html", {"run": run})


def portfolio_context(run) -> dict:
    """What the result page draws from the stored results."""
    results = run.results or {}
    if not results:
        return {}
    simulated, exact = results["simulated"], results["exact"]
    histogram = simulated["total_value"]["histogram"]
    counts = _count_rows(simulated["count_distribution"], exact["count_distribution_independent"])
    sectors = dict(SectorCode.choices)
    projects = [
        {**project, "sector_label": sectors.get(project["sector"], project["sector"])}
        for project in sorted(run.inputs["projects"], key=lambda p: -p["rnpv"])
    ]
    return {
        "exact": exact,
        "simulated": simulated,
        "chart": histogram_chart(histogram),
        "counts": counts,
        "projects": projects,
        "not_valued": run.inputs.get("not_valued", []),
        "target_percent": round(float(run.target) * 100),
    }


def _count_rows(simulated, independent) -> list[dict]:
    """The number of products on the market with its share of trials and its
    probability if independent; the counts at either end that neither
    reaches to 0.05 % are left out (a portfolio of 1,000 projects would
    otherwise list a thousand rows of zeros)."""
    size = max(len(simulated), len(independent))
    rows = [
        {"count": k, "simulated": _at(simulated, k), "independent": _at(independent, k)}
        for k in range(size)
    ]
    shown = [i for i, row in enumerate(rows) if max(row["simulated"], row["independent"]) >= 5e-4]
    return rows[shown[0] : shown[-1] + 1] if shown else rows


def _at(values, index):
    return values[index] if index < len(values) else 0.0


def histogram_chart(histogram) -> dict:
    """Bars of the total-value histogram as SVG rectangles, with a zero line
    where zero falls inside the range."""
    edges, counts = histogram["edges"], histogram["counts"]
    tallest = max(counts) or 1
    width = CHART_WIDTH / len(counts)
    bars = []
    for index, count in enumerate(counts):
        height = CHART_HEIGHT * count / tallest
        bars.append(
            {
                "x": round(index * width, 2),
                "y": round(CHART_HEIGHT - height, 2),
                "width": round(max(width - 1, 0.5), 2),
                "height": round(height, 2),
                "low": edges[index],
                "high": edges[index + 1],
                "count": count,
                "loss": edges[index + 1] <= 0,
            }
        )
    low, high = edges[0], edges[-1]
    zero = None
    if low < 0 < high:
        zero = round(CHART_WIDTH * (0 - low) / (high - low), 2)
    return {
        "bars": bars,
        "zero": zero,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "low": low,
        "high": high,
        "label": _("Trials by total value of the portfolio"),
    }
