"""Portfolio analytics: every figure against a hand-built portfolio with a
known answer, and only over what the user may see.

The portfolio runs in the environmental pipeline (``env_stages``): lab
research (p 0.5, 1.5 typical years), pilot (0.65, 1.5), field demonstration
(0.75, 2.0), certification (0.9, 1.0), deployment (1.0, 0).
"""

import datetime
from decimal import Decimal
from itertools import count

import pytest

from partnerships.choices import AgreementKind, CooperationMode
from projects import analytics
from projects.computations.receipts import Quarter, quarter_discount_factor
from projects.models import Invoice, Payment
from projects.services import (
    rebuild_open_milestone_money,
    rebuild_received_money,
    stage_stays_refresh,
)
from tests.factories import (
    AgreementFactory,
    FixedPaymentFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
    StageTransitionFactory,
    first_stage,
)

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
invoice_numbers = count(1)


def at(year, month, day):
    return datetime.datetime(year, month, day, 12, tzinfo=UTC)


def project_in(agreement, stage, status="active"):
    return ProjectUnderAgreementFactory(agreement=agreement, current_stage=stage, status=status)


def moves(project, *steps):
    """Record a project's history: (kind, to stage, to status, when) steps."""
    previous_stage, previous_status = None, ""
    for kind, stage, status, when in steps:
        StageTransitionFactory(
            project=project,
            kind=kind,
            from_stage=previous_stage,
            to_stage=stage,
            from_status=previous_status,
            to_status=status,
            decided_at=when,
        )
        previous_stage, previous_status = stage, status
    # Written as the bulk generator writes, past the services: the stays
    # are written from it as the services would.
    stage_stays_refresh(project=project)


def invoice_for(milestone, *, amount, due_on, currency="CNY", paid=(), issued_on=None):
    invoice = Invoice.objects.create(
        number=f"INV-{next(invoice_numbers)}",
        milestone=milestone,
        payee_name="Institute",
        payer_name="Company",
        amount=amount,
        currency=currency,
        issued_on=issued_on or due_on - datetime.timedelta(days=30),
        due_on=due_on,
    )
    for paid_on, paid_amount in paid:
        Payment.objects.create(
            invoice=invoice, amount=paid_amount, currency=currency, paid_on=paid_on
        )
    return invoice


@pytest.fixture
def contract_agreement(institution, enterprise):
    return AgreementFactory(
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2025, 3, 1),
        partnership=PartnershipFactory(
            institution=institution, enterprise=enterprise, mode=CooperationMode.CONTRACT_RD
        ),
    )


# --- Funnel -------------------------------------------------------------------------


def test_the_funnel_counts_projects_by_current_stage_and_status(
    staff_user, agreement, env_stages, foreign_staff
):
    for _ in range(3):
        project_in(agreement, env_stages[0])
    project_in(agreement, env_stages[0], status="terminated")
    project_in(agreement, env_stages[1], status="on_hold")
    project_in(agreement, env_stages[4], status="productized")

    funnel = analytics.pipeline_funnel(staff_user)

    assert [(row.stage.code, row.active, row.on_hold, row.productized) for row in funnel] == [
        ("lab_research", 3, 0, 0),
        ("pilot", 0, 1, 0),
        ("field_demonstration", 0, 0, 0),
        ("certification", 0, 0, 0),
        ("deployment", 0, 0, 1),
    ]
    assert funnel[0].terminated == 1 and funnel[0].in_pipeline == 3
    assert analytics.pipeline_funnel(foreign_staff) == []


def test_the_funnel_filters_by_sector_and_cooperation_mode(
    staff_user, agreement, contract_agreement, env_stages
):
    project_in(agreement, env_stages[0])
    project_in(contract_agreement, env_stages[0])
    project_in(agreement, first_stage("BIOMED-DRUG"))

    by_sector = analytics.pipeline_funnel(staff_user, sector="environmental")
    by_mode = analytics.pipeline_funnel(staff_user, mode=CooperationMode.CONTRACT_RD)
    everything = analytics.pipeline_funnel(staff_user)

    assert [row.stage.pipeline.code for row in by_sector] == ["ENV"] * 5
    assert by_sector[0].active == 2
    assert sum(row.active for row in by_mode) == 1
    assert {row.stage.pipeline.code for row in everything} == {"BIOMED-DRUG", "ENV"}


