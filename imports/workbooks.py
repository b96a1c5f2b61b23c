"""The files the import wizard hands out: a template workbook per kind of
record, in English or Chinese, with the allowed values on a second sheet;
and the report of an import as CSV."""

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _

from .kinds import GUIDE_SHEET, Kind

# Columns whose values follow a format rather than a list.
FORMATS = {
    "date": "2024-03-05 · 2024/3/5 · 2024年3月5日 · 05/03/2024",
}


def _column_help(column) -> str:
    if column.choices:
        return " · ".join(f"{code} ({label})" for code, label in column.choices)
    if column.parse.__name__ == "parse_date":
        return _("A date: %(formats)s (day first).") % {"formats": FORMATS["date"]}
    if column.help:
        return str(column.help)
    return ""


def template_workbook(kind: Kind, language: str) -> bytes:
    """An empty sheet with the kind's headers (required ones marked with
    an asterisk) and a sheet listing each column's allowed values."""
    # Imported here: openpyxl takes a while to load, and only downloads need it.
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    with translation.override(language):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = str(kind.label)[:31]
        guide = workbook.create_sheet(str(GUIDE_SHEET)[:31])
        guide.append([_("Column"), _("Required"), _("Allowed values or format")])
        for cell in guide[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(kind.all_columns, start=1):
            header = str(column.label) + (" *" if column.required else "")
            cell = sheet.cell(row=1, column=index, value=header)
            cell.font = Font(bold=column.required)
            help_text = _column_help(column)
            if help_text:
                cell.comment = Comment(help_text, "BioBridge")
            sheet.column_dimensions[cell.column_letter].width = max(14, len(header) + 4)
            guide.append([str(column.label), _("yes") if column.required else _("no"), help_text])
        guide.column_dimensions["A"].width = 28
        guide.column_dimensions["C"].width = 80
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def report_csv(result: dict) -> str:
    """Every row's outcome and every error of an import, one a line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Sheet"),
            _("Row"),
            _("What the import does"),
            _("Column"),
            _("Value in the file"),
            _("Error code"),
            _("Message"),
        ]
    )
    for outcome in result.get("results", []):
        writer.writerow(
            [
                outcome.get("sheet", ""),
                outcome["row"],
                outcome["action"],
                "",
                outcome["key"],
                "",
                "",
            ]
        )
    for error in result.get("errors", []):
        writer.writerow(
            [
                error.get("sheet", ""),
                error["row"] or "",
                "error",
                error["column"],
                error["value"],
                error["code"],
                error["message"],
            ]
        )
    return buffer.getvalue()
