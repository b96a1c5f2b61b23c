"""Royalty reports: the licensee reports net sales, the royalty follows from
the agreement's tiers on the year's sales to date, and the report goes
submitted → accepted (or queried and resubmitted) → invoiced → paid. After a
year ends, a shortfall against the minimum annual royalty is trued up.

The licence of these tests charges 5% of annual net sales up to 1,000,000,
8% above 1,000,000 and 10% above 5,000,000, 20% of sublicense income, and a
minimum annual royalty of 100,000 CNY. Today is fixed at 20 May 2026, so
2025 has ended and 2026 has not.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import DomainError
from notifications.models import Notification
from partnerships.computations.royalties import Tier
from partnerships.services import royalty_tiers_set
from projects.choices import RoyaltyReportKind, RoyaltyReportStatus
from projects.models import Activity, RoyaltyReport
from projects.selectors import royalty_reports_visible_to
from projects.services import (
    payment_record,
    royalty_report_accept,
    royalty_report_invoice,
    royalty_report_query,
    royalty_report_resubmit,
    royalty_report_submit,
    royalty_year_true_up,
)
from projects.services.royalties import SalesLine, royalty_preview_breakdown
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    PartnerUserFactory,
    ResearchProjectFactory,
    RoyaltyReportFactory,
    RoyaltyTierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2026, 5, 20)
QUARTERS = {
    1: ((1, 1), (3, 31)),
    2: ((4, 1), (6, 30)),
    3: ((7, 1), (9, 30)),
    4: ((10, 1), (12, 31)),
}


def quarter(number: int, year: int = 2025) -> dict:
    (start_month, start_day), (end_month, end_day) = QUARTERS[number]
    return {
        "period_start": date(year, start_month, start_day),
        "period_end": date(year, end_month, end_day),
    }


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Periods are judged against today; fix it so the tests do not age."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def licence(institution, enterprise):
    agreement = AgreementFactory(
        partnership__institution=institution,
        partnership__enterprise=enterprise,
        minimum_annual_royalty=D(100_000),
        sublicense_income_share=D(20),
    )
    for lower_bound, rate in [(0, 5), (1_000_000, 8), (5_000_000, 10)]:
        RoyaltyTierFactory(agreement=agreement, lower_bound=lower_bound, rate_percent=rate)
    return agreement


@pytest.fixture
def report_sales(licence, partner_user):
    """Submit a quarter's net sales as the licensee."""

    def report(number, net_sales, *, year=2025, agreement=None, by=None, **kwargs):
        return royalty_report_submit(
            agreement=agreement or licence,
            by=by or partner_user,
            net_sales=D(net_sales),
            **quarter(number, year),
            **kwargs,
        )

    return report


def refused_code(excinfo) -> str:
    return excinfo.value.code


