"""Arithmetic of expected receipts: calendar quarters, the probability of
reaching a stage, and discounting to today.

Plain values in and out, no ORM: the analytics selectors sum amounts in the
database and apply these to the handful of quarters that result.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# Years of 365.25 days: leap years averaged out, as in the valuation engine.
DAYS_PER_YEAR = Decimal("365.25")
ONE = Decimal(1)


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: ``year`` and ``number`` 1–4."""

    year: int
    number: int

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the quarter."""
        return self.shifted(1).start - datetime.timedelta(days=1)

    @property
    def midpoint(self) -> datetime.date:
        return self.start + (self.end - self.start) / 2

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    def shifted(self, quarters: int) -> "Quarter":
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    def offset_from(self, other: "Quarter") -> int:
        """How many quarters this one lies after ``other``."""
        return (self.year - other.year) * 4 + self.number - other.number


def quarters_around(today: datetime.date, *, before: int = 0, after: int = 0) -> list[Quarter]:
    """The quarter of ``today`` with ``before`` quarters before it and
    ``after`` after it, in order."""
    current = Quarter.of(today)
    return [current.shifted(offset) for offset in range(-before, after + 1)]


def years_between(start: datetime.date, end: datetime.date) -> Decimal:
    return Decimal((end - start).days) / DAYS_PER_YEAR


def reach_probability(stage_probabilities: Iterable[Decimal]) -> Decimal:
    """The probability of passing every one of the stages: the product of
    their probabilities of success. No stage to pass: certain."""
    probability = ONE
    for stage_probability in stage_probabilities:
        probability *= Decimal(stage_probability)
    return probability


def discount_factor(annual_rate: Decimal, years: Decimal) -> Decimal:
    """What one unit received ``years`` from now is worth today at
    ``annual_rate``, compounded yearly. Money due in the past is counted
    today, undiscounted."""
    if annual_rate <= -1:
        raise ValueError("A discount rate is above −100 %.")
    years = max(Decimal(years), Decimal(0))
    return ONE / (ONE + Decimal(annual_rate)) ** years


def quarter_discount_factor(annual_rate: Decimal, today: datetime.date, quarter: Quarter):
    """The discount factor of money expected in ``quarter``, received at its
    midpoint (the usual mid-period convention)."""
    return discount_factor(annual_rate, years_between(today, quarter.midpoint))
