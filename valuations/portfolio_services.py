"""Writes of portfolio runs. The API, the staff UI and the Celery tasks call
these.

``portfolio_run_start`` gathers the party's projects the user sees, takes
each one's latest rNPV valuation, converts it into the portfolio's currency,
snapshots the lot and splits the simulation into chunks: small runs compute
them within the request, large ones queue one task per chunk. Each chunk is
computed by ``portfolio_chunk_execute``, on any worker, in any order; the
last one stored merges them all. Redelivered chunks change nothing.
"""

import logging
import math
import secrets

from celery import current_app, group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from core.exchange import rate_for, reporting_currency
from core.money import Currency

from .choices import PortfolioScope, ValuationStatus
from .engine import ENGINE_VERSION, EngineInputError
from .engine.montecarlo import MAX_TRIALS
from .engine.portfolio import (
    ChunkResult,
    PortfolioModel,
    PortfolioProject,
    chunk_bounds,
    exact_figures,
    merge_chunks,
    project_from_asset,
    simulate_chunk,
)
from .errors import ValuationInputError
from .methods import build_asset
from .models import PortfolioRun, PortfolioRunChunk
from .portfolio_selectors import (
    latest_rnpv_valuations,
    portfolio_parties_visible_to,
    portfolio_projects_for,
)

logger = logging.getLogger(__name__)

PORTFOLIO_CHUNK_TASK = "valuations.tasks.portfolio_chunk_compute"
# Trials per chunk: one task's share of a run. 20,480 trials of 1,000
# projects take about half a second and 200 kB of results.
CHUNK_TRIALS = 20_480
# Runs with at most this many project-trials finish within the request.
INLINE_WORK = 5_000_000
DEFAULT_TRIALS = 100_000


def _field_error(field: str, message: str, code: str) -> ValuationInputError:
    return ValuationInputError({field: [message]}, code=code)