class TestRoyaltyDue:
    def test_a_first_quarter_is_charged_from_the_bottom_tier(self, report_sales):
        report = report_sales(1, 800_000)

        assert report.status == RoyaltyReportStatus.SUBMITTED
        assert report.royalty_due == D("40000.00")
        assert report.currency == "CNY"

    def test_a_quarter_that_crosses_a_threshold_pays_the_higher_rate_above_it(self, report_sales):
        """Q1 800,000 then Q2 400,000: Q2 pays 200,000 at 5% and 200,000 at 8%."""
        report_sales(1, 800_000)

        second = report_sales(2, 400_000)

        assert second.royalty_due == D("26000.00")

    def test_with_the_whole_basis_crossing_a_threshold_lifts_the_years_earlier_sales(
        self, licence, report_sales
    ):
        """Passing 1,000,000 takes the year to 8%: Q2 pays 32,000 on its own
        sales plus 3% more on Q1's 800,000."""
        licence.royalty_basis = "whole"
        licence.save()
        report_sales(1, 800_000)

        second = report_sales(2, 400_000)

        assert second.royalty_due == D("56000.00")

    def test_with_the_whole_basis_a_year_exactly_at_a_threshold_keeps_the_lower_rate(
        self, licence, report_sales
    ):
        """5% up to 1,000,000 included: Q1 600,000 and Q2 400,000 bring the
        year to exactly 1,000,000, all of it still at 5%."""
        licence.royalty_basis = "whole"
        licence.save()
        report_sales(1, 600_000)

        second = report_sales(2, 400_000)
        third = report_sales(3, D("0.01"))

        assert second.royalty_due == D("20000.00")
        # The next cent lifts the whole year to 8%.
        assert third.royalty_due == D("30000.00")

    def test_the_preview_of_a_whole_basis_year_at_a_threshold_shows_the_lower_rate(self, licence):
        licence.royalty_basis = "whole"
        licence.save()

        preview = royalty_preview_breakdown(
            agreement=licence, period_start=date(2025, 1, 1), net_sales=D(1_000_000)
        )

        assert (preview["whole_rate"], preview["royalty_due"]) == (D(5), D("50000.00"))

    def test_sales_of_an_earlier_year_do_not_count_toward_this_years_thresholds(
        self, report_sales
    ):
        report_sales(4, 900_000, year=2024)

        report = report_sales(1, 400_000, year=2025)

        assert report.royalty_due == D("20000.00")

    def test_a_late_report_for_an_earlier_quarter_still_adds_up_to_the_annual_royalty(
        self, report_sales
    ):
        """Q2 reported before Q1: together they owe the royalty on 1,200,000,
        50,000 + 16,000, however the reports arrived."""
        second = report_sales(2, 800_000)

        first = report_sales(1, 400_000)

        assert second.royalty_due + first.royalty_due == D("66000.00")

    def test_sublicense_income_adds_the_agreed_share(self, report_sales):
        """5% of 100,000 in sales plus 20% of 50,000 in sublicense income."""
        report = report_sales(1, 100_000, sublicense_income=D(50_000))

        assert report.royalty_due == D("15000.00")
        assert report.sublicense_income == D("50000.00")

    def test_royalty_is_rounded_half_up_to_the_cent(self, report_sales):
        """5% of 100.10 is 5.005: half-up gives 5.01 (banker's would give 5.00)."""
        report = report_sales(1, "100.10")

        assert report.royalty_due == D("5.01")

    def test_yen_royalties_are_rounded_half_up_to_whole_yen(self, institution, enterprise):
        """The yen has no minor unit: 5% of 1,010 yen is 50.5, charged as 51."""
        licence = AgreementFactory(
            partnership__institution=institution,
            partnership__enterprise=enterprise,
            currency="JPY",
        )
        RoyaltyTierFactory(agreement=licence, lower_bound=0, rate_percent=5)
        staff = UserFactory(institutions=[institution])

        report = royalty_report_submit(
            agreement=licence, by=staff, net_sales=D(1010), **quarter(1)
        )

        assert report.royalty_due == D(51)
        assert report.currency == "JPY"

    def test_a_report_may_name_a_project_under_the_agreement_only(
        self, licence, report_sales, institution
    ):
        project = ResearchProjectFactory(lead_institution=institution, agreement=licence)
        foreign_project = ResearchProjectFactory(agreement=AgreementFactory())

        report = report_sales(1, 1000, project=project)
        with pytest.raises(DomainError):
            report_sales(2, 1000, project=foreign_project)

        assert report.project == project


