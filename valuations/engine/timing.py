"""Discounting conventions.

Years are numbered from 1. The cash flow of year t is discounted by
(1 + r)^t with end-of-year timing, or by (1 + r)^(t - 0.5) with mid-year
timing. Year 0 (an upfront payment) is never discounted.
"""

from enum import StrEnum

import numpy as np

from .errors import EngineInputError


class Timing(StrEnum):
    END_OF_YEAR = "end_of_year"
    MID_YEAR = "mid_year"


def timing_shift(timing: Timing | str) -> float:
    """How much earlier than the end of the year a year's cash flow falls."""
    return 0.5 if Timing(timing) == Timing.MID_YEAR else 0.0


def discount_factors(years, rate: float, timing: Timing | str = Timing.END_OF_YEAR):
    """Discount factors of the given years (numbers from 1, or 0 for an
    undiscounted year-0 amount)."""
    years = np.asarray(years, dtype=np.float64)
    exponent = np.where(years > 0, years - timing_shift(timing), 0.0)
    return (1.0 + rate) ** -exponent


def check_rate(field: str, rate: float) -> None:
    if not np.isfinite(rate) or rate <= -1.0:
        raise EngineInputError(field, "A discount rate must be greater than -1 (i.e. -100%).")
