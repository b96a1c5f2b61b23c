"""Term sheets from a valuation's deal structures.

A stored rNPV may carry a deal (``inputs["deal"]``) and a menu of deal
structures of equal value (``results["menu"]``). ``deal_structure_of``
picks one of them: ``"deal"`` for the valuation's own deal, or the index of
a menu structure. ``term_sheet_build`` joins it with the terms a valuation
does not know (the parties, field, territory, royalty term, minimum annual
royalty, equity, cost shares and failure clauses by stage) into a
``TermSheet``: plain data that the PDF renderer lays out and
``agreement_from_term_sheet`` turns into a draft agreement.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from achievements.selectors import achievements_visible_to
from core.errors import DomainError
from core.i18n import localized_name
from core.money import MINOR_UNITS
from core.pdf import pdf_money
from partnerships.choices import RoyaltyBasis, SunkCostBearer
from pipelines.models import StageDefinition

from .choices import MENU_STRUCTURE_LABELS, ValuationMethod, ValuationStatus
from .models import Valuation

DEAL = "deal"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
MAX_ROYALTY_YEARS = 100
HUNDRED = Decimal(100)
RATE_STEP = Decimal("0.0001")
PERCENT_STEP = Decimal("0.01")


class TermSheetError(DomainError):
    """A structure or terms a term sheet cannot be made from; ``field``
    names the input at fault."""

    code = "invalid_term_sheet"


def _decimal(value) -> Decimal:
    """A JSON number or decimal string as a Decimal, exactly as written
    (floats through their shortest repr: 0.05, not 0.05000000000000000277)."""
    return Decimal(str(value))


def money_of(value, currency: str) -> Decimal:
    places = MINOR_UNITS.get(currency, 2)
    return _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- The structure -------------------------------------------------------------------


@dataclass(frozen=True)
class DealStructure:
    """One deal structure of a valuation: its terms in the shape of
    ``inputs["deal"]`` and, when the valuation gives them, each party's
    figures under it (``rnpv``; ``exact`` and ``simulated`` with mean, sd,
    p5, p95 and probability of loss, as far as known)."""

    key: str
    label: str
    deal: dict
    licensor: dict = field(default_factory=dict)
    licensee: dict = field(default_factory=dict)
    shares: dict | None = None
    licensee_cash_before_launch: dict | None = None

    @property
    def is_own_deal(self) -> bool:
        return self.key == DEAL

    @property
    def royalty_basis_label(self) -> str:
        basis = self.deal.get("royalty_basis") or RoyaltyBasis.MARGINAL.value
        return str(RoyaltyBasis(basis).label)


def _party_of_own_deal(results: dict, party: str) -> dict:
    deal, risk = results.get("deal") or {}, results.get("risk") or {}
    simulation = results.get("simulation") or {}
    simulated = simulation.get(party)
    if simulated:
        simulated = {key: value for key, value in simulated.items() if key != "histogram"}
    return {
        "rnpv": deal.get(f"{party}_rnpv"),
        "exact": risk.get(party),
        "simulated": simulated or None,
    }


def menu_structure_label(structure: dict) -> str:
    key = structure.get("key") or ""
    return str(structure.get("label") or MENU_STRUCTURE_LABELS.get(key, key))


def _party_of_menu(structure: dict, party: str) -> dict:
    figures = structure.get(party) or {}
    exact = figures.get("exact")
    return {
        "rnpv": exact.get("mean") if exact else None,
        "exact": exact,
        "simulated": figures.get("simulated"),
    }


def deal_structure_of(valuation: Valuation, structure) -> DealStructure:
    """The deal structure ``structure`` of ``valuation``: ``"deal"`` for
    its own deal, a menu index (``0``, ``"1"``) for a structure of its
    menu. Raises ``TermSheetError`` naming the field ``structure`` for a
    valuation without deals, an unknown index or an infeasible structure."""
    if valuation.method != ValuationMethod.RNPV or valuation.status != ValuationStatus.DONE:
        raise TermSheetError(
            _("Only a finished rNPV valuation has deal structures."),
            code="no_deal_structures",
            field="structure",
        )
    inputs, results = valuation.inputs or {}, valuation.results or {}
    key = str(structure if structure not in (None, "") else DEAL).strip()
    if key == DEAL:
        if not inputs.get("deal"):
            raise TermSheetError(
                _("This valuation splits no deal: choose a structure of its menu."),
                code="no_deal",
                field="structure",
            )
        return DealStructure(
            key=DEAL,
            label=_("The valuation's deal"),
            deal=inputs["deal"],
            licensor=_party_of_own_deal(results, "licensor"),
            licensee=_party_of_own_deal(results, "licensee"),
        )
    structures = (results.get("menu") or {}).get("structures") or []
    if not key.isdigit() or int(key) >= len(structures):
        raise TermSheetError(
            _(
                "No structure %(key)s: give “deal” or the index of a menu structure "
                "(0 to %(last)s)."
            )
            % {"key": key, "last": max(len(structures) - 1, 0)},
            code="unknown_structure",
            field="structure",
        )
    chosen = structures[int(key)]
    if not chosen.get("feasible", True) or not chosen.get("deal"):
        raise TermSheetError(
            _("Structure “%(label)s” is not feasible: no terms give it the target value.")
            % {"label": menu_structure_label(chosen) or key},
            code="infeasible_structure",
            field="structure",
        )
    shares = {
        name: chosen[f"{name}_share"]
        for name in ("upfront", "milestones", "royalties")
        if chosen.get(f"{name}_share") is not None
    }
    return DealStructure(
        key=key,
        label=menu_structure_label(chosen) or key,
        deal=chosen["deal"],
        licensor=_party_of_menu(chosen, "licensor"),
        licensee=_party_of_menu(chosen, "licensee"),
        shares=shares or None,
        licensee_cash_before_launch=chosen.get("licensee_cash_before_launch"),
    )


def deal_structures_of(valuation: Valuation) -> list[DealStructure]:
    """Every structure a term sheet can be made from: the own deal, then
    the feasible structures of the menu."""
    menu = (valuation.results or {}).get("menu") or {}
    found = []
    for key in [DEAL, *map(str, range(len(menu.get("structures") or [])))]:
        try:
            found.append(deal_structure_of(valuation, key))
        except TermSheetError:
            continue
    return found


# --- The stages the terms are set by ---------------------------------------------------


def stages_ahead_of(valuation: Valuation) -> list[StageDefinition]:
    """The stages of the project's pipeline from its current stage on,
    without the market itself: those costs are shared and failure clauses
    set by (as ``rnpv_defaults_for`` makes the phases)."""
    stage = valuation.project.current_stage
    return [
        candidate
        for candidate in StageDefinition.objects.filter(
            pipeline_id=stage.pipeline_id, position__gte=stage.position
        ).order_by("position")
        if not (candidate.typical_years == 0 and candidate.default_success_probability == 1)
    ]


def default_failure_clause(stage: StageDefinition) -> str:
    return _(
        "If the project ends in %(stage)s, each party bears the costs it has incurred in "
        "proportion to its cost share, and the rights in the technology revert to the licensor."
    ) % {"stage": localized_name(stage)}


def partnership_default_for(valuation: Valuation):
    """The partnership the project runs under: its own, or its agreement's."""
    project = valuation.project
    if project.partnership_id:
        return project.partnership
    if project.agreement_id:
        return project.agreement.partnership
    return None