# --- Conversion ---------------------------------------------------------------------


@pytest.fixture
def histories(agreement, contract_agreement, env_stages):
    """Four technology-transfer projects and one contract R&D project with
    known stays (see each)."""
    s1, s2, s3 = env_stages[:3]
    # Lab research 366 days (2020 is a leap year), pilot 546 days.
    a = project_in(agreement, s3)
    moves(
        a,
        ("start", s1, "active", at(2020, 1, 1)),
        ("advance", s2, "active", at(2021, 1, 1)),
        ("advance", s3, "active", at(2022, 7, 1)),
    )
    # Lab research 731 days, with a hold in it.
    b = project_in(agreement, s2)
    moves(
        b,
        ("start", s1, "active", at(2020, 1, 1)),
        ("hold", s1, "on_hold", at(2020, 6, 1)),
        ("resume", s1, "active", at(2021, 6, 1)),
        ("advance", s2, "active", at(2022, 1, 1)),
    )
    # Terminated in lab research: no finished stay.
    c = project_in(agreement, s1, status="terminated")
    moves(
        c,
        ("start", s1, "active", at(2020, 1, 1)),
        ("terminate", s1, "terminated", at(2020, 9, 1)),
    )
    # Lab research 182 days, pilot 184 days, field demonstration left by a
    # revert (no finished stay there), back in the pilot since.
    d = project_in(agreement, s2)
    moves(
        d,
        ("start", s1, "active", at(2020, 1, 1)),
        ("advance", s2, "active", at(2020, 7, 1)),
        ("advance", s3, "active", at(2021, 1, 1)),
        ("revert", s2, "active", at(2021, 6, 1)),
    )
    e = project_in(contract_agreement, s2)
    moves(e, ("start", s1, "active", at(2020, 1, 1)), ("advance", s2, "active", at(2020, 4, 10)))


def days(number):
    return pytest.approx(number / 365.25)


def test_conversion_gives_each_mode_its_reach_per_stage_and_termination_rate(
    staff_user, histories
):
    conversion = analytics.conversion_by_mode(staff_user, sector="environmental")

    assert conversion.positions == 5
    transfer, contract = conversion.modes
    assert (transfer.mode, contract.mode) == (
        CooperationMode.TRANSFER,
        CooperationMode.CONTRACT_RD,
    )
    assert transfer.projects == 4
    # Project d reached field demonstration before it was sent back.
    assert transfer.reached == (4, 3, 2, 0, 0)
    assert transfer.shares[:3] == (1.0, 0.75, 0.5)
    assert transfer.termination_rate == 0.25
    assert contract.reached == (1, 1, 0, 0, 0)
    assert contract.termination_rate == 0


def test_median_years_in_stage_is_taken_over_stays_that_moved_on(staff_user, histories):
    conversion = analytics.conversion_by_mode(staff_user, sector="environmental")
    transfer, contract = conversion.modes

    # Lab research: 182, 366 and 731 days; pilot: 184 and 546 days.
    assert transfer.median_years[0] == days(366)
    assert transfer.median_years[1] == days((184 + 546) / 2)
    assert transfer.median_years[2] is None
    assert transfer.stays[:3] == (3, 2, 0)
    assert contract.median_years[0] == days(100)


def test_conversion_shows_staff_of_another_institution_nothing(foreign_staff, histories):
    assert analytics.conversion_by_mode(foreign_staff).modes == []


def test_a_project_sent_back_is_counted_only_by_staff_who_see_it(
    staff_user, foreign_staff, histories, enterprise, env_stages
):
    s1, s2, s3 = env_stages[:3]
    foreign_agreement = AgreementFactory(
        partnership=PartnershipFactory(
            institution=foreign_staff.institutions.get(), enterprise=enterprise
        )
    )
    # Another institution's project, sent back from field demonstration.
    other = project_in(foreign_agreement, s2)
    moves(
        other,
        ("start", s1, "active", at(2020, 1, 1)),
        ("advance", s2, "active", at(2020, 7, 1)),
        ("advance", s3, "active", at(2021, 1, 1)),
        ("revert", s2, "active", at(2021, 6, 1)),
    )

    (transfer, _contract) = analytics.conversion_by_mode(staff_user, sector="environmental").modes
    assert transfer.reached == (4, 3, 2, 0, 0)
    (foreign,) = analytics.conversion_by_mode(foreign_staff, sector="environmental").modes
    assert foreign.reached == (1, 1, 1, 0, 0)


