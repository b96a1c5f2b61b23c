"""Where an agreement stands in its term: time left, notice and renewal."""

from datetime import date

import pytest

from partnerships.computations.term import add_months, months_between, term_position


def position(today, *, expires_on=date(2027, 6, 30), renewal="none", notice=None, months=None):
    return term_position(
        effective_on=date(2024, 7, 1),
        expires_on=expires_on,
        renewal=renewal,
        renewal_notice_days=notice,
        renewal_term_months=months,
        today=today,
    )


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 15), date(2026, 2, 15), 1),
        (date(2026, 1, 15), date(2026, 2, 14), 0),
        (date(2026, 1, 31), date(2027, 3, 1), 13),
        (date(2026, 5, 1), date(2026, 4, 1), 0),
    ],
)
def test_whole_months_between_two_days(start, end, months):
    assert months_between(start, end) == months


def test_a_month_later_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 15), 2) == date(2028, 2, 15)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_the_time_left_in_years_and_months():
    term = position(date(2026, 12, 6))

    assert (term.started, term.expired) == (True, False)
    assert term.years_and_months_left == (0, 6)
    assert term.days_left == 206


def test_an_expired_term_has_no_time_left():
    term = position(date(2027, 7, 1))

    assert term.expired and term.days_left is None and term.years_and_months_left is None


def test_no_expiry_date_no_countdown():
    term = position(date(2026, 12, 6), expires_on=None, renewal="automatic", notice=90, months=12)

    assert term.days_left is None and term.notice_by is None and term.renews_until is None


def test_notice_deadline_and_next_term_of_a_renewal():
    term = position(date(2026, 12, 6), renewal="automatic", notice=90, months=12)

    assert term.notice_by == date(2027, 4, 1)
    assert not term.notice_passed
    assert term.renews_until == date(2028, 6, 30)
    assert position(date(2027, 4, 2), renewal="by_notice", notice=90, months=12).notice_passed


def test_without_renewal_there_is_no_notice_to_give():
    term = position(date(2026, 12, 6), notice=90, months=12)

    assert term.notice_by is None and term.renews_until is None
