"""Royalty reporting periods: an agreement's terms say how often the licensee
reports its sales (quarterly, half-yearly, yearly); periods follow the
calendar."""

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
