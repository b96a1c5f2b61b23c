"""Scoping selectors: the only way user-facing code reads valuations.

A valuation is visible to a user who sees its project (through
``projects_visible_to``) and is on the side that made it: research-centre
staff see the valuations made by staff, a partner user those made by users
of its own enterprise. A valuation is a negotiating position, so neither
side sees the other's. Superusers see everything.
"""

import math
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.selectors import has_full_access, is_centre_staff_user, is_partner_user
from achievements.models import PatentFamily
from achievements.selectors import ip_costs_visible_to, patent_families_visible_to
from core.exchange import convert, rate_for
from core.i18n import display_date, localized_name
from core.money import MINOR_UNITS
from pipelines.choices import SectorCode
from pipelines.models import StageDefinition
from projects.models import ResearchProject
from projects.selectors import cost_entries_visible_to, projects_visible_to

from .choices import ClinicalPhase, ValuationStatus
from .models import ComparableDeal, ReferenceSuccessRate, Valuation

DEFAULT_DISCOUNT_RATE = 0.10
DEFAULT_RAMP = [0.15, 0.35, 0.60, 0.85]
DEFAULT_PLATEAU_YEARS = 6
DEFAULT_EROSION = [0.40, 0.20, 0.10]


def valuations_visible_to(user) -> QuerySet[Valuation]:
    valuations = Valuation.objects.all()
    if has_full_access(user):
        return valuations
    visible_projects = projects_visible_to(user).values("id")
    if is_centre_staff_user(user):
        return valuations.filter(project__in=visible_projects).filter(
            Q(created_by__isnull=True) | ~Q(created_by__role=Role.PARTNER)
        )
    if is_partner_user(user):
        return valuations.filter(
            project__in=visible_projects, created_by__enterprise_id=user.enterprise_id
        )
    return valuations.none()


def valuation_list_for(user) -> QuerySet[Valuation]:
    """Visible valuations with what a list shows, in a fixed number of
    queries whatever the page size."""
    return valuations_visible_to(user).select_related("project", "created_by")


def reference_rates_visible_to(user) -> QuerySet[ReferenceSuccessRate]:
    """Reference data: every signed-in user reads it."""
    rates = ReferenceSuccessRate.objects.all()
    return rates if user.is_authenticated and user.is_active else rates.none()


def comparable_deals_visible_to(user) -> QuerySet[ComparableDeal]:
    """Staff see every comparable deal; partners only published ones, since
    the others may be another partner's confidential terms."""
    deals = ComparableDeal.objects.select_related("sector", "stage__pipeline")
    if has_full_access(user) or is_centre_staff_user(user):
        return deals
    if is_partner_user(user):
        return deals.filter(is_public=True)
    return deals.none()


def probability_to_market_from(stage: StageDefinition) -> float:
    """Probability that a project entering ``stage`` reaches the end of its
    pipeline, from the stages' default probabilities."""
    stages = StageDefinition.objects.filter(
        pipeline_id=stage.pipeline_id, position__gte=stage.position
    ).values_list("default_success_probability", flat=True)
    return math.prod(float(p) for p in stages)


def reference_rates_for(therapeutic_area: str) -> dict[str, ReferenceSuccessRate]:
    """Per clinical phase, the rate for the area where one is recorded,
    otherwise the rate for all areas."""
    rates = {}
    for rate in ReferenceSuccessRate.objects.filter(
        therapeutic_area__in=["", therapeutic_area or ""]
    ).order_by("therapeutic_area"):
        # Rows for all areas sort first, so an area's own rate wins.
        rates[rate.phase] = rate
    return rates


def _decimal_text(amount: Decimal) -> str:
    """A decimal without trailing zeros, in plain notation: 7100000, 1234.5."""
    return format(amount.normalize(), "f")


def _amount_text(amount, currency) -> str:
    places = MINOR_UNITS.get(currency, 2)
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


def valuation_currency_for(project: ResearchProject) -> str:
    """The currency a valuation of ``project`` starts in: its agreement's,
    so that the deal terms enter as signed; without one, the project's."""
    agreement = project.agreement
    return agreement.currency if agreement is not None else project.currency