def parties_of(valuation: Valuation, partnership=None) -> tuple[str, str]:
    """The licensor's and licensee's names: the partnership's parties, or
    the project's lead institution and first partner enterprise."""
    partnership = partnership or partnership_default_for(valuation)
    if partnership is not None:
        return localized_name(partnership.research_party), localized_name(partnership.enterprise)
    project = valuation.project
    enterprise = project.partner_enterprises.order_by("code").first()
    return (
        localized_name(project.lead_institution),
        localized_name(enterprise) if enterprise else "",
    )


def term_sheet_defaults_for(valuation: Valuation, structure: DealStructure) -> dict:
    """The terms a form starts from, in the shape ``TermsSerializer``
    reads: the parties of the project's partnership, the deal's royalty
    years, its licensee cost share at every stage ahead, and a failure
    clause per stage by which the rights revert to the licensor."""
    partnership = partnership_default_for(valuation)
    licensor, licensee = parties_of(valuation, partnership)
    share = _decimal(structure.deal.get("licensee_cost_share", 1)) * HUNDRED
    return {
        "structure": structure.key,
        "partnership": partnership,
        "licensor": licensor,
        "licensee": licensee,
        "field_of_use": "",
        "territory": _("Worldwide"),
        "royalty_term_years": structure.deal.get("royalty_years"),
        "minimum_annual_royalty": Decimal(0),
        "equity_share": Decimal(0),
        "stages": [
            {
                "stage": stage.pk,
                "licensee_cost_percent": share.quantize(PERCENT_STEP),
                "sunk_costs_borne_by": SunkCostBearer.BY_COST_SHARES.value,
                "ip_reverts_to_institution": True,
                "failure_clause": default_failure_clause(stage),
            }
            for stage in stages_ahead_of(valuation)
        ],
    }


