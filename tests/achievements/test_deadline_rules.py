"""The docket's rules, on their edges: month ends, leap years, grace
periods, the next annuity only, dead applications."""

from datetime import date

import pytest

from achievements.computations.deadlines import (
    ApplicationFacts,
    Closed,
    FamilyFacts,
    OfficeActionFacts,
    add_months,
    effective_filing_date,
    family_deadlines,
    family_expiry,
)


def application(id=1, **facts):
    facts.setdefault("jurisdiction", "CN")
    facts.setdefault("kind", "invention")
    facts.setdefault("status", "filed")
    return ApplicationFacts(id=id, **facts)


def by_kind(deadlines, kind):
    return [deadline for deadline in deadlines if deadline.kind == kind]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 8, 31), 30, date(2027, 2, 28)),  # to a February of 28 days
        (date(2025, 8, 31), 30, date(2028, 2, 29)),  # to a leap February
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a leap day a year on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # and four years on
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 3, 31), 6, date(2024, 9, 30)),  # to a month of 30 days
        (date(2024, 12, 15), 1, date(2025, 1, 15)),  # over the year's end
        (date(2024, 5, 10), 0, date(2024, 5, 10)),
    ],
)
def test_months_clamp_to_the_months_last_day(start, months, expected):
    assert add_months(start, months) == expected


class TestPctAndPhases:
    def test_the_pct_application_is_due_twelve_months_after_priority(self):
        facts = FamilyFacts(
            priority_date=date(2024, 8, 31),
            applications=(application(filed_on=date(2024, 8, 31)),),
        )
        [pct] = by_kind(family_deadlines(facts), "pct_filing")
        assert (pct.due_on, pct.done_on, pct.application_id) == (date(2025, 8, 31), None, None)

    def test_filing_the_pct_application_meets_the_pct_deadline(self):
        facts = FamilyFacts(
            priority_date=date(2024, 8, 31),
            applications=(
                application(1, filed_on=date(2024, 8, 31)),
                application(
                    2, jurisdiction="PCT", kind="pct_international", filed_on=date(2025, 8, 29)
                ),
            ),
        )
        [pct] = by_kind(family_deadlines(facts), "pct_filing")
        assert pct.done_on == date(2025, 8, 29)

    def test_phases_fall_at_30_months_and_31_for_ep_clamped_to_february(self):
        facts = FamilyFacts(
            priority_date=date(2024, 8, 31),
            applications=(
                application(
                    2, jurisdiction="PCT", kind="pct_international", filed_on=date(2025, 8, 29)
                ),
            ),
        )
        deadlines = family_deadlines(facts)
        [national] = by_kind(deadlines, "national_phase")
        [regional] = by_kind(deadlines, "regional_phase")
        assert national.due_on == date(2027, 2, 28)
        assert regional.due_on == date(2027, 3, 31)
        assert national.application_id == regional.application_id == 2

    def test_entering_the_phases_meets_them(self):
        facts = FamilyFacts(
            priority_date=date(2024, 8, 31),
            applications=(
                application(
                    2, jurisdiction="PCT", kind="pct_international", filed_on=date(2025, 8, 29)
                ),
                application(
                    3,
                    jurisdiction="US",
                    kind="national_phase",
                    parent_id=2,
                    filed_on=date(2027, 2, 1),
                ),
                application(
                    4,
                    jurisdiction="EP",
                    kind="regional_phase",
                    parent_id=2,
                    filed_on=date(2027, 3, 30),
                ),
            ),
        )
        deadlines = family_deadlines(facts)
        assert by_kind(deadlines, "national_phase")[0].done_on == date(2027, 2, 1)
        assert by_kind(deadlines, "regional_phase")[0].done_on == date(2027, 3, 30)

    def test_a_family_without_priority_date_has_no_pct_deadline(self):
        facts = FamilyFacts(
            priority_date=None, applications=(application(filed_on=date(2024, 1, 1)),)
        )
        assert by_kind(family_deadlines(facts), "pct_filing") == []


