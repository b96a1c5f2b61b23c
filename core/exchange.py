"""Exchange rates: reading them, converting with them, recording them.

Money is never added across currencies silently. Where a page shows totals
in several currencies it may add a total in the reporting currency
(``settings.REPORTING_CURRENCY``, CNY unless set) beside them, converted at
the latest rate on or before a day, and it says which rate of which day it
used. Without a rate there is no conversion, and the result says which rate
is missing.

A rate is looked up for the pair as recorded (``USD`` quoted in ``CNY``),
else for the inverse pair (``CNY`` quoted in ``KRW``, as the central parity
quotes the won), else across CNY, the currency the central parity quotes
every other one in (EUR to USD through EUR/CNY and USD/CNY). Converted
amounts are rounded once, by ``core.money.quantize_money``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import ExchangeRate
from core.money import RATE_DECIMAL_PLACES, Currency, quantize_money

# The currency the central bank's table quotes every other one in: cross
# rates go through it.
BRIDGE_CURRENCY = Currency.CNY


class ExchangeRateError(DomainError):
    code = "exchange_rate_invalid"


def reporting_currency() -> str:
    """The currency totals across currencies are shown in (a setting)."""
    return getattr(settings, "REPORTING_CURRENCY", Currency.CNY)


# --- Reading ------------------------------------------------------------------------


def exchange_rates_visible_to(user) -> QuerySet[ExchangeRate]:
    """Reference data: every signed-in user reads the rates; who may record
    them is the front door's rule (research-centre staff)."""
    rates = ExchangeRate.objects.select_related("recorded_by")
    return rates if user.is_authenticated and user.is_active else rates.none()


def _latest(currency: str, quote: str, on: date) -> ExchangeRate | None:
    return (
        ExchangeRate.objects.filter(currency=currency, quote_currency=quote, valid_on__lte=on)
        .order_by("-valid_on")
        .first()
    )


@dataclass(frozen=True)
class RateUsed:
    """How many units of ``target`` one unit of ``source`` was worth, and
    the published rates (with their days) that say so."""

    source: str
    target: str
    per_unit: Decimal
    rates: tuple[ExchangeRate, ...]

    @property
    def valid_on(self) -> date:
        """The day of the oldest rate used: a cross rate is as old as its
        older leg."""
        return min(rate.valid_on for rate in self.rates)

    @property
    def quotations(self) -> list[str]:
        return [rate.quotation for rate in self.rates]


def rate_for(source: str, target: str, on: date, cache: dict | None = None) -> RateUsed | None:
    """The latest rate on or before ``on`` to convert ``source`` into
    ``target``: the pair, its inverse, or across CNY. None without one.
    ``cache``, a dict, keeps the rates found for further calls."""
    if cache is not None:
        key = (source, target, on)
        if key not in cache:
            cache[key] = rate_for(source, target, on)
        return cache[key]
    if source == target:
        return RateUsed(source, target, Decimal(1), ())
    direct = _latest(source, target, on)
    if direct is not None:
        return RateUsed(source, target, direct.per_unit, (direct,))
    inverse = _latest(target, source, on)
    if inverse is not None:
        return RateUsed(source, target, 1 / inverse.per_unit, (inverse,))
    if BRIDGE_CURRENCY not in (source, target):
        first = rate_for(source, BRIDGE_CURRENCY, on)
        second = rate_for(BRIDGE_CURRENCY, target, on)
        if first is not None and second is not None:
            return RateUsed(
                source, target, first.per_unit * second.per_unit, first.rates + second.rates
            )
    return None


@dataclass(frozen=True)
class Converted:
    """An amount converted into ``currency``, or not (``amount`` None) when
    there is no rate: ``missing`` then names the pair."""

    amount: Decimal | None
    currency: str
    rate: RateUsed | None
    missing: tuple[str, str] | None = None


def convert(
    amount: Decimal, source: str, target: str, *, on: date, cache: dict | None = None
) -> Converted:
    """``amount`` of ``source`` in ``target`` at the latest rate on or before
    ``on``, rounded to the target's minor unit; unconverted without a rate."""
    rate = rate_for(source, target, on, cache)
    if rate is None:
        return Converted(None, target, None, missing=(source, target))
    return Converted(quantize_money(Decimal(amount) * rate.per_unit, target), target, rate)


@dataclass(frozen=True)
class ConvertedTotal:
    """Amounts in several currencies added up in one, each converted at the
    rate named in ``rates``; ``total`` is None when a rate is missing, and
    ``missing`` says which currencies could not be converted."""

    currency: str
    on: date
    total: Decimal | None
    rates: list[RateUsed] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.total is not None

    @property
    def rate_dates(self) -> list[date]:
        return sorted({rate.valid_on for rate in self.rates})

    @property
    def quotations(self) -> list[str]:
        return [quotation for rate in self.rates for quotation in rate.quotations]


