"""The periods the annual reports count over, and the arithmetic of their
derived figures: pure functions over plain values."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# AUTM's small company: fewer than 500 employees.
SMALL_COMPANY_EMPLOYEES = 500
# China's value bands: contracts of 1 million yuan (100万) and above, and of
# 100 million (1亿) and above.
BAND_MILLION = Decimal("1000000")
BAND_HUNDRED_MILLION = Decimal("100000000")


@dataclass(frozen=True)
class Period:
    """A reporting period, both days included."""

    start: datetime.date
    end: datetime.date

    def __contains__(self, day) -> bool:
        return day is not None and self.start <= day <= self.end


def calendar_year(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def fiscal_year(year: int, start_month: int) -> Period:
    """The fiscal year named ``year``: the twelve months that end in it.
    With ``start_month`` 7, fiscal 2024 runs from 1 July 2023 to 30 June
    2024; with 1 it is the calendar year."""
    if not 1 <= start_month <= 12:
        raise ValueError("A fiscal year starts in a month from 1 to 12.")
    if start_month == 1:
        return calendar_year(year)
    start = datetime.date(year - 1, start_month, 1)
    end = datetime.date(year, start_month, 1) - datetime.timedelta(days=1)
    return Period(start, end)


def licensee_class(
    *,
    formed_for_licence: bool,
    founded_on: datetime.date | None,
    period: Period,
    employees: int | None,
    size: str,
) -> str:
    """AUTM's class of a licensee when the licence was executed:
    ``startup`` if the company was formed in the fiscal year to develop the
    licensed technology, else ``small`` below 500 employees (or, with no
    headcount, if recorded as a start-up or small company), else ``large``.
    The start-up and small classes exclude each other."""
    if formed_for_licence and founded_on in period:
        return "startup"
    if employees is not None:
        return "small" if employees < SMALL_COMPANY_EMPLOYEES else "large"
    return "large" if size == "large" else "small"


def ratio_percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to 0.1 %; None without a
    whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def average(total: Decimal, count: int, places: int = 2) -> Decimal:
    """The mean of ``count`` amounts totalling ``total``; 0 without any."""
    if not count:
        return Decimal(0).quantize(Decimal(1).scaleb(-places))
    return (Decimal(total) / count).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
