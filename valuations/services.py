"""Writes to valuations. The API, the admin and the Celery task call these.

``valuation_run`` validates the inputs, snapshots whatever they take from
the database (recorded comparable deals, the cost ledger), stores a queued
valuation and runs it: at once when it is quick, in a Celery task when it
is a large simulation. ``valuation_execute`` does the run and is
idempotent, because a broker may deliver the task twice.
"""

import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from achievements.models import IpCost
from core.events import publish
from projects.models import ResearchProject
from projects.selectors import cost_entries_visible_to

from .choices import ValuationMethod, ValuationStatus
from .engine import ENGINE_VERSION, EngineInputError
from .errors import ValuationInputError
from .events import ValuationFinished
from .inputs import SolveInputSerializer, inputs_validate
from .methods import run_method, solve_results
from .models import Valuation
from .selectors import comparable_deals_visible_to, ip_costs_for, probability_to_market_from

logger = logging.getLogger(__name__)

# Simulations with more trials than this run in a Celery task; smaller ones
# finish within the request.
BACKGROUND_TRIALS = 100_000
VALUATION_COMPUTE_TASK = "valuations.tasks.valuation_compute"


def market_inputs_resolve(data: dict, *, user: User) -> dict:
    """Add the recorded comparable deals named by ``comparable_deal_ids``,
    as the user may see them, to the inputs (a snapshot: later edits of a
    deal do not change this valuation)."""
    ids = data.get("comparable_deal_ids") or []
    if not ids:
        return data
    deals = {deal.pk: deal for deal in comparable_deals_visible_to(user).filter(pk__in=ids)}
    errors = {}
    recorded = []
    for index, deal_id in enumerate(ids):
        deal = deals.get(deal_id)
        if deal is None:
            errors[f"comparable_deal_ids.{index}"] = [
                _("No comparable deal %(id)s.") % {"id": deal_id}
            ]
            continue
        if deal.currency != data["currency"]:
            errors[f"comparable_deal_ids.{index}"] = [
                _("Deal %(id)s is in %(currency)s; convert it or value in that currency.")
                % {"id": deal_id, "currency": deal.currency}
            ]
            continue
        probability = probability_to_market_from(deal.stage) if deal.stage_id else None
        if data["subject_probability_of_success"] is not None and not probability:
            errors[f"comparable_deal_ids.{index}"] = [
                _("Deal %(id)s has no stage to adjust from.") % {"id": deal_id}
            ]
            continue
        recorded.append(
            {
                "comparable_deal_id": deal.pk,
                "name": str(deal),
                "value": float(deal.total_value),
                "adjustment": 1.0,
                "probability_of_success": probability,
                "weight": 1.0,
            }
        )
    if errors:
        raise ValuationInputError(errors)
    return {**data, "recorded_comparables": recorded}


def cost_inputs_resolve(
    data: dict, *, project: ResearchProject, by: User | None, today=None
) -> dict:
    """Add the project's cost entries in the valuation's currency that the
    valuer sees, and the IP costs of its achievements (which staff alone
    see), to the inputs, each aged in years from the day it was incurred.
    A partner on a project shared under another enterprise's agreement
    sees none of its costs, so none enter its valuation; a run by no one
    (a system task) reads them all."""
    if not data.get("costs_from_ledger"):
        return data
    today = today or timezone.localdate()
    entries = project.cost_entries.all()
    if by is not None:
        entries = cost_entries_visible_to(by).filter(project=project)
    entries = entries.filter(currency=data["currency"]).order_by("incurred_on", "pk")
    ip_costs = IpCost.objects.filter(achievement__in=project.achievements.values("id"))
    if by is not None:
        ip_costs = ip_costs_for(by, project, data["currency"])
    ip_costs = ip_costs.filter(currency=data["currency"]).select_related("achievement")
    ledger = [
        {
            "amount": float(entry.amount),
            "years_ago": round(max((today - entry.incurred_on).days, 0) / 365.25, 4),
            "label": f"{entry.incurred_on.isoformat()} {entry.description}"[:200],
        }
        for entry in entries
    ] + [
        {
            "amount": float(cost.amount),
            "years_ago": round(max((today - cost.incurred_on).days, 0) / 365.25, 4),
            "label": (
                f"{cost.incurred_on.isoformat()} {cost.achievement.reference} {cost.description}"
            )[:200],
        }
        for cost in ip_costs.order_by("incurred_on", "pk")
    ]
    if not ledger and not data["costs"]:
        raise ValuationInputError(
            {"costs_from_ledger": [_("The project has no cost entries in this currency.")]}
        )
    return {**data, "ledger_costs": ledger}


