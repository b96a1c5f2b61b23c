"""Money: the currencies BioBridge books in and the one rounding rule.

Every amount is a ``Decimal`` with an ISO 4217 code beside it; floats never
carry money. Amounts are rounded half-up to the currency's minor unit, here
and nowhere else.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# Digits of the stored amounts: up to 10^16 in the largest unit, which covers
# any deal in yen or won, to four places for rates and intermediate results.
MAX_DIGITS = 20
DECIMAL_PLACES = 2
# Exchange rates as published: up to eight places (a rate per unit of a
# rate quoted per 100 units, or an inverse, keeps its digits).
RATE_MAX_DIGITS = 20
RATE_DECIMAL_PLACES = 8

# The largest amount a person may enter, in any currency: sums of such
# amounts still fit the stored digits.
MAX_AMOUNT = Decimal("999999999999999.99")


def amount_error_messages() -> dict:
    """What a form or the API answers for an amount it cannot take, by the
    error code of Django's and DRF's decimal fields. One wording for every
    door: a person reads what to type, not how many digits were counted."""
    too_large = _("Enter an amount of at most 999,999,999,999,999.99.")
    return {
        "invalid": _("Enter a plain number, e.g. 1250000.50."),
        "max_value": too_large,
        "max_digits": too_large,
        "max_whole_digits": too_large,
        "max_decimal_places": _("Enter at most two decimal places."),
    }


class Currency(models.TextChoices):
    """ISO 4217 currencies that partnerships in this field are signed in."""

    CNY = "CNY", _("Chinese yuan")
    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    GBP = "GBP", _("Pound sterling")
    JPY = "JPY", _("Japanese yen")
    KRW = "KRW", _("South Korean won")
    HKD = "HKD", _("Hong Kong dollar")
    SGD = "SGD", _("Singapore dollar")
    CHF = "CHF", _("Swiss franc")


# ISO 4217 minor units: the number of decimal places of each currency.
MINOR_UNITS = {
    Currency.CNY: 2,
    Currency.USD: 2,
    Currency.EUR: 2,
    Currency.GBP: 2,
    Currency.JPY: 0,
    Currency.KRW: 0,
    Currency.HKD: 2,
    Currency.SGD: 2,
    Currency.CHF: 2,
}


def quantize_money(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` half-up to the minor unit of ``currency``."""
    if isinstance(amount, float):
        raise TypeError("Money must be a Decimal, not a float.")
    exponent = Decimal(1).scaleb(-MINOR_UNITS[Currency(currency)])
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


class MoneyField(models.DecimalField):
    """A ``DecimalField`` for money: its form field takes amounts up to
    ``MAX_AMOUNT`` and answers bad input with ``amount_error_messages``
    (the API's serializers map it to ``core.api.fields.AmountField``)."""

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                # The limit is the amount, not a count of digits.
                "max_digits": None,
                "max_value": MAX_AMOUNT,
                "error_messages": amount_error_messages(),
                **kwargs,
            }
        )

    def deconstruct(self):
        # Stored exactly like a DecimalField: migrations need not know.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def format_amount(amount, currency: str = "") -> str:
    """The figure of ``format_money`` without the code, for sentences that
    name the currency themselves: ``3,000,000.00``."""
    if amount is None or amount == "":
        return "—"
    places = MINOR_UNITS.get(currency, DECIMAL_PLACES)
    try:
        # Rounded, not cut: number_format drops the digits beyond places.
        value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except ArithmeticError:
        return str(amount)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def format_money(amount, currency: str = "") -> str:
    """An amount as people read it, in the active language: the currency's
    minor units, digits grouped, the code after it — ``3,000,000.00 CNY``,
    ``1,250,000 JPY``. Pages, PDFs, notices, the activity timeline and
    error messages all show amounts through this one function; exports and
    the API keep the plain decimal. Nothing to show: an em dash."""
    if amount is None or amount == "":
        return "—"
    return f"{format_amount(amount, currency)} {currency}".strip()


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """A ``DecimalField`` sized for money in any of the booked currencies."""
    kwargs.setdefault("max_digits", MAX_DIGITS)
    kwargs.setdefault("decimal_places", DECIMAL_PLACES)
    return MoneyField(verbose_name, **kwargs)


def currency_field(**kwargs) -> models.CharField:
    kwargs.setdefault("default", Currency.CNY)
    return models.CharField(_("currency"), max_length=3, choices=Currency.choices, **kwargs)
