"""Valuations with a deal and a menu of deal structures, made directly in
the shape the valuation stores (inputs, results), without running the
engine: the term sheet reads only that shape."""

import copy

from valuations.choices import ValuationMethod, ValuationStatus
from valuations.models import Valuation

DEAL = {
    "upfront": 10.0,
    "milestones": [
        {
            "name": "Phase II start",
            "amount": 15.0,
            "on_phase_success": "Phase I",
            "on_annual_sales_at_least": None,
        },
        {
            "name": "Sales above 1000",
            "amount": 50.0,
            "on_phase_success": None,
            "on_annual_sales_at_least": 1000.0,
        },
    ],
    "royalty_tiers": [
        {"up_to": 500.0, "rate": 0.05},
        {"up_to": 1000.0, "rate": 0.08},
        {"up_to": None, "rate": 0.1},
    ],
    "royalty_basis": "marginal",
    "royalty_years": 10,
    "licensee_cost_share": 0.7,
}

MENU_DEAL = {
    "upfront": 20.0,
    "milestones": [
        {
            "name": "Phase II start",
            "amount": 30.0,
            "on_phase_success": "Phase I",
            "on_annual_sales_at_least": None,
        },
    ],
    "royalty_tiers": [{"up_to": None, "rate": 0.065}],
    "royalty_basis": "whole",
    "royalty_years": 12,
    "licensee_cost_share": 1.0,
}


def _stats(mean, sd, p5=None, p95=None, loss=0.0):
    stats = {"mean": mean, "sd": sd, "probability_of_loss": loss}
    if p5 is not None:
        stats.update(p5=p5, p95=p95)
    return stats


RESULTS = {
    "currency": "USD",
    "npv": 1892.22,
    "rnpv": 250.73,
    "cumulative_probability": 0.15028,
    "launch_year": 6,
    "years": [],
    "deal": {
        "licensor_rnpv": 64.48,
        "licensee_rnpv": 186.25,
        "licensor_share": 0.2572,
        "royalty_rnpv": 44.85,
        "milestones_rnpv": 9.63,
        "upfront": 10.0,
        "licensor_cost_rnpv": 0.0,
        "lump_sum_equivalent": 64.48,
        "milestones": [],
    },
    "outcomes": [
        {
            "outcome": "fails_in_phase",
            "phase": "Phase I",
            "probability": 0.48,
            "project_pv": -21.69,
            "licensor_pv": 10.0,
            "licensee_pv": -31.69,
            "licensee_pv_lump_sum": -86.18,
        },
        {
            "outcome": "fails_in_phase",
            "phase": "Phase II",
            "probability": 0.36972,
            "project_pv": -62.8,
            "licensor_pv": 22.4,
            "licensee_pv": -85.2,
            "licensee_pv_lump_sum": -127.28,
        },
        {
            "outcome": "reaches_market",
            "phase": None,
            "probability": 0.15028,
            "project_pv": 1892.22,
            "licensor_pv": 342.04,
            "licensee_pv": 1550.18,
            "licensee_pv_lump_sum": 1827.74,
        },
    ],
    "risk": {
        "licensor": _stats(64.48, 116.86),
        "licensee": _stats(186.25, 574.12, loss=0.84972),
        "licensee_lump_sum": _stats(186.25, 690.58, loss=0.84972),
        "project": _stats(250.73, 690.58, loss=0.84972),
        "licensor_below_lump_sum_probability": 0.84972,
    },
    # As methods.menu_results stores it: structures by key, each feasible
    # one with its deal and each party's figures.
    "menu": {
        "target": 64.48,
        "project_rnpv": 250.73,
        "payments_value": 64.48,
        "trials": 10000,
        "seed": 7,
        "structures": [
            {
                "key": "all_upfront",
                "upfront_share": 1.0,
                "milestones_share": 0.0,
                "royalties_share": 0.0,
                "feasible": False,
                "reason": "no_milestone_value",
                "deal": None,
                "licensor": {"exact": None, "simulated": None},
                "licensee": {"exact": None, "simulated": None},
                "licensee_cash_before_launch": None,
            },
            {
                "key": "balanced",
                "upfront_share": 0.3,
                "milestones_share": 0.3,
                "royalties_share": 0.4,
                "feasible": True,
                "reason": "",
                "deal": MENU_DEAL,
                "licensor": {
                    "exact": _stats(64.48, 98.7, 20.0, 301.5, 0.0),
                    "simulated": _stats(66.1, 101.2, 20.0, 310.9, 0.0),
                },
                "licensee": {
                    "exact": _stats(186.25, 560.4, -95.3, 1498.0, 0.84972),
                    "simulated": None,
                },
                "licensee_cash_before_launch": {"if_all_succeed": 50.0, "expected": 35.6},
            },
        ],
    },
}