# --- The term sheet --------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneTerm:
    """A milestone payment and its trigger: entering a stage (after the
    success of the phase before it), or annual net sales reaching a
    threshold. ``trigger_stage`` is None when no stage of the pipeline
    matches; ``trigger`` says the trigger in words."""

    name: str
    amount: Decimal
    trigger: str
    trigger_stage: StageDefinition | None = None
    on_phase_success: str | None = None
    sales_threshold: Decimal | None = None


@dataclass(frozen=True)
class RoyaltyTierTerm:
    lower_bound: Decimal
    upper_bound: Decimal | None
    rate_percent: Decimal


@dataclass(frozen=True)
class StageTerm:
    """The licensee's share of a stage's costs and what happens if the
    project ends there."""

    stage: StageDefinition
    licensee_cost_percent: Decimal
    sunk_costs_borne_by: str
    ip_reverts_to_institution: bool
    failure_clause: str

    @property
    def licensor_cost_percent(self) -> Decimal:
        return HUNDRED - self.licensee_cost_percent


@dataclass(frozen=True)
class Annex:
    """The valuation summary behind the terms."""

    valuation_id: int
    label: str
    engine_version: str
    created_at: object
    project_rnpv: float
    project_npv: float | None
    probability_to_market: float | None
    licensor: dict
    licensee: dict
    outcomes: list
    outcomes_are_of_this_structure: bool
    shares: dict | None
    licensee_cash_before_launch: dict | None


@dataclass(frozen=True)
class TermSheet:
    """What a term sheet says: plain data, laid out by ``term_sheet_pdf``
    and turned into an agreement by ``agreement_from_term_sheet``."""

    valuation_id: int
    structure_key: str
    structure_label: str
    language: str
    currency: str
    project_code: str
    project_title: str
    achievements: list[tuple[str, str]]
    partnership: object
    licensor: str
    licensee: str
    field_of_use: str
    territory: str
    upfront: Decimal
    milestones: list[MilestoneTerm]
    royalty_tiers: list[RoyaltyTierTerm]
    royalty_basis: str
    royalty_term_years: int | None
    minimum_annual_royalty: Decimal
    equity_share: Decimal
    stages: list[StageTerm]
    annex: Annex

    @property
    def royalty_basis_label(self) -> str:
        return str(RoyaltyBasis(self.royalty_basis).label)


def _stage_after(stage: StageDefinition, pipeline_stages: list[StageDefinition]):
    later = [s for s in pipeline_stages if s.position > stage.position]
    return later[0] if later else None


def _stages_by_name(pipeline_stages) -> dict[str, StageDefinition]:
    """A phase of a valuation is named after its stage, in the language of
    whoever made it: find the stage by either name."""
    by_name = {}
    for stage in pipeline_stages:
        for name in (stage.name, stage.name_zh):
            if name:
                by_name.setdefault(name, stage)
    return by_name


def phase_names_of(valuation: Valuation) -> dict[str, str]:
    """Each stage name a phase may carry, in the reader's language."""
    pipeline_id = valuation.project.current_stage.pipeline_id
    return {
        name: localized_name(stage)
        for name, stage in _stages_by_name(
            StageDefinition.objects.filter(pipeline_id=pipeline_id)
        ).items()
    }


