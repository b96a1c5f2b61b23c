"""The import wizard of the staff UI: upload, map the columns (remembered
for files of the same layout), check by a dry run, commit. Large files run
in the background with their progress shown. Templates in English and
Chinese list the allowed values."""

import io
import re
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from imports.models import ColumnMapping, ImportJob
from imports.services import import_file
from partnerships.models import Institution
from tests.factories import UserFactory

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

ROWS = [
    ["Code", "Full name", "Kind", "Notes"],
    ["TSU", "Tsinghua University", "university", "ignored"],
    ["PKU", "Peking University", "university", ""],
]


def upload(client, rows=ROWS, kind="institutions"):
    data = {"kind": kind, "file": SimpleUploadedFile("list.csv", csv_bytes(rows))}
    return client.post(reverse("imports:start"), data)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_staff_walk_a_file_from_upload_to_commit(staff_client):
    response = upload(staff_client)
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:mapping", args=[job.pk])

    mapping_page = staff_client.get(response.url)
    assert mapping_page.status_code == 200
    # "Code" and "Type" are recognised; "Full name" and "Notes" are not.
    assert job.mapping == {"0": "code", "2": "kind"}

    checked = staff_client.post(
        response.url, {"column_0": "code", "column_1": "name", "column_2": "kind"}, follow=True
    )
    assert "Every row is valid" in checked.content.decode()
    assert not Institution.objects.filter(code="TSU").exists()

    committed = staff_client.post(reverse("imports:commit", args=[job.pk]), follow=True)

    assert "The file is imported." in committed.content.decode()
    assert set(Institution.objects.values_list("code", flat=True)) >= {"TSU", "PKU"}
    job.refresh_from_db()
    assert (job.status, job.content) == ("committed", b"")


def test_the_mapping_is_remembered_for_a_file_of_the_same_layout(staff_client):
    upload(staff_client)
    first = ImportJob.objects.get()
    staff_client.post(
        reverse("imports:mapping", args=[first.pk]),
        {"column_0": "code", "column_1": "name", "column_2": "kind"},
    )

    upload(staff_client, [*ROWS[:1], ["CAS", "Academy", "research_institute", ""]])

    second = ImportJob.objects.exclude(pk=first.pk).get()
    assert second.mapping == {"0": "code", "1": "name", "2": "kind"}
    assert ColumnMapping.objects.count() == 1


def test_the_dry_run_lists_each_error_with_row_column_value_and_message(staff_client):
    upload(staff_client, [*ROWS, ["BAD", "Bad", "castle", ""]])
    job = ImportJob.objects.get()

    page = staff_client.post(
        reverse("imports:mapping", args=[job.pk]),
        {"column_0": "code", "column_1": "name", "column_2": "kind"},
        follow=True,
    )

    content = page.content.decode()
    assert "castle" in content and "Nothing was written" in content
    assert "Commit the import" not in content
    report = staff_client.get(reverse("imports:report", args=[job.pk]))
    assert "invalid_choice" in report.content.decode("utf-8-sig")


def test_a_commit_before_a_clean_check_is_refused(staff_client):
    upload(staff_client)
    job = ImportJob.objects.get()

    staff_client.post(reverse("imports:commit", args=[job.pk]))

    assert not Institution.objects.filter(code="TSU").exists()


def test_a_file_that_cannot_be_read_is_refused_on_upload(staff_client):
    data = {"kind": "institutions", "file": SimpleUploadedFile("x.xlsm", b"PK\x03\x04")}

    response = staff_client.post(reverse("imports:start"), data)

    assert response.status_code == 200
    assert "without macros" in response.content.decode()
    assert not ImportJob.objects.exists()


