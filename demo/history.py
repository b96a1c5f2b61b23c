"""Stage-gate histories, planned without the database: the decisions
that brought a project to where it stands, dated and explained.

The demo projects and the generated ones share this planning; randomness
comes from the generator each caller passes in, seeded with fixed values, so
a history is the same on every run.
"""

import datetime
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from demo.specs import DEMO_TIME_ZONE
from projects.choices import ProjectStatus, TransitionKind

# What a gate review checks before a project leaves a stage, per pipeline.
GATE_EVIDENCE = {
    "BIOMED-DRUG": {
        "basic_research": "target validated in patient-derived models",
        "lead_discovery": (
            "development candidate nominated with in-vivo efficacy and a clean selectivity panel"
        ),
        "preclinical": "GLP toxicology, safety pharmacology and CMC package complete",
        "ind_filing": "IND accepted by the NMPA Center for Drug Evaluation",
        "phase_1": "Phase I met its safety endpoints and set the Phase II dose",
        "phase_2": "Phase II met its primary endpoint",
        "phase_3": "Phase III met its primary endpoint",
        "registration": "marketing authorisation granted",
        "gmp_scale_up": "three consecutive GMP process-validation batches released",
    },
    "AGRI-GMO": {
        "laboratory_research": "lead event selected for a stable single-copy insertion",
        "intermediate_trial": "confined trial met its agronomic and expression targets",
        "environmental_release": "environmental release data accepted by the biosafety committee",
        "production_trial": "production trials completed in two ecological zones",
        "biosafety_certificate": "biosafety certificate issued by the agriculture ministry",
        "variety_registration": "variety registration approved",
        "seed_production": "foundation seed lots certified",
    },
    "ENV": {
        "lab_research": "degradation rate target met in microcosm tests",
        "pilot": "pilot unit met the discharge standard for six months",
        "field_demonstration": "field demonstration verified by a third-party monitor",
        "certification": "environmental technology verification certificate issued",
    },
    "BIOSERV-IVD": {
        "feasibility": "analytical proof of concept on banked clinical samples",
        "design_development": "design freeze with locked assay parameters",
        "verification_validation": (
            "analytical performance verified: limit of detection, precision, interference"
        ),
        "clinical_evaluation": "clinical evaluation met its sensitivity and specificity targets",
        "registration": "NMPA registration certificate issued",
        "production": "production line passed the quality-management inspection",
    },
}
GATE_EVIDENCE["BIOMFG"] = GATE_EVIDENCE["BIOENERGY"] = {
    "basic_research": "pathway proof of concept at shake-flask scale",
    "strain_development": "strain reached its titre, rate and yield targets in 5 L fermenters",
    "process_development": "downstream process met its purity and recovery specifications",
    "pilot_scale": "pilot runs reproduced bench performance at one cubic metre",
    "demonstration_plant": "demonstration plant ran 1,000 hours at the target cost of goods",
    "certification": "product certifications and operating permits obtained",
    "commercial_production": "commercial plant reached nameplate capacity",
}

START_RATIONALES = (
    "Invention disclosure reviewed by the technology transfer office; project registered.",
    "Intake review passed: prior-art search clear and a principal investigator committed.",
    "Work plan and budget agreed by the parties; project registered.",
)
# A pause and the decision that ended it.
PAUSES = (
    (
        "Paused: the partner's budget cycle delays the next funding tranche.",
        "Funding tranche released; work resumes.",
    ),
    (
        "Paused while the freedom-to-operate opinion is updated.",
        "Freedom-to-operate opinion is clear; work resumes.",
    ),
    (
        "Paused: the lead scientist is on leave and no qualified replacement is available.",
        "Replacement scientist in post; work resumes.",
    ),
    (
        "Paused pending the regulator's feedback on the study design.",
        "Regulator's feedback received and the design amended; work resumes.",
    ),
)


@dataclass(frozen=True, slots=True)
class StageFacts:
    """What history planning needs to know about a stage."""

    id: int
    position: int
    code: str
    name: str
    typical_years: float
    trl_min: int
    trl_max: int
    typical_cost: int
    currency: str
    # Its place among all stages (``pipelines.models.stage_rank``), which
    # a project at this stage carries.
    rank: int = 0


@dataclass(frozen=True, slots=True)
class PlannedTransition:
    """A stage-gate decision of a planned history, not yet written."""

    kind: str
    from_stage: StageFacts | None
    to_stage: StageFacts
    from_status: str
    to_status: str
    decided_at: datetime.datetime
    rationale: str


class _Decision(NamedTuple):
    offset: float  # days after the start
    kind: str
    from_index: int | None
    to_index: int
    from_status: str
    to_status: str
    rationale: str


