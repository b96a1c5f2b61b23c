"""A staff member brings an institution list kept in a spreadsheet into
BioBridge in a real browser: uploads the CSV, maps the header the wizard did
not recognise, reads the dry run, commits, and finds the records."""

import pytest
from playwright.sync_api import expect

from partnerships.models import Institution
from tests.e2e.browsing import sign_in
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSV = (
    b"Code,Full name,Kind\n"
    b"TSU,Tsinghua University,university\n"
    b"IOZ,Institute of Zoology,research_institute\n"
)


@pytest.fixture
def staff():
    return UserFactory(email="staff@example.com", institutions=[InstitutionFactory()])


def test_staff_upload_map_check_and_commit_a_file(page, staff, tmp_path, screenshot):
    file = tmp_path / "institutions.csv"
    file.write_bytes(CSV)
    sign_in(page, "staff@example.com")

    page.locator("div.dropdown > button").click()
    page.get_by_role("link", name="Import records").click()
    page.get_by_label("Kind of record", exact=True).select_option("institutions")
    page.get_by_label("File", exact=True).set_input_files(str(file))
    page.get_by_role("button", name="Upload").click()

    # "Code" and "Kind" are recognised; "Full name" is mapped by hand.
    expect(page.get_by_role("heading", name="Map the columns")).to_be_visible()
    expect(page.get_by_label("Code", exact=True)).to_have_value("code")
    page.get_by_label("Full name", exact=True).select_option("name")
    screenshot("import-mapping")
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_text("Every row is valid.")).to_be_visible()
    expect(page.get_by_test_id("import-rows")).to_contain_text("TSU")
    assert not Institution.objects.filter(code="TSU").exists()
    screenshot("import-dry-run")
    page.get_by_role("button", name="Commit the import").click()

    expect(page.get_by_text("The file is imported.")).to_be_visible()
    assert set(Institution.objects.values_list("code", flat=True)) >= {"TSU", "IOZ"}