def _check_settings(correlation, trials, seed, target, currency) -> None:
    if (
        not (isinstance(correlation, (int, float)) and math.isfinite(correlation))
        or not 0 <= correlation < 1
    ):
        raise _field_error("correlation", _("A correlation lies in [0, 1)."), "invalid")
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise _field_error(
            "trials", _("Between 1 and %(max)s trials.") % {"max": f"{MAX_TRIALS:,}"}, "invalid"
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise _field_error("seed", _("A seed is a whole number, zero or more."), "invalid")
    if not 0 < target < 1:
        raise _field_error("target", _("A target probability lies in (0, 1)."), "invalid")
    if currency is not None and currency not in Currency.values:
        raise _field_error("currency", _("Unknown currency."), "invalid_choice")


def portfolio_snapshot(*, user: User, scope: str, party, currency: str | None, today=None):
    """The projects of the portfolio as its run keeps them: each valued
    project's outcomes and yearly spend in ``currency`` (by default the
    one currency all valuations share, else the reporting currency), and
    the projects without a finished rNPV valuation. A valuation in a
    currency with no rate into it is refused, naming the projects."""
    today = today or timezone.localdate()
    projects = list(portfolio_projects_for(user, scope, party))
    valuations = latest_rnpv_valuations(user, projects)
    if currency is None:
        currencies = {valuation.currency for valuation in valuations.values()}
        currency = currencies.pop() if len(currencies) == 1 else reporting_currency()
    valued, not_valued, missing = [], [], {}
    cache: dict = {}
    for project in projects:
        valuation = valuations.get(project.pk)
        if valuation is None:
            not_valued.append({"project_id": project.pk, "code": project.code})
            continue
        rate = rate_for(valuation.currency, currency, today, cache)
        if rate is None:
            missing.setdefault(valuation.currency, []).append(project.code)
            continue
        try:
            asset = build_asset(valuation.inputs)
        except (EngineInputError, KeyError, TypeError, ValueError):
            # Inputs stored by an older engine that this one cannot read:
            # the project is left out like one never valued.
            logger.warning("Valuation %s cannot be read for a portfolio", valuation.pk)
            not_valued.append({"project_id": project.pk, "code": project.code})
            continue
        entry = project_from_asset(
            project.code, project.sector.code, asset, scale=float(rate.per_unit)
        )
        valued.append(
            {
                "project_id": project.pk,
                "code": project.code,
                "title": project.title,
                "title_zh": project.title_zh,
                "sector": entry.sector,
                "valuation_id": valuation.pk,
                "valuation_currency": valuation.currency,
                "rate": str(rate.per_unit),
                "rate_valid_on": rate.valid_on.isoformat() if rate.rates else None,
                "rnpv": entry.rnpv,
                "market_probability": entry.market_probability,
                "outcome_probabilities": list(entry.outcome_probabilities),
                "outcome_values": list(entry.outcome_values),
                "spend": list(entry.spend),
                "spend_probability": list(entry.spend_probability),
            }
        )
    if missing:
        raise _field_error(
            "currency",
            _(
                "No exchange rate into %(currency)s on or before %(date)s for %(pairs)s. "
                "Record the rates, or choose another currency."
            )
            % {
                "currency": currency,
                "date": today.isoformat(),
                "pairs": "; ".join(
                    f"{source} ({', '.join(codes)})" for source, codes in sorted(missing.items())
                ),
            },
            "exchange_rate_missing",
        )
    if not valued:
        raise _field_error(
            "id",
            _("None of the portfolio's projects has a finished rNPV valuation."),
            "no_valued_projects",
        )
    return currency, {"projects": valued, "not_valued": not_valued, "on": today.isoformat()}


def engine_projects(inputs: dict) -> list[PortfolioProject]:
    return [
        PortfolioProject(
            key=entry["code"],
            sector=entry["sector"],
            outcome_probabilities=tuple(entry["outcome_probabilities"]),
            outcome_values=tuple(entry["outcome_values"]),
            spend=tuple(entry["spend"]),
            spend_probability=tuple(entry["spend_probability"]),
        )
        for entry in inputs["projects"]
    ]


def portfolio_run_start(
    *,
    user: User,
    scope: str,
    party_id: int,
    correlation: float = 0.0,
    trials: int = DEFAULT_TRIALS,
    seed: int | None = None,
    currency: str | None = None,
    target: float = 0.9,
) -> PortfolioRun:
    """Value the portfolio of an institution, joint centre or enterprise the
    user sees (another party's answers ``not_found``). Small runs come back
    done; large ones queued, with one task per chunk."""
    if scope not in PortfolioScope.values:
        raise _field_error("scope", _("Unknown scope."), "invalid_choice")
    _check_settings(correlation, trials, seed, target, currency)
    # Stored to four places, and simulated as stored: check what is kept.
    correlation, target = round(correlation, 4), round(target, 4)
    _check_settings(correlation, trials, seed, target, currency)
    party = portfolio_parties_visible_to(user, scope).filter(pk=party_id).first()
    if party is None:
        raise DomainError(_("No such party among those you may see."), code="not_found")
    currency, inputs = portfolio_snapshot(user=user, scope=scope, party=party, currency=currency)
    bounds = chunk_bounds(trials, math.ceil(trials / CHUNK_TRIALS))
    with transaction.atomic():
        run = PortfolioRun.objects.create(
            scope=scope,
            **{scope: party},
            currency=currency,
            correlation=correlation,
            target=target,
            trials=trials,
            seed=secrets.randbits(32) if seed is None else seed,
            chunks_total=len(bounds),
            inputs={**inputs, "chunks": [list(b) for b in bounds]},
            engine_version=ENGINE_VERSION,
            created_by=user,
        )
        if len(inputs["projects"]) * trials > INLINE_WORK:
            signatures = [
                current_app.signature(PORTFOLIO_CHUNK_TASK, args=(run.pk, index))
                for index in range(len(bounds))
            ]
            transaction.on_commit(lambda: group(signatures).apply_async())
            return run
    for index in range(len(bounds)):
        portfolio_chunk_execute(run_id=run.pk, index=index)
    run.refresh_from_db()
    return run


def portfolio_chunk_execute(*, run_id: int, index: int) -> PortfolioRun:
    """Compute chunk ``index`` of a run and store it; the chunk that
    completes the run merges all of them. Idempotent: a chunk stored
    already, or a run finished, is left as it is."""
    now = timezone.now()
    PortfolioRun.objects.filter(pk=run_id, status=ValuationStatus.QUEUED).update(
        status=ValuationStatus.RUNNING, started_at=now
    )
    run = PortfolioRun.objects.get(pk=run_id)
    if run.status in (ValuationStatus.DONE, ValuationStatus.FAILED):
        return run
    if PortfolioRunChunk.objects.filter(run_id=run_id, index=index).exists():
        return run
    start, stop = run.inputs["chunks"][index]
    try:
        model = PortfolioModel(engine_projects(run.inputs), float(run.correlation))
        chunk = simulate_chunk(model, run.seed, start, stop)
    except Exception as error:
        logger.exception("Portfolio run %s, chunk %s failed", run_id, index)
        message = (
            f"{error.field}: {error.message}"
            if isinstance(error, EngineInputError)
            else _("The engine failed; see the logs.")
        )
        PortfolioRun.objects.filter(
            pk=run_id, status__in=[ValuationStatus.QUEUED, ValuationStatus.RUNNING]
        ).update(status=ValuationStatus.FAILED, error=message, finished_at=timezone.now())
        return PortfolioRun.objects.get(pk=run_id)
    totals, counts = chunk.to_bytes()
    try:
        with transaction.atomic():
            # Lock the run: two chunks finishing together must not both
            # count themselves against the same total, nor both merge.
            run = PortfolioRun.objects.select_for_update().get(pk=run_id)
            if run.status != ValuationStatus.RUNNING or run.chunks.filter(index=index).exists():
                return run
            PortfolioRunChunk.objects.create(
                run=run, index=index, start=start, stop=stop, totals=totals, counts=counts
            )
            # Counted, not incremented: the stored rows are the truth.
            run.chunks_done = run.chunks.count()
            fields = ["chunks_done"]
            if run.chunks_done == run.chunks_total:
                try:
                    run.results = _merged_results(run)
                except Exception:
                    # Retrying would fail the same way: the chunks are
                    # deterministic. Say so on the run.
                    logger.exception("Portfolio run %s failed to merge", run_id)
                    run.status, run.error = (
                        ValuationStatus.FAILED,
                        _("The engine failed; see the logs."),
                    )
                else:
                    run.status = ValuationStatus.DONE
                run.finished_at = timezone.now()
                fields += ["results", "status", "error", "finished_at"]
            run.save(update_fields=fields)
            if run.status != ValuationStatus.RUNNING:
                # The trials are in the results now (or never will be); a
                # late redelivery finds the run finished and stores nothing.
                run.chunks.all().delete()
    except IntegrityError:
        # The same chunk, delivered twice, was stored by the other delivery.
        pass
    return PortfolioRun.objects.get(pk=run_id)


def portfolio_chunks_missing(run: PortfolioRun) -> list[int]:
    """The chunks of an unfinished run not stored yet."""
    stored = set(run.chunks.values_list("index", flat=True))
    return [index for index in range(run.chunks_total) if index not in stored]


def _merged_results(run: PortfolioRun) -> dict:
    chunks = [
        ChunkResult.from_bytes(c.start, c.stop, bytes(c.totals), bytes(c.counts))
        for c in run.chunks.all()
    ]
    projects = engine_projects(run.inputs)
    correlation = float(run.correlation)
    simulated = merge_chunks(chunks, trials=run.trials, seed=run.seed, correlation=correlation)
    exact = exact_figures(projects, correlation, float(run.target))
    # Year 1 of every valuation is taken as the year the run was made.
    year_one = timezone.localtime(run.created_at).year
    for row in exact.cash_by_year:
        row["calendar_year"] = year_one + row["year"] - 1
    return {"exact": exact.to_dict(), "simulated": simulated.to_dict()}