def milestone_terms(valuation: Valuation, deal: dict) -> list[MilestoneTerm]:
    """The deal's milestones with their triggers in the reader's language."""
    pipeline_stages = list(
        StageDefinition.objects.filter(
            pipeline_id=valuation.project.current_stage.pipeline_id
        ).order_by("position")
    )
    return _milestone_terms(deal, valuation.currency, pipeline_stages)


def _milestone_terms(deal: dict, currency: str, pipeline_stages) -> list[MilestoneTerm]:
    by_name = _stages_by_name(pipeline_stages)
    terms = []
    for milestone in deal.get("milestones") or []:
        amount = money_of(milestone["amount"], currency)
        if amount == 0:
            continue  # a structure may zero a milestone: it is no term
        phase = milestone.get("on_phase_success")
        if phase is not None:
            stage = by_name.get(phase)
            following = _stage_after(stage, pipeline_stages) if stage else None
            shown = localized_name(stage) if stage else phase
            if following is not None:
                trigger = _("Success of %(phase)s: entering %(stage)s") % {
                    "phase": shown,
                    "stage": localized_name(following),
                }
            else:
                trigger = _("Success of %(phase)s") % {"phase": shown}
            terms.append(
                MilestoneTerm(
                    name=milestone["name"],
                    amount=amount,
                    trigger=trigger,
                    trigger_stage=following,
                    on_phase_success=phase,
                )
            )
        else:
            threshold = money_of(milestone["on_annual_sales_at_least"], currency)
            terms.append(
                MilestoneTerm(
                    name=milestone["name"],
                    amount=amount,
                    trigger=_("Annual net sales reach %(amount)s")
                    % {"amount": pdf_money(threshold, currency)},
                    sales_threshold=threshold,
                )
            )
    return terms


def royalty_tier_terms(deal: dict, currency: str) -> list[RoyaltyTierTerm]:
    """The deal's bands (``up_to`` each) as tiers from a lower bound, the
    way agreements record them."""
    tiers, lower = [], Decimal(0)
    for tier in deal.get("royalty_tiers") or []:
        upper = None if tier.get("up_to") is None else money_of(tier["up_to"], currency)
        rate = (_decimal(tier["rate"]) * HUNDRED).quantize(RATE_STEP)
        tiers.append(RoyaltyTierTerm(lower_bound=lower, upper_bound=upper, rate_percent=rate))
        if upper is not None:
            lower = upper
    return tiers


def _stage_terms(valuation: Valuation, rows: list[dict]) -> list[StageTerm]:
    ahead = {stage.pk: stage for stage in stages_ahead_of(valuation)}
    seen, terms = set(), []
    for index, row in enumerate(rows):
        stage = row["stage"]
        stage_id = getattr(stage, "pk", stage)
        if stage_id not in ahead:
            raise TermSheetError(
                _("Not a stage ahead of the project in its pipeline."),
                code="unknown_stage",
                field=f"stages.{index}.stage",
            )
        if stage_id in seen:
            raise TermSheetError(
                _("Each stage appears once."),
                code="duplicate_stage",
                field=f"stages.{index}.stage",
            )
        seen.add(stage_id)
        percent = _decimal(row["licensee_cost_percent"])
        if not 0 <= percent <= 100 or percent != percent.quantize(PERCENT_STEP):
            raise TermSheetError(
                _("A cost share is between 0 and 100 percent, with at most two decimals."),
                code="invalid_cost_share",
                field=f"stages.{index}.licensee_cost_percent",
            )
        terms.append(
            StageTerm(
                stage=ahead[stage_id],
                licensee_cost_percent=percent.quantize(PERCENT_STEP),
                sunk_costs_borne_by=row.get("sunk_costs_borne_by")
                or SunkCostBearer.BY_COST_SHARES.value,
                ip_reverts_to_institution=bool(row.get("ip_reverts_to_institution")),
                failure_clause=(row.get("failure_clause") or "").strip(),
            )
        )
    return sorted(terms, key=lambda term: term.stage.position)