@override_settings(IMPORT_BACKGROUND_ROWS=1)
def test_a_large_file_runs_in_the_background_with_its_progress_shown(
    staff_client, django_capture_on_commit_callbacks, tasks_run_in_process
):
    upload(staff_client)
    job = ImportJob.objects.get()

    with django_capture_on_commit_callbacks() as callbacks:
        staff_client.post(
            reverse("imports:mapping", args=[job.pk]),
            {"column_0": "code", "column_1": "name", "column_2": "kind"},
        )
    job.refresh_from_db()
    assert job.status == "queued"
    status = staff_client.get(reverse("imports:status", args=[job.pk]))
    assert "0 of 2 rows done" in status.content.decode()

    for callback in callbacks:
        callback()

    job.refresh_from_db()
    assert (job.status, job.result["valid"]) == ("checked", True)
    finished = staff_client.get(reverse("imports:status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert finished.status_code == 204 and finished["HX-Refresh"] == "true"


def test_another_staff_members_import_is_not_found(client, staff_client):
    upload(staff_client)
    job = ImportJob.objects.get()
    client.force_login(UserFactory())

    assert client.get(reverse("imports:detail", args=[job.pk])).status_code == 404


def test_partners_cannot_open_the_wizard(client, partner_user):
    client.force_login(partner_user)

    assert client.get(reverse("imports:start")).status_code == 403


@pytest.mark.parametrize(
    ("language", "header", "guide"), [("en", "code *", "Allowed values"), ("zh-hans", None, None)]
)
def test_templates_head_their_columns_in_english_or_chinese(staff_client, language, header, guide):
    response = staff_client.get(reverse("imports:template", args=["institutions", language]))

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    first, allowed = workbook.worksheets
    headers = [cell.value for cell in first[1]]
    if language == "en":
        assert headers[0] == header
        assert allowed.title == guide
        assert any("university" in str(row[2].value) for row in allowed.iter_rows(min_row=2))
    else:
        assert all(not h.isascii() for h in headers[:3]), headers


def test_a_chinese_template_filled_in_imports_as_it_is(staff_client, staff_user):
    response = staff_client.get(reverse("imports:template", args=["institutions", "zh-hans"]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    sheet.append(["ZJU", "浙江大学", "大学"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_file(
        kind="workbook", data=buffer.getvalue(), filename="t.xlsx", by=staff_user, dry_run=False
    )

    assert result.valid, result.errors
    assert Institution.objects.get(code="ZJU").name == "浙江大学"


def test_an_import_that_fails_unexpectedly_is_refused_not_left_running(staff_client, monkeypatch):
    upload(staff_client)
    job = ImportJob.objects.get()

    def broken(**arguments):
        raise RuntimeError("a fault of the importer")

    monkeypatch.setattr("imports.jobs.import_sheets", broken)
    staff_client.post(
        reverse("imports:mapping", args=[job.pk]),
        {"column_0": "code", "column_1": "name", "column_2": "kind"},
    )

    job.refresh_from_db()
    assert job.status == "refused"
    assert "nothing was written" in job.result["refused"]


def test_the_wizard_speaks_chinese_from_upload_to_commit(staff_client, staff_user):
    """No English word on the wizard's pages in Chinese, beyond file
    formats, codes and what the file itself holds."""
    # Imported here: the browser tests' word finder, without their browser.
    from tests.e2e.test_chinese_pages import ALLOWED, words_of

    staff_user.language = "zh-hans"
    staff_user.save(update_fields=["language"])
    staff_client.cookies["django_language"] = "zh-hans"
    rows = [["代码", "名称", "类型"], ["ZJU", "浙江大学", "大学"], ["X1", "某大学", "城堡"]]
    upload(staff_client, rows)
    job = ImportJob.objects.get()
    pages = [reverse("imports:start"), reverse("imports:mapping", args=[job.pk])]
    staff_client.post(pages[1], {"column_0": "code", "column_1": "name", "column_2": "kind"})
    pages.append(reverse("imports:detail", args=[job.pk]))

    for url in pages:
        html = staff_client.get(url).content.decode()
        body = html.split("<main", 1)[-1].split(">", 1)[-1].split("</main>", 1)[0]
        text = re.sub(r"<script.*?</script>|<[^>]+>", " ", body, flags=re.S)
        assert words_of(unescape(text)) - ALLOWED == set(), url