class TestSalesByProductAndTerritory:
    def test_lines_that_add_up_to_the_net_sales_are_kept(self, report_sales):
        lines = [
            SalesLine(product="Antibody A", territory="CN", net_sales=D(600_000)),
            SalesLine(product="Antibody A", territory="HK", net_sales=D(200_000)),
        ]

        report = report_sales(1, 800_000, lines=lines)

        assert report.royalty_due == D("40000.00")
        assert sorted(report.lines.values_list("territory", "net_sales")) == [
            ("CN", D("600000.00")),
            ("HK", D("200000.00")),
        ]

    def test_lines_alone_give_the_net_sales(self, licence, partner_user):
        report = royalty_report_submit(
            agreement=licence,
            by=partner_user,
            lines=[
                SalesLine(product="Antibody A", territory="CN", net_sales=D(300_000)),
                SalesLine(product="Antibody B", territory="CN", net_sales=D(100_000)),
            ],
            **quarter(1),
        )

        assert report.net_sales == D("400000.00")
        assert report.royalty_due == D("20000.00")

    def test_lines_that_do_not_add_up_to_the_net_sales_are_refused(self, report_sales):
        lines = [SalesLine(product="Antibody A", territory="CN", net_sales=D(700_000))]

        with pytest.raises(DomainError) as excinfo:
            report_sales(1, 800_000, lines=lines)

        assert refused_code(excinfo) == "lines_mismatch"
        assert not RoyaltyReport.objects.exists()

    def test_an_agreement_that_requires_the_breakdown_refuses_a_total_alone(
        self, licence, report_sales
    ):
        licence.sales_breakdown_required = True
        licence.save()

        with pytest.raises(DomainError) as excinfo:
            report_sales(1, 800_000)
        report = report_sales(
            1,
            800_000,
            lines=[SalesLine(product="Antibody A", territory="CN", net_sales=D(800_000))],
        )

        assert refused_code(excinfo) == "breakdown_required"
        assert report.lines.count() == 1

    def test_the_same_product_and_territory_twice_is_refused_with_a_code(self, report_sales):
        line = SalesLine(product="Antibody A", territory="CN", net_sales=D(400_000))

        with pytest.raises(DomainError) as excinfo:
            report_sales(1, 800_000, lines=[line, line])

        assert refused_code(excinfo) == "duplicate_line"
        assert not RoyaltyReport.objects.exists()

    def test_a_line_without_a_product_or_territory_is_refused(self, report_sales):
        lines = [SalesLine(product="Antibody A", territory=" ", net_sales=D(800_000))]

        with pytest.raises(DomainError) as excinfo:
            report_sales(1, 800_000, lines=lines)

        assert refused_code(excinfo) == "line_incomplete"

    def test_a_product_named_by_invisible_characters_is_no_product(self, report_sales):
        lines = [SalesLine(product="\u200b\ufeff", territory="CN", net_sales=D(800_000))]

        with pytest.raises(DomainError) as excinfo:
            report_sales(1, 800_000, lines=lines)

        assert refused_code(excinfo) == "line_incomplete"

    def test_a_product_longer_than_a_stored_line_holds_is_refused(self, report_sales):
        lines = [SalesLine(product="A" * 201, territory="CN", net_sales=D(800_000))]

        with pytest.raises(DomainError) as excinfo:
            report_sales(1, 800_000, lines=lines)

        assert (excinfo.value.code, excinfo.value.field) == ("too_long", "lines")
        assert not RoyaltyReport.objects.exists()

    def test_negative_line_sales_are_refused(self, report_sales):
        lines = [
            SalesLine(product="Antibody A", territory="CN", net_sales=D(900_000)),
            SalesLine(product="Antibody A", territory="HK", net_sales=D(-100_000)),
        ]

        with pytest.raises(DomainError):
            report_sales(1, 800_000, lines=lines)

        assert not RoyaltyReport.objects.exists()