# --- Receivables aging and receipts ---------------------------------------------------


TODAY = datetime.date(2026, 6, 30)


@pytest.fixture
def receivables(agreement, env_stages):
    project = project_in(agreement, env_stages[0])

    def invoiced(amount, due_on, *, status="invoiced", **kwargs):
        milestone = MilestoneFactory(project=project, amount=amount, status=status)
        return invoice_for(milestone, amount=amount, due_on=due_on, **kwargs)

    invoiced(1000, datetime.date(2026, 7, 10))  # not yet due
    invoiced(  # due today, 500 of 2,000 paid
        2000,
        TODAY,
        status="partially_paid",
        paid=[(datetime.date(2026, 5, 1), 500)],
    )
    invoiced(250, datetime.date(2026, 5, 31))  # 30 days past due
    invoiced(3000, datetime.date(2026, 5, 30))  # 31 days
    invoiced(4000, datetime.date(2026, 4, 15))  # 76 days
    invoiced(5000, datetime.date(2026, 1, 1), currency="USD")  # 180 days
    invoiced(  # paid in full: not a receivable
        7000,
        datetime.date(2025, 8, 1),
        status="paid",
        paid=[(datetime.date(2025, 8, 1), 7000)],
    )
    # The invoices and payments were written past the services.
    rebuild_open_milestone_money()
    rebuild_received_money()


def test_receivables_age_by_days_past_the_invoice_due_date(staff_user, receivables):
    cny, usd = analytics.receivables_aging(staff_user, today=TODAY)

    assert cny.currency == "CNY"
    assert cny.buckets == {
        "not_due": Decimal("1000.00"),
        "days_0_30": Decimal("1750.00"),
        "days_31_60": Decimal("3000.00"),
        "days_61_90": Decimal("4000.00"),
        "days_over_90": Decimal("0.00"),
    }
    assert cny.total == Decimal("9750.00") and cny.overdue == Decimal("8750.00")
    assert usd.buckets["days_over_90"] == Decimal("5000.00") and usd.total == 5000


def test_receivables_of_other_institutions_are_not_aged(foreign_staff, receivables):
    assert analytics.receivables_aging(foreign_staff, today=TODAY) == []


def test_payments_are_summed_per_quarter_and_currency(staff_user, foreign_staff, receivables):
    received = analytics.received_per_quarter(staff_user, today=TODAY, quarters=5)

    assert [q.label for q in received.quarters] == [
        "2025 Q2",
        "2025 Q3",
        "2025 Q4",
        "2026 Q1",
        "2026 Q2",
    ]
    assert received.amounts == {"CNY": [0, 7000, 0, 0, 500]}
    assert analytics.received_per_quarter(foreign_staff, today=TODAY).amounts == {}


def test_royalty_income_counts_accepted_reports_by_the_quarter_their_period_ends(
    staff_user, agreement
):
    RoyaltyReportFactory(agreement=agreement, royalty_due=5000)  # Q1 2025, accepted
    RoyaltyReportFactory(
        agreement=agreement,
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2025, 6, 30),
        royalty_due=800,
        status="paid",
    )
    RoyaltyReportFactory(  # not accepted yet
        agreement=agreement,
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2025, 9, 30),
        royalty_due=900,
        status="submitted",
    )

    income = analytics.royalty_income_per_quarter(
        staff_user, today=datetime.date(2025, 9, 1), quarters=3
    )

    assert income.amounts == {"CNY": [5000, 800, 0]}


# --- Expected receipts -------------------------------------------------------------------


