"""The valuation workspace of the staff UI: value a project by rNPV, read
the results, re-run. Reads go through the scoping selectors, writes through
the services, validation through the API's input serializers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.selectors import project_text_matches, projects_visible_to

from .choices import (
    INFEASIBLE_STRUCTURE_REASONS,
    MENU_STRUCTURE_LABELS,
    ValuationMethod,
    ValuationStatus,
)
from .errors import TargetUnreachable, ValuationInputError
from .forms import RnpvWorkspace, SolveForm
from .selectors import (
    deal_defaults_for,
    valuation_defaults_for,
    valuation_list_for,
    valuations_visible_to,
)
from .services import BACKGROUND_TRIALS, deal_term_solve, valuation_rerun, valuation_run

VALUATIONS_PER_PAGE = 25
PROJECTS_SHOWN = 20
PENDING = (ValuationStatus.QUEUED, ValuationStatus.RUNNING)


@login_required
def workspace(request):
    """Recent valuations the user may see, and a project to value."""
    valuations = valuation_list_for(request.user)
    page = Paginator(valuations, VALUATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.get("q", "").strip()
    projects = projects_visible_to(request.user).select_related("current_stage")
    if query:
        projects = projects.filter(project_text_matches(query))
    projects = projects.order_by("-updated_at", "code")[:PROJECTS_SHOWN]
    return render(
        request,
        "valuations/workspace.html",
        {"page": page, "projects": projects, "query": query},
    )


@login_required
def valuation_new(request, code):
    """Build an rNPV of a project from its pipeline, edit it, run it."""
    project = get_object_or_404(
        projects_visible_to(request.user).select_related(
            "current_stage__pipeline__sector", "agreement"
        ),
        code=code,
    )
    defaults = valuation_defaults_for(
        request.user,
        project,
        loss_of_exclusivity_year=_year(request.GET.get("loss_of_exclusivity_year")),
    )
    inputs, label = defaults["rnpv"], ""
    deal, deal_notes = deal_defaults_for(project, inputs)
    if deal:
        inputs = {**inputs, "deal": deal}
    source = None
    if request.GET.get("from", "").isdigit():
        # Start from an earlier valuation's inputs: a valuation never
        # changes, so editing one means running a new one.
        source = get_object_or_404(
            valuations_visible_to(request.user),
            pk=request.GET["from"],
            project=project,
            method=ValuationMethod.RNPV,
        )
        inputs, label, deal, deal_notes = source.inputs, source.label, None, []
    if request.method == "POST":
        workspace = RnpvWorkspace(request.POST)
        if workspace.is_valid():
            try:
                valuation = valuation_run(
                    project=project,
                    method=ValuationMethod.RNPV,
                    inputs=workspace.inputs(),
                    by=request.user,
                    label=workspace.label,
                )
            except ValuationInputError as error:
                workspace.add_input_errors(error.fields)
            else:
                # A quick run has finished by now, and so has a large one when
                # tasks run eagerly: say "in the background" only if it is.
                valuation.refresh_from_db(fields=["status"])
                if valuation.status in PENDING:
                    messages.info(request, _("The simulation runs in the background."))
                return redirect("valuations:detail", pk=valuation.pk)
    else:
        workspace = RnpvWorkspace(inputs=inputs, label=label)
    return render(
        request,
        "valuations/new.html",
        {
            "project": project,
            "workspace": workspace,
            "sources": defaults["sources"],
            # The exclusivity note is shown beside the years at peak.
            "notes": [
                note
                for note in [*defaults["notes"], *deal_notes]
                if not defaults["exclusivity"] or note != defaults["exclusivity"]["text"]
            ],
            "conversions": [] if source else defaults["conversions"],
            "warnings": [] if source else defaults["warnings"],
            "has_agreement_terms": bool(deal),
            "exclusivity": None if source else defaults["exclusivity"],
            "source_valuation": source,
            "background_trials": BACKGROUND_TRIALS,
        },
    )


def _year(value) -> int | None:
    """A year from the address, or None for anything else."""
    if value and value.isdigit() and 1900 <= int(value) <= 2200:
        return int(value)
    return None


def _visible_valuation(request, pk):
    return get_object_or_404(
        valuations_visible_to(request.user).select_related("project", "created_by", "rerun_of"),
        pk=pk,
    )


@login_required
def valuation_detail(request, pk):
    valuation = _visible_valuation(request, pk)
    return render(
        request, "valuations/detail.html", {"valuation": valuation, **_result_context(valuation)}
    )


@login_required
def valuation_status(request, pk):
    """The progress of a queued or running valuation, polled by the result
    page; once it has finished the page reloads to show the results."""
    valuation = _visible_valuation(request, pk)
    if valuation.status not in PENDING and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "valuations/partials/status.html", {"valuation": valuation})


@login_required
@require_POST
def valuation_rerun_view(request, pk):
    valuation = _visible_valuation(request, pk)
    rerun = valuation_rerun(valuation=valuation, by=request.user)
    messages.success(request, _("Re-run as valuation #%(id)s.") % {"id": rerun.pk})
    return redirect("valuations:detail", pk=rerun.pk)


@login_required
@require_POST
def valuation_solve(request, pk):
    """Solve the valuation's deal for one term, for the calculator of the
    result page; nothing is saved."""
    valuation = _visible_valuation(request, pk)
    form = SolveForm(request.POST)
    solution = error = None
    if form.is_valid() and valuation.inputs.get("deal"):
        try:
            solution = deal_term_solve(valuation.inputs, form.solve())
        except TargetUnreachable as refused:
            error = refused.message
        except ValuationInputError as refused:
            error = "; ".join(
                message for messages in refused.fields.values() for message in messages
            )
    return render(
        request,
        "valuations/partials/solve_result.html",
        {"valuation": valuation, "form": form, "solution": solution, "error": error},
    )


def decision_tree(flexibility: dict) -> dict:
    """Where the decision tree's nodes and branches go: today, the gate
    (fail or pass), the scenarios revealed, each one's decision."""
    scenarios = flexibility["scenarios"]
    row, top = 56, 70
    height = top + row * len(scenarios) + 10
    chance_y = top + row * (len(scenarios) - 1) // 2
    root_y = (30 + chance_y) // 2
    return {
        "width": 720,
        "height": height,
        "root": {"x": 24, "y": root_y},
        "fail": {"x": 200, "y": 30},
        "chance": {"x": 200, "y": chance_y},
        "scenarios": [
            {
                **scenario,
                "y": top + row * index,
                "decision_x": 420,
            }
            for index, scenario in enumerate(scenarios)
        ],
    }