class TestOfficeActions:
    def test_the_response_is_due_the_term_after_receipt_at_the_month_end(self):
        facts = FamilyFacts(
            priority_date=None,
            applications=(
                application(
                    filed_on=date(2023, 5, 1),
                    office_actions=(
                        OfficeActionFacts(id=7, received_on=date(2025, 10, 31), term_months=4),
                    ),
                ),
            ),
        )
        [response] = by_kind(family_deadlines(facts), "office_action")
        assert (response.due_on, response.office_action_id, response.done_on) == (
            date(2026, 2, 28),
            7,
            None,
        )

    def test_a_response_sent_meets_it(self):
        action = OfficeActionFacts(
            id=7, received_on=date(2025, 10, 31), term_months=4, responded_on=date(2026, 1, 5)
        )
        facts = FamilyFacts(
            priority_date=None,
            applications=(application(filed_on=date(2023, 5, 1), office_actions=(action,)),),
        )
        assert by_kind(family_deadlines(facts), "office_action")[0].done_on == date(2026, 1, 5)


class TestCnAnnuities:
    def test_none_before_grant(self):
        facts = FamilyFacts(
            priority_date=None, applications=(application(filed_on=date(2022, 2, 28)),)
        )
        assert by_kind(family_deadlines(facts), "annuity") == []

    def test_the_grant_years_annuity_is_due_at_registration_two_months_on(self):
        facts = FamilyFacts(
            priority_date=None,
            applications=(
                application(
                    filed_on=date(2022, 2, 28), granted_on=date(2024, 12, 31), status="granted"
                ),
            ),
        )
        [annuity] = by_kind(family_deadlines(facts), "annuity")
        # Granted in the third year counted from filing.
        assert annuity.sequence == 3
        assert annuity.due_on == date(2025, 2, 28)
        assert annuity.grace_until == date(2025, 8, 28)

    def test_later_annuities_fall_on_the_filing_anniversary(self):
        facts = FamilyFacts(
            priority_date=None,
            applications=(
                application(
                    filed_on=date(2020, 2, 29), granted_on=date(2023, 6, 1), status="granted"
                ),
            ),
        )
        [annuity] = by_kind(family_deadlines(facts, Closed(annuity={1: 4})), "annuity")
        # Year 5 begins on the fourth anniversary of a leap-day filing.
        assert annuity.sequence == 5
        assert annuity.due_on == date(2024, 2, 29)
        [annuity] = by_kind(family_deadlines(facts, Closed(annuity={1: 5})), "annuity")
        assert (annuity.sequence, annuity.due_on) == (6, date(2025, 2, 28))

    def test_no_annuity_falls_after_expiry(self):
        facts = FamilyFacts(
            priority_date=None,
            applications=(
                application(
                    filed_on=date(2006, 3, 1), granted_on=date(2010, 1, 1), status="granted"
                ),
            ),
        )
        assert by_kind(family_deadlines(facts, Closed(annuity={1: 20})), "annuity") == []
        [last] = by_kind(family_deadlines(facts, Closed(annuity={1: 19})), "annuity")
        assert (last.sequence, last.due_on) == (20, date(2025, 3, 1))

    def test_a_national_phase_counts_its_years_from_the_international_filing(self):
        pct = application(
            1, jurisdiction="PCT", kind="pct_international", filed_on=date(2021, 7, 31)
        )
        cn = application(
            2,
            kind="national_phase",
            parent_id=1,
            filed_on=date(2024, 1, 15),
            granted_on=date(2025, 9, 1),
            status="granted",
        )
        facts = FamilyFacts(priority_date=date(2020, 7, 31), applications=(pct, cn))
        assert effective_filing_date(cn, {1: pct, 2: cn}) == date(2021, 7, 31)
        [annuity] = by_kind(family_deadlines(facts), "annuity")
        assert annuity.sequence == 5
        [expiry] = [d for d in by_kind(family_deadlines(facts), "expiry") if d.application_id == 2]
        assert expiry.due_on == date(2041, 7, 31)