class TestReportablePeriods:
    @pytest.mark.parametrize(
        ("period_start", "period_end", "code"),
        [
            (date(2024, 12, 1), date(2025, 1, 31), "period_spans_years"),
            (date(2026, 4, 1), date(2026, 6, 30), "period_not_ended"),
            (date(2025, 3, 31), date(2025, 1, 1), "invalid_period"),
            (date(1989, 1, 1), date(1989, 3, 31), "date_out_of_range"),
        ],
        ids=["spans two years", "not yet ended", "ends before it starts", "before 1990"],
    )
    def test_a_period_that_cannot_be_charged_is_refused(
        self, licence, partner_user, period_start, period_end, code
    ):
        with pytest.raises(DomainError) as excinfo:
            royalty_report_submit(
                agreement=licence,
                by=partner_user,
                period_start=period_start,
                period_end=period_end,
                net_sales=D(1000),
            )

        assert refused_code(excinfo) == code

    def test_a_period_ending_today_can_be_reported(self, licence, partner_user):
        report = royalty_report_submit(
            agreement=licence,
            by=partner_user,
            period_start=date(2026, 5, 1),
            period_end=TODAY,
            net_sales=D(1000),
        )

        assert report.royalty_due == D("50.00")

    def test_a_period_overlapping_another_report_is_refused(self, licence, report_sales):
        report_sales(1, 800_000)

        with pytest.raises(DomainError) as excinfo:
            royalty_report_submit(
                agreement=licence,
                by=licence.partnership.enterprise.users.first(),
                period_start=date(2025, 3, 1),
                period_end=date(2025, 5, 31),
                net_sales=D(1000),
            )

        assert refused_code(excinfo) == "period_overlaps"

    def test_reports_after_the_royalty_term_are_refused(self, licence, report_sales):
        """A one-year term runs for the year of the first sales report only."""
        licence.royalty_term_years = 1
        licence.save()
        report_sales(4, 500_000, year=2024)

        with pytest.raises(DomainError) as excinfo:
            report_sales(1, 500_000, year=2025)

        assert refused_code(excinfo) == "outside_royalty_term"

    def test_sales_after_the_agreement_expired_are_refused_even_as_the_first_report(
        self, licence, report_sales
    ):
        licence.expires_on = date(2024, 12, 31)
        licence.save()

        with pytest.raises(DomainError) as excinfo:
            report_sales(1, 500_000, year=2025)

        assert refused_code(excinfo) == "outside_royalty_term"

    def test_sales_before_the_agreement_took_effect_are_refused(self, licence, report_sales):
        """A mistyped year must not start the royalty term years early."""
        with pytest.raises(DomainError) as excinfo:
            report_sales(4, 500_000, year=2023)

        assert refused_code(excinfo) == "outside_royalty_term"

    @pytest.mark.parametrize("status", ["draft", "terminated"])
    def test_an_agreement_not_in_force_takes_no_reports(self, licence, report_sales, status):
        licence.status = status
        licence.save()

        with pytest.raises(DomainError) as excinfo:
            report_sales(1, 500_000)

        assert refused_code(excinfo) == "agreement_not_signed"

    def test_an_agreement_without_royalty_terms_takes_no_reports(
        self, institution, enterprise, partner_user
    ):
        agreement = AgreementFactory(
            partnership__institution=institution, partnership__enterprise=enterprise
        )

        with pytest.raises(DomainError) as excinfo:
            royalty_report_submit(
                agreement=agreement, by=partner_user, net_sales=D(1000), **quarter(1)
            )

        assert refused_code(excinfo) == "no_royalty_terms"

    def test_net_sales_are_required(self, licence, partner_user):
        with pytest.raises(DomainError) as excinfo:
            royalty_report_submit(agreement=licence, by=partner_user, **quarter(1))

        assert refused_code(excinfo) == "net_sales_required"


