"""Whatever bytes arrive, the reader answers tables or a clean
``ImportFileError``, and an import answers a report: never another
exception, never a write."""

import io
import math
import zipfile
from datetime import date

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.kinds import KINDS
from imports.parsing import ImportFileError, read_file
from imports.services import import_file
from partnerships.models import Institution

from .conftest import csv_bytes

cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.sampled_from(["=1+1", "=SUM(A1:A2)", "2024年3月5日", "05/03/2024", "45356", "1,000.5"]),
)
headers = st.lists(
    st.one_of(
        st.sampled_from(["code", "name", "kind", "代码", "名称", "类型", "trl", "start_date"]),
        st.text(max_size=12),
    ),
    min_size=1,
    max_size=6,
)
tables = st.tuples(headers, st.lists(st.lists(cells, max_size=7), max_size=8))


def xlsx_of(header, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        values = []
        for value in row:
            if isinstance(value, str):
                # Characters a worksheet cannot hold are not the point here.
                value = "".join(c for c in value if c.isprintable())
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            values.append(value)
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_of(header, rows, encoding) -> bytes:
    text_rows = [[("" if v is None else str(v)) for v in row] for row in [header, *rows]]
    return (
        csv_bytes(text_rows, encoding=encoding)
        if encoding == "utf-8"
        else (csv_bytes(text_rows).decode().encode(encoding, errors="replace"))
    )


def read_or_refuse(data: bytes, name: str):
    try:
        return read_file(data, name)
    except ImportFileError as error:
        assert error.code and error.message
        return None


@given(st.binary(max_size=2048), st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f"]))
def test_any_bytes_are_read_or_refused_cleanly(data, name):
    read_or_refuse(data, name)


@given(tables, st.sampled_from(["utf-8", "gb18030", "utf-16", "latin-1"]))
def test_generated_csv_is_read_or_refused_cleanly(table, encoding):
    read_or_refuse(csv_of(*table, encoding), "f.csv")


@settings(max_examples=40, deadline=None)
@given(tables, st.integers(min_value=0, max_value=4000), st.binary(min_size=1, max_size=8))
def test_generated_and_damaged_xlsx_is_read_or_refused_cleanly(table, offset, noise):
    data = xlsx_of(*table)
    read_or_refuse(data, "f.xlsx")
    damaged = data[:offset] + noise + data[offset + len(noise) :]
    read_or_refuse(damaged, "f.xlsx")


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_workbook_with_a_broken_sheet_is_refused_cleanly():
    buffer = io.BytesIO(xlsx_of(["a"], [["=1"]]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<not xml")
    read_or_refuse(buffer.getvalue(), "f.xlsx")


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tables, st.sampled_from(sorted(KINDS)), st.booleans())
def test_an_import_of_any_table_answers_a_report_and_writes_nothing_on_a_dry_run(
    staff_user, table, kind, as_xlsx
):
    data = xlsx_of(*table) if as_xlsx else csv_of(*table, "utf-8")
    before = Institution.objects.count()
    try:
        result = import_file(
            kind=kind,
            data=data,
            filename="f.xlsx" if as_xlsx else "f.csv",
            by=staff_user,
            dry_run=True,
        )
    except ImportFileError:
        return
    assert result.rows >= 0 and result.error_count == len(result.errors)
    assert all(error.code and error.message for error in result.errors)
    assert Institution.objects.count() == before