def rnpv_defaults_for(project: ResearchProject, today=None) -> dict:
    """Starting inputs for an rNPV of ``project``: the stages ahead of it in
    its pipeline as phases, with the reference probabilities for its
    therapeutic area where BioBridge has them. Durations are rounded up to
    whole years. Commercial figures are placeholders to replace.

    The valuation is in the agreement's currency (``valuation_currency_for``);
    the pipeline's reference costs, in their own currency, are converted at
    the latest exchange rate on or before ``today``, the rate named in the
    notes. Without a rate a phase's cost is left empty (``None``) and
    ``warnings`` says so: nothing is converted silently. A project without
    an agreement has no terms to keep in their currency: without a rate it
    starts in the reference costs' currency instead, and a note says so."""
    today = today or timezone.localdate()
    currency = valuation_currency_for(project)
    stage = project.current_stage
    stages = list(
        StageDefinition.objects.filter(
            pipeline_id=stage.pipeline_id, position__gte=stage.position
        ).order_by("position")
    )
    cost_currencies = {candidate.typical_cost_currency for candidate in stages}
    fallback_note = None
    if (
        project.agreement is None
        and len(cost_currencies) == 1
        and currency not in cost_currencies
        and rate_for(next(iter(cost_currencies)), currency, today) is None
    ):
        fallback_note = _(
            "No %(source)s→%(target)s exchange rate on or before %(date)s: the valuation "
            "starts in %(source)s, the currency of the pipeline's reference costs."
        ) % {
            "source": next(iter(cost_currencies)),
            "target": currency,
            "date": display_date(today),
        }
        currency = next(iter(cost_currencies))
    is_drug = project.sector.code == SectorCode.BIOMEDICINE
    rates = reference_rates_for(project.therapeutic_area) if is_drug else {}
    phase_codes = {choice.value for choice in ClinicalPhase}
    phases, sources, notes, warnings = [], [], [], []
    exchange: dict = {}
    unconverted: dict[str, list[str]] = {}
    for candidate in stages:
        if candidate.typical_years == 0 and candidate.default_success_probability == 1:
            continue  # the market itself, not a phase to pass
        probability = candidate.default_success_probability
        rate = rates.get(candidate.code) if candidate.code in phase_codes else None
        if rate is not None:
            probability = rate.success_probability
            sources.append(f"{localized_name(candidate)}: {rate.source}")
        cost, cost_currency = candidate.typical_cost, candidate.typical_cost_currency
        converted = convert(cost, cost_currency, currency, on=today, cache=exchange)
        phases.append(
            {
                # In the reader's language: the name is shown, and matched
                # by the deal's milestones below in either language.
                "name": localized_name(candidate),
                "years": max(1, math.ceil(candidate.typical_years)),
                "cost": None if converted.amount is None else _decimal_text(converted.amount),
                "success_probability": str(Decimal(probability).normalize()),
            }
        )
        if converted.amount is None:
            unconverted.setdefault(cost_currency, []).append(
                f"{localized_name(candidate)}: {_amount_text(cost, cost_currency)} {cost_currency}"
            )
    for source, costs in unconverted.items():
        warnings.append(
            _(
                "No %(source)s→%(target)s exchange rate on or before %(date)s: the reference "
                "costs of the phases are not converted and are left empty (%(costs)s). Enter "
                "them in %(target)s, or record a rate and start again."
            )
            % {
                "source": source,
                "target": currency,
                "date": display_date(today),
                "costs": "; ".join(costs),
            }
        )
    if fallback_note:
        notes.append(fallback_note)
    for used in {id(v): v for v in exchange.values() if v is not None and v.rates}.values():
        notes.append(
            _(
                "The pipeline's reference costs are converted from %(source)s to %(target)s at "
                "%(rates)s (rate of %(date)s)."
            )
            % {
                "source": used.source,
                "target": used.target,
                "rates": "; ".join(used.quotations),
                "date": display_date(used.valid_on),
            }
        )
    sources.append(f"{localized_name(stage.pipeline)}: {stage.pipeline.source}")
    return {
        "inputs": {
            "currency": currency,
            "discount_rate": DEFAULT_DISCOUNT_RATE,
            "timing": "end_of_year",
            "phases": phases,
            "commercial": {
                "peak_sales": 0,
                "ramp": DEFAULT_RAMP,
                "plateau_years": DEFAULT_PLATEAU_YEARS,
                "erosion": DEFAULT_EROSION,
                "cogs_rate": 0.15,
                "opex_rate": 0.25,
                "tax_rate": 0.25,
            },
        },
        "sources": sources,
        "notes": [
            *notes,
            _("Phase durations are the pipeline's typical durations rounded up to whole years."),
            _(
                "Commercial figures and the discount rate are BioBridge placeholders: "
                "replace them with the project's own forecast."
            ),
        ],
        "conversions": notes,
        "warnings": warnings,
    }


