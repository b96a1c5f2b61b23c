"""The staff page of the annual reports: pick institution, report and
year; every figure links to the records it counts; the office states what
the records cannot know; exports. Another institution's report, and
anyone but staff, get a 404."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import AnnualReportInput
from tests.factories import PartnerUserFactory, ResearcherUserFactory, UserFactory

from .year import build_year, fixed_receipt

INDEX = reverse("annual_reports:index")


@pytest.fixture
def year(db):
    return build_year()


@pytest.fixture
def staff(client, year):
    user = UserFactory(institutions=[year.institution])
    client.force_login(user)
    return user


def _url(name, year, *args, kind="china_annual"):
    return reverse(f"annual_reports:{name}", args=[kind, year.institution.pk, 2025, *args])


def test_staff_find_the_annual_reports_in_the_navigation(client, staff):
    page = client.get(reverse("dashboard"))

    assert f'href="{INDEX}"' in page.content.decode()


def test_the_page_shows_every_figure_with_a_link_to_its_records(client, staff, year):
    page = client.get(
        INDEX, {"report": "china_annual", "institution": year.institution.pk, "year": 2025}
    )

    assert page.status_code == 200
    html = page.content.decode()
    report = page.context["report"]
    for figure in report.figures:
        assert f'data-key="{figure.key}"' in html
    assert _url("figure", year, "cn.3.licence.contracts") in html
    assert _url("export", year, "pdf") in html


def test_the_drill_down_lists_the_records_a_figure_counts(client, staff, year):
    page = client.get(_url("figure", year, "cn.3.licence.contracts"))

    assert page.status_code == 200
    assert sorted(row["cells"][0] for row in page.context["rows"]) == ["L1", "L2"]


def test_the_autm_drill_down_lists_the_receipts(client, staff, year):
    page = client.get(_url("figure", year, "autm.income.running_royalties", kind="autm"))

    assert page.status_code == 200
    assert page.context["total"] == 2


def test_a_figure_without_records_or_an_unknown_key_is_a_404(client, staff, year):
    assert client.get(_url("figure", year, "cn.3b.average_contract_value")).status_code == 404
    assert client.get(_url("figure", year, "cn.nothing")).status_code == 404


def test_staff_state_what_the_records_cannot_know(client, staff, year):
    response = client.post(
        _url("inputs", year, kind="autm"),
        {
            "currency": "CNY",
            "research_expenditure_government": "6000000",
            "research_expenditure_industry": "1000000",
            "research_expenditure_other": "0",
            "licensing_ftes": "3",
            "other_staff_ftes": "1.5",
        },
    )

    assert response.status_code == 302
    entry = AnnualReportInput.objects.get(institution=year.institution, report="autm", year=2025)
    assert entry.research_expenditure_total == 7_000_000
    assert str(entry.licensing_ftes) == "3.00"


def test_a_narrative_is_saved_for_chinas_report(client, staff, year):
    client.post(_url("inputs", year), {"work_done": "建成技术转移中心。", "problems": ""})

    entry = AnnualReportInput.objects.get(institution=year.institution, report="china_annual")
    assert entry.work_done == "建成技术转移中心。"


def test_a_negative_expenditure_is_refused_and_nothing_saved(client, staff, year):
    response = client.post(
        _url("inputs", year, kind="autm"),
        {
            "currency": "CNY",
            "research_expenditure_government": "-1",
            "research_expenditure_industry": "0",
            "research_expenditure_other": "0",
            "licensing_ftes": "0",
            "other_staff_ftes": "0",
        },
    )

    assert response.status_code == 400
    assert "research_expenditure_government" in response.context["input_form"].errors
    entry = AnnualReportInput.objects.get(institution=year.institution, report="autm", year=2025)
    assert entry.research_expenditure_government == 5_000_000


def test_exports_china_as_workbook_and_pdf_and_autm_as_workbook(client, staff, year):
    workbook = client.get(_url("export", year, "xlsx"))
    pdf = client.get(_url("export", year, "pdf"))
    autm = client.get(_url("export", year, "xlsx", kind="autm"))

    assert load_workbook(io.BytesIO(workbook.content)).worksheets[1].title
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.content
    assert load_workbook(io.BytesIO(autm.content)).active.max_row > 30
    assert client.get(_url("export", year, "pdf", kind="autm")).status_code == 404
    assert client.get(_url("export", year, "csv")).status_code == 404


def test_another_institutions_report_is_a_404(client, year):
    client.force_login(UserFactory(institutions=[year.other]))

    assert client.get(_url("figure", year, "cn.3.licence.contracts")).status_code == 404
    assert client.get(_url("export", year, "xlsx")).status_code == 404
    assert client.post(_url("inputs", year), {"work_done": "x"}).status_code == 404
    page = client.get(
        INDEX, {"report": "china_annual", "institution": year.institution.pk, "year": 2025}
    )
    assert page.context["report"] is None


@pytest.mark.parametrize("factory", [PartnerUserFactory, ResearcherUserFactory])
def test_partners_and_researchers_do_not_find_the_page(client, year, factory):
    client.force_login(factory())

    assert client.get(INDEX).status_code == 404
    assert client.get(_url("export", year, "xlsx")).status_code == 404


def test_the_page_speaks_chinese(client, staff, year):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    page = client.get(
        INDEX, {"report": "china_annual", "institution": year.institution.pk, "year": 2025}
    )

    html = page.content.decode()
    assert "年度报告" in html
    assert "许可：合同项数" in html


def test_a_drill_down_reads_the_same_number_of_queries_for_more_rows(client, staff, year):
    url = _url("figure", year, "cn.3.licence.received")
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for month in range(1, 10):
        fixed_receipt(
            year.l1, "other", Decimal("1000"), datetime.date(2025, month, 28), f"R{month}"
        )
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)

    assert page.context["total"] == 13
    assert len(after) == len(before)