def test_expected_receipts_weigh_each_milestone_by_its_chance_and_discount_it(
    staff_user, foreign_staff, agreement, env_stages
):
    today = datetime.date(2026, 1, 1)
    at_lab = project_in(agreement, env_stages[0])
    # Needs the lab stage passed (p 0.5); due 1.5 typical years + 30 days on:
    # quarter 6 from now, 2027 Q3.
    MilestoneFactory(project=at_lab, amount=100_000, trigger_stage=env_stages[1])
    # Needs lab and pilot passed: 0.5 × 0.65; 3 years + 30 days: beyond the
    # eight quarters shown.
    MilestoneFactory(project=at_lab, amount=40_000, trigger_stage=env_stages[2])
    # Event-triggered with a date: certain, this quarter.
    MilestoneFactory(project=at_lab, amount=20_000, due_date=datetime.date(2026, 2, 15))
    # Claimed and overdue: certain, counted now.
    MilestoneFactory(
        project=at_lab, amount=10_000, status="claimed", due_date=datetime.date(2025, 10, 1)
    )
    # Invoiced, 3,000 of 8,000 paid, the invoice due in April: 5,000 in Q2.
    invoice_for(
        MilestoneFactory(project=at_lab, amount=8000, status="partially_paid"),
        amount=8000,
        due_on=datetime.date(2026, 4, 20),
        paid=[(datetime.date(2025, 12, 1), 3000)],
    )
    # Settled or hopeless: nothing.
    MilestoneFactory(project=at_lab, amount=999, status="cancelled", closing_reason="Dropped")
    stopped = project_in(agreement, env_stages[0], status="terminated")
    MilestoneFactory(project=stopped, amount=50_000, trigger_stage=env_stages[1])
    # The invoice and its payment were written past the services.
    rebuild_open_milestone_money()

    expected = analytics.expected_receipts(staff_user, today=today)

    assert [q.label for q in expected.quarters][:2] == ["2026 Q1", "2026 Q2"]
    assert expected.weighted["CNY"] == [30_000, 5_000, 0, 0, 0, 0, 50_000, 0]
    rate = analytics.DEFAULT_DISCOUNT_RATE
    assert expected.present_value["CNY"][6] == pytest.approx(
        Decimal(50_000) * quarter_discount_factor(rate, today, Quarter(2027, 3)),
        abs=Decimal("0.01"),
    )
    # 50,000 at 8 % from 15 August 2027, 591 days away.
    assert float(expected.present_value["CNY"][6]) == pytest.approx(44_145.7, abs=1)
    assert expected.later_weighted == {"CNY": Decimal("13000.00")}
    assert expected.later_present_value["CNY"] < 13_000
    assert analytics.expected_receipts(foreign_staff, today=today).weighted == {}


# --- Annual metrics and lists -------------------------------------------------------------


def test_annual_metrics_follow_the_tech_transfer_survey(
    staff_user, foreign_staff, institution, agreement, contract_agreement, env_stages
):
    # agreement: a licence signed 1 Feb 2024; contract_agreement: R&D, 2025.
    project = project_in(agreement, env_stages[4], status="productized")
    moves(
        project,
        ("start", env_stages[3], "active", at(2025, 1, 1)),
        ("advance", env_stages[4], "productized", at(2026, 3, 1)),
    )
    licence_milestone = MilestoneFactory(project=project, amount=1000, status="paid")
    invoice_for(
        licence_milestone,
        amount=1000,
        due_on=datetime.date(2025, 5, 1),
        paid=[(datetime.date(2025, 5, 1), 1000)],
    )
    contract_project = project_in(contract_agreement, env_stages[0])
    invoice_for(  # R&D funding, not licensing income
        MilestoneFactory(project=contract_project, amount=600, status="paid"),
        amount=600,
        due_on=datetime.date(2025, 6, 1),
        paid=[(datetime.date(2025, 6, 1), 600)],
    )
    PartnershipFactory(
        institution=institution,
        mode=CooperationMode.CO_FOUNDED_COMPANY,
        started_on=datetime.date(2025, 9, 1),
    )
    AgreementFactory(signed_on=datetime.date(2025, 1, 5))  # another institution's

    metrics = analytics.annual_metrics(staff_user, today=TODAY, years=3)

    assert [m.year for m in metrics] == [2024, 2025, 2026]
    assert [(m.agreements_executed, m.licences_executed) for m in metrics] == [
        (1, 1),
        (1, 0),
        (0, 0),
    ]
    assert [m.licensing_income for m in metrics] == [{}, {"CNY": Decimal("1000.00")}, {}]
    assert [m.startups_formed for m in metrics] == [0, 1, 0]
    assert [m.projects_productized for m in metrics] == [0, 0, 1]
    foreign = analytics.annual_metrics(foreign_staff, today=TODAY, years=3)
    assert sum(m.agreements_executed + m.projects_productized for m in foreign) == 0


