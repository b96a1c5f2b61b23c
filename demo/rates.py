"""The demo's exchange rates: the central parity of the last working days
before today, so that pages with money in several currencies show their
total in yuan with the rate beside it, and the rate of the first working
day of each year of the demo's history. Seeding again updates them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.exchange import exchange_rate_record

SOURCE = "PBoC/CFETS central parity (demo)"

# Yuan per 1 unit (per 100 for the yen), and won per yuan, as published.
CENTRAL_PARITY = [
    ("USD", "CNY", 1, Decimal("7.1020")),
    ("EUR", "CNY", 1, Decimal("7.7480")),
    ("JPY", "CNY", 100, Decimal("4.6610")),
    ("HKD", "CNY", 1, Decimal("0.91260")),
    ("GBP", "CNY", 1, Decimal("8.9910")),
    ("SGD", "CNY", 1, Decimal("5.2833")),
    ("CHF", "CNY", 1, Decimal("8.0455")),
    ("CNY", "KRW", 1, Decimal("189.62")),
]


# The rates of the first working day of each year the demo's history spans
# (rounded): money received or spent in another currency years ago is
# converted at the rate of its day, as the distribution of income does.
YEARLY_PARITY = {
    2016: {"USD": Decimal("6.5032"), "EUR": Decimal("7.0952"), "JPY": Decimal("5.4069")},
    2017: {"USD": Decimal("6.9498"), "EUR": Decimal("7.2907"), "JPY": Decimal("5.9185")},
    2018: {"USD": Decimal("6.5079"), "EUR": Decimal("7.8023"), "JPY": Decimal("5.7790")},
    2019: {"USD": Decimal("6.8632"), "EUR": Decimal("7.8473"), "JPY": Decimal("6.2675")},
    2020: {"USD": Decimal("6.9614"), "EUR": Decimal("7.8155"), "JPY": Decimal("6.4102")},
    2021: {"USD": Decimal("6.5408"), "EUR": Decimal("8.0250"), "JPY": Decimal("6.3326")},
    2022: {"USD": Decimal("6.3794"), "EUR": Decimal("7.2197"), "JPY": Decimal("5.5415")},
    2023: {"USD": Decimal("6.9475"), "EUR": Decimal("7.4229"), "JPY": Decimal("5.2986")},
    2024: {"USD": Decimal("7.0770"), "EUR": Decimal("7.8167"), "JPY": Decimal("4.9960")},
    2025: {"USD": Decimal("7.1879"), "EUR": Decimal("7.5257"), "JPY": Decimal("4.5734")},
    2026: {"USD": Decimal("7.0288"), "EUR": Decimal("8.2235"), "JPY": Decimal("4.4853")},
}
PER_UNITS = {"USD": 1, "EUR": 1, "JPY": 100}


def _first_working_day(year: int) -> datetime.date:
    day = datetime.date(year, 1, 2)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def seed_yearly_rates(*, by) -> int:
    """Record the rates of the first working day of each year of the demo's
    history."""
    recorded = 0
    for year, rates in YEARLY_PARITY.items():
        for currency, rate in rates.items():
            exchange_rate_record(
                currency=currency,
                quote_currency="CNY",
                valid_on=_first_working_day(year),
                unit=PER_UNITS[currency],
                rate=rate,
                by=by,
                source=SOURCE,
            )
            recorded += 1
    return recorded


def _working_days_before(today: datetime.date, count: int) -> list[datetime.date]:
    days, day = [], today
    while len(days) < count:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def seed_rates(*, by, today: datetime.date | None = None) -> int:
    """Record the demo rates of the five working days before ``today``."""
    today = today or timezone.localdate()
    recorded = 0
    for day in _working_days_before(today, 5):
        for currency, quote, unit, rate in CENTRAL_PARITY:
            exchange_rate_record(
                currency=currency,
                quote_currency=quote,
                valid_on=day,
                unit=unit,
                rate=rate,
                by=by,
                source=SOURCE,
            )
            recorded += 1
    return recorded