def latest_patent_expiry_for(user, project: ResearchProject) -> PatentFamily | None:
    """The patent family, among those of the project's achievements that
    the user sees, whose protection ends last (``PatentFamily.expires_on``,
    the latest expiry among its living applications); None without one."""
    return (
        patent_families_visible_to(user)
        .filter(achievement__projects=project, expires_on__isnull=False)
        .select_related("achievement")
        .order_by("-expires_on", "-id")
        .first()
    )


def plateau_years_until(loss_of_exclusivity_year: int, rnpv_inputs: dict, today) -> int:
    """Years at peak that end exclusivity in ``loss_of_exclusivity_year``:
    launch comes in the calendar year after the phases ahead (year 1 is
    this year), the ramp follows, and sales erode from the year the
    protection ends. Never negative: a patent that expires before the ramp
    ends leaves no years at peak."""
    development = sum(int(phase["years"]) for phase in rnpv_inputs["phases"])
    commercial = rnpv_inputs["commercial"]
    launch_year = today.year + development + int(commercial.get("launch_delay", 0) or 0)
    return max(0, loss_of_exclusivity_year - launch_year - len(commercial["ramp"]))


def exclusivity_defaults_for(
    user, project: ResearchProject, rnpv_inputs: dict, *, year: int | None = None, today=None
) -> dict | None:
    """The loss-of-exclusivity year a valuation of ``project`` starts from
    and where it comes from: the latest patent expiry among the families of
    the project's achievements, or ``year`` when the valuer gives one. It
    sets the years at peak of ``rnpv_inputs`` (``plateau_years_until``).
    None when there is neither: the placeholder years at peak stay."""
    today = today or timezone.localdate()
    family = latest_patent_expiry_for(user, project)
    if year is None and family is None:
        return None
    source = None
    if family is not None:
        source = {
            "family": family.pk,
            "family_title": family.title,
            "achievement": family.achievement_id,
            "achievement_reference": family.achievement.reference,
            "expires_on": family.expires_on.isoformat(),
        }
    loss_year = year if year is not None else family.expires_on.year
    plateau_years = plateau_years_until(loss_year, rnpv_inputs, today)
    if year is not None:
        text = _("Exclusivity ends in %(year)s, as given: %(plateau)s years at peak.") % {
            "year": year,
            "plateau": plateau_years,
        }
    else:
        text = _(
            "Exclusivity ends in %(year)s, when the last patent of the project's achievements "
            "expires: %(reference)s, family “%(family)s”, on %(date)s. That leaves "
            "%(plateau)s years at peak; change them, or the year, to override."
        ) % {
            "year": loss_year,
            "reference": family.achievement.reference,
            "family": family.title,
            "date": display_date(family.expires_on),
            "plateau": plateau_years,
        }
    return {
        "loss_of_exclusivity_year": loss_year,
        "given": year is not None,
        "plateau_years": plateau_years,
        "latest_patent_expiry": source,
        "text": text,
    }


