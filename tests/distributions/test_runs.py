"""Distribution runs, as the office lives them: a period's net income per
achievement, shared with co-owners and then by the policy's tiers, prepared
by one staff member and approved by another, immutable once approved,
corrected by a new run, its lines paid or granted."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from achievements.models import AchievementAgreement, IpCost
from core.errors import DomainError
from distributions.choices import (
    LineState,
    RecipientKind,
    RewardForm,
    RewardSource,
    RunState,
    TaxTreatment,
)
from distributions.models import (
    DistributionPolicy,
    DistributionRun,
    EquityHolding,
    OperatingProfit,
    PolicyTier,
)
from distributions.services import runs
from projects.models import FixedPayment, Invoice, Payment
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    PartnershipFactory,
    PersonFactory,
    ResearcherUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
YEAR = 2025
H1 = (date(YEAR, 1, 1), date(YEAR, 6, 30))
H2 = (date(YEAR, 7, 1), date(YEAR, 12, 31))


def policy(institution, *tiers, effective_from=date(2020, 1, 1), equity="0.5"):
    """A policy whose tiers are (up_to, inventors, department, institution, office)."""
    version = DistributionPolicy.objects.create(
        institution=institution,
        name="Policy",
        effective_from=effective_from,
        deductible_cost_kinds=["official_fee", "counsel"],
        equity_inventor_share=D(equity),
    )
    for position, (up_to, inventors, department, inst, office) in enumerate(tiers):
        PolicyTier.objects.create(
            policy=version,
            position=position,
            up_to=up_to,
            inventors=D(inventors),
            department=D(department),
            institution=D(inst),
            office=D(office),
        )
    return version


def receive(agreement, amount, on):
    """Money received under ``agreement`` on ``on``: a fee invoiced and paid."""
    fee = FixedPayment.objects.create(
        agreement=agreement, kind="other", amount=amount, currency="CNY", due_date=on
    )
    invoice = Invoice.objects.create(
        number=f"INV-{fee.pk}",
        fixed_payment=fee,
        payee_name="University",
        payer_name="Licensee",
        amount=amount,
        currency="CNY",
        issued_on=on,
        due_on=on,
    )
    return Payment.objects.create(invoice=invoice, amount=amount, currency="CNY", paid_on=on)


def cost(achievement, amount, on, kind="official_fee"):
    return IpCost.objects.create(
        achievement=achievement, kind=kind, amount=amount, incurred_on=on, description="Fee"
    )


@pytest.fixture
def institution():
    return InstitutionFactory(name="Eastern University")


@pytest.fixture
def preparer(institution):
    return UserFactory(institutions=[institution])


@pytest.fixture
def approver(institution):
    return UserFactory(institutions=[institution])


@pytest.fixture
def inventors(institution):
    return [
        PersonFactory(institution=institution, full_name="Li Wei"),
        PersonFactory(institution=institution, full_name="Zhang Min"),
    ]


@pytest.fixture
def achievement(institution, inventors):
    achievement = AchievementFactory(owner=institution, inventors=inventors)
    achievement.inventors.filter(person=inventors[0]).update(
        contribution_percent=60, department="Immunology"
    )
    achievement.inventors.filter(person=inventors[1]).update(
        contribution_percent=40, department="Chemistry"
    )
    return achievement


@pytest.fixture
def licence(institution, achievement):
    agreement = AgreementFactory(
        partnership=PartnershipFactory(institution=institution),
        registration_number="2025110000000001",
    )
    AchievementAgreement.objects.create(
        achievement=achievement, agreement=agreement, mode="licence"
    )
    return agreement


def lines_by_recipient(run):
    return {
        (line.kind, line.recipient_name): line.amount
        for line in run.lines.filter(form=RewardForm.CASH)
    }


class TestNetIncomeAndShares:
    def test_the_period_net_income_is_shared_by_the_tiers(
        self, institution, preparer, achievement, licence
    ):
        policy(
            institution,
            (D(100000), "0.5", "0.1", "0.3", "0.1"),
            (None, "0.25", "0.05", "0.6", "0.1"),
        )
        receive(licence, D("150000"), date(YEAR, 3, 1))
        receive(licence, D("30000"), date(YEAR, 8, 1))  # the next period's
        cost(achievement, D("20000"), date(YEAR, 2, 1))
        cost(achievement, D("5000"), date(YEAR, 2, 1), kind="evaluation")  # not deductible

        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])

        entry = run.achievements.get()
        assert (entry.receipts, entry.deductible_costs, entry.net_income) == (
            D("150000.00"),
            D("20000.00"),
            D("130000.00"),
        )
        # 100,000 in the first tier, 30,000 in the second:
        # inventors 50,000 + 7,500 = 57,500, split 60/40;
        # departments 10,000 + 1,500; institution 30,000 + 18,000; office 10,000 + 3,000.
        assert lines_by_recipient(run) == {
            ("inventor", "Li Wei"): D("34500.00"),
            ("inventor", "Zhang Min"): D("23000.00"),
            ("department", "Immunology"): D("6900.00"),
            ("department", "Chemistry"): D("4600.00"),
            ("institution", "Eastern University"): D("48000.00"),
            ("office", "Technology-transfer office"): D("13000.00"),
        }
        assert sum(lines_by_recipient(run).values()) == run.net_income == D("130000.00")
        li_wei = run.lines.get(recipient_name="Li Wei")
        assert [(piece["tier"], piece["amount"]) for piece in li_wei.tier_slices] == [
            (0, "30000.00"),
            (1, "4500.00"),
        ]
        assert li_wei.tax_treatment == TaxTreatment.CASH_HALF_REDUCTION
        assert li_wei.main_contributor

    def test_the_next_run_continues_up_the_tiers_and_a_loss_is_made_good_first(
        self, institution, preparer, approver, achievement, licence
    ):
        policy(institution, (D(100000), "0.5", "0", "0.5", "0"), (None, "0.25", "0", "0.75", "0"))
        receive(licence, D("80000"), date(YEAR, 3, 1))
        first = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])
        runs.approve_run(approver, first)
        cost(achievement, D("10000"), date(YEAR, 7, 15))
        receive(licence, D("50000"), date(YEAR, 9, 1))

        second = runs.prepare_run(preparer, institution, period_start=H2[0], period_end=H2[1])

        entry = second.achievements.get()
        assert entry.previously_distributed_net_income == D("80000.00")
        assert entry.net_income == D("40000.00")
        # 20,000 at 50 % below 100,000, then 20,000 at 25 %: 15,000 to the inventors.
        inventors_total = sum(
            line.amount for line in second.lines.filter(kind=RecipientKind.INVENTOR)
        )
        assert inventors_total == D("15000.00")

    def test_co_owners_are_paid_their_ownership_share_first(
        self, institution, preparer, achievement, licence
    ):
        partner_university = InstitutionFactory(name="Western Institute")
        achievement.owners.update(share_percent=70)
        achievement.owners.create(institution=partner_university, share_percent=30)
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("100000"), date(YEAR, 3, 1))

        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])

        co_owner = run.lines.get(kind=RecipientKind.CO_OWNER)
        assert (co_owner.recipient_name, co_owner.amount) == ("Western Institute", D("30000.00"))
        assert co_owner.co_owner_institution == partner_university
        inventors_total = sum(
            line.amount for line in run.lines.filter(kind=RecipientKind.INVENTOR)
        )
        assert inventors_total == D("35000.00")
        assert sum(line.amount for line in run.lines.all()) == D("100000.00")

    def test_a_co_owner_does_not_share_income_the_other_owner_received(
        self, institution, achievement, licence
    ):
        partner_university = InstitutionFactory(name="Western Institute")
        achievement.owners.update(share_percent=70)
        achievement.owners.create(institution=partner_university, share_percent=30)
        policy(partner_university, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("100000"), date(YEAR, 3, 1))

        plan = runs.plan_run(partner_university, period_start=H1[0], period_end=H1[1])

        assert (plan.achievements, plan.lines) == ([], [])

    def test_an_agreement_covering_two_achievements_gives_each_its_stated_share(
        self, institution, preparer, achievement, licence, inventors
    ):
        other = AchievementFactory(owner=institution, inventors=[inventors[1]])
        AchievementAgreement.objects.filter(achievement=achievement).update(
            income_share_percent=75
        )
        AchievementAgreement.objects.create(
            achievement=other, agreement=licence, mode="licence", income_share_percent=25
        )
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("100000"), date(YEAR, 3, 1))

        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])

        assert {e.achievement_id: e.net_income for e in run.achievements.all()} == {
            achievement.pk: D("75000.00"),
            other.pk: D("25000.00"),
        }

    def test_lines_add_up_to_the_net_income_exactly_with_a_third_each(
        self, institution, preparer, licence, achievement
    ):
        third = PersonFactory(institution=institution, full_name="Wang Fang")
        achievement.inventors.all().delete()
        for person in (*PersonFactory.create_batch(2, institution=institution), third):
            achievement.inventors.create(person=person, contribution_percent=D("33.33"))
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("100.00"), date(YEAR, 3, 1))

        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])

        amounts = sorted(line.amount for line in run.lines.filter(kind=RecipientKind.INVENTOR))
        assert amounts == [D("16.66"), D("16.67"), D("16.67")]
        assert sum(line.amount for line in run.lines.all()) == D("100.00")

    def test_equity_received_for_a_contribution_is_granted_in_whole_shares(
        self, institution, preparer, achievement
    ):
        company = EnterpriseFactory(size="startup")
        contribution = AgreementFactory(
            partnership=PartnershipFactory(institution=institution, enterprise=company),
            kind="equity_contribution",
        )
        AchievementAgreement.objects.create(
            achievement=achievement, agreement=contribution, mode="equity_contribution"
        )
        EquityHolding.objects.create(
            institution=institution,
            company=company,
            agreement=contribution,
            acquired_on=date(YEAR, 4, 1),
            shares=1001,
            value=D("2002000"),
            founded_by_institution=True,
        )
        policy(institution, (None, "0.5", "0", "0.5", "0"), equity="0.7")

        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])

        granted = {
            line.recipient_name: (line.equity_shares, line.amount, line.tax_treatment)
            for line in run.lines.filter(form=RewardForm.EQUITY)
        }
        # 70 % of 1,001 shares is 700.7, so 701 shares, split 60/40: 420.6 and 280.4.
        assert granted == {
            "Li Wei": (D(421), D("842000.00"), TaxTreatment.EQUITY_DEFERRED),
            "Zhang Min": (D(280), D("560000.00"), TaxTreatment.EQUITY_DEFERRED),
        }

    def test_an_unregistered_contract_gives_ordinary_tax_treatment(
        self, institution, preparer, licence
    ):
        licence.registration_number = ""
        licence.save()
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("1000"), date(YEAR, 3, 1))

        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])

        assert set(
            run.lines.filter(kind=RecipientKind.INVENTOR).values_list("tax_treatment", flat=True)
        ) == {TaxTreatment.CASH_ORDINARY}

    def test_operating_profit_of_own_exploitation_is_shared_for_the_policy_years(
        self, institution, preparer, achievement
    ):
        version = policy(institution, (None, "0.5", "0", "0.5", "0"))
        version.operating_profit_share = D("0.05")
        version.operating_profit_years = 3
        version.save()
        for year, profit in ((2022, "100000"), (2024, "300000"), (2025, "400000")):
            OperatingProfit.objects.create(
                achievement=achievement, institution=institution, year=year, profit=D(profit)
            )

        in_the_years = runs.prepare_run(
            preparer, institution, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31)
        )
        after_them = runs.prepare_run(
            preparer, institution, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)
        )

        # 2024 is the third year from 2022: 5 % of 300,000, split 60/40.
        assert {
            (line.recipient_name, line.source): line.amount for line in in_the_years.lines.all()
        } == {
            ("Li Wei", RewardSource.OPERATING_PROFIT): D("9000.00"),
            ("Zhang Min", RewardSource.OPERATING_PROFIT): D("6000.00"),
        }
        assert not after_them.lines.exists()


class TestRulesThatRefuse:
    def test_the_preparer_cannot_approve_their_own_run(self, institution, preparer, licence):
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("1000"), date(YEAR, 3, 1))
        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])

        with pytest.raises(DomainError) as refused:
            runs.approve_run(preparer, run)

        assert refused.value.code == "approver_is_preparer"
        run.refresh_from_db()
        assert run.state == RunState.DRAFT

    def test_a_period_already_approved_is_not_distributed_again(
        self, institution, preparer, approver, licence
    ):
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("1000"), date(YEAR, 3, 1))
        runs.approve_run(
            approver,
            runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1]),
        )

        with pytest.raises(DomainError) as refused:
            runs.prepare_run(
                preparer, institution, period_start=date(YEAR, 6, 1), period_end=H2[1]
            )

        assert refused.value.code == "period_already_distributed"
        assert DistributionRun.objects.count() == 1

    def test_of_two_drafts_of_a_period_only_one_is_approved(
        self, institution, preparer, approver, licence
    ):
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("1000"), date(YEAR, 3, 1))
        first = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])
        second = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])
        runs.approve_run(approver, first)

        with pytest.raises(DomainError) as refused:
            runs.approve_run(approver, second)

        assert refused.value.code == "period_already_distributed"

    def test_an_approved_run_does_not_change(self, institution, preparer, approver, licence):
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("1000"), date(YEAR, 3, 1))
        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])
        runs.approve_run(approver, run)

        for action in (runs.recompute_run, runs.discard_run):
            with pytest.raises(DomainError) as refused:
                action(preparer, run)
            assert refused.value.code == "run_approved"

    def test_no_policy_in_force_is_a_clear_refusal(self, institution, preparer, licence):
        policy(institution, (None, "0.5", "0", "0.5", "0"), effective_from=date(2030, 1, 1))

        with pytest.raises(DomainError) as refused:
            runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])

        assert refused.value.code == "no_policy_in_force"

    def test_staff_of_another_institution_cannot_prepare_or_approve(
        self, institution, preparer, licence
    ):
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        outsider = UserFactory(institutions=[InstitutionFactory()])
        researcher = ResearcherUserFactory()
        for user in (outsider, researcher):
            with pytest.raises(DomainError) as refused:
                runs.prepare_run(user, institution, period_start=H1[0], period_end=H1[1])
            assert refused.value.code == "not_institution_staff"
        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])
        with pytest.raises(DomainError):
            runs.approve_run(outsider, run)

    def test_a_period_not_over_is_not_distributed(self, institution, preparer, licence):
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        today = timezone.localdate()

        with pytest.raises(DomainError) as refused:
            runs.prepare_run(
                preparer, institution, period_start=today, period_end=today + timedelta(days=1)
            )

        assert refused.value.code == "period_not_over"


class TestCorrectionsAndSettlement:
    def test_a_correction_carries_the_differences_only(
        self, institution, preparer, approver, achievement, licence
    ):
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("10000"), date(YEAR, 3, 1))
        original = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])
        runs.approve_run(approver, original)
        receive(licence, D("2000"), date(YEAR, 5, 1))  # recorded late

        correction = runs.prepare_run(
            preparer, institution, corrects=original, period_start=H1[0], period_end=H1[1]
        )

        assert correction.corrects == original
        assert (correction.period_start, correction.period_end) == H1
        assert correction.net_income == D("2000.00")
        assert lines_by_recipient(correction) == {
            ("inventor", "Li Wei"): D("600.00"),
            ("inventor", "Zhang Min"): D("400.00"),
            ("institution", "Eastern University"): D("1000.00"),
        }
        runs.approve_run(approver, correction)
        receive(licence, D("500"), date(YEAR, 8, 1))
        later = runs.prepare_run(preparer, institution, period_start=H2[0], period_end=H2[1])
        assert later.achievements.get().previously_distributed_net_income == D("12000.00")

    def test_lines_are_paid_after_approval_once(self, institution, preparer, approver, licence):
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("1000"), date(YEAR, 3, 1))
        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])
        line = run.lines.get(recipient_name="Li Wei")
        with pytest.raises(DomainError) as refused:
            runs.settle_line(preparer, line, on=timezone.localdate())
        assert refused.value.code == "run_not_approved"

        runs.approve_run(approver, run)
        runs.settle_line(preparer, line, on=timezone.localdate(), reference="BANK-1")

        line.refresh_from_db()
        assert (line.state, line.settlement_reference) == (LineState.PAID, "BANK-1")
        with pytest.raises(DomainError) as refused:
            runs.settle_line(preparer, line, on=timezone.localdate())
        assert refused.value.code == "line_settled"


class TestWhoSees:
    def test_an_inventor_sees_their_own_lines_of_approved_runs_only(
        self, institution, preparer, approver, licence, inventors
    ):
        from distributions.selectors import lines_visible_to

        li_wei = ResearcherUserFactory(person=inventors[0])
        policy(institution, (None, "0.5", "0", "0.5", "0"))
        receive(licence, D("1000"), date(YEAR, 3, 1))
        run = runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])
        assert not lines_visible_to(li_wei).exists()

        runs.approve_run(approver, run)

        assert list(lines_visible_to(li_wei).values_list("recipient_name", flat=True)) == [
            "Li Wei"
        ]
        outsider = UserFactory(institutions=[InstitutionFactory()])
        assert not lines_visible_to(outsider).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")
def test_two_concurrent_approvals_of_one_period_approve_one_run():
    institution = InstitutionFactory()
    preparer, first_approver, second_approver = (
        UserFactory(institutions=[institution]) for _ in range(3)
    )
    achievement = AchievementFactory(owner=institution)
    agreement = AgreementFactory(partnership=PartnershipFactory(institution=institution))
    AchievementAgreement.objects.create(
        achievement=achievement, agreement=agreement, mode="licence"
    )
    policy(institution, (None, "0.5", "0", "0.5", "0"))
    receive(agreement, D("1000"), date(YEAR, 3, 1))
    drafts = [
        runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])
        for _ in range(2)
    ]
    outcomes = []
    barrier = threading.Barrier(2)

    def approve(user, run):
        barrier.wait()
        try:
            runs.approve_run(user, run)
            outcomes.append("approved")
        except DomainError as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(user, run))
        for user, run in zip((first_approver, second_approver), drafts, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["approved", "period_already_distributed"]
    assert DistributionRun.objects.filter(state=RunState.APPROVED).count() == 1
