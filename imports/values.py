"""Turning a cell into a value: text, numbers, dates in the formats offices
use, choices by their code or their English or Chinese label.

Dates are accepted as real date cells, Excel serial numbers, ISO
(``2024-03-05``), ``2024/3/5``, ``2024年3月5日`` and ``05/03/2024``, which
is read day first (``05/03/2024`` is the 5th of March), as in China and
Europe. Each parser raises ``CellError`` with a code and a message.
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .parsing import Formula

EXCEL_EPOCH = date(1899, 12, 30)
# Numbers beyond any amount, share or count a record holds are refused
# before a service does arithmetic on them.
LARGEST_NUMBER = Decimal(10) ** 15
SMALLEST_EXPONENT = 12
# Serial numbers of days from 1990 to 2100: a bare number outside this range
# is not taken for a date.
SERIAL_RANGE = (32874, 73051)

YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
YMD_ZH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


class CellError(Exception):
    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = str(message)
        self.code = code


def refuse_formula(value) -> None:
    if isinstance(value, Formula):
        raise CellError(_("Formulas are not imported; paste the values instead."), code="formula")


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    refuse_formula(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _date(year, month, day) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as error:
        raise CellError(_("This day does not exist."), code="invalid_date") from error


def parse_date(value) -> date:
    refuse_formula(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(_("This number is not a date."), code="invalid_date")
    raw = str(value).strip()
    if raw.isdigit() and SERIAL_RANGE[0] <= int(raw) <= SERIAL_RANGE[1]:
        return EXCEL_EPOCH + timedelta(days=int(raw))
    raw = raw.split("T")[0].split(" ")[0] if "年" not in raw else raw
    for pattern, order in ((YMD, (0, 1, 2)), (YMD_ZH, (0, 1, 2)), (DMY, (2, 1, 0))):
        match = pattern.match(raw)
        if match:
            parts = match.groups()
            return _date(*(parts[index] for index in order))
    raise CellError(
        _("Enter a date as 2024-03-05, 2024/3/5, 2024年3月5日 or 05/03/2024 (day first)."),
        code="invalid_date",
    )


def parse_decimal(value) -> Decimal:
    refuse_formula(value)
    if isinstance(value, bool):
        raise CellError(_("Enter a number."), code="invalid_number")
    if isinstance(value, int | float):
        value = repr(value) if isinstance(value, float) else str(value)
    raw = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    try:
        number = Decimal(raw)
    except InvalidOperation as error:
        raise CellError(_("Enter a number."), code="invalid_number") from error
    if not number.is_finite():
        raise CellError(_("Enter a number."), code="invalid_number")
    if abs(number) >= LARGEST_NUMBER or number.as_tuple().exponent < -SMALLEST_EXPONENT:
        raise CellError(_("This number is out of range."), code="invalid_number")
    return number


def parse_int(value) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise CellError(_("Enter a whole number."), code="invalid_number")
    if abs(number) > 10**12:
        raise CellError(_("Enter a number."), code="invalid_number")
    return int(number)


TRUE_WORDS = {"yes", "y", "true", "1", "是", "x", "✓"}
FALSE_WORDS = {"no", "n", "false", "0", "否", ""}


def parse_bool(value) -> bool:
    refuse_formula(value)
    if isinstance(value, bool):
        return value
    word = text(value).casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Enter yes or no."), code="invalid_boolean")