def risk_chart(structures: list[dict]) -> dict | None:
    """Each party's P5-P95 range and mean in each feasible structure, on
    one scale: the risk each carries across the menu."""
    feasible = [s for s in structures if s["feasible"]]
    if not feasible:
        return None
    values = [0.0]
    for structure in feasible:
        for party in ("licensor", "licensee"):
            figures = structure[party]["exact"]
            values += [figures["p5"], figures["p95"], figures["mean"]]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    left, width = 150, 540

    def x(value):
        return round(left + (value - low) / span * width, 1)

    rows = []
    for index, structure in enumerate(feasible):
        bars = []
        for offset, party in ((0, "licensor"), (14, "licensee")):
            figures = structure[party]["exact"]
            bars.append(
                {
                    "party": party,
                    "y": 30 + index * 40 + offset,
                    "x1": x(figures["p5"]),
                    "x2": x(figures["p95"]),
                    "mean": x(figures["mean"]),
                }
            )
        rows.append({"label": structure["label"], "y": 30 + index * 40 + 7, "bars": bars})
    return {
        "width": left + width + 20,
        "height": 30 + len(feasible) * 40 + 20,
        "zero": x(0.0),
        "low": low,
        "high": high,
        "left": left,
        "right": left + width,
        "rows": rows,
    }


def _menu_context(menu: dict) -> dict:
    structures = [
        {
            **structure,
            "label": MENU_STRUCTURE_LABELS.get(structure["key"], structure["key"]),
            "reason_text": INFEASIBLE_STRUCTURE_REASONS.get(structure["reason"], ""),
            "milestones_total": sum(
                m["amount"] for m in (structure["deal"] or {}).get("milestones", [])
            ),
        }
        for structure in menu["structures"]
    ]
    return {"menu": {**menu, "structures": structures}, "risk_chart": risk_chart(structures)}


def _result_context(valuation) -> dict:
    """What the result page shows beyond the stored results: the deal
    structures side by side, and the chart data."""
    results = valuation.results or {}
    if valuation.method != ValuationMethod.RNPV or not results:
        return {"results": results}
    context = {"results": results, "chart": cash_flow_chart(results)}
    deal = results.get("deal")
    if deal:
        lump_sum = deal["lump_sum_equivalent"]
        # A negative price is the licensor paying: say what that means.
        context["lump_sum_negative"] = lump_sum < 0
        context["lump_sum_magnitude"] = abs(lump_sum)
    risk = results.get("risk")
    if risk:
        lump_sum = results["deal"]["lump_sum_equivalent"]
        context["structures"] = [
            {
                "party": _("Licensor (institution)"),
                "lump_sum": {
                    "mean": lump_sum,
                    "sd": 0.0,
                    "probability_of_loss": float(lump_sum < 0),
                },
                "structure": risk["licensor"],
            },
            {
                "party": _("Licensee (enterprise)"),
                "lump_sum": risk["licensee_lump_sum"],
                "structure": risk["licensee"],
            },
        ]
    if results.get("flexibility"):
        context["tree"] = decision_tree(results["flexibility"])
    if results.get("menu"):
        context.update(_menu_context(results["menu"]))
    if deal:
        context["solve_form"] = SolveForm()
    simulation = results.get("simulation")
    if simulation:
        parties = [(_("Project"), simulation)]
        for key, name in (("licensor", _("Licensor")), ("licensee", _("Licensee"))):
            if simulation.get(key):
                parties.append((name, simulation[key]))
        context["simulated"] = [{"name": name, **stats} for name, stats in parties]
        context["histogram"] = _histogram_rows(simulation["histogram"])
        context["chart"]["histogram"] = simulation["histogram"]
    return context


def cash_flow_chart(results: dict) -> dict:
    """The data of the cash-flow chart that js/valuations.js draws."""
    years = results.get("years", [])
    return {
        "years": [row["year"] for row in years],
        "cash_flow": [row["cash_flow"] for row in years],
        "risk_adjusted_present_value": [row["risk_adjusted_present_value"] for row in years],
        "labels": {
            "cash_flow": _("Cash flow"),
            "risk_adjusted": _("Risk-adjusted present value"),
            "year": _("Year"),
            "trials": _("Trials"),
            "present_value": _("Present value"),
        },
    }


def _histogram_rows(histogram) -> list[dict]:
    edges, counts = histogram["edges"], histogram["counts"]
    total = sum(counts) or 1
    return [
        {
            "low": edges[index],
            "high": edges[index + 1],
            "count": count,
            "share": count / total,
        }
        for index, count in enumerate(counts)
    ]
