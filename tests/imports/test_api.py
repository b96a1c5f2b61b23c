"""``POST /api/v1/imports/``: a dry run reports and writes nothing; a commit
writes a valid file whole or answers 400 with the report under the house
error format; a file that cannot be read is a coded 400 on ``file``."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from partnerships.models import Institution
from tests.api.conftest import client_for
from tests.factories import InstitutionFactory, ResearchProjectFactory

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

URL = reverse("api:imports")
ROWS = [["code", "name", "kind"], ["TSU", "Tsinghua University", "university"]]


def post(user, data: bytes, *, kind="institutions", dry_run=True, name="f.csv"):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client_for(user).post(
        URL, {"file": upload, "kind": kind, "dry_run": dry_run}, format="multipart"
    )


def test_a_dry_run_answers_the_report_and_writes_nothing(staff_user):
    response = post(staff_user, csv_bytes(ROWS))

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("valid", "rows", "created", "updated", "errors")} == {
        "valid": True,
        "rows": 1,
        "created": 1,
        "updated": 0,
        "errors": [],
    }
    assert body["results"] == [{"row": 2, "action": "create", "key": "TSU", "sheet": ""}]
    assert not Institution.objects.filter(code="TSU").exists()


def test_a_commit_of_a_valid_file_writes_it(staff_user):
    response = post(staff_user, csv_bytes(ROWS), dry_run=False)

    assert response.status_code == 200
    assert response.json()["committed"] is True
    assert Institution.objects.filter(code="TSU").exists()


def test_a_commit_with_an_invalid_row_answers_400_and_writes_nothing(staff_user):
    rows = [*ROWS, ["X", "Bad", "castle"]]

    response = post(staff_user, csv_bytes(rows), dry_run=False)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_rows"
    assert error["details"]["valid"] is False
    assert error["details"]["errors"] == [
        {
            "row": 3,
            "column": "kind",
            "value": "castle",
            "code": "invalid_choice",
            "message": error["details"]["errors"][0]["message"],
        }
    ]
    assert not Institution.objects.filter(code="TSU").exists()


def test_a_dry_run_with_invalid_rows_is_still_a_200_report(staff_user):
    response = post(staff_user, csv_bytes([*ROWS, ["X", "Bad", "castle"]]))

    assert response.status_code == 200
    assert response.json()["valid"] is False


@override_settings(IMPORT_MAX_BYTES=50)
def test_a_file_above_the_cap_is_refused_on_its_field(staff_user):
    response = post(staff_user, b"code,name,kind\n" + b"x" * 100)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    assert "file" in response.json()["error"]["fields"]


def test_a_macro_workbook_is_refused(staff_user):
    response = post(staff_user, b"PK\x03\x04", name="book.xlsm")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unsupported_file"


def test_an_unknown_kind_is_a_field_error(staff_user):
    response = post(staff_user, csv_bytes(ROWS), kind="spaceships")

    assert response.status_code == 400
    assert "kind" in response.json()["error"]["fields"]


def test_partners_and_anonymous_callers_are_refused(partner_user, client):
    assert post(partner_user, csv_bytes(ROWS)).status_code == 403
    upload = SimpleUploadedFile("f.csv", csv_bytes(ROWS))
    assert client.post(URL, {"file": upload, "kind": "institutions"}).status_code == 401


def test_a_foreign_institutions_project_is_refused_row_by_row(staff_user, institution):
    foreign = InstitutionFactory()
    theirs = ResearchProjectFactory(lead_institution=foreign)
    mine = ResearchProjectFactory(lead_institution=institution)
    header = ["code", "title", "pipeline", "current_stage", "lead_institution", "trl"]
    header += ["start_date"]
    rows = [header] + [
        [p.code, "Renamed", "BIOMED-DRUG", p.current_stage.code, p.lead_institution.code, p.trl,
         "2024-03-01"]
        for p in (mine, theirs)
    ]  # fmt: skip

    response = post(staff_user, csv_bytes(rows), kind="projects", dry_run=False)

    assert response.status_code == 400
    errors = response.json()["error"]["details"]["errors"]
    assert [(e["row"], e["code"]) for e in errors] == [(3, "permission_denied")]
    mine.refresh_from_db()
    assert mine.title != "Renamed"


@override_settings(IMPORT_MAX_BYTES=1024)
def test_a_request_far_above_the_cap_is_refused_before_its_upload_is_read(staff_user):
    response = post(staff_user, b"code,name,kind\n" + b"x" * (200 * 1024))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