INPUTS = {
    "currency": "USD",
    "discount_rate": 0.1,
    "timing": "end_of_year",
    "phases": [
        {"name": "Phase I", "years": 2, "cost": 25.0, "success_probability": 0.52},
        {"name": "Phase II", "years": 3, "cost": 60.0, "success_probability": 0.289},
    ],
    "commercial": {
        "peak_sales": 1500.0,
        "ramp": [0.15, 0.35, 0.6, 0.85],
        "plateau_years": 6,
        "erosion": [0.4, 0.2, 0.1],
        "cogs_rate": 0.15,
        "opex_rate": 0.25,
        "tax_rate": 0.25,
        "launch_delay": 0,
    },
    "deal": DEAL,
    "menu": {
        "target": 64.48,
        "structures": [
            {
                "key": "all_upfront",
                "upfront_share": 1.0,
                "milestones_share": 0.0,
                "royalties_share": 0.0,
            },
            {
                "key": "balanced",
                "upfront_share": 0.3,
                "milestones_share": 0.3,
                "royalties_share": 0.4,
            },
        ],
        "trials": 10000,
        "seed": 7,
    },
}


def valuation_with_menu(
    project, *, by, inputs=None, results=None, currency: str = "USD"
) -> Valuation:
    """A finished rNPV of ``project`` with the deal above and a menu of two
    structures, the first infeasible; complete inputs, so that what reads
    a project's latest rNPV (portfolios) reads this one too."""
    inputs = copy.deepcopy(inputs or INPUTS)
    results = copy.deepcopy(results or RESULTS)
    inputs["currency"] = results["currency"] = currency
    return Valuation.objects.create(
        project=project,
        method=ValuationMethod.RNPV,
        label="Licence offer",
        currency=currency,
        inputs=inputs,
        results=results,
        status=ValuationStatus.DONE,
        engine_version="test",
        created_by=by,
    )


def pdf_text(data: bytes) -> str:
    """The text a PDF shows, line by line: each content stream decoded
    (ASCII85, then Flate), each string shown with ``Tj`` unescaped, and
    decoded as UCS-2 when set in the CJK font, as Latin-1 otherwise."""
    import base64
    import re
    import zlib

    cjk = re.search(rb"/Encoding /UniGB-UCS2-H /Name /(F\d+)", data)
    cjk_font = cjk.group(1) if cjk else None
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def unescape(raw: bytes) -> bytes:
        def one(match):
            token = match.group(1)
            if token[:1].isdigit():
                return bytes([int(token, 8)])
            return escapes.get(token, token)

        return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.DOTALL)

    lines = []
    for stream in re.findall(rb"stream\r?\n(.*?)~>\s*endstream", data, re.DOTALL):
        content = zlib.decompress(base64.a85decode(stream.strip()))
        font = None
        for match in re.finditer(
            rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", content, re.DOTALL
        ):
            if match.group(1):
                font = match.group(1)
                continue
            raw = unescape(match.group(2))
            lines.append(raw.decode("utf-16-be") if font == cjk_font else raw.decode("cp1252"))
    return "\n".join(lines)
