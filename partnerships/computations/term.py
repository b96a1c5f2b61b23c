"""Where an agreement stands in its term on a given day: how long is left,
by when notice must be given, and until when a renewal would run.

Pure: dates and terms in, a ``TermPosition`` out, no database."""

from dataclasses import dataclass
from datetime import date, timedelta

# The renewal kinds (``partnerships.choices.Renewal``) as plain strings.
NO_RENEWAL = "none"
AUTOMATIC = "automatic"


@dataclass(frozen=True)
class TermPosition:
    """An agreement's term seen from ``today``.

    ``months_left`` counts whole months to the expiry (a month begins on
    the day of the month ``today`` falls on); ``days_left`` the days.
    ``notice_by`` is the last day to give notice (to renew, or not to);
    ``renews_until`` the end of the next term if the agreement renews."""

    effective_on: date | None
    expires_on: date | None
    started: bool
    expired: bool
    days_left: int | None
    months_left: int | None
    notice_by: date | None
    notice_passed: bool
    renews_until: date | None

    @property
    def years_and_months_left(self) -> tuple[int, int] | None:
        if self.months_left is None:
            return None
        return divmod(self.months_left, 12)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day if it is
    shorter (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


def term_position(
    *,
    effective_on: date | None,
    expires_on: date | None,
    renewal: str,
    renewal_notice_days: int | None,
    renewal_term_months: int | None,
    today: date,
) -> TermPosition:
    started = effective_on is None or effective_on <= today
    expired = expires_on is not None and expires_on < today
    days_left = months_left = notice_by = renews_until = None
    if expires_on is not None and not expired:
        days_left = (expires_on - today).days
        months_left = months_between(today, expires_on)
    renews = renewal != NO_RENEWAL and expires_on is not None
    if renews and renewal_notice_days is not None:
        notice_by = expires_on - timedelta(days=renewal_notice_days)
    if renews and renewal_term_months:
        renews_until = add_months(expires_on, renewal_term_months)
    return TermPosition(
        effective_on=effective_on,
        expires_on=expires_on,
        started=started,
        expired=expired,
        days_left=days_left,
        months_left=months_left,
        notice_by=notice_by,
        notice_passed=notice_by is not None and notice_by < today,
        renews_until=renews_until,
    )


def agreement_term_position(agreement, *, today: date) -> TermPosition:
    """``term_position`` of an agreement row."""
    return term_position(
        effective_on=agreement.effective_on,
        expires_on=agreement.expires_on,
        renewal=agreement.renewal,
        renewal_notice_days=agreement.renewal_notice_days,
        renewal_term_months=agreement.renewal_term_months,
        today=today,
    )
