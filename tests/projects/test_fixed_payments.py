"""The fixed amounts of an agreement (upfront, annual fees, patent costs,
sublicence shares, option fees): owed, invoiced, paid, cancelled or waived,
like milestones; and a payment is never dated before its invoice."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import DomainError
from partnerships.models import Agreement
from partnerships.services import agreement_create, agreement_update
from projects.choices import FixedPaymentKind, FixedPaymentStatus
from projects.models import Activity, FixedPayment, Invoice
from projects.selectors import fixed_payments_visible_to, invoices_visible_to, money_position_for
from projects.services import (
    agreement_fixed_payments_schedule,
    fixed_payment_add,
    fixed_payment_cancel,
    fixed_payment_invoice,
    fixed_payment_pay,
    fixed_payment_waive,
    milestone_invoice,
    payment_record,
)
from projects.services.fixed_payments import fixed_payment_invoice_guard
from projects.services.reminders import reminders_send
from tests.factories import AgreementFactory, FixedPaymentFactory, MilestoneFactory

TODAY = timezone.localdate  # read per test: a run may cross midnight


def _upfront(agreement):
    return FixedPayment.objects.get(agreement=agreement, kind=FixedPaymentKind.UPFRONT)


# --- Database constraints ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"amount": Decimal(0)}, "fixed_payment_amount_positive"),
        ({"status": "lost"}, "fixed_payment_status_valid"),
        ({"status": "waived", "closing_reason": ""}, "fixed_payment_closing_has_reason"),
        ({"kind": "annual_licence_fee", "term_year": None}, "fixed_payment_annual_fee_has_year"),
        ({"kind": "option_fee", "term_year": 2}, "fixed_payment_annual_fee_has_year"),
    ],
)
def test_the_database_refuses_a_broken_fixed_payment(agreement, values, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        FixedPaymentFactory(agreement=agreement, **values)


def test_an_agreement_has_one_upfront_and_one_fee_per_year(agreement):
    FixedPaymentFactory(agreement=agreement, kind="upfront", description="")
    with pytest.raises(IntegrityError), transaction.atomic():
        FixedPaymentFactory(agreement=agreement, kind="upfront", description="")
    FixedPaymentFactory(agreement=agreement, kind="annual_licence_fee", term_year=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        FixedPaymentFactory(agreement=agreement, kind="annual_licence_fee", term_year=1)


def test_an_invoice_bills_exactly_one_thing(agreement, project):
    fixed_payment = FixedPaymentFactory(agreement=agreement)
    milestone = MilestoneFactory(project=project)
    with pytest.raises(IntegrityError, match="invoice_bills_one_thing"), transaction.atomic():
        Invoice.objects.create(
            number="X-1",
            milestone=milestone,
            fixed_payment=fixed_payment,
            payee_name="A",
            payer_name="B",
            amount=1,
            currency="CNY",
            issued_on=TODAY(),
            due_on=TODAY(),
        )


# --- The upfront becomes owed when the agreement is signed ------------------------------


def test_signing_an_agreement_makes_its_upfront_owed(staff_user, agreement):
    draft = AgreementFactory(
        partnership=agreement.partnership,
        status=Agreement.Status.DRAFT,
        signed_on=None,
        currency="CNY",
        upfront_amount=Decimal("5000000"),
        upfront_due_on=datetime.date(2026, 12, 15),
    )
    assert not FixedPayment.objects.filter(agreement=draft).exists()

    agreement_update(agreement=draft, by=staff_user, status="signed", signed_on=TODAY())

    upfront = _upfront(draft)
    assert (upfront.amount, upfront.currency, upfront.due_date, upfront.status) == (
        Decimal("5000000.00"),
        "CNY",
        datetime.date(2026, 12, 15),
        FixedPaymentStatus.DUE,
    )
    assert Activity.objects.filter(verb="fixed_payment.created", agreement=draft).exists()
    [line] = money_position_for(staff_user, today=TODAY(), agreement=draft)
    assert (line.owed, line.fixed_owed_count) == (Decimal("5000000.00"), 1)


def test_an_agreement_recorded_as_signed_owes_its_upfront_thirty_days_after_signing(
    staff_user, agreement
):
    created = agreement_create(
        by=staff_user,
        partnership=agreement.partnership,
        reference="AGR-UPFRONT",
        title="Licence",
        kind="licence",
        status="signed",
        signed_on=TODAY(),
        upfront_amount=Decimal("800000"),
    )
    assert _upfront(created).due_date == TODAY() + datetime.timedelta(days=30)


def test_scheduling_again_records_nothing_twice_and_follows_a_changed_upfront(
    staff_user, agreement
):
    agreement.upfront_amount = Decimal("1000")
    agreement.save()
    assert len(agreement_fixed_payments_schedule(agreement=agreement)) == 1
    assert agreement_fixed_payments_schedule(agreement=agreement) == []

    agreement_update(agreement=agreement, by=staff_user, upfront_amount=Decimal("1500"))

    assert _upfront(agreement).amount == Decimal("1500.00")
    assert FixedPayment.objects.filter(agreement=agreement).count() == 1


def test_an_upfront_dropped_from_the_terms_is_cancelled_with_the_reason(staff_user, agreement):
    agreement.upfront_amount = Decimal("1000")
    agreement.save()
    agreement_fixed_payments_schedule(agreement=agreement)

    agreement_update(agreement=agreement, by=staff_user, upfront_amount=Decimal("0"))

    upfront = _upfront(agreement)
    assert upfront.status == FixedPaymentStatus.CANCELLED
    assert "no longer" in upfront.closing_reason


def test_an_invoiced_upfront_keeps_its_amount_when_the_terms_change(staff_user, agreement):
    agreement.upfront_amount = Decimal("1000")
    agreement.save()
    agreement_fixed_payments_schedule(agreement=agreement)
    fixed_payment_invoice(fixed_payment=_upfront(agreement), by=staff_user)

    agreement_update(agreement=agreement, by=staff_user, upfront_amount=Decimal("1500"))

    assert _upfront(agreement).amount == Decimal("1000.00")


def test_a_draft_owes_nothing(agreement):
    agreement.status, agreement.signed_on = Agreement.Status.DRAFT, None
    agreement.upfront_amount = Decimal("1000")
    agreement.save()
    assert agreement_fixed_payments_schedule(agreement=agreement) == []


# --- Annual fees ------------------------------------------------------------------------


def test_annual_fees_fall_due_on_each_anniversary_up_to_ninety_days_ahead(agreement):
    agreement.effective_on = datetime.date(2023, 3, 1)
    agreement.annual_licence_fee = Decimal("20000")
    agreement.annual_maintenance_fee = Decimal("5000")
    agreement.save()

    agreement_fixed_payments_schedule(agreement=agreement, today=datetime.date(2025, 12, 10))

    fees = FixedPayment.objects.filter(agreement=agreement).order_by("kind", "term_year")
    assert [(fee.kind, fee.term_year, fee.due_date) for fee in fees] == [
        ("annual_licence_fee", 1, datetime.date(2024, 3, 1)),
        ("annual_licence_fee", 2, datetime.date(2025, 3, 1)),
        ("annual_licence_fee", 3, datetime.date(2026, 3, 1)),
        ("annual_maintenance_fee", 1, datetime.date(2024, 3, 1)),
        ("annual_maintenance_fee", 2, datetime.date(2025, 3, 1)),
        ("annual_maintenance_fee", 3, datetime.date(2026, 3, 1)),
    ]


def test_no_annual_fee_falls_due_after_the_agreement_expires(agreement):
    agreement.effective_on = datetime.date(2020, 6, 30)
    agreement.expires_on = datetime.date(2022, 12, 31)
    agreement.annual_licence_fee = Decimal("1000")
    agreement.save()

    agreement_fixed_payments_schedule(agreement=agreement)

    assert list(
        FixedPayment.objects.filter(agreement=agreement).values_list("term_year", flat=True)
    ) == [1, 2]


def test_the_daily_round_records_next_years_fee_and_reminds_of_it(
    agreement, staff_user, partner_user
):
    today = datetime.date(2026, 2, 1)
    agreement.effective_on = datetime.date(2025, 3, 1)
    agreement.annual_licence_fee = Decimal("1000")
    agreement.save()

    result = reminders_send(today=today)

    fee = FixedPayment.objects.get(agreement=agreement)
    assert (fee.term_year, fee.due_date) == (1, datetime.date(2026, 3, 1))
    assert result.fixed_payments_recorded == 1
    assert result.due_soon >= 1
    assert partner_user.notifications.filter(kind="payment_due_soon").exists()
    assert reminders_send(today=today).fixed_payments_recorded == 0


def test_the_daily_round_reminds_both_parties_of_an_overdue_payment(
    agreement, staff_user, partner_user
):
    FixedPaymentFactory(agreement=agreement, due_date=TODAY() - datetime.timedelta(days=3))

    reminders_send(today=TODAY())

    assert partner_user.notifications.filter(kind="payment_overdue").count() == 1
    assert staff_user.notifications.filter(kind="payment_overdue").count() == 1


# --- Added by the staff, invoiced, paid, closed -----------------------------------------


def test_staff_add_a_patent_cost_reimbursement(agreement, staff_user):
    fixed_payment = fixed_payment_add(
        agreement=agreement,
        by=staff_user,
        kind="patent_costs",
        amount=Decimal("12345.678"),
        due_date=TODAY(),
        description="PCT filing",
    )
    assert fixed_payment.amount == Decimal("12345.68")
    assert fixed_payment.created_by == staff_user


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"kind": "upfront"}, "from_terms"),
        ({"amount": Decimal("-1")}, "invalid_amount"),
        ({"kind": "other", "description": "  "}, "description_required"),
        ({"due_date": datetime.date(1900, 1, 1)}, "date_out_of_range"),
    ],
)
def test_adding_a_fixed_payment_refuses_bad_input(agreement, staff_user, values, code):
    inputs = {"kind": "option_fee", "amount": Decimal(10), "due_date": TODAY(), **values}
    with pytest.raises(DomainError) as refusal:
        fixed_payment_add(agreement=agreement, by=staff_user, **inputs)
    assert refusal.value.code == code


def test_only_the_payees_staff_add_invoice_or_close_a_fixed_payment(
    agreement, partner_user, foreign_staff
):
    fixed_payment = FixedPaymentFactory(agreement=agreement)
    for user in (partner_user, foreign_staff):
        with pytest.raises(DomainError, match="Only the staff of"):
            fixed_payment_add(
                agreement=agreement,
                by=user,
                kind="option_fee",
                amount=Decimal(1),
                due_date=TODAY(),
            )
        with pytest.raises(DomainError, match="Only the staff of"):
            fixed_payment_invoice(fixed_payment=fixed_payment, by=user)
        with pytest.raises(DomainError, match="Only the staff of"):
            fixed_payment_waive(fixed_payment=fixed_payment, by=user, reason="Goodwill")


def test_an_upfront_is_invoiced_paid_in_parts_and_settled(agreement, staff_user, partner_user):
    fixed_payment = FixedPaymentFactory(agreement=agreement, amount=Decimal("1000.00"))

    invoice = fixed_payment_invoice(fixed_payment=fixed_payment, by=staff_user)
    fixed_payment.refresh_from_db()
    assert invoice.fixed_payment == fixed_payment
    assert invoice.number.startswith(f"INV-{agreement.partnership.institution.code}-")
    assert fixed_payment.status == FixedPaymentStatus.INVOICED
    assert partner_user.notifications.filter(kind="invoice_issued").exists()

    fixed_payment_pay(
        fixed_payment=fixed_payment,
        by=staff_user,
        amount=Decimal("400"),
        currency=agreement.currency,
        paid_on=TODAY(),
    )
    fixed_payment.refresh_from_db()
    assert fixed_payment.status == FixedPaymentStatus.PARTIALLY_PAID
    [line] = money_position_for(staff_user, today=TODAY(), agreement=agreement)
    assert (line.fixed_owed, line.fixed_received) == (Decimal("600.00"), Decimal("400.00"))

    fixed_payment_pay(
        fixed_payment=fixed_payment,
        by=staff_user,
        amount=Decimal("600"),
        currency=agreement.currency,
        paid_on=TODAY(),
    )
    fixed_payment.refresh_from_db()
    assert fixed_payment.status == FixedPaymentStatus.PAID
    with pytest.raises(DomainError) as refusal:
        fixed_payment_pay(
            fixed_payment=fixed_payment,
            by=staff_user,
            amount=Decimal("1"),
            currency=agreement.currency,
            paid_on=TODAY(),
        )
    assert refusal.value.code == "overpayment"
    [line] = money_position_for(staff_user, today=TODAY(), agreement=agreement)
    assert (line.owed, line.received) == (Decimal("0.00"), Decimal("1000.00"))


def test_a_guard_says_what_a_person_can_do_instead(agreement, staff_user):
    fixed_payment = FixedPaymentFactory(agreement=agreement)
    invoice = fixed_payment_invoice(fixed_payment=fixed_payment, by=staff_user)
    fixed_payment.refresh_from_db()

    guard = fixed_payment_invoice_guard(fixed_payment, staff_user)

    assert not guard
    assert invoice.number in guard.reason
    assert "record the payments" in guard.reason
    with pytest.raises(DomainError, match="settled by payments"):
        fixed_payment_cancel(fixed_payment=fixed_payment, by=staff_user, reason="Error")


def test_a_payment_is_not_recorded_before_it_is_invoiced(agreement, staff_user):
    fixed_payment = FixedPaymentFactory(agreement=agreement)
    with pytest.raises(DomainError, match="invoice it first"):
        fixed_payment_pay(
            fixed_payment=fixed_payment,
            by=staff_user,
            amount=Decimal(1),
            currency=agreement.currency,
            paid_on=TODAY(),
        )


def test_waiving_needs_a_reason_and_ends_what_is_owed(agreement, staff_user):
    fixed_payment = FixedPaymentFactory(agreement=agreement)
    with pytest.raises(DomainError, match="needs a reason"):
        fixed_payment_waive(fixed_payment=fixed_payment, by=staff_user, reason=" ")

    fixed_payment_waive(fixed_payment=fixed_payment, by=staff_user, reason="Patent abandoned")

    fixed_payment.refresh_from_db()
    assert (fixed_payment.status, fixed_payment.closing_reason) == ("waived", "Patent abandoned")
    assert money_position_for(staff_user, today=TODAY(), agreement=agreement) == []


def test_an_overdue_fixed_payment_counts_as_overdue(agreement, staff_user):
    FixedPaymentFactory(
        agreement=agreement, amount=Decimal(70), due_date=TODAY() - datetime.timedelta(days=1)
    )
    FixedPaymentFactory(agreement=agreement, amount=Decimal(30), kind="option_fee")

    [line] = money_position_for(staff_user, today=TODAY(), agreement=agreement)

    assert (line.owed, line.overdue, line.fixed_overdue_count) == (
        Decimal("100.00"),
        Decimal("70.00"),
        1,
    )


# --- Scoping ----------------------------------------------------------------------------


def test_a_partner_sees_only_its_own_enterprises_fixed_payments(
    agreement, staff_user, partner_user, other_partner_user
):
    fixed_payment = FixedPaymentFactory(agreement=agreement)
    invoice = fixed_payment_invoice(fixed_payment=fixed_payment, by=staff_user)

    assert list(fixed_payments_visible_to(partner_user)) == [fixed_payment]
    assert list(invoices_visible_to(partner_user)) == [invoice]
    assert not fixed_payments_visible_to(other_partner_user).exists()
    assert not invoices_visible_to(other_partner_user).exists()
    assert money_position_for(other_partner_user, today=TODAY(), agreement=agreement) == []


# --- A payment is never dated before its invoice ----------------------------------------


def test_a_payment_cannot_be_dated_before_its_invoice(agreement, project, staff_user):
    milestone = MilestoneFactory(project=project, status="verified")
    invoice = milestone_invoice(milestone=milestone, by=staff_user, issued_on=TODAY())

    with pytest.raises(DomainError) as refusal:
        payment_record(
            invoice=invoice,
            amount=Decimal(1),
            currency=invoice.currency,
            paid_on=TODAY() - datetime.timedelta(days=1),
            by=staff_user,
        )

    assert (refusal.value.code, refusal.value.field) == ("paid_before_invoice", "paid_on")
    assert invoice.number in refusal.value.message
    payment = payment_record(
        invoice=invoice,
        amount=Decimal(1),
        currency=invoice.currency,
        paid_on=TODAY(),
        by=staff_user,
    )
    assert payment.paid_on == invoice.issued_on


def test_the_command_catches_up_agreements_signed_before_fixed_payments_existed(agreement):
    agreement.upfront_amount = Decimal("6000000")
    agreement.save()
    out = io.StringIO()

    call_command("schedule_fixed_payments", stdout=out)
    call_command("schedule_fixed_payments", stdout=out)

    assert FixedPayment.objects.filter(agreement=agreement, kind="upfront").count() == 1
    assert "1 fixed payments recorded." in out.getvalue()
    assert "0 fixed payments recorded." in out.getvalue()


# --- The REST API -----------------------------------------------------------------------


def test_the_api_adds_invoices_and_refuses_a_payment_dated_before_the_invoice(
    agreement, staff_user
):
    client = APIClient()
    client.force_authenticate(staff_user)
    created = client.post(
        "/api/v1/fixed-payments/",
        {
            "agreement": agreement.pk,
            "kind": "sublicence_share",
            "amount": "80000.00",
            "due_date": TODAY().isoformat(),
            "description": "20% of the sublicence fee from Medlink",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "due"

    invoice = client.post(
        f"/api/v1/fixed-payments/{created.json()['id']}/invoice/", {}, format="json"
    )
    assert invoice.status_code == 201
    assert invoice.json()["fixed_payment"] == created.json()["id"]

    early = client.post(
        f"/api/v1/invoices/{invoice.json()['id']}/payments/",
        {
            "amount": "100.00",
            "currency": agreement.currency,
            "paid_on": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert early.status_code == 400
    assert early.json()["error"]["code"] == "paid_before_invoice"
    assert "paid_on" in str(early.json()["error"])


def test_the_api_refuses_an_upfront_added_by_hand(agreement, staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    response = client.post(
        "/api/v1/fixed-payments/",
        {"agreement": agreement.pk, "kind": "upfront", "amount": "1", "due_date": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400
