"""Royalty reporting periods: an agreement's terms say how often the licensee
reports its sales (quarterly, half-yearly, yearly); periods follow the
calendar."""

from collections.abc import Iterable
from datetime import date, timedelta

from partnerships.choices import RoyaltyReporting

PERIOD_MONTHS = {
    RoyaltyReporting.QUARTERLY: 3,
    RoyaltyReporting.SEMI_ANNUAL: 6,
    RoyaltyReporting.ANNUAL: 12,
}


def last_ended_period(reporting: str, today: date) -> tuple[date, date]:
    """The latest reporting period that ended before ``today``."""
    months = PERIOD_MONTHS[RoyaltyReporting(reporting)]
    start_month = ((today.month - 1) // months) * months + 1
    current_start = date(today.year, start_month, 1)
    end = current_start - timedelta(days=1)
    start_month = ((end.month - 1) // months) * months + 1
    return date(end.year, start_month, 1), end


def period_containing(reporting: str, day: date) -> tuple[date, date]:
    """The reporting period that ``day`` falls in."""
    months = PERIOD_MONTHS[RoyaltyReporting(reporting)]
    start_month = ((day.month - 1) // months) * months + 1
    start = date(day.year, start_month, 1)
    end_month = start_month + months
    if end_month > 12:
        end = date(day.year, 12, 31)
    else:
        end = date(day.year, end_month, 1) - timedelta(days=1)
    return start, end


def next_period_to_report(
    reporting: str, reported: Iterable[tuple[date, date]], today: date
) -> tuple[date, date]:
    """The period a licensee reports next, given the periods it reported:
    the earliest period that has ended, from its first report on, that no
    report covers; with no report yet, the last period that ended; and when
    every period that ended is reported, the one after the last report
    (which has not ended yet)."""
    reported = sorted(reported)
    last_start, _last_end = last_ended_period(reporting, today)
    if not reported:
        return last_ended_period(reporting, today)
    start, end = period_containing(reporting, reported[0][0])
    while start <= last_start:
        if not any(s <= end and e >= start for s, e in reported):
            return start, end
        start, end = period_containing(reporting, end + timedelta(days=1))
    latest_end = max(end for _start, end in reported)
    return period_containing(reporting, max(latest_end, last_start) + timedelta(days=1))
