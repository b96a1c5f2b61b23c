"""The reports over the API: staff of the institution get every figure
with its definition key (and AUTM question number), as JSON or as the
workbook; bad parameters are coded 400s; anyone else is refused."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.api.conftest import client_for
from tests.factories import PartnerUserFactory, ResearcherUserFactory, UserFactory

from .year import build_year

CHINA = reverse("api:report-china-annual")
AUTM = reverse("api:report-autm")


@pytest.fixture
def year(db):
    return build_year()


@pytest.fixture
def staff(year):
    return UserFactory(institutions=[year.institution])


def _figures(body) -> dict:
    return {figure["key"]: figure for figure in body["figures"]}


def test_staff_get_chinas_report_as_json_with_definition_keys(year, staff):
    response = client_for(staff).get(CHINA, {"institution": year.institution.pk, "year": 2025})

    assert response.status_code == 200
    body = response.json()
    figures = _figures(body)
    assert body["report"] == "china_annual"
    assert body["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert figures["cn.3.licence.contracts"]["value"] == 2
    assert figures["cn.3.licence.received"] == {
        "key": "cn.3.licence.received",
        "section": "3",
        "label": "Licence: cash received in the year",
        "value": "1400000.00",
        "unit": "money",
        "currency": "CNY",
    }
    assert [row["reference"] for row in body["projects"]] == [
        "L0", "D1", "L1", "L2", "EQ1", "AS1", "D2",
    ]  # fmt: skip


def test_staff_get_the_autm_survey_with_question_numbers(year, staff):
    response = client_for(staff).get(
        AUTM, {"institution": year.institution.pk, "fiscal_year": 2020}
    )

    assert response.status_code == 200
    body = response.json()
    figures = _figures(body)
    assert body["period"] == {"start": "2019-07-01", "end": "2020-06-30"}
    assert body["survey_table"] == "autm_fy2019.json"
    assert figures["autm.licences_executed"]["question"] == "Q4.1"
    assert figures["autm.income.total"]["question"] == "Q5.4"
    assert figures["autm.licences.exclusive"]["question"] is None


def test_the_workbook_opens_and_has_every_figure(year, staff):
    response = client_for(staff).get(
        AUTM, {"institution": year.institution.pk, "fiscal_year": 2025, "format": "xlsx"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[1]: row for row in sheet.iter_rows(values_only=True) if row and len(row) > 4}
    assert values["autm.licences_executed"][2] == "Q5"
    assert values["autm.income.total"][2] is None
    assert Decimal(str(values["autm.income.total"][4])) == Decimal("1305000")
    assert values["autm.licences_options.startup"][4] == 1


def test_chinas_workbook_is_in_chinese_with_the_project_list(year, staff):
    response = client_for(staff).get(
        CHINA, {"institution": year.institution.pk, "year": 2025, "format": "xlsx"}
    )

    workbook = load_workbook(io.BytesIO(response.content))
    figures = {row[1]: row for row in workbook.worksheets[0].iter_rows(values_only=True) if row}
    assert Decimal(str(figures["cn.3.total.contract_value"][3])) == Decimal("6700000")
    projects = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert [row[0] for row in projects[1:]] == ["L0", "D1", "L1", "L2", "EQ1", "AS1", "D2"]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"year": "2025"}, "institution", "required"),
        ({"institution": "1"}, "year", "required"),
        ({"institution": "x", "year": "2025"}, "institution", "invalid"),
        ({"institution": "1", "year": "twenty"}, "year", "invalid"),
        ({"institution": "1", "year": "1850"}, "year", "invalid"),
    ],
)
def test_bad_parameters_are_a_coded_400(year, staff, query, field, code):
    response = client_for(staff).get(CHINA, query)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert field in error["fields"]


def test_a_bad_currency_or_missing_fiscal_year_is_a_400_even_for_the_workbook(year, staff):
    response = client_for(staff).get(
        AUTM,
        {"institution": year.institution.pk, "fiscal_year": 2025, "currency": "XXX",
         "format": "xlsx"},
    )  # fmt: skip
    missing = client_for(staff).get(AUTM, {"institution": year.institution.pk, "year": 2025})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"currency": ["Not a currency BioBridge books."]}
    assert missing.status_code == 400
    assert "fiscal_year" in missing.json()["error"]["fields"]


def test_another_institutions_report_is_a_404(year):
    outsider = UserFactory(institutions=[year.other])

    response = client_for(outsider).get(CHINA, {"institution": year.institution.pk, "year": 2025})

    assert response.status_code == 404


@pytest.mark.parametrize("factory", [PartnerUserFactory, ResearcherUserFactory])
def test_partners_and_researchers_are_refused(year, factory):
    response = client_for(factory()).get(
        AUTM, {"institution": year.institution.pk, "fiscal_year": 2025}
    )

    assert response.status_code == 403


def test_a_superuser_reports_on_any_institution(year):
    superuser = UserFactory(is_superuser=True, is_staff=True)

    response = client_for(superuser).get(CHINA, {"institution": year.other.pk, "year": 2025})

    assert _figures(response.json())["cn.3.licence.contract_value"]["value"] == "7777777.00"