def cost_approach_defaults_for(user, project: ResearchProject, today=None) -> dict:
    """Starting inputs for the cost approach: the project's cost entries in
    its currency that the user sees, and what was spent protecting the
    project's achievements (their IP costs in that currency, which staff
    alone see); without any, the pipeline's typical costs of the stages
    already passed. A partner on a project shared under another
    enterprise's agreement sees none of its costs."""
    today = today or timezone.localdate()
    entries = (
        cost_entries_visible_to(user)
        .filter(project=project, currency=project.currency)
        .order_by("incurred_on")
    )
    costs = [
        {
            "amount": str(entry.amount),
            "years_ago": round(max((today - entry.incurred_on).days, 0) / 365.25, 2),
            "label": entry.description[:200],
        }
        for entry in entries
    ]
    costs += [
        {
            "amount": str(cost.amount),
            "years_ago": round(max((today - cost.incurred_on).days, 0) / 365.25, 2),
            "label": _("IP cost, %(reference)s: %(description)s")
            % {"reference": cost.achievement.reference, "description": cost.description},
        }
        for cost in ip_costs_for(user, project, project.currency)
    ]
    currency = project.currency
    if not costs:
        stage = project.current_stage
        passed = StageDefinition.objects.filter(
            pipeline_id=stage.pipeline_id, position__lt=stage.position
        ).order_by("position")
        costs = [
            {
                "amount": str(s.typical_cost),
                "years_ago": 0,
                "label": _("Typical cost: %(stage)s") % {"stage": localized_name(s)},
            }
            for s in passed
        ]
        currency = stage.typical_cost_currency
    return {
        "currency": currency,
        "costs": costs,
        "inflation_rate": 0.0,
        "developer_profit_rate": 0.0,
        "functional_obsolescence": 0.0,
        "technological_obsolescence": 0.0,
        "economic_obsolescence": 0.0,
    }


def ip_costs_for(user, project: ResearchProject, currency: str):
    """The IP costs of the project's achievements in ``currency`` that the
    user sees, oldest first. An achievement of several projects counts in
    each one's cost approach."""
    return (
        ip_costs_visible_to(user)
        .filter(
            achievement__in=project.achievements.values("id"),
            currency=currency,
        )
        .select_related("achievement")
        .order_by("incurred_on", "id")
    )


def valuation_defaults_for(
    user, project: ResearchProject, *, loss_of_exclusivity_year: int | None = None
) -> dict:
    """Starting inputs for every method, with what they come from. The
    years at peak end exclusivity in ``loss_of_exclusivity_year`` when the
    valuer gives it, otherwise when the project's last patent expires."""
    rnpv = rnpv_defaults_for(project)
    inputs = rnpv["inputs"]
    exclusivity = exclusivity_defaults_for(user, project, inputs, year=loss_of_exclusivity_year)
    sources, notes = list(rnpv["sources"]), list(rnpv["notes"])
    if exclusivity is not None:
        inputs["commercial"]["plateau_years"] = exclusivity["plateau_years"]
        notes.insert(0, exclusivity["text"])
        if exclusivity["latest_patent_expiry"]:
            expiry = exclusivity["latest_patent_expiry"]
            sources.append(
                _("Patent expiry: %(reference)s, %(family)s, %(date)s")
                % {
                    "reference": expiry["achievement_reference"],
                    "family": expiry["family_title"],
                    "date": expiry["expires_on"],
                }
            )
    return {
        "rnpv": inputs,
        "cost_approach": cost_approach_defaults_for(user, project),
        "exclusivity": exclusivity,
        "sources": sources,
        "notes": notes,
        "conversions": rnpv["conversions"],
        "warnings": rnpv["warnings"],
    }


