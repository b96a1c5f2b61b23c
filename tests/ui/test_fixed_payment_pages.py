"""The fixed payments of an agreement in the staff UI and the portal: listed
with their actions on the agreement page, added, invoiced, paid, cancelled
or waived through forms; and a partner sees only its own."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import FixedPayment
from tests.factories import (
    AgreementFactory,
    FixedPaymentFactory,
    InstitutionFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # read per test: a run may cross midnight


@pytest.fixture
def agreement(institution, enterprise):
    return AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise),
        currency="CNY",
    )


@pytest.fixture
def foreign_staff(db):
    return UserFactory(institutions=[InstitutionFactory()])


@pytest.fixture
def upfront(agreement):
    return FixedPaymentFactory(
        agreement=agreement, kind="upfront", description="", amount=Decimal("5000000")
    )


def action_url(fixed_payment, action):
    return reverse(
        "agreements:fixed_payment_action",
        args=[fixed_payment.agreement.reference, fixed_payment.pk, action],
    )


def test_the_agreement_page_lists_the_upfront_with_what_staff_can_do(client, staff_user, upfront):
    client.force_login(staff_user)

    page = client.get(upfront.agreement.get_absolute_url()).text

    assert 'data-testid="agreement-fixed-payments"' in page
    assert "Upfront payment" in page and "5,000,000.00 CNY" in page
    assert action_url(upfront, "invoice") in page
    assert action_url(upfront, "pay") not in page  # not invoiced yet
    assert "Nothing owed or received yet" not in page


def test_staff_invoice_the_upfront_and_record_its_payment(client, staff_user, upfront):
    client.force_login(staff_user)

    response = client.post(action_url(upfront, "invoice"), {"payment_terms_days": 30})

    assert response.status_code == 302
    upfront.refresh_from_db()
    assert upfront.status == "invoiced"
    number = upfront.invoice.number
    page = client.get(upfront.agreement.get_absolute_url()).text
    assert number in page and action_url(upfront, "pay") in page

    response = client.post(
        action_url(upfront, "pay"),
        {
            "amount": "5000000",
            "currency": "CNY",
            "paid_on": TODAY().isoformat(),
            "reference": "B1",
        },
    )

    assert response.status_code == 302
    upfront.refresh_from_db()
    assert upfront.status == "paid"


def test_a_payment_dated_before_the_invoice_is_refused_at_the_date(client, staff_user, upfront):
    client.force_login(staff_user)
    services.fixed_payment_invoice(fixed_payment=upfront, by=staff_user)

    response = client.post(
        action_url(upfront, "pay"),
        {
            "amount": "100",
            "currency": "CNY",
            "paid_on": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert 'id="id_paid_on_error"' in response.text
    assert "cannot be dated before its invoice" in response.text
    assert not upfront.invoice.payments.exists()


def test_waiving_asks_for_a_reason(client, staff_user, upfront):
    client.force_login(staff_user)

    response = client.post(action_url(upfront, "waive"), {"reason": ""})
    assert response.status_code == 200 and 'id="id_reason_error"' in response.text

    client.post(action_url(upfront, "waive"), {"reason": "Part of the settlement"})
    upfront.refresh_from_db()
    assert (upfront.status, upfront.closing_reason) == ("waived", "Part of the settlement")


def test_a_refused_action_says_why_on_its_form(client, staff_user, upfront):
    client.force_login(staff_user)

    response = client.get(action_url(upfront, "pay"))

    assert "invoice it first" in response.text


def test_staff_add_a_patent_cost_reimbursement(client, staff_user, agreement):
    client.force_login(staff_user)
    url = reverse("agreements:fixed_payment_create", args=[agreement.reference])

    form = client.get(url).text
    assert 'value="upfront"' not in form and 'value="patent_costs"' in form

    response = client.post(
        url,
        {
            "kind": "patent_costs",
            "description": "PCT filing fees",
            "amount": "42000",
            "due_date": "2027-01-31",
        },
    )

    assert response.status_code == 302
    added = FixedPayment.objects.get(agreement=agreement)
    assert (added.kind, added.amount, added.due_date) == (
        "patent_costs",
        Decimal("42000.00"),
        datetime.date(2027, 1, 31),
    )


def test_the_add_form_refuses_a_bad_amount_at_its_field(client, staff_user, agreement):
    client.force_login(staff_user)
    url = reverse("agreements:fixed_payment_create", args=[agreement.reference])

    response = client.post(
        url, {"kind": "option_fee", "amount": "-5", "due_date": TODAY().isoformat()}
    )

    assert response.status_code == 200 and 'id="id_amount_error"' in response.text
    assert not FixedPayment.objects.exists()


def test_other_institutions_staff_and_partners_find_nothing(
    client, upfront, foreign_staff, partner_user
):
    for user in (foreign_staff, partner_user):
        client.force_login(user)
        assert client.get(action_url(upfront, "invoice")).status_code == 404
        assert client.post(action_url(upfront, "waive"), {"reason": "x"}).status_code == 404
        create = reverse("agreements:fixed_payment_create", args=[upfront.agreement.reference])
        assert client.post(create, {}).status_code == 404
    upfront.refresh_from_db()
    assert upfront.status == "due"


def test_an_unknown_action_is_not_found(client, staff_user, upfront):
    client.force_login(staff_user)
    assert client.get(action_url(upfront, "delete")).status_code == 404


# --- The portal ---------------------------------------------------------------------


def test_the_partner_sees_its_upfront_invoice_and_payment_in_the_portal(
    client, staff_user, partner_user, upfront
):
    invoice = services.fixed_payment_invoice(fixed_payment=upfront, by=staff_user)
    services.payment_record(
        invoice=invoice, amount=Decimal("1000000"), currency="CNY", paid_on=TODAY(), by=staff_user
    )
    client.force_login(partner_user)

    page = client.get(reverse("portal:agreement_detail", args=[upfront.agreement.reference])).text
    invoices = client.get(reverse("portal:invoices")).text
    pdf = client.get(reverse("portal:invoice_download", kwargs={"invoice_pk": invoice.pk}))

    assert 'data-testid="portal-fixed-payments"' in page
    assert invoice.number in page and "1,000,000.00 CNY" in page
    assert invoice.number in invoices and "Upfront payment" in invoices
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_another_enterprise_finds_neither_the_agreement_nor_its_invoice(
    client, staff_user, other_partner_user, upfront
):
    invoice = services.fixed_payment_invoice(fixed_payment=upfront, by=staff_user)
    client.force_login(other_partner_user)

    page = reverse("portal:agreement_detail", args=[upfront.agreement.reference])
    download = reverse("portal:invoice_download", kwargs={"invoice_pk": invoice.pk})

    assert client.get(page).status_code == 404
    assert client.get(download).status_code == 404
    assert invoice.number not in client.get(reverse("portal:invoices")).text
