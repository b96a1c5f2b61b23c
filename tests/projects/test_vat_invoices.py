"""Invoices fit for accounting in China: an invoice records both parties'
legal particulars as issued, and the VAT invoice (发票) the payee issued
for it is recorded with its number checked by type, its date and its
amounts."""

import datetime
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from core.errors import DomainError, InvalidInput
from partnerships.services import enterprise_update, institution_update
from projects.models import Activity, Invoice, VatInvoice
from projects.services import (
    milestone_claim,
    milestone_invoice,
    milestone_verify,
    vat_invoice_record,
    vat_invoice_record_guard,
)
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    JointCentreFactory,
    JointCentrePartyFactory,
    MilestoneFactory,
    PartnershipFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
    valid_uscc,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # read per test: a run may cross midnight
DIGITAL_NUMBER = "26112000000012345678"


@pytest.fixture
def payee(institution):
    """The payee institution with its invoicing settings filled in."""
    institution.name_zh = "清华大学"
    institution.unified_social_credit_code = valid_uscc(900001)
    institution.registered_address = "北京市海淀区清华园1号 010-62793001"
    institution.bank_name = "中国工商银行"
    institution.bank_branch = "北京海淀西区支行"
    institution.bank_account_number = "0200004509089131550"
    institution.save()
    return institution


@pytest.fixture
def payer(enterprise):
    enterprise.name_zh = "瀚海生物医药有限公司"
    enterprise.registered_address = "上海市浦东新区张江路88号"
    enterprise.save()
    return enterprise


def issue(project, *, staff, partner, amount=Decimal("1060000.00")):
    milestone = MilestoneFactory(project=project, amount=amount)
    milestone_claim(milestone=milestone, by=staff, evidence_note="Study report BB-17.")
    milestone_verify(milestone=milestone, by=partner)
    milestone.refresh_from_db()
    return milestone_invoice(milestone=milestone, by=staff)


@pytest.fixture
def invoice(payee, payer, project, staff_user, partner_user):
    return issue(project, staff=staff_user, partner=partner_user)


def record(invoice, by, **changes):
    values = {
        "kind": "digital_special",
        "number": DIGITAL_NUMBER,
        "issued_on": TODAY(),
        "amount_with_tax": invoice.amount,
        "tax_rate": "6",
        "tax_amount": Decimal("60000.00"),
    }
    return vat_invoice_record(invoice=invoice, by=by, **(values | changes))


def field_errors(raised) -> dict:
    return raised.value.fields or {}


# --- The parties as issued ----------------------------------------------------------


def test_an_invoice_carries_both_parties_legal_particulars_as_issued(invoice, payee, payer):
    assert invoice.payee_legal_name == "清华大学"
    assert invoice.payee_tax_id == payee.unified_social_credit_code
    assert invoice.payee_address == "北京市海淀区清华园1号 010-62793001"
    assert (invoice.payee_bank_name, invoice.payee_bank_branch) == (
        "中国工商银行",
        "北京海淀西区支行",
    )
    assert invoice.payee_bank_account == "0200004509089131550"
    assert invoice.payer_legal_name == "瀚海生物医药有限公司"
    assert invoice.payer_tax_id == payer.unified_social_credit_code
    assert invoice.payer_address == "上海市浦东新区张江路88号"


def test_editing_a_party_later_does_not_change_an_issued_invoice(invoice, payee, payer, superuser):
    institution_update(
        institution=payee,
        by=superuser,
        name_zh="清华大学技术转移研究院",
        registered_address="北京市海淀区双清路30号",
        bank_account_number="6222 0000 1111 2222",
    )
    enterprise_update(enterprise=payer, by=superuser, registered_address="苏州工业园区星湖街1号")

    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.payee_legal_name == "清华大学"
    assert stored.payee_address == "北京市海淀区清华园1号 010-62793001"
    assert stored.payee_bank_account == "0200004509089131550"
    assert stored.payer_address == "上海市浦东新区张江路88号"