def total_in(
    amounts: Mapping[str, Decimal] | Iterable[tuple[str, Decimal]],
    *,
    on: date,
    currency: str | None = None,
    cache: dict | None = None,
) -> ConvertedTotal | None:
    """Per-currency amounts added up in ``currency`` (the reporting currency
    unless given) at the latest rates on or before ``on``. None when there
    is nothing to convert: every amount already in that currency, or none.
    Each amount is converted and rounded, then the rounded amounts added."""
    currency = currency or reporting_currency()
    pairs = list(amounts.items() if isinstance(amounts, Mapping) else amounts)
    if not pairs or all(source == currency for source, _amount in pairs):
        return None
    total = quantize_money(Decimal(0), currency)
    rates, missing = [], []
    for source, amount in pairs:
        if source == currency:
            total += quantize_money(Decimal(amount), currency)
            continue
        converted = convert(amount, source, currency, on=on, cache=cache)
        if converted.amount is None:
            if source not in missing:
                missing.append(source)
            continue
        total += converted.amount
        if converted.rate not in rates:
            rates.append(converted.rate)
    return ConvertedTotal(
        currency=currency, on=on, total=None if missing else total, rates=rates, missing=missing
    )


# --- Recording ----------------------------------------------------------------------


def _checked(currency, quote_currency, unit, rate) -> Decimal:
    if currency not in Currency.values:
        raise ExchangeRateError(_("Unknown currency."), field="currency")
    if quote_currency not in Currency.values:
        raise ExchangeRateError(_("Unknown currency."), field="quote_currency")
    if currency == quote_currency:
        raise ExchangeRateError(
            _("A rate is between two different currencies."), field="quote_currency"
        )
    if unit not in ExchangeRate.Unit.values:
        raise ExchangeRateError(_("A rate is quoted per 1 or per 100 units."), field="unit")
    rate = Decimal(rate)
    if rate <= 0:
        raise ExchangeRateError(_("A rate is a positive number."), field="rate")
    exponent = Decimal(1).scaleb(-RATE_DECIMAL_PLACES)
    if rate.quantize(exponent) != rate:
        raise ExchangeRateError(
            _("Give the rate with at most %(places)d decimal places.")
            % {"places": RATE_DECIMAL_PLACES},
            field="rate",
        )
    return rate


@transaction.atomic
def exchange_rate_record(
    *, currency, quote_currency, valid_on, unit, rate, by, source=""
) -> tuple[ExchangeRate, bool]:
    """Record the rate of a pair on a day, or update the day's rate if there
    is one: recording the same rate twice has the effect of once. Returns
    the rate and whether it is new."""
    rate = _checked(currency, quote_currency, unit, rate)
    return ExchangeRate.objects.select_for_update().update_or_create(
        currency=currency,
        quote_currency=quote_currency,
        valid_on=valid_on,
        defaults={
            "unit": unit,
            "rate": rate,
            "source": (source or "")[:200],
            "recorded_by": by,
        },
    )


@transaction.atomic
def exchange_rate_create(
    *, currency, quote_currency, valid_on, unit, rate, by, source=""
) -> ExchangeRate:
    """Record a new rate; a pair and day that has one already is refused
    (edit that one, or import the table, which updates)."""
    if ExchangeRate.objects.filter(
        currency=currency, quote_currency=quote_currency, valid_on=valid_on
    ).exists():
        raise ExchangeRateError(
            _("There is a rate for this pair on this day already."), field="valid_on"
        )
    recorded, _created = exchange_rate_record(
        currency=currency,
        quote_currency=quote_currency,
        valid_on=valid_on,
        unit=unit,
        rate=rate,
        by=by,
        source=source,
    )
    return recorded


@transaction.atomic
def exchange_rate_update(
    *, exchange_rate: ExchangeRate, currency, quote_currency, valid_on, unit, rate, by, source=""
) -> ExchangeRate:
    """Correct a recorded rate. Moving it onto a pair and day that has a
    rate already is refused: edit that one instead."""
    value = _checked(currency, quote_currency, unit, rate)
    taken = (
        ExchangeRate.objects.filter(
            currency=currency, quote_currency=quote_currency, valid_on=valid_on
        )
        .exclude(pk=exchange_rate.pk)
        .exists()
    )
    if taken:
        raise ExchangeRateError(
            _("There is a rate for this pair on this day already."), field="valid_on"
        )
    stored = ExchangeRate.objects.select_for_update().get(pk=exchange_rate.pk)
    stored.currency, stored.quote_currency, stored.valid_on = currency, quote_currency, valid_on
    stored.unit, stored.rate, stored.source, stored.recorded_by = unit, value, source or "", by
    stored.save()
    return stored
