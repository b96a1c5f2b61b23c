"""Invoices and payments: invoice numbers without gaps per payee and year;
partial payments; no over-payment; money as Decimal in the invoice's
currency, rounded half-up to the currency's minor unit."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import DomainError
from notifications.choices import NotificationKind
from notifications.models import Notification
from projects.choices import MilestoneStatus
from projects.models import Activity, Invoice, Payment
from projects.selectors import invoice_amount_paid, invoices_with_amount_paid
from projects.services import (
    invoice_issue,
    milestone_claim,
    milestone_invoice,
    milestone_verify,
    payment_record,
    payment_record_guard,
)
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    JointCentreFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # read per test: a run may cross midnight


def verified_milestone(project, *, staff, payer, amount=Decimal("100000.00")):
    milestone = MilestoneFactory(project=project, amount=amount)
    milestone_claim(milestone=milestone, by=staff, evidence_note="Study report BB-17.")
    milestone_verify(milestone=milestone, by=payer)
    milestone.refresh_from_db()
    return milestone


def project_of_payee(payee_code, *, currency="CNY"):
    """A project under an agreement whose payee institution has the code."""
    agreement = AgreementFactory(
        currency=currency,
        partnership=PartnershipFactory(institution=InstitutionFactory(code=payee_code)),
    )
    return ProjectUnderAgreementFactory(agreement=agreement)


@pytest.fixture
def invoice(project, staff_user, partner_user):
    """The invoice of a verified 100,000.00 CNY milestone."""
    milestone = verified_milestone(project, staff=staff_user, payer=partner_user)
    return milestone_invoice(milestone=milestone, by=staff_user)


def pay(invoice, amount, *, by, currency=None, paid_on=None, reference=""):
    return payment_record(
        invoice=invoice,
        amount=amount,
        currency=currency or invoice.currency,
        paid_on=paid_on or TODAY(),
        by=by,
        reference=reference,
    )


def status_of(invoice):
    invoice.milestone.refresh_from_db()
    return invoice.milestone.status


class TestInvoiceNumbers:
    def test_a_milestone_invoice_is_numbered_by_payee_and_year(self, superuser):
        milestone = verified_milestone(project_of_payee("THU"), staff=superuser, payer=superuser)

        invoice = milestone_invoice(
            milestone=milestone, by=superuser, issued_on=datetime.date(2026, 3, 2)
        )

        assert invoice.number == "INV-THU-2026-0001"
        assert invoice.amount == milestone.amount
        assert invoice.currency == milestone.currency
        assert invoice.due_on == datetime.date(2026, 4, 1)
        assert invoice.payee_name == milestone.agreement.partnership.institution.name
        assert invoice.payer_name == milestone.agreement.partnership.enterprise.name
        assert status_of(invoice) == MilestoneStatus.INVOICED

    def test_numbers_run_without_gaps_per_payee_and_year(self, superuser):
        """Two payees and two years keep four separate sequences, each
        starting at 0001."""
        thu, pku = project_of_payee("THU"), project_of_payee("PKU")
        last_year, this_year = datetime.date(2025, 12, 30), datetime.date(2026, 1, 5)
        issued = [
            (thu, last_year),
            (thu, this_year),
            (pku, this_year),
            (thu, this_year),
            (thu, last_year),
            (pku, this_year),
            (thu, this_year),
        ]

        numbers = [
            milestone_invoice(
                milestone=verified_milestone(project, staff=superuser, payer=superuser),
                by=superuser,
                issued_on=issued_on,
            ).number
            for project, issued_on in issued
        ]

        assert numbers == [
            "INV-THU-2025-0001",
            "INV-THU-2026-0001",
            "INV-PKU-2026-0001",
            "INV-THU-2026-0002",
            "INV-THU-2025-0002",
            "INV-PKU-2026-0002",
            "INV-THU-2026-0003",
        ]

    def test_a_joint_centre_invoices_under_its_own_code(self, superuser, enterprise):
        centre = JointCentreFactory(code="SZBIO")
        agreement = AgreementFactory(
            partnership=PartnershipFactory(
                institution=None, joint_centre=centre, enterprise=enterprise
            )
        )
        project = ProjectUnderAgreementFactory(
            agreement=agreement, lead_institution=InstitutionFactory(), joint_centre=centre
        )
        milestone = verified_milestone(project, staff=superuser, payer=superuser)

        invoice = milestone_invoice(
            milestone=milestone, by=superuser, issued_on=datetime.date(2026, 6, 1)
        )

        assert invoice.number == "INV-SZBIO-2026-0001"
        assert invoice.payee_name == centre.name

    def test_an_invoice_that_fails_gives_its_number_back(self, superuser):
        """The number is drawn inside the transaction that issues the
        invoice: if issuing fails, the next invoice takes the same number."""
        project = project_of_payee("THU")
        broken = MilestoneFactory(project=project)

        with pytest.raises(IntegrityError), transaction.atomic():
            invoice_issue(
                agreement=project.agreement,
                amount=Decimal(0),  # refused by the database: not positive
                currency="CNY",
                milestone=broken,
                by=superuser,
                issued_on=datetime.date(2026, 2, 1),
            )
        invoice = milestone_invoice(
            milestone=verified_milestone(project, staff=superuser, payer=superuser),
            by=superuser,
            issued_on=datetime.date(2026, 2, 1),
        )

        assert invoice.number == "INV-THU-2026-0001"

    def test_invoice_numbers_are_unique_in_the_database(self, invoice):
        with pytest.raises(IntegrityError), transaction.atomic():
            Invoice.objects.create(
                number=invoice.number,
                milestone=MilestoneFactory(project=invoice.milestone.project),
                payee_name="x",
                payer_name="y",
                amount=Decimal(1),
                issued_on=TODAY(),
                due_on=TODAY(),
            )

    def test_the_payer_is_told_of_the_invoice(self, invoice, partner_user):
        notice = Notification.objects.get(kind=NotificationKind.INVOICE_ISSUED)

        assert notice.recipient == partner_user
        assert invoice.number in notice.title


class TestPayments:
    def test_partial_payments_then_the_rest_settle_the_milestone(self, invoice, staff_user):
        pay(invoice, Decimal("30000.00"), by=staff_user, reference="BANK-1")
        after_first = status_of(invoice)
        pay(invoice, Decimal("50000.00"), by=staff_user, reference="BANK-2")
        after_second = status_of(invoice)
        pay(invoice, Decimal("20000.00"), by=staff_user, reference="BANK-3")

        assert after_first == MilestoneStatus.PARTIALLY_PAID
        assert after_second == MilestoneStatus.PARTIALLY_PAID
        assert status_of(invoice) == MilestoneStatus.PAID
        assert sorted(invoice.payments.values_list("amount", flat=True)) == [
            Decimal("20000.00"),
            Decimal("30000.00"),
            Decimal("50000.00"),
        ]

    def test_the_payment_that_settles_the_invoice_dates_it_paid_in_full(self, invoice, staff_user):
        Invoice.objects.filter(pk=invoice.pk).update(issued_on=TODAY() - timedelta(days=7))
        invoice.refresh_from_db()
        pay(invoice, Decimal("30000.00"), by=staff_user, paid_on=TODAY() - timedelta(days=5))
        invoice.refresh_from_db()
        after_first = invoice.paid_in_full_on
        pay(invoice, Decimal("70000.00"), by=staff_user, paid_on=TODAY() - timedelta(days=2))
        invoice.refresh_from_db()

        assert after_first is None
        assert invoice.paid_in_full_on == TODAY() - timedelta(days=2)

    def test_a_payment_keeps_its_date_reference_and_recorder(self, invoice, staff_user):
        # Issued a week ago, paid two days ago.
        Invoice.objects.filter(pk=invoice.pk).update(issued_on=TODAY() - timedelta(days=7))
        invoice.refresh_from_db()
        paid_on = TODAY() - timedelta(days=2)

        payment = pay(
            invoice, Decimal("100000.00"), by=staff_user, paid_on=paid_on, reference="X1"
        )

        payment.refresh_from_db()
        assert (payment.paid_on, payment.reference, payment.recorded_by) == (
            paid_on,
            "X1",
            staff_user,
        )
        entry = Activity.objects.get(verb="payment.recorded")
        assert entry.changes["status"] == ["invoiced", "paid"]

    def test_both_sides_are_told_of_a_payment(self, invoice, staff_user, partner_user):
        pay(invoice, Decimal("100.00"), by=staff_user)

        told = Notification.objects.filter(kind=NotificationKind.PAYMENT_RECORDED)
        assert {n.recipient for n in told} == {staff_user, partner_user}

    @pytest.mark.parametrize(
        "already_paid", [Decimal(0), Decimal("99999.99")], ids=["unpaid", "all but a cent"]
    )
    def test_an_over_payment_is_refused_and_nothing_recorded(
        self, invoice, staff_user, already_paid
    ):
        if already_paid:
            pay(invoice, already_paid, by=staff_user)
        status_before = status_of(invoice)
        payments_before = Payment.objects.count()

        with pytest.raises(DomainError) as error:
            pay(invoice, Decimal("100000.00") - already_paid + Decimal("0.01"), by=staff_user)

        assert error.value.code == "overpayment"
        assert Payment.objects.count() == payments_before
        assert status_of(invoice) == status_before
        assert Activity.objects.filter(verb="payment.recorded").count() == payments_before

    def test_a_paid_invoice_takes_no_more_money(self, invoice, staff_user):
        """The guard tells the interface the invoice is settled; a payment
        recorded anyway is an over-payment."""
        pay(invoice, Decimal("100000.00"), by=staff_user)
        invoice.refresh_from_db()

        allowed, reason = payment_record_guard(invoice, staff_user)
        with pytest.raises(DomainError) as error:
            pay(invoice, Decimal("1.00"), by=staff_user)

        assert (allowed, reason) == (False, "The invoice is settled.")
        assert error.value.code == "overpayment"
        assert invoice.payments.count() == 1

    def test_a_payment_in_another_currency_is_refused(self, invoice, staff_user):
        with pytest.raises(DomainError) as error:
            pay(invoice, Decimal("100.00"), currency="USD", by=staff_user)

        assert (error.value.code, error.value.message) == (
            "currency_mismatch",
            "The invoice is in CNY.",
        )
        assert not invoice.payments.exists()

    def test_a_payment_dated_in_the_future_is_refused(self, invoice, staff_user):
        with pytest.raises(DomainError) as error:
            pay(invoice, Decimal("100.00"), paid_on=TODAY() + timedelta(days=1), by=staff_user)

        assert error.value.code == "future_payment"
        assert not invoice.payments.exists()

    def test_a_payment_dated_today_is_accepted(self, invoice, staff_user):
        pay(invoice, Decimal("100.00"), paid_on=TODAY(), by=staff_user)

        assert invoice.payments.count() == 1

    def test_the_same_bank_reference_is_not_recorded_twice(self, invoice, staff_user):
        """The same transfer entered twice (by hand and by the ERP) counts
        once."""
        pay(invoice, Decimal("100.00"), by=staff_user, reference="CMB-2026-0042")

        with pytest.raises(DomainError) as error:
            pay(invoice, Decimal("100.00"), by=staff_user, reference=" CMB-2026-0042 ")

        assert error.value.code == "duplicate_reference"
        assert invoice.payments.count() == 1

    def test_payments_without_reference_are_not_duplicates(self, invoice, staff_user):
        pay(invoice, Decimal("100.00"), by=staff_user)
        pay(invoice, Decimal("100.00"), by=staff_user)

        assert invoice.payments.count() == 2

    @pytest.mark.parametrize(
        ("amount", "recorded"),
        [
            (Decimal("0.005"), Decimal("0.01")),
            (Decimal("1234.565"), Decimal("1234.57")),
            (Decimal("1234.5649"), Decimal("1234.56")),
            (Decimal("1234.5"), Decimal("1234.50")),
        ],
    )
    def test_amounts_are_rounded_half_up_to_the_cent(self, invoice, staff_user, amount, recorded):
        payment = pay(invoice, amount, by=staff_user)

        payment.refresh_from_db()
        assert payment.amount == recorded

    def test_an_amount_that_rounds_to_nothing_is_refused(self, invoice, staff_user):
        with pytest.raises(DomainError) as error:
            pay(invoice, Decimal("0.004"), by=staff_user)

        assert error.value.code == "invalid_amount"
        assert not invoice.payments.exists()

    @pytest.mark.parametrize(
        ("amount", "recorded"), [(Decimal("1000.5"), Decimal(1001)), (Decimal("999.4"), 999)]
    )
    def test_yen_are_rounded_half_up_to_the_whole_yen(self, superuser, amount, recorded):
        project = project_of_payee("KYOTO", currency="JPY")
        milestone = verified_milestone(
            project, staff=superuser, payer=superuser, amount=Decimal(5_000_000)
        )
        invoice = milestone_invoice(milestone=milestone, by=superuser)

        payment = pay(invoice, amount, by=superuser)

        payment.refresh_from_db()
        assert payment.amount == recorded

    def test_a_rounded_payment_of_the_balance_settles_the_invoice(self, invoice, staff_user):
        pay(invoice, Decimal("99999.995"), by=staff_user)

        assert status_of(invoice) == MilestoneStatus.PAID

    def test_a_float_amount_is_refused(self, invoice, staff_user):
        """Floats cannot carry money exactly."""
        with pytest.raises(DomainError) as error:
            pay(invoice, 100.10, by=staff_user)

        assert error.value.code == "invalid_amount"
        assert not invoice.payments.exists()

    @pytest.mark.parametrize("amount", [Decimal(0), Decimal("-5.00")])
    def test_a_payment_is_a_positive_amount(self, invoice, staff_user, amount):
        with pytest.raises(DomainError) as error:
            pay(invoice, amount, by=staff_user)

        assert error.value.code == "invalid_amount"

    def test_a_partner_cannot_record_a_payment(self, invoice, partner_user):
        """The enterprise pays; the payee's staff (or the finance
        integration) record what arrived."""
        allowed, reason = payment_record_guard(invoice, partner_user)
        with pytest.raises(DomainError) as error:
            pay(invoice, Decimal("100000.00"), by=partner_user)

        assert not allowed
        assert reason == "Only the payee's staff or the finance integration record payments."
        assert error.value.code == "not_payee"
        assert status_of(invoice) == MilestoneStatus.INVOICED

    def test_staff_of_another_institution_cannot_record_a_payment(self, invoice, foreign_staff):
        with pytest.raises(DomainError) as error:
            pay(invoice, Decimal("100000.00"), by=foreign_staff)

        assert error.value.code == "not_payee"


class TestAmountPaid:
    def test_what_was_paid_is_the_sum_of_the_payments_and_zero_before_the_first(
        self, invoice, staff_user
    ):
        def amounts():
            row = invoices_with_amount_paid(Invoice.objects.filter(pk=invoice.pk)).get()
            return row.amount_paid, row.outstanding

        before = amounts()
        pay(invoice, Decimal("30000.00"), by=staff_user, reference="BANK-1")
        pay(invoice, Decimal("20000.50"), by=staff_user, reference="BANK-2")

        assert before == (Decimal("0.00"), Decimal("100000.00"))
        assert amounts() == (Decimal("50000.50"), Decimal("49999.50"))
        assert invoice_amount_paid(invoice) == Decimal("50000.50")

    def test_the_invoice_list_of_the_api_says_what_was_paid_on_each_invoice(
        self, invoice, staff_user
    ):
        client = APIClient()
        client.force_login(staff_user)

        unpaid = client.get(reverse("api:invoice-list")).json()["results"][0]
        pay(invoice, Decimal("30000.00"), by=staff_user)
        part_paid = client.get(reverse("api:invoice-list")).json()["results"][0]

        assert unpaid["amount_paid"] == "0.00"
        assert part_paid["amount_paid"] == "30000.00"
