"""Random stage-gate decisions, for the tests that check a summary kept by
the gate services against a rebuild after any sequence of decisions."""

import random

from projects.services import (
    project_advance,
    project_hold,
    project_resume,
    project_revert,
    project_skip,
    project_terminate,
)

RATIONALE = "Decided at random by a test of what the decisions keep."


def random_gate_decision(project, *, stages, by, rng: random.Random, terminate_chance: float):
    """One gate decision of a random kind on ``project`` (whose stages, in
    order, are ``stages``): an advance twice as often as the others, and a
    termination only ``terminate_chance`` of the times it is drawn, so that
    most projects stay open to further decisions. A decision the project's
    state does not allow raises, as the service does."""
    position = stages.index(project.current_stage)
    kind = rng.choice(["advance", "advance", "skip", "hold", "resume", "revert", "terminate"])
    common = {"project": project, "by": by, "rationale": RATIONALE}
    if kind == "advance":
        project_advance(**common)
    elif kind == "skip":
        project_skip(**common, to_stage=stages[min(position + 2, len(stages) - 1)])
    elif kind == "hold":
        project_hold(**common)
    elif kind == "resume":
        project_resume(**common)
    elif kind == "revert":
        project_revert(**common)
    elif rng.random() < terminate_chance:
        project_terminate(**common)