def test_a_later_invoice_carries_the_particulars_as_they_are_then(
    invoice, payee, project, staff_user, partner_user, superuser
):
    institution_update(institution=payee, by=superuser, bank_account_number="6222000011112222")

    later = issue(project, staff=staff_user, partner=partner_user)

    assert later.payee_bank_account == "6222000011112222"
    assert Invoice.objects.get(pk=invoice.pk).payee_bank_account == "0200004509089131550"


def test_a_joint_centres_invoice_carries_its_first_host_institutions_particulars(
    enterprise,
):
    """A joint centre has no legal personality: its host institution
    receives the money and issues the VAT invoice."""
    host = InstitutionFactory(
        unified_social_credit_code=valid_uscc(900002), bank_account_number="1234567890123"
    )
    centre = JointCentreFactory()
    JointCentrePartyFactory(centre=centre, institution=host)
    JointCentrePartyFactory(centre=centre, institution=InstitutionFactory())
    agreement = AgreementFactory(
        partnership=PartnershipFactory(
            institution=None, joint_centre=centre, enterprise=enterprise
        )
    )
    project = ProjectUnderAgreementFactory(
        agreement=agreement, lead_institution=InstitutionFactory(), joint_centre=centre
    )
    staff = UserFactory(joint_centres=[centre])

    invoice = issue(project, staff=staff, partner=PartnerUserFactory(enterprise=enterprise))

    assert invoice.payee_name == centre.name
    assert invoice.payee_legal_name == host.legal_name
    assert invoice.payee_tax_id == host.unified_social_credit_code
    assert invoice.payee_bank_account == "1234567890123"


# --- Recording the VAT invoice ------------------------------------------------------


def test_staff_record_the_fully_digitalised_vat_invoice_issued_for_an_invoice(invoice, staff_user):
    vat = record(invoice, staff_user)

    stored = VatInvoice.objects.get(invoice=invoice)
    assert stored == vat
    assert stored.number == DIGITAL_NUMBER and stored.code == ""
    assert stored.amount_with_tax == Decimal("1060000.00")
    assert stored.tax_amount == Decimal("60000.00")
    assert stored.recorded_by == staff_user
    assert Activity.objects.filter(verb="invoice.vat_invoice_recorded").count() == 1


def test_a_special_vat_invoice_has_a_code_of_10_or_12_digits_and_an_8_digit_number(
    invoice, staff_user
):
    vat = record(invoice, staff_user, kind="special", code="1100 2614 30", number="0123 4567")

    assert (vat.code, vat.number) == ("1100261430", "01234567")
    for code in ("110026143012",):
        assert record(invoice, staff_user, kind="ordinary", code=code, number="01234568").code


@pytest.mark.parametrize(
    ("kind", "code", "number", "fields"),
    [
        ("digital_special", "", "2611200000001234567", {"number"}),
        ("digital_ordinary", "", "1234567890123456789012", {"number"}),
        ("digital_special", "1100261430", DIGITAL_NUMBER, {"code"}),
        ("special", "", "01234567", {"code"}),
        ("special", "11002614301", "01234567", {"code"}),
        ("ordinary", "1100261430", "1234567", {"number"}),
        ("ordinary", "1100261430", DIGITAL_NUMBER, {"number"}),
        ("special", "11002614AB", "0123456X", {"code", "number"}),
    ],
)
def test_the_number_and_code_follow_the_type_of_vat_invoice(
    invoice, staff_user, kind, code, number, fields
):
    with pytest.raises(InvalidInput) as raised:
        record(invoice, staff_user, kind=kind, code=code, number=number)

    assert set(field_errors(raised)) == fields
    assert not VatInvoice.objects.exists()


def test_a_vat_invoice_cannot_be_dated_before_its_invoice_nor_in_the_future(invoice, staff_user):
    for issued_on in (
        invoice.issued_on - datetime.timedelta(days=1),
        TODAY() + datetime.timedelta(days=1),
    ):
        with pytest.raises(DomainError) as raised:
            record(invoice, staff_user, issued_on=issued_on)
        assert set(field_errors(raised)) == {"issued_on"}


