"""Scoping selectors: the only way user-facing code reads valuations.

A valuation is visible to a user who sees its project (through
``projects_visible_to``) and is on the side that made it: research-centre
staff see the valuations made by staff, a partner user those made by users
of its own enterprise. A valuation is a negotiating position, so neither
side sees the other's. Superusers see everything.
"""

import math
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.choices import Role
from accounts.selectors import has_full_access, is_centre_staff_user, is_partner_user
from projects.choices import SectorCode
from projects.models import ResearchProject, StageDefinition
from projects.selectors import projects_visible_to

from .choices import ClinicalPhase
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


def rnpv_defaults_for(project: ResearchProject) -> dict:
    """Starting inputs for an rNPV of ``project``: the stages ahead of it in
    its pipeline as phases, with the reference probabilities for its
    therapeutic area where BioBridge has them. Durations are rounded up to
    whole years. Commercial figures are placeholders to replace."""
    stage = project.current_stage
    stages = list(
        StageDefinition.objects.filter(
            pipeline_id=stage.pipeline_id, position__gte=stage.position
        ).order_by("position")
    )
    is_drug = project.sector.code == SectorCode.BIOMEDICINE
    rates = reference_rates_for(project.therapeutic_area) if is_drug else {}
    phase_codes = {choice.value for choice in ClinicalPhase}
    phases, sources = [], []
    for candidate in stages:
        if candidate.typical_years == 0 and candidate.default_success_probability == 1:
            continue  # the market itself, not a phase to pass
        probability = candidate.default_success_probability
        rate = rates.get(candidate.code) if candidate.code in phase_codes else None
        if rate is not None:
            probability = rate.success_probability
            sources.append(f"{candidate.name}: {rate.source}")
        phases.append(
            {
                "name": candidate.name,
                "years": max(1, math.ceil(candidate.typical_years)),
                "cost": str(candidate.typical_cost),
                "success_probability": str(Decimal(probability).normalize()),
            }
        )
    sources.append(f"{stage.pipeline.name}: {stage.pipeline.source}")
    return {
        "inputs": {
            "currency": stages[0].typical_cost_currency if stages else project.currency,
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
            "Phase durations are the pipeline's typical durations rounded up to whole years.",
            "Commercial figures and the discount rate are BioBridge placeholders: "
            "replace them with the project's own forecast.",
        ],
    }


def cost_approach_defaults_for(project: ResearchProject, today=None) -> dict:
    """Starting inputs for the cost approach: the project's cost entries in
    its currency; without any, the pipeline's typical costs of the stages
    already passed."""
    today = today or timezone.localdate()
    entries = project.cost_entries.filter(currency=project.currency).order_by("incurred_on")
    costs = [
        {
            "amount": str(entry.amount),
            "years_ago": round(max((today - entry.incurred_on).days, 0) / 365.25, 2),
            "label": entry.description[:200],
        }
        for entry in entries
    ]
    currency = project.currency
    if not costs:
        stage = project.current_stage
        passed = StageDefinition.objects.filter(
            pipeline_id=stage.pipeline_id, position__lt=stage.position
        ).order_by("position")
        costs = [
            {"amount": str(s.typical_cost), "years_ago": 0, "label": f"Typical cost: {s.name}"}
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


def valuation_defaults_for(project: ResearchProject) -> dict:
    rnpv = rnpv_defaults_for(project)
    return {
        "rnpv": rnpv["inputs"],
        "cost_approach": cost_approach_defaults_for(project),
        "sources": rnpv["sources"],
        "notes": rnpv["notes"],
    }