def _annex(valuation: Valuation, structure: DealStructure) -> Annex:
    results = valuation.results or {}
    phase_names = phase_names_of(valuation)
    return Annex(
        valuation_id=valuation.pk,
        label=valuation.label,
        engine_version=valuation.engine_version,
        created_at=valuation.created_at,
        project_rnpv=results.get("rnpv"),
        project_npv=results.get("npv"),
        probability_to_market=results.get("cumulative_probability"),
        licensor=structure.licensor,
        licensee=structure.licensee,
        outcomes=[
            {**outcome, "phase": phase_names.get(outcome.get("phase"), outcome.get("phase"))}
            for outcome in results.get("outcomes") or []
        ],
        outcomes_are_of_this_structure=structure.is_own_deal,
        shares=structure.shares,
        licensee_cash_before_launch=structure.licensee_cash_before_launch,
    )


def term_sheet_build(user, valuation: Valuation, structure, terms: dict) -> TermSheet:
    """The term sheet of ``structure`` of ``valuation`` with ``terms``
    (validated by ``TermsSerializer``; missing ones take their defaults),
    its words in the terms' language. ``user`` decides which of the
    project's achievements it names."""
    with translation.override(terms.get("language") or "en"):
        return _term_sheet_build(user, valuation, structure, terms)


def _term_sheet_build(user, valuation: Valuation, structure, terms: dict) -> TermSheet:
    # A structure chosen in the reader's language is named again in the
    # sheet's.
    chosen = deal_structure_of(
        valuation, structure.key if isinstance(structure, DealStructure) else structure
    )
    defaults = term_sheet_defaults_for(valuation, chosen)
    # Missing terms take their defaults; an empty royalty term is one: it
    # runs until the agreement expires.
    given = {
        key: value
        for key, value in terms.items()
        if value is not None or key == "royalty_term_years"
    }
    partnership = given.get("partnership") or defaults["partnership"]
    if given.get("partnership") is not None:
        # The parties follow the partnership chosen, unless named.
        defaults["licensor"], defaults["licensee"] = parties_of(valuation, partnership)
    terms = {**defaults, **given}
    currency = valuation.currency
    deal = chosen.deal
    project = valuation.project
    pipeline_stages = list(
        StageDefinition.objects.filter(pipeline_id=project.current_stage.pipeline_id).order_by(
            "position"
        )
    )
    achievements = [
        (achievement.reference, localized_name(achievement, "title"))
        for achievement in achievements_visible_to(user)
        .filter(projects=project)
        .order_by("reference")
    ]
    return TermSheet(
        valuation_id=valuation.pk,
        structure_key=chosen.key,
        structure_label=chosen.label,
        language=terms.get("language") or "en",
        currency=currency,
        project_code=project.code,
        project_title=localized_name(project, "title"),
        achievements=achievements,
        partnership=partnership,
        licensor=terms["licensor"],
        licensee=terms["licensee"],
        field_of_use=terms.get("field_of_use") or "",
        territory=terms.get("territory") or "",
        upfront=money_of(deal.get("upfront") or 0, currency),
        milestones=_milestone_terms(deal, currency, pipeline_stages),
        royalty_tiers=royalty_tier_terms(deal, currency),
        royalty_basis=deal.get("royalty_basis") or RoyaltyBasis.MARGINAL.value,
        royalty_term_years=terms.get("royalty_term_years"),
        minimum_annual_royalty=money_of(terms.get("minimum_annual_royalty") or 0, currency),
        equity_share=_decimal(terms.get("equity_share") or 0).quantize(PERCENT_STEP),
        stages=_stage_terms(valuation, terms["stages"]),
        annex=_annex(valuation, chosen),
    )


def agreement_reference_default(valuation, structure_key: str) -> str:
    suffix = "" if structure_key == "deal" else f"-{int(structure_key) + 1}"
    return f"{valuation.project.code}-TS{valuation.pk}{suffix}"[:40]


def agreement_title_default(sheet) -> str:
    return _("Licence: %(project)s") % {"project": sheet.project_title}