def test_the_amount_with_tax_of_an_invoice_in_yuan_is_the_invoices_amount(invoice, staff_user):
    with pytest.raises(InvalidInput) as raised:
        record(invoice, staff_user, amount_with_tax=Decimal("1000000.00"))

    assert "1,060,000.00" in field_errors(raised)["amount_with_tax"][0]


def test_the_tax_follows_from_the_rate_within_rounding(invoice, staff_user):
    with pytest.raises(InvalidInput) as raised:
        record(invoice, staff_user, tax_amount=Decimal("63600.00"))
    assert "60,000.00" in field_errors(raised)["tax_amount"][0]

    # Tax computed line by line may differ from the tax on the total by fen.
    assert record(invoice, staff_user, tax_amount=Decimal("60000.03")).tax_amount == Decimal(
        "60000.03"
    )


@pytest.mark.parametrize("rate", ["exempt", "0"])
def test_an_exempt_or_zero_rated_vat_invoice_bears_no_tax(invoice, staff_user, rate):
    with pytest.raises(InvalidInput):
        record(invoice, staff_user, tax_rate=rate, tax_amount=Decimal("60000.00"))

    vat = record(invoice, staff_user, tax_rate=rate, tax_amount=Decimal("0"))

    assert vat.tax_amount == Decimal("0.00")


def test_an_invoice_in_another_currency_takes_the_yuan_amount_of_its_vat_invoice(
    payee, staff_user, partner_user, enterprise
):
    agreement = AgreementFactory(
        currency="USD",
        partnership=PartnershipFactory(institution=payee, enterprise=enterprise),
    )
    invoice = issue(
        ProjectUnderAgreementFactory(agreement=agreement),
        staff=staff_user,
        partner=partner_user,
        amount=Decimal("150000.00"),
    )

    vat = record(
        invoice,
        staff_user,
        amount_with_tax=Decimal("1073460.00"),
        tax_rate="exempt",
        tax_amount=Decimal("0"),
    )

    assert vat.amount_with_tax == Decimal("1073460.00")


def test_correcting_the_vat_invoice_replaces_it_and_says_what_changed(invoice, staff_user):
    record(invoice, staff_user)

    record(invoice, staff_user, number="26112000000087654321")

    assert VatInvoice.objects.get().number == "26112000000087654321"
    corrected = Activity.objects.filter(verb="invoice.vat_invoice_recorded").latest("id")
    assert set(corrected.changes) == {"number"}


def test_one_vat_invoice_cannot_be_recorded_on_two_invoices(
    invoice, project, staff_user, partner_user
):
    record(invoice, staff_user)
    other = issue(project, staff=staff_user, partner=partner_user)

    with pytest.raises(InvalidInput) as raised:
        record(other, staff_user)

    assert invoice.number in field_errors(raised)["number"][0]


def test_only_the_payees_staff_record_the_vat_invoice(
    invoice, partner_user, foreign_staff, superuser
):
    for user in (partner_user, foreign_staff):
        assert not vat_invoice_record_guard(invoice, user)
        with pytest.raises(DomainError) as raised:
            record(invoice, user)
        assert raised.value.code == "not_payee"

    assert record(invoice, superuser).recorded_by == superuser


def test_invoices_issued_before_the_snapshot_take_their_parties_current_particulars(
    invoice, payee, payer
):
    """The migration that added the particulars fills them on the invoices
    already issued, from the parties as they stand."""
    Invoice.objects.filter(pk=invoice.pk).update(
        payee_legal_name="", payee_tax_id="", payee_bank_account="", payer_address=""
    )
    migration = import_module("projects.migrations.0008_invoice_parties_and_vat_invoice")

    migration.fill_parties_from_current_data(django_apps, None)

    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.payee_legal_name == "清华大学"
    assert stored.payee_tax_id == payee.unified_social_credit_code
    assert stored.payee_bank_account == "0200004509089131550"
    assert stored.payer_address == "上海市浦东新区张江路88号"
