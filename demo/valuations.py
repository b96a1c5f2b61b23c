"""The demo's valuations: ``seed_valuations()``, part of ``seed_demo()``.

Every demo project with phases ahead gets an rNPV valuation, made through
``valuation_run`` from the starting inputs the workspace would offer (its
pipeline's phases and reference probabilities, its agreement's deal terms)
with a forecast of peak sales in place of the workspace's placeholder. Three
of them also value the option to abandon after their next phase and, when
the programme is worth something, carry a menu of deal structures, so the
negotiation pages have something to show. A project valued already is left
alone.
"""

import zlib
from decimal import Decimal

from accounts.models import User
from projects.models import ResearchProject
from valuations.choices import ValuationMethod
from valuations.inputs import inputs_validate
from valuations.methods import run_method
from valuations.models import Valuation
from valuations.selectors import deal_defaults_for, valuation_defaults_for
from valuations.services import valuation_run

# The projects whose valuations show the option to abandon and a menu.
NEGOTIATED = ("ELU-002", "LCH-003", "QIS-002")
# Peak sales as a multiple of the development still to pay: from a modest
# product to a strong one, fixed per project so the demo is the same every
# time.
PEAK_MULTIPLES = (Decimal("0.8"), Decimal("1.2"), Decimal("1.6"), Decimal("2.2"), Decimal("3"))
# Scenarios revealed at the next gate: (probability, share of peak sales);
# their expectation is the forecast itself.
SCENARIOS = (
    (Decimal("0.3"), Decimal("0.1")),
    (Decimal("0.5"), Decimal("1")),
    (Decimal("0.2"), Decimal("2.35")),
)
# The share of the programme's rNPV the licensor asks in the menu.
ASKED_SHARE = 0.15
MENU_TRIALS = 5_000


def seed_valuations(*, staff: User) -> int:
    """Value the demo projects not valued yet; the number of valuations made."""
    valued = set(Valuation.objects.values_list("project_id", flat=True))
    projects = (
        ResearchProject.objects.exclude(pk__in=valued)
        .select_related("current_stage__pipeline__sector", "agreement")
        .order_by("code")
    )
    made = 0
    # The offers last: the newest valuations, the first the workspace lists.
    for project in sorted(projects, key=lambda p: (p.code in NEGOTIATED, p.code)):
        inputs = _inputs(staff, project)
        if inputs is None:
            continue
        valuation_run(
            project=project,
            method=ValuationMethod.RNPV,
            inputs=inputs,
            by=staff,
            label="Licence offer" if "menu" in inputs else "Forecast",
        )
        made += 1
    return made


def _inputs(staff: User, project: ResearchProject) -> dict | None:
    defaults = valuation_defaults_for(staff, project)
    inputs = defaults["rnpv"]
    phases = inputs["phases"]
    if not phases or any(phase["cost"] is None for phase in phases):
        return None
    still_to_pay = sum(Decimal(str(phase["cost"])) for phase in phases)
    multiple = (
        PEAK_MULTIPLES[-1]
        if project.code in NEGOTIATED
        else PEAK_MULTIPLES[zlib.crc32(project.code.encode()) % len(PEAK_MULTIPLES)]
    )
    peak = (still_to_pay * multiple).quantize(Decimal("1"))
    inputs["commercial"]["peak_sales"] = str(peak)
    deal, _notes = deal_defaults_for(project, inputs)
    if deal:
        inputs["deal"] = deal
    if project.code in NEGOTIATED:
        inputs["revelation"] = {
            "after_phase": phases[0]["name"],
            "scenarios": [
                {"probability": str(probability), "peak_sales": str(peak * share)}
                for probability, share in SCENARIOS
            ],
        }
        programme = run_method(ValuationMethod.RNPV, inputs_validate(ValuationMethod.RNPV, inputs))
        if programme["rnpv"] > 0:
            inputs["menu"] = {
                "target": f"{programme['rnpv'] * ASKED_SHARE:.0f}",
                "trials": MENU_TRIALS,
                "seed": 2026,
            }
    return inputs