class TestLifecycle:
    def test_a_report_goes_from_submitted_to_invoiced(self, licence, report_sales, staff_user):
        """Queried, corrected (and recomputed), accepted, invoiced."""
        report = report_sales(1, 800_000)

        report = royalty_report_query(
            report=report, by=staff_user, reason="Hong Kong sales are missing."
        )
        assert report.status == RoyaltyReportStatus.QUERIED
        assert report.query_reason == "Hong Kong sales are missing."

        report = royalty_report_resubmit(
            report=report, by=licence.partnership.enterprise.users.get(), net_sales=D(1_200_000)
        )
        assert report.status == RoyaltyReportStatus.SUBMITTED
        assert report.net_sales == D("1200000.00")
        assert report.royalty_due == D("66000.00")

        report = royalty_report_accept(report=report, by=staff_user)
        assert report.status == RoyaltyReportStatus.ACCEPTED

        invoice = royalty_report_invoice(report=report, by=staff_user)
        report.refresh_from_db()
        assert invoice.number == f"INV-{licence.partnership.institution.code}-2026-0001"
        assert invoice.amount == D("66000.00")
        assert invoice.royalty_report == report
        assert report.status == RoyaltyReportStatus.INVOICED

    def test_payments_settle_an_invoiced_report(self, report_sales, staff_user):
        report = royalty_report_accept(report=report_sales(1, 1_200_000), by=staff_user)
        invoice = royalty_report_invoice(report=report, by=staff_user)

        payment_record(
            invoice=invoice, amount=D(30_000), currency="CNY", paid_on=TODAY, by=staff_user
        )
        report.refresh_from_db()
        assert report.status == RoyaltyReportStatus.PARTIALLY_PAID

        payment_record(
            invoice=invoice, amount=D(36_000), currency="CNY", paid_on=TODAY, by=staff_user
        )
        report.refresh_from_db()
        assert report.status == RoyaltyReportStatus.PAID

    def test_a_resubmitted_report_keeps_counting_earlier_quarters(
        self, report_sales, staff_user, partner_user
    ):
        report_sales(1, 800_000)
        second = royalty_report_query(report=report_sales(2, 100_000), by=staff_user, reason="?")

        second = royalty_report_resubmit(report=second, by=partner_user, net_sales=D(400_000))

        assert second.royalty_due == D("26000.00")

    def test_a_query_states_what_is_in_question(self, report_sales, staff_user):
        report = report_sales(1, 800_000)

        with pytest.raises(DomainError) as excinfo:
            royalty_report_query(report=report, by=staff_user, reason="   ")

        report.refresh_from_db()
        assert refused_code(excinfo) == "reason_required"
        assert report.status == RoyaltyReportStatus.SUBMITTED

    def test_only_a_queried_report_can_be_resubmitted(self, report_sales, partner_user):
        report = report_sales(1, 800_000)

        with pytest.raises(DomainError) as excinfo:
            royalty_report_resubmit(report=report, by=partner_user, net_sales=D(1))

        assert refused_code(excinfo) == "invalid_transition"

    def test_a_report_is_accepted_once(self, report_sales, staff_user):
        report = royalty_report_accept(report=report_sales(1, 800_000), by=staff_user)

        with pytest.raises(DomainError) as excinfo:
            royalty_report_accept(report=report, by=staff_user)

        assert refused_code(excinfo) == "invalid_transition"

    def test_a_report_is_invoiced_only_once_accepted(self, report_sales, staff_user):
        report = report_sales(1, 800_000)

        with pytest.raises(DomainError) as excinfo:
            royalty_report_invoice(report=report, by=staff_user)

        assert refused_code(excinfo) == "invalid_transition"

    def test_a_report_with_nothing_due_cannot_be_invoiced(self, report_sales, staff_user):
        report = royalty_report_accept(report=report_sales(1, 0), by=staff_user)

        with pytest.raises(DomainError) as excinfo:
            royalty_report_invoice(report=report, by=staff_user)

        report.refresh_from_db()
        assert refused_code(excinfo) == "nothing_due"
        assert report.status == RoyaltyReportStatus.ACCEPTED


class TestWhoMayAct:
    def test_the_licensors_staff_may_report_for_the_licensee(self, report_sales, staff_user):
        report = report_sales(1, 800_000, by=staff_user)

        assert report.submitted_by == staff_user

    @pytest.mark.parametrize(
        "outsider",
        [
            lambda: PartnerUserFactory(),
            lambda: UserFactory(institutions=[InstitutionFactory()]),
        ],
        ids=["partner of another enterprise", "staff of another institution"],
    )
    def test_outsiders_cannot_report_sales(self, report_sales, outsider):
        with pytest.raises(DomainError) as excinfo:
            report_sales(1, 800_000, by=outsider())

        assert refused_code(excinfo) == "not_party"
        assert not RoyaltyReport.objects.exists()

    def test_a_partner_of_another_enterprise_cannot_correct_a_report(
        self, report_sales, staff_user, other_partner_user
    ):
        report = royalty_report_query(report=report_sales(1, 800_000), by=staff_user, reason="?")

        with pytest.raises(DomainError) as excinfo:
            royalty_report_resubmit(report=report, by=other_partner_user, net_sales=D(1))

        assert refused_code(excinfo) == "not_party"

    @pytest.mark.parametrize(
        "review",
        [
            lambda report, by: royalty_report_accept(report=report, by=by),
            lambda report, by: royalty_report_query(report=report, by=by, reason="Why?"),
        ],
        ids=["accept", "query"],
    )
    @pytest.mark.parametrize(
        "reviewer",
        [
            lambda partner_user: partner_user,
            lambda partner_user: PartnerUserFactory(),
            lambda partner_user: UserFactory(institutions=[InstitutionFactory()]),
        ],
        ids=["the licensee", "partner of another enterprise", "staff of another institution"],
    )
    def test_only_the_licensors_staff_review_a_report(
        self, report_sales, partner_user, review, reviewer
    ):
        report = report_sales(1, 800_000)

        with pytest.raises(DomainError) as excinfo:
            review(report, reviewer(partner_user))

        report.refresh_from_db()
        assert refused_code(excinfo) == "not_payee"
        assert report.status == RoyaltyReportStatus.SUBMITTED

    def test_the_licensee_cannot_invoice_itself(self, report_sales, staff_user, partner_user):
        report = royalty_report_accept(report=report_sales(1, 800_000), by=staff_user)

        with pytest.raises(DomainError) as excinfo:
            royalty_report_invoice(report=report, by=partner_user)

        assert refused_code(excinfo) == "not_payee"

    def test_a_partner_sees_the_reports_of_its_own_agreements_only(
        self, report_sales, partner_user, other_partner_user
    ):
        own = report_sales(1, 800_000)
        RoyaltyReportFactory(
            agreement=AgreementFactory(partnership__enterprise=other_partner_user.enterprise)
        )

        assert list(royalty_reports_visible_to(partner_user)) == [own]
        assert own not in royalty_reports_visible_to(other_partner_user)