def test_overdue_milestones_and_claims_awaiting_verification_are_listed(
    staff_user, foreign_staff, agreement, env_stages
):
    project = project_in(agreement, env_stages[0])
    late = MilestoneFactory(project=project, due_date=datetime.date(2026, 5, 1))
    later = MilestoneFactory(project=project, due_date=datetime.date(2026, 6, 1))
    MilestoneFactory(project=project, due_date=datetime.date(2026, 7, 1))  # not due
    claim = MilestoneFactory(
        project=project, status="claimed", claimed_at=at(2026, 6, 2), due_date=None
    )

    assert list(analytics.overdue_milestones(staff_user, today=TODAY)) == [late, later]
    assert list(analytics.claims_awaiting_verification(staff_user)) == [claim]
    assert not analytics.overdue_milestones(foreign_staff, today=TODAY).exists()
    assert not analytics.claims_awaiting_verification(foreign_staff).exists()


# --- Fixed payments (upfronts, annual fees…) count like milestones --------------------


def fixed_invoice(fixed_payment, *, due_on, paid=()):
    invoice = Invoice.objects.create(
        number=f"INV-{next(invoice_numbers)}",
        fixed_payment=fixed_payment,
        payee_name="Institute",
        payer_name="Company",
        amount=fixed_payment.amount,
        currency=fixed_payment.currency,
        issued_on=due_on - datetime.timedelta(days=30),
        due_on=due_on,
    )
    for paid_on, paid_amount in paid:
        Payment.objects.create(
            invoice=invoice, amount=paid_amount, currency=invoice.currency, paid_on=paid_on
        )
    return invoice


def test_invoiced_fixed_payments_are_aged_and_counted_as_licensing_income(
    staff_user, foreign_staff, agreement
):
    upfront = FixedPaymentFactory(
        agreement=agreement, kind="upfront", description="", amount=5000, status="partially_paid"
    )
    fixed_invoice(
        upfront, due_on=datetime.date(2026, 5, 30), paid=[(datetime.date(2026, 5, 1), 1000)]
    )

    [cny] = analytics.receivables_aging(staff_user, today=TODAY)
    metrics = analytics.annual_metrics(staff_user, today=TODAY, years=1)

    assert cny.buckets["days_31_60"] == Decimal("4000.00")
    assert metrics[-1].licensing_income == {"CNY": Decimal("1000.00")}
    assert analytics.receivables_aging(foreign_staff, today=TODAY) == []


def test_expected_receipts_count_open_fixed_payments_in_full_in_their_quarter(
    staff_user, agreement
):
    FixedPaymentFactory(agreement=agreement, amount=800, due_date=datetime.date(2026, 11, 15))
    FixedPaymentFactory(  # overdue: expected in today's quarter
        agreement=agreement, kind="option_fee", amount=200, due_date=datetime.date(2026, 1, 2)
    )
    FixedPaymentFactory(  # waived: not expected
        agreement=agreement,
        kind="other",
        amount=999,
        status="waived",
        closing_reason="Goodwill",
        due_date=datetime.date(2026, 11, 15),
    )

    expected = analytics.expected_receipts(staff_user, today=TODAY, quarters=4)

    quarters = [str(quarter) for quarter in expected.quarters]
    weighted = dict(zip(quarters, expected.weighted["CNY"], strict=True))
    assert weighted[str(Quarter.of(TODAY))] == Decimal("200.00")
    assert weighted[str(Quarter.of(datetime.date(2026, 11, 15)))] == Decimal("800.00")


def test_overdue_fixed_payments_are_listed(staff_user, foreign_staff, agreement):
    overdue = FixedPaymentFactory(agreement=agreement, due_date=TODAY - datetime.timedelta(1))
    FixedPaymentFactory(agreement=agreement, kind="option_fee", due_date=TODAY)

    assert list(analytics.overdue_fixed_payments(staff_user, today=TODAY)) == [overdue]
    assert not analytics.overdue_fixed_payments(foreign_staff, today=TODAY).exists()
