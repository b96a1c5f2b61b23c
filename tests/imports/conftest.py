import csv
import io

import openpyxl
import pytest

from tests.factories import AgreementFactory, PartnershipFactory


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(*sheets: tuple[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def agreement(institution, enterprise):
    """A signed licence of ``institution`` with ``enterprise``."""
    return AgreementFactory(
        reference="AGR-IMP",
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise),
    )