def deal_defaults_for(project: ResearchProject, rnpv_inputs: dict) -> tuple[dict | None, list]:
    """The deal terms of the project's agreement as rNPV deal inputs, where
    they translate plainly: the upfront, milestones triggered by entering a
    stage still ahead (paid on success of the phase before it), the royalty
    tiers and the licensee's cost share when one share covers every phase.
    Returns the terms (None without any) and notes on what was left out."""
    agreement = project.agreement
    if agreement is None:
        return None, []
    notes = []
    if agreement.currency != rnpv_inputs["currency"]:
        return None, [
            _(
                "The agreement's terms are in %(terms)s and the valuation in %(valuation)s: "
                "enter the deal converted."
            )
            % {"terms": agreement.currency, "valuation": rnpv_inputs["currency"]}
        ]
    stage = project.current_stage
    position_of = {}
    for name, name_zh, position in StageDefinition.objects.filter(
        pipeline_id=stage.pipeline_id
    ).values_list("name", "name_zh", "position"):
        position_of[name] = position
        if name_zh:
            position_of.setdefault(name_zh, position)
    phases = [(position_of.get(p["name"], 0), p["name"]) for p in rnpv_inputs["phases"]]
    milestones = []
    for item in agreement.milestone_schedule.select_related("trigger_stage"):
        trigger = item.trigger_stage
        if trigger is None or trigger.pipeline_id != stage.pipeline_id:
            notes.append(
                _(
                    "Milestone “%(name)s” is not tied to a stage of this pipeline: add it by "
                    "hand if it applies."
                )
                % {"name": item.name}
            )
            continue
        before = [name for position, name in phases if position < trigger.position]
        if trigger.position <= stage.position or not before:
            continue  # reached already: no longer part of the value ahead
        milestones.append(
            {"name": item.name, "amount": str(item.amount), "on_phase_success": before[-1]}
        )
    bounds = list(agreement.royalty_tiers.order_by("lower_bound"))
    tiers = []
    if bounds and bounds[0].lower_bound > 0:
        tiers.append({"up_to": str(bounds[0].lower_bound), "rate": "0"})
    for index, tier in enumerate(bounds):
        following = bounds[index + 1] if index + 1 < len(bounds) else None
        tiers.append(
            {
                "up_to": str(following.lower_bound) if following else None,
                "rate": str((tier.rate_percent / 100).normalize()),
            }
        )
    licensee_cost_share = 1.0
    phase_positions = [position for position, _name in phases]
    shares = agreement.cost_shares.filter(party="enterprise").select_related(
        "first_stage", "last_stage"
    )
    covering = {
        share.percent
        for share in shares
        for position in phase_positions
        if share.first_stage.position <= position <= share.last_stage.position
    }
    covered = all(
        any(s.first_stage.position <= p <= s.last_stage.position for s in shares)
        for p in phase_positions
    )
    if len(covering) == 1 and covered:
        licensee_cost_share = str((covering.pop() / 100).normalize())
    elif shares:
        notes.append(
            _(
                "The enterprise's cost share differs between stages: the licensee cost share "
                "is set to 1 (all costs); adjust it to an average."
            )
        )
    if not (agreement.upfront_amount or milestones or tiers):
        return None, notes
    return {
        "upfront": str(agreement.upfront_amount),
        "milestones": milestones,
        "royalty_tiers": tiers,
        "royalty_basis": agreement.royalty_basis,
        "royalty_years": agreement.royalty_term_years,
        "licensee_cost_share": licensee_cost_share,
    }, notes


def project_valuations_for(user, project: ResearchProject, limit: int = 10) -> list[Valuation]:
    """The newest valuations of ``project`` that ``user`` may see, for the
    project's page; one query."""
    return list(
        valuations_visible_to(user)
        .filter(project=project)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:limit]
    )


# A queued valuation whose task never reached the broker, or a running one
# whose worker died and whose task the broker no longer holds, is run again
# by the sweep; running twice has the effect of once (valuation_execute).
# The graces: VALUATION_QUEUED_GRACE_SECONDS, VALUATION_RUNNING_GRACE_SECONDS.


def valuations_stalled(now=None) -> QuerySet[Valuation]:
    """Valuations queued or running for longer than any run takes."""
    now = now or timezone.now()
    queued = timedelta(seconds=settings.VALUATION_QUEUED_GRACE_SECONDS)
    running = timedelta(seconds=settings.VALUATION_RUNNING_GRACE_SECONDS)
    return Valuation.objects.filter(
        Q(status=ValuationStatus.QUEUED, created_at__lte=now - queued)
        | Q(status=ValuationStatus.RUNNING, started_at__lte=now - running)
    )
