"""The maturity scorecard: for early results whose cash flows are guesswork.

Six criteria are scored from 0 (none) to 5 (outstanding) and weighted; the
technology readiness level (TRL 1-9) is scaled to the same 0-100 range; the
overall score blends the two:

    criteria score = 100 x sum(weight x score / 5) / sum(weight)
    TRL score      = 100 x (TRL - 1) / 8
    overall        = trl_weight x TRL score + (1 - trl_weight) x criteria score

Grades: A from 80, B from 65, C from 50, D from 35, E below. The default
weights and grade bands are BioBridge's house conventions.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from .errors import EngineInputError

CRITERIA = (
    "scientific_value",
    "innovation",
    "market_application_value",
    "maturity",
    "time_to_market",
    "ip_strength",
)
DEFAULT_WEIGHTS = {
    "scientific_value": 0.15,
    "innovation": 0.15,
    "market_application_value": 0.25,
    "maturity": 0.15,
    "time_to_market": 0.10,
    "ip_strength": 0.20,
}
DEFAULT_TRL_WEIGHT = 0.3
MAX_SCORE = 5
GRADES = ((80.0, "A"), (65.0, "B"), (50.0, "C"), (35.0, "D"))


@dataclass(frozen=True)
class CriterionScore:
    criterion: str
    score: float
    weight: float
    weighted_points: float


@dataclass
class ScorecardResult:
    trl: int
    trl_score: float
    criteria_score: float
    overall_score: float
    grade: str
    criteria: list[CriterionScore] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def grade_of(score: float) -> str:
    for floor, grade in GRADES:
        if score >= floor:
            return grade
    return "E"


def maturity_scorecard(
    *,
    trl: int,
    scores: dict[str, float],
    weights: dict[str, float] | None = None,
    trl_weight: float = DEFAULT_TRL_WEIGHT,
) -> ScorecardResult:
    if isinstance(trl, bool) or not isinstance(trl, int) or not 1 <= trl <= 9:
        raise EngineInputError("trl", "A TRL is a whole number from 1 to 9.")
    if not (math.isfinite(trl_weight) and 0.0 <= trl_weight <= 1.0):
        raise EngineInputError("trl_weight", "A weight lies between 0 and 1.")
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    for name in set(scores) | set(weights):
        if name not in CRITERIA:
            raise EngineInputError(f"scores.{name}", "Not a criterion of the scorecard.")
    rows = []
    for name in CRITERIA:
        if name not in scores:
            raise EngineInputError(f"scores.{name}", "Every criterion is scored.")
        score, weight = scores[name], weights[name]
        if not (math.isfinite(score) and 0 <= score <= MAX_SCORE):
            raise EngineInputError(f"scores.{name}", f"A score lies between 0 and {MAX_SCORE}.")
        if not (math.isfinite(weight) and weight >= 0):
            raise EngineInputError(f"weights.{name}", "A weight is zero or more.")
        rows.append(CriterionScore(name, score, weight, 0.0))
    total_weight = sum(row.weight for row in rows)
    if total_weight <= 0:
        raise EngineInputError("weights", "At least one criterion has a weight.")
    rows = [
        CriterionScore(
            row.criterion, row.score, row.weight, 100.0 * row.weight * row.score / MAX_SCORE
        )
        for row in rows
    ]
    criteria_score = sum(row.weighted_points for row in rows) / total_weight
    trl_score = 100.0 * (trl - 1) / 8
    overall = trl_weight * trl_score + (1.0 - trl_weight) * criteria_score
    return ScorecardResult(
        trl=trl,
        trl_score=trl_score,
        criteria_score=criteria_score,
        overall_score=overall,
        grade=grade_of(overall),
        criteria=rows,
    )