class TestEpRenewals:
    def test_from_the_third_year_at_the_end_of_the_anniversary_month(self):
        facts = FamilyFacts(
            priority_date=None,
            applications=(application(jurisdiction="EP", filed_on=date(2024, 2, 10)),),
        )
        [renewal] = by_kind(family_deadlines(facts), "annuity")
        assert (renewal.sequence, renewal.due_on) == (3, date(2026, 2, 28))
        assert renewal.grace_until == date(2026, 8, 28)

    def test_none_after_grant_when_they_become_national_fees(self):
        facts = FamilyFacts(
            priority_date=None,
            applications=(
                application(
                    jurisdiction="EP",
                    filed_on=date(2020, 2, 10),
                    granted_on=date(2024, 5, 1),
                    status="granted",
                ),
            ),
        )
        assert by_kind(family_deadlines(facts), "annuity") == []


class TestUsMaintenanceFees:
    def test_at_three_and_a_half_seven_and_a_half_and_eleven_and_a_half_years(self):
        granted = application(
            jurisdiction="US",
            filed_on=date(2019, 8, 31),
            granted_on=date(2022, 8, 31),
            status="granted",
        )
        facts = FamilyFacts(priority_date=None, applications=(granted,))
        dues = []
        for closed in range(4):
            fees = by_kind(
                family_deadlines(facts, Closed(maintenance_fee={1: closed})), "maintenance_fee"
            )
            dues.append([(fee.sequence, fee.due_on, fee.grace_until) for fee in fees])
        assert dues == [
            [(1, date(2026, 2, 28), date(2026, 8, 28))],
            [(2, date(2030, 2, 28), date(2030, 8, 28))],
            [(3, date(2034, 2, 28), date(2034, 8, 28))],
            [],
        ]

    def test_design_patents_pay_none(self):
        design = application(
            jurisdiction="US",
            kind="design",
            filed_on=date(2020, 1, 1),
            granted_on=date(2021, 1, 1),
            status="granted",
        )
        facts = FamilyFacts(priority_date=None, applications=(design,))
        assert by_kind(family_deadlines(facts), "maintenance_fee") == []


class TestExpiry:
    @pytest.mark.parametrize(
        ("kind", "jurisdiction", "expected"),
        [
            ("invention", "CN", date(2044, 2, 29)),
            ("utility_model", "CN", date(2034, 2, 28)),
            ("design", "CN", date(2039, 2, 28)),
        ],
    )
    def test_terms_run_from_filing(self, kind, jurisdiction, expected):
        facts = FamilyFacts(
            priority_date=None,
            applications=(
                application(kind=kind, jurisdiction=jurisdiction, filed_on=date(2024, 2, 29)),
            ),
        )
        [expiry] = by_kind(family_deadlines(facts), "expiry")
        assert expiry.due_on == expected

    def test_the_term_the_office_gives_wins(self):
        extended = application(filed_on=date(2010, 1, 1), expires_on=date(2033, 6, 30))
        assert family_expiry(FamilyFacts(priority_date=None, applications=(extended,))) == date(
            2033, 6, 30
        )

    def test_a_divisional_ends_with_its_parent(self):
        parent = application(1, filed_on=date(2018, 4, 30))
        divisional = application(2, kind="divisional", parent_id=1, filed_on=date(2022, 1, 10))
        facts = FamilyFacts(priority_date=None, applications=(parent, divisional))
        expiries = {d.application_id: d.due_on for d in by_kind(family_deadlines(facts), "expiry")}
        assert expiries == {1: date(2038, 4, 30), 2: date(2038, 4, 30)}

    def test_the_family_lives_as_long_as_its_latest_living_application(self):
        old = application(1, filed_on=date(2015, 1, 1))
        later = application(2, jurisdiction="US", filed_on=date(2016, 1, 1), status="abandoned")
        facts = FamilyFacts(priority_date=None, applications=(old, later))
        assert family_expiry(facts) == date(2035, 1, 1)


def test_a_dead_application_has_no_deadlines_but_its_family_keeps_the_met_pct_one():
    facts = FamilyFacts(
        priority_date=date(2024, 1, 10),
        applications=(
            application(1, filed_on=date(2024, 1, 10), status="abandoned"),
            application(
                2,
                jurisdiction="PCT",
                kind="pct_international",
                filed_on=date(2025, 1, 9),
                status="abandoned",
            ),
        ),
    )
    deadlines = family_deadlines(facts)
    assert [(d.kind, d.done_on) for d in deadlines] == [("pct_filing", date(2025, 1, 9))]