def plan_history(
    stages: Sequence[StageFacts],
    *,
    reach: int,
    status: str,
    rng: random.Random,
    ends_on: datetime.date,
    evidence: Mapping[str, str],
    not_before: datetime.date | None = None,
    paused: bool = False,
    closing_reason: str = "",
) -> list[PlannedTransition]:
    """The stage-gate decisions that brought a project to ``stages[reach]``
    with ``status``, the last of them taken on ``ends_on``.

    The project starts at the first stage and advances one stage at a time,
    staying in each about its typical duration. ``paused`` adds a hold and a
    resume on the way; a held or terminated project ends with that decision,
    giving ``closing_reason``; a productized one ends by entering the last
    stage. If the history would begin before ``not_before``, it begins a
    few weeks after that day and its durations are compressed to fit.
    """
    last = len(stages) - 1
    if not 0 <= reach <= last:
        raise ValueError(f"No stage at index {reach}.")
    if (status == ProjectStatus.PRODUCTIZED) != (reach == last):
        raise ValueError("A project is productized exactly when it reaches the last stage.")
    if status in (ProjectStatus.ON_HOLD, ProjectStatus.TERMINATED) and not closing_reason:
        raise ValueError("A held or terminated project states why.")

    decisions: list[_Decision] = []

    def decide(offset, kind, from_index, to_index, to_status, rationale):
        from_status = decisions[-1].to_status if decisions else ""
        decisions.append(
            _Decision(offset, kind, from_index, to_index, from_status, to_status, rationale)
        )

    decide(0.0, TransitionKind.START, None, 0, ProjectStatus.ACTIVE, rng.choice(START_RATIONALES))
    pause_at = rng.randint(0, reach) if paused else None
    elapsed = 0.0
    for index in range(reach + 1):
        stage = stages[index]
        dwell = max(stage.typical_years * 365.25 * rng.uniform(0.75, 1.3), 30.0)
        if index == pause_at and (index < reach or status == ProjectStatus.ACTIVE):
            hold_reason, resume_reason = rng.choice(PAUSES)
            held_on = elapsed + dwell * rng.uniform(0.2, 0.6)
            resumed_on = held_on + rng.uniform(90, 270)
            decide(held_on, TransitionKind.HOLD, index, index, ProjectStatus.ON_HOLD, hold_reason)
            decide(
                resumed_on,
                TransitionKind.RESUME,
                index,
                index,
                ProjectStatus.ACTIVE,
                resume_reason,
            )
            dwell += resumed_on - held_on
        if index < reach:
            elapsed += dwell
            gate = f"Gate review of {stage.name}: {evidence.get(stage.code, 'criteria met')}."
            if index + 1 == last:
                to_status, outcome = ProjectStatus.PRODUCTIZED, "Product launched."
            else:
                to_status, outcome = ProjectStatus.ACTIVE, f"Advance to {stages[index + 1].name}."
            decide(
                elapsed, TransitionKind.ADVANCE, index, index + 1, to_status, f"{gate} {outcome}"
            )
        elif status in (ProjectStatus.ON_HOLD, ProjectStatus.TERMINATED):
            elapsed += dwell * rng.uniform(0.3, 0.8)
            kind = (
                TransitionKind.HOLD
                if status == ProjectStatus.ON_HOLD
                else TransitionKind.TERMINATE
            )
            decide(elapsed, kind, index, index, status, closing_reason)

    span = decisions[-1].offset
    scale = 1.0
    starts_on = ends_on - datetime.timedelta(days=round(span))
    if not_before is not None and starts_on < not_before and span > 0:
        # A one-stop centre runs its projects without hand-offs between
        # institution and enterprise, which is what makes its stages
        # shorter than the reference durations.
        room = (ends_on - not_before).days
        if room < 2 * len(decisions):
            raise ValueError("The history does not fit between not_before and ends_on.")
        starts_on = not_before + datetime.timedelta(days=min(rng.randint(30, 120), room // 4))
        scale = (ends_on - starts_on).days / span

    planned = []
    previous_day = None
    for decision in decisions:
        day = starts_on + datetime.timedelta(days=round(decision.offset * scale))
        if previous_day is not None and day <= previous_day:
            day = previous_day + datetime.timedelta(days=1)
        previous_day = day
        decided_at = datetime.datetime.combine(
            day,
            datetime.time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))),
            tzinfo=DEMO_TIME_ZONE,
        )
        planned.append(
            PlannedTransition(
                kind=decision.kind,
                from_stage=None if decision.from_index is None else stages[decision.from_index],
                to_stage=stages[decision.to_index],
                from_status=decision.from_status,
                to_status=decision.to_status,
                decided_at=decided_at,
                rationale=decision.rationale,
            )
        )
    return planned


def project_budget(stages: Sequence[StageFacts], reach: int, rng: random.Random) -> Decimal:
    """A budget of 30-80 % of the typical cost of the stages run so far,
    in whole ten-thousands."""
    typical = sum(stage.typical_cost for stage in stages[: reach + 1])
    return Decimal(typical * rng.randint(30, 80) // 100 // 10_000 * 10_000)
