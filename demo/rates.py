"""The demo's exchange rates: the central parity of the last working days
before today, so that pages with money in several currencies show their
total in yuan with the rate beside it. Seeding again updates them."""

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