def simulated_trials(method: str, inputs: dict) -> int:
    """How many trials a run simulates: the simulation's, and the menu's
    for each of its structures."""
    if method != ValuationMethod.RNPV:
        return 0
    simulation, menu = inputs.get("simulation"), inputs.get("menu")
    trials = simulation["trials"] if simulation else 0
    if menu:
        trials += menu["trials"] * len(menu["structures"])
    return trials


def runs_in_background(method: str, inputs: dict) -> bool:
    return simulated_trials(method, inputs) > BACKGROUND_TRIALS


@transaction.atomic
def valuation_run(
    *,
    project: ResearchProject,
    method: str,
    inputs: dict,
    by: User | None,
    scorecard: dict | None = None,
    label: str = "",
) -> Valuation:
    """Value ``project`` by ``method``. Quick valuations come back done (or
    failed); large simulations come back queued and finish in a task."""
    data = inputs_validate(method, inputs)
    if method == ValuationMethod.MARKET_APPROACH:
        data = market_inputs_resolve(data, user=by)
    if method == ValuationMethod.COST_APPROACH:
        data = cost_inputs_resolve(data, project=project, by=by)
    scorecard_inputs = inputs_validate(ValuationMethod.SCORECARD, scorecard) if scorecard else None
    return _valuation_start(
        project=project,
        method=method,
        inputs=data,
        scorecard_inputs=scorecard_inputs,
        label=label,
        by=by,
        rerun_of=None,
    )


@transaction.atomic
def valuation_rerun(*, valuation: Valuation, by: User | None) -> Valuation:
    """Run a valuation again on its stored inputs with the current engine;
    the result is a new valuation that points to the first."""
    return _valuation_start(
        project=valuation.project,
        method=valuation.method,
        inputs=valuation.inputs,
        scorecard_inputs=valuation.scorecard_inputs,
        label=valuation.label,
        by=by,
        rerun_of=valuation,
    )


def _valuation_start(
    *, project, method, inputs, scorecard_inputs, label, by, rerun_of
) -> Valuation:
    valuation = Valuation.objects.create(
        project=project,
        method=method,
        label=label,
        currency=inputs.get("currency") or project.currency,
        inputs=inputs,
        scorecard_inputs=scorecard_inputs,
        engine_version=ENGINE_VERSION,
        created_by=by,
        rerun_of=rerun_of,
    )
    if runs_in_background(method, inputs):
        transaction.on_commit(lambda: _valuation_compute_task().delay(valuation.pk))
        return valuation
    return valuation_execute(valuation_id=valuation.pk)


def _valuation_compute_task():
    # By name from Celery's registry: the task module imports this one.
    return current_app.tasks[VALUATION_COMPUTE_TASK]


def valuation_execute(*, valuation_id: int) -> Valuation:
    """Run a queued valuation and store its results. Running it again, or
    while another run is under way, has the effect of one run: the engine is
    deterministic (simulations are seeded) and only the first run to finish
    writes."""
    now = timezone.now()
    Valuation.objects.filter(pk=valuation_id, status=ValuationStatus.QUEUED).update(
        status=ValuationStatus.RUNNING, started_at=now
    )
    valuation = Valuation.objects.get(pk=valuation_id)
    if valuation.status in (ValuationStatus.DONE, ValuationStatus.FAILED):
        return valuation
    outcome = {"status": ValuationStatus.DONE, "error": ""}
    try:
        outcome["results"] = run_method(valuation.method, valuation.inputs)
        if valuation.scorecard_inputs:
            outcome["scorecard"] = run_method(
                ValuationMethod.SCORECARD, valuation.scorecard_inputs
            )
    except EngineInputError as error:
        outcome = {"status": ValuationStatus.FAILED, "error": f"{error.field}: {error.message}"}
    except Exception:
        logger.exception("Valuation %s failed", valuation_id)
        outcome = {"status": ValuationStatus.FAILED, "error": "The engine failed; see the logs."}
    with transaction.atomic():
        finished = Valuation.objects.filter(
            pk=valuation_id, status__in=[ValuationStatus.QUEUED, ValuationStatus.RUNNING]
        ).update(finished_at=timezone.now(), **outcome)
        valuation = Valuation.objects.get(pk=valuation_id)
        if finished:
            # Only the run that stored the results announces them.
            publish(ValuationFinished(valuation=valuation))
    return valuation


def deal_term_solve(inputs: dict, solve: dict) -> dict:
    """Solve the deal of rNPV ``inputs`` for one term (``solve``: ``for``,
    ``party``, ``target``). Saves nothing. Raises ``ValuationInputError``
    naming bad fields, or ``TargetUnreachable`` with the reachable range."""
    serializer = SolveInputSerializer(data={**inputs, "solve": solve})
    if not serializer.is_valid():
        raise ValuationInputError.from_detail(serializer.errors)
    try:
        return solve_results(serializer.validated_data)
    except EngineInputError as error:
        raise ValuationInputError({error.field: [error.message]}) from error
