"""Importing the central parity table (人民币汇率中间价) from a CSV file.

The file is the table the People's Bank of China / CFETS publish: a date
column (``Date`` or ``日期``), then one column per currency pair named as
the table names it (docs/money.md, sample in docs/samples/):

- ``USD/CNY``: yuan per 1 US dollar;
- ``100JPY/CNY``: yuan per 100 yen (the quote per 100 units is kept);
- ``CNY/KRW``: won per 1 yuan (an inverse quote, stored as published).

Columns of currencies BioBridge does not book are ignored and named in the
report; an empty cell (a holiday) is skipped. Dates are ``2026-12-01`` or
``2026/12/01``; numbers use a dot. The import is all or nothing: a file
with any bad row records nothing and the report names every bad cell by
line and column. Importing a file again updates the same pair and day
(idempotent). Nothing is fetched from the network.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exchange import ExchangeRateError, exchange_rate_record
from core.models import ExchangeRate
from core.money import RATE_DECIMAL_PLACES, Currency

DATE_HEADERS = {"date", "日期"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
# A pair as the table names it: an optional unit (100), a currency, a slash
# and the currency it is quoted in.
PAIR = re.compile(
    r"^\s*(?P<unit>\d+)?\s*(?P<currency>[A-Za-z]{3})\s*/\s*(?P<quote>[A-Za-z]{3})\s*$"
)
MAX_BYTES = 2 * 1024 * 1024
DEFAULT_SOURCE = "PBoC/CFETS central parity (CSV)"


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    currency: str
    quote_currency: str
    unit: int


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        if not self.line:  # the file as a whole
            return self.message
        where = _("line %(line)d") % {"line": self.line}
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def _text_of(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExchangeRateError(_("The file is neither UTF-8 nor GB18030 text."), field="file")


def _columns(header: list[str], report: ImportReport) -> tuple[int, list[Column]]:
    date_index = None
    columns = []
    for index, name in enumerate(header):
        cleaned = name.strip()
        if cleaned.lower() in DATE_HEADERS:
            date_index = index
            continue
        match = PAIR.match(cleaned)
        if not match:
            if cleaned:
                report.ignored_columns.append(cleaned)
            continue
        currency, quote = match["currency"].upper(), match["quote"].upper()
        unit = int(match["unit"] or 1)
        if currency not in Currency.values or quote not in Currency.values or currency == quote:
            report.ignored_columns.append(cleaned)
            continue
        if unit not in ExchangeRate.Unit.values:
            report.errors.append(
                RowError(1, cleaned, _("A rate is quoted per 1 or per 100 units."))
            )
            continue
        columns.append(Column(index, cleaned, currency, quote, unit))
    if date_index is None:
        report.errors.append(RowError(1, "", _("No date column: name it “Date” or “日期”.")))
    elif not columns:
        report.errors.append(
            RowError(1, "", _("No column of a currency pair such as “USD/CNY” or “100JPY/CNY”."))
        )
    return date_index, columns


def _date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _rate(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def rates_parse(content: bytes) -> tuple[list[dict], ImportReport]:
    """The rates of the file, and a report of what is wrong with it."""
    report = ImportReport()
    if len(content) > MAX_BYTES:
        report.errors.append(RowError(0, "", _("The file is larger than 2 MB.")))
        return [], report
    rows = list(csv.reader(io.StringIO(_text_of(content))))
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        report.errors.append(RowError(0, "", _("The file is empty.")))
        return [], report
    date_index, columns = _columns(rows[0], report)
    if report.errors:
        return [], report
    rates, seen = [], {}
    exponent = Decimal(1).scaleb(-RATE_DECIMAL_PLACES)
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = row[date_index] if date_index < len(row) else ""
        valid_on = _date(cell)
        if valid_on is None:
            message = _("“%(value)s” is not a date like 2026-12-01.") % {"value": cell}
            report.errors.append(RowError(line, "", message))
            continue
        if valid_on > timezone.localdate():
            report.errors.append(RowError(line, "", _("The date is in the future.")))
            continue
        if valid_on in seen:
            report.errors.append(
                RowError(
                    line, "", _("The date is on line %(line)d already.") % {"line": seen[valid_on]}
                )
            )
            continue
        seen[valid_on] = line
        for column in columns:
            text = row[column.index].strip() if column.index < len(row) else ""
            if text in ("", "-", "—"):
                continue  # no rate published that day
            value = _rate(text)
            if value is None:
                message = _("“%(value)s” is not a number.") % {"value": text}
            elif value <= 0:
                message = _("A rate is a positive number.")
            elif value.quantize(exponent) != value:
                message = _("Give the rate with at most %(places)d decimal places.") % {
                    "places": RATE_DECIMAL_PLACES
                }
            else:
                rates.append(
                    {
                        "currency": column.currency,
                        "quote_currency": column.quote_currency,
                        "unit": column.unit,
                        "valid_on": valid_on,
                        "rate": value,
                    }
                )
                continue
            report.errors.append(RowError(line, column.header, message))
    if not rates and not report.errors:
        report.errors.append(RowError(0, "", _("The file holds no rates.")))
    report.dates = sorted(seen)
    return rates, report


@transaction.atomic
def exchange_rates_import(*, content: bytes, by, source: str = "") -> ImportReport:
    """Record every rate of a central parity CSV, or none when a row is bad.
    A pair and day recorded already is updated to the file's rate."""
    rates, report = rates_parse(content)
    if not report.ok:
        return report
    existing = {
        (rate.currency, rate.quote_currency, rate.valid_on): rate
        for rate in ExchangeRate.objects.select_for_update().filter(
            valid_on__in=report.dates,
            currency__in={row["currency"] for row in rates},
        )
    }
    for row in rates:
        before = existing.get((row["currency"], row["quote_currency"], row["valid_on"]))
        if before is not None and before.rate == row["rate"] and before.unit == row["unit"]:
            report.unchanged += 1
            continue
        _rate_row, created = exchange_rate_record(**row, by=by, source=source or DEFAULT_SOURCE)
        if created:
            report.created += 1
        else:
            report.updated += 1
    return report
