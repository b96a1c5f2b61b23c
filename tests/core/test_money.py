"""The one rounding rule for money."""

from decimal import Decimal

import pytest

from core.money import quantize_money


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("10.005", "CNY", "10.01"),
        ("10.004", "CNY", "10.00"),
        ("-10.005", "USD", "-10.01"),
        ("1234.5", "JPY", "1235"),
        ("1234.49", "KRW", "1234"),
    ],
)
def test_amounts_round_half_up_to_the_currencys_minor_unit(amount, currency, rounded):
    assert quantize_money(Decimal(amount), currency) == Decimal(rounded)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        quantize_money(10.005, "CNY")


def test_an_unknown_currency_is_refused():
    with pytest.raises(ValueError):
        quantize_money(Decimal("1"), "XXX")


# --- Amounts people type ----------------------------------------------------------

TOO_LARGE = "Enter an amount of at most 999,999,999,999,999.99."
NOT_A_NUMBER = "Enter a plain number, e.g. 1250000.50."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e308", TOO_LARGE),
        ("12345678901234567890", TOO_LARGE),
        ("1000000000000000", TOO_LARGE),
        ("1,250,000", NOT_A_NUMBER),
        ("lots", NOT_A_NUMBER),
    ],
)
def test_a_form_says_what_amount_to_type_instead(typed, message):
    from core.ui.forms import AmountField, Form

    class AmountForm(Form):
        amount = AmountField()

    form = AmountForm({"amount": typed})
    assert not form.is_valid()
    assert form.errors["amount"] == [message]


def test_the_largest_amount_is_taken():
    from core.ui.forms import AmountField

    assert AmountField().clean("999999999999999.99") == Decimal("999999999999999.99")


@pytest.mark.django_db
def test_a_model_forms_money_field_speaks_the_same_words():
    """The upfront of the terms editor is a model field: one limit, one
    wording, whichever way the field reaches the form."""
    from partnerships.forms import PaymentTermsForm

    form = PaymentTermsForm({"upfront_amount": "1e308"})
    form.is_valid()
    assert form.errors["upfront_amount"] == [TOO_LARGE]


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("1e308", TOO_LARGE),
        (1e308, TOO_LARGE),
        ("99999999999999999999", TOO_LARGE),
        ("twelve", NOT_A_NUMBER),
    ],
)
def test_the_api_says_what_amount_to_send_instead(sent, message):
    from rest_framework import serializers

    from core.api.fields import AmountField

    class Amount(serializers.Serializer):
        amount = AmountField(min_value=0)

    serializer = Amount(data={"amount": sent})
    assert not serializer.is_valid()
    assert [str(error) for error in serializer.errors["amount"]] == [message]


@pytest.mark.django_db
def test_a_model_serializers_money_column_gets_the_api_amount_field():
    from partnerships.api.serializers import AgreementWriteSerializer

    field = AgreementWriteSerializer().fields["upfront_amount"]
    assert type(field).__name__ == "AmountField"
    with pytest.raises(Exception) as refused:
        field.run_validation("1e308")
    assert TOO_LARGE in str(refused.value)


def test_percentages_are_rounded_not_cut_off():
    from django.template import Context, Template

    rendered = Template(
        "{% load biobridge %}{{ a|percent }} {{ b|percent }} {{ c|percent }} {{ d|percent:0 }}"
    ).render(Context({"a": 2 / 12, "b": 11 / 12, "c": Decimal("0.2890"), "d": 11 / 12}))
    assert rendered == "16.7 % 91.7 % 28.9 % 92 %"
