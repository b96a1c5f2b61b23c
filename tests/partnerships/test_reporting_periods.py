"""Royalty reporting periods: which period a licensee reports next."""

from datetime import date

from partnerships.computations.reporting import next_period_to_report, period_containing

TODAY = date(2026, 12, 6)


def test_a_day_falls_in_its_calendar_period():
    assert period_containing("quarterly", date(2026, 5, 17)) == (
        date(2026, 4, 1),
        date(2026, 6, 30),
    )
    assert period_containing("semi_annual", date(2026, 7, 1)) == (
        date(2026, 7, 1),
        date(2026, 12, 31),
    )
    assert period_containing("annual", date(2026, 2, 28)) == (date(2026, 1, 1), date(2026, 12, 31))


def test_with_no_report_the_last_period_that_ended_is_next():
    assert next_period_to_report("quarterly", [], TODAY) == (date(2026, 7, 1), date(2026, 9, 30))


def test_the_period_after_the_last_report_is_next():
    reported = [(date(2026, 1, 1), date(2026, 3, 31))]

    assert next_period_to_report("quarterly", reported, TODAY) == (
        date(2026, 4, 1),
        date(2026, 6, 30),
    )


def test_a_period_skipped_in_between_comes_first():
    reported = [(date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 7, 1), date(2026, 9, 30))]

    assert next_period_to_report("quarterly", reported, TODAY) == (
        date(2026, 4, 1),
        date(2026, 6, 30),
    )


def test_a_report_of_an_odd_period_covers_the_periods_it_overlaps():
    reported = [(date(2026, 1, 1), date(2026, 4, 15))]

    assert next_period_to_report("quarterly", reported, TODAY) == (
        date(2026, 7, 1),
        date(2026, 9, 30),
    )


def test_when_every_ended_period_is_reported_the_current_one_is_next():
    reported = [(date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 7, 1), date(2026, 9, 30))]

    assert next_period_to_report("quarterly", reported, TODAY) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert next_period_to_report("annual", [(date(2025, 1, 1), date(2025, 12, 31))], TODAY) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
