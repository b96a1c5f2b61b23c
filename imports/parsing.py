"""Reading a spreadsheet an office uploads into plain rows.

A file is XLSX (read with openpyxl in read-only mode) or CSV in UTF-8 or
GB18030. The reader refuses what it cannot trust before reading much of it:
a file above ``IMPORT_MAX_BYTES``, a macro workbook, anything that is not a
workbook or text, and more than ``IMPORT_MAX_ROWS`` rows. A formula cell is
kept as a ``Formula`` so that the row it sits in is refused with its column.
Every refusal is an ``ImportFileError`` with a code; nothing else escapes.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError

XLSX_SUFFIXES = (".xlsx",)
CSV_SUFFIXES = (".csv", ".txt")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb", ".xls")
# The zip member only a macro workbook has.
MACRO_MEMBER = "xl/vbaProject.bin"


class ImportFileError(DomainError):
    """The file as a whole cannot be read."""

    code = "invalid_file"

    def __init__(self, message, *, code=None):
        super().__init__(message, code=code, field="file")


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula: refused, since its value is whatever
    the spreadsheet computed last, if anything."""

    text: str

    def __str__(self):
        return self.text


@dataclass
class Sheet:
    """One table of the file: its header row and its data rows, each with
    its row number as the spreadsheet shows it."""

    name: str
    header: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def check_size(size: int) -> None:
    """Refuse a file too large before reading it."""
    if size > max_bytes():
        raise ImportFileError(
            _("The file is %(size)s MB; files up to %(limit)s MB are imported.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(max_bytes() / 1024 / 1024)},
            code="file_too_large",
        )


# What a multipart request adds around the file: boundaries, headers and
# the other fields.
FORM_OVERHEAD = 64 * 1024


def check_request_size(content_length) -> None:
    """Refuse a request whose body is larger than any file accepted, before
    its upload is read."""
    try:
        length = int(content_length or 0)
    except ValueError:
        return
    if length > max_bytes() + FORM_OVERHEAD:
        check_size(length - FORM_OVERHEAD)


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(limit)s rows; split it into files of at most %(limit)s rows.")
        % {"limit": max_rows()},
        code="too_many_rows",
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    return str(value)


def _is_blank(values: list) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ImportFileError(
        _("The file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 or as XLSX."),
        code="bad_encoding",
    )


def _read_csv(data: bytes) -> list[Sheet]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    sheet = None
    try:
        for values in reader:
            if sheet is None:
                if _is_blank(values):
                    continue
                sheet = Sheet(name="", header=[value.strip() for value in values])
                continue
            if _is_blank(values):
                continue
            if len(sheet.rows) >= max_rows():
                raise _too_many_rows()
            sheet.rows.append((reader.line_num, values))
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file is malformed near line %(line)s.") % {"line": reader.line_num},
            code="malformed_csv",
        ) from error
    if sheet is None:
        raise ImportFileError(_("The file is empty."), code="empty_file")
    return [sheet]


def _xlsx_value(cell):
    value = cell.value
    if getattr(cell, "data_type", None) == "f":
        return Formula(str(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float | date | datetime) or value is None:
        return value
    return str(value)


def _read_xlsx(data: bytes) -> list[Sheet]:
    # Imported here: openpyxl takes a while to load, and only XLSX needs it.
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if MACRO_MEMBER in archive.namelist():
                raise ImportFileError(
                    _("Workbooks with macros are not imported; save it as XLSX."),
                    code="macro_workbook",
                )
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except ImportFileError:
        raise
    except Exception as error:
        # openpyxl raises many kinds of errors on a damaged file; all mean
        # the same to the person who uploaded it.
        raise ImportFileError(
            _("The file is not a readable XLSX workbook."), code="not_a_workbook"
        ) from error
    sheets = []
    total = 0
    try:
        for worksheet in workbook.worksheets:
            sheet = None
            for row in worksheet.iter_rows():
                numbered = [cell.row for cell in row if getattr(cell, "row", None)]
                values = [_xlsx_value(cell) for cell in row]
                if sheet is None:
                    if _is_blank(values):
                        continue
                    sheet = Sheet(
                        name=worksheet.title, header=[_cell_text(v).strip() for v in values]
                    )
                    continue
                if _is_blank(values):
                    continue
                total += 1
                if total > max_rows():
                    raise _too_many_rows()
                number = numbered[0] if numbered else len(sheet.rows) + 2
                sheet.rows.append((number, values))
            if sheet is not None:
                sheets.append(sheet)
    except ImportFileError:
        raise
    except Exception as error:
        # A damaged sheet inside a readable archive.
        raise ImportFileError(
            _("The file is not a readable XLSX workbook."), code="not_a_workbook"
        ) from error
    finally:
        workbook.close()
    if not sheets:
        raise ImportFileError(_("The file is empty."), code="empty_file")
    return sheets


def read_file(data: bytes, filename: str) -> list[Sheet]:
    """The tables of an uploaded file, or an ``ImportFileError``."""
    check_size(len(data))
    name = (filename or "").lower()
    if name.endswith(MACRO_SUFFIXES):
        raise ImportFileError(
            _("Only XLSX and CSV files are imported; save the workbook as XLSX without macros."),
            code="unsupported_file",
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."), code="empty_file")
    if data[:4] == b"PK\x03\x04" or name.endswith(XLSX_SUFFIXES):
        return _read_xlsx(data)
    return _read_csv(data)