class TestMinimumAnnualRoyalty:
    @pytest.fixture
    def year_2025_reported(self, licence):
        """Two accepted quarters of 2025 owing 60,000 in all."""
        RoyaltyReportFactory(agreement=licence, royalty_due=D(25_000), **quarter(1))
        RoyaltyReportFactory(agreement=licence, royalty_due=D(35_000), **quarter(2))

    def test_a_shortfall_is_trued_up_after_the_year_ends(
        self, licence, year_2025_reported, staff_user
    ):
        true_up = royalty_year_true_up(agreement=licence, year=2025)

        assert true_up.kind == RoyaltyReportKind.MINIMUM_TRUE_UP
        assert true_up.royalty_due == D("40000.00")
        assert (true_up.period_start, true_up.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
        assert true_up.status == RoyaltyReportStatus.ACCEPTED
        invoice = royalty_report_invoice(report=true_up, by=staff_user)
        assert invoice.amount == D("40000.00")

    def test_truing_up_twice_makes_one_report(self, licence, year_2025_reported):
        first = royalty_year_true_up(agreement=licence, year=2025)

        second = royalty_year_true_up(agreement=licence, year=2025)

        assert second == first
        assert licence.royalty_reports.filter(kind=RoyaltyReportKind.MINIMUM_TRUE_UP).count() == 1

    @pytest.mark.parametrize("pending", ["submitted", "queried"])
    def test_the_true_up_waits_until_the_years_reports_are_agreed(
        self, licence, year_2025_reported, pending
    ):
        waiting = RoyaltyReportFactory(
            agreement=licence, status=pending, royalty_due=D(10_000), **quarter(3)
        )

        assert royalty_year_true_up(agreement=licence, year=2025) is None

        waiting.status = "accepted"
        waiting.save()
        assert royalty_year_true_up(agreement=licence, year=2025).royalty_due == D("30000.00")

    def test_royalties_that_meet_the_minimum_need_no_true_up(self, licence):
        RoyaltyReportFactory(agreement=licence, royalty_due=D(100_000), **quarter(1))

        assert royalty_year_true_up(agreement=licence, year=2025) is None
        assert not licence.royalty_reports.filter(kind=RoyaltyReportKind.MINIMUM_TRUE_UP)

    def test_a_year_of_the_term_without_any_sales_owes_the_whole_minimum(self, licence):
        RoyaltyReportFactory(agreement=licence, royalty_due=D(100_000), **quarter(4, 2024))

        true_up = royalty_year_true_up(agreement=licence, year=2025)

        assert true_up.royalty_due == D("100000.00")

    def test_a_year_that_has_not_ended_is_not_trued_up(self, licence):
        RoyaltyReportFactory(agreement=licence, royalty_due=D(1000), **quarter(1, 2026))

        assert royalty_year_true_up(agreement=licence, year=2026) is None

    def test_years_outside_the_royalty_term_are_not_trued_up(self, licence):
        """The term runs from the first sales report's year for the agreed years."""
        licence.royalty_term_years = 1
        licence.save()
        RoyaltyReportFactory(agreement=licence, royalty_due=D(1000), **quarter(1, 2024))

        assert royalty_year_true_up(agreement=licence, year=2023) is None
        assert royalty_year_true_up(agreement=licence, year=2025) is None
        assert royalty_year_true_up(agreement=licence, year=2024).royalty_due == D("99000.00")

    def test_without_a_minimum_nothing_is_trued_up(self, licence, year_2025_reported):
        licence.minimum_annual_royalty = 0
        licence.save()

        assert royalty_year_true_up(agreement=licence, year=2025) is None


class TestRoyaltyTiersSet:
    def test_staff_replace_the_tiers(self, licence, staff_user):
        royalty_tiers_set(
            agreement=licence,
            by=staff_user,
            basis="whole",
            tiers=[Tier(D(2_000_000), D(7)), Tier(D(0), D(4))],
        )

        licence.refresh_from_db()
        assert licence.royalty_basis == "whole"
        assert list(licence.royalty_tiers.values_list("lower_bound", "rate_percent")) == [
            (D("0.00"), D("4.0000")),
            (D("2000000.00"), D("7.0000")),
        ]
        assert Activity.objects.filter(verb="terms.royalty_tiers_set").count() == 1

    def test_invalid_tiers_are_refused_and_the_old_ones_kept(self, licence, staff_user):
        with pytest.raises(DomainError) as excinfo:
            royalty_tiers_set(agreement=licence, by=staff_user, tiers=[Tier(D(1), D(4))])

        assert refused_code(excinfo) == "invalid_tiers"
        assert licence.royalty_tiers.count() == 3

    def test_the_licensee_cannot_change_the_tiers(self, licence, partner_user):
        with pytest.raises(DomainError) as excinfo:
            royalty_tiers_set(agreement=licence, by=partner_user, tiers=[Tier(D(0), D(1))])

        assert refused_code(excinfo) == "permission_denied"


class TestActivityAndNotifications:
    def test_a_submitted_report_is_on_the_timeline_and_told_to_the_licensors_staff(
        self, licence, report_sales, staff_user, partner_user, institution
    ):
        project = ResearchProjectFactory(lead_institution=institution, agreement=licence)

        report = report_sales(1, 800_000, project=project)

        entry = Activity.objects.get(verb="royalty_report.submitted")
        assert (entry.actor, entry.project, entry.agreement) == (partner_user, project, licence)
        assert entry.target_id == report.pk
        assert entry.changes["royalty_due"] == "40000.00"
        notice = Notification.objects.get(kind="royalty_report_submitted")
        assert notice.recipient == staff_user

    def test_a_query_is_told_to_the_licensee(self, report_sales, staff_user, partner_user):
        royalty_report_query(report=report_sales(1, 800_000), by=staff_user, reason="Why?")

        notice = Notification.objects.get(kind="royalty_report_queried")
        assert notice.recipient == partner_user
        assert notice.body == "Why?"
        assert Activity.objects.filter(verb="royalty_report.queried").count() == 1

    def test_a_corrected_report_is_told_to_the_licensors_staff_again(
        self, report_sales, staff_user, partner_user
    ):
        report = royalty_report_query(report=report_sales(1, 800_000), by=staff_user, reason="?")

        royalty_report_resubmit(report=report, by=partner_user, net_sales=D(900_000))

        assert (
            Notification.objects.filter(
                recipient=staff_user, kind="royalty_report_submitted"
            ).count()
            == 2
        )
        assert Activity.objects.filter(verb="royalty_report.resubmitted").count() == 1

    def test_acceptance_invoice_and_true_up_are_on_the_timeline(
        self, licence, report_sales, staff_user, partner_user
    ):
        report = royalty_report_accept(report=report_sales(1, 800_000), by=staff_user)
        invoice = royalty_report_invoice(report=report, by=staff_user)
        royalty_year_true_up(agreement=licence, year=2025)

        verbs = set(Activity.objects.filter(agreement=licence).values_list("verb", flat=True))
        assert {
            "royalty_report.accepted",
            "royalty_report.invoiced",
            "royalty_report.true_up",
        } <= verbs
        notice = Notification.objects.get(kind="invoice_issued")
        assert notice.recipient == partner_user
        assert invoice.number in notice.title
