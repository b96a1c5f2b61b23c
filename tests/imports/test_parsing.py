"""Reading uploaded files: CSV in UTF-8 or GB18030, XLSX read-only; a file
that cannot be trusted is refused before much of it is read."""

import io
import zipfile

import openpyxl
import pytest
from django.test import override_settings

from imports.parsing import Formula, ImportFileError, read_file

from .conftest import csv_bytes, xlsx_bytes


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(ImportFileError) as error:
        read_file(data, name)
    return error.value.code


def test_a_csv_file_in_utf8_is_read_with_its_row_numbers():
    [sheet] = read_file(
        csv_bytes([["代码", "名称"], ["INST1", "清华"], [], ["INST2", "北大"]]), "a.csv"
    )

    assert sheet.header == ["代码", "名称"]
    assert sheet.rows == [(2, ["INST1", "清华"]), (4, ["INST2", "北大"])]


def test_a_csv_file_in_gb18030_is_read():
    [sheet] = read_file(csv_bytes([["名称"], ["中国科学院"]], encoding="gb18030"), "a.csv")

    assert sheet.rows[0][1] == ["中国科学院"]


def test_a_file_in_another_encoding_is_refused():
    assert refusal("名称\n中国".encode("utf-16"), "a.csv") == "bad_encoding"


def test_an_xlsx_workbook_is_read_sheet_by_sheet():
    data = xlsx_bytes(("institutions", [["code"], ["INST1"]]), ("enterprises", [["code"], ["E1"]]))

    sheets = read_file(data, "book.xlsx")

    assert [(sheet.name, sheet.rows) for sheet in sheets] == [
        ("institutions", [(2, ["INST1"])]),
        ("enterprises", [(2, ["E1"])]),
    ]


def test_a_formula_cell_is_kept_as_a_formula_to_be_refused_with_its_row():
    workbook = openpyxl.Workbook()
    workbook.active.append(["amount"])
    workbook.active.append(["=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    [sheet] = read_file(buffer.getvalue(), "a.xlsx")

    assert sheet.rows == [(2, [Formula("=1+1")])]


def test_a_macro_workbook_is_refused():
    assert refusal(xlsx_bytes(("s", [["a"]])), "book.xlsm") == "unsupported_file"
    buffer = io.BytesIO(xlsx_bytes(("s", [["a"]])))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    assert refusal(buffer.getvalue(), "book.xlsx") == "macro_workbook"


def test_a_damaged_workbook_is_refused():
    assert refusal(b"PK\x03\x04 not really a zip", "a.xlsx") == "not_a_workbook"


@override_settings(IMPORT_MAX_BYTES=100)
def test_a_file_above_the_size_cap_is_refused_before_it_is_read():
    assert refusal(b"x" * 101, "a.csv") == "file_too_large"


@override_settings(IMPORT_MAX_ROWS=3)
def test_a_file_above_the_row_cap_is_refused_with_the_cap_named():
    with pytest.raises(ImportFileError) as error:
        read_file(csv_bytes([["code"]] + [[f"C{n}"] for n in range(4)]), "a.csv")

    assert error.value.code == "too_many_rows"
    assert "3" in error.value.message


def test_an_empty_file_is_refused():
    assert refusal(b"", "a.csv") == "empty_file"
    assert refusal(b"\n\n", "a.csv") == "empty_file"
