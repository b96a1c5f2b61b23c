"""A partner in a real browser: uploads a report to its project from the
documents page, finds it listed and downloads it; a file of a refused type
or over the size limit is explained on the form. A partner admin invites a
colleague from the team page."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_staff_pages import sign_in
from tests.factories import (
    AgreementFactory,
    DocumentFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REPORT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def partner_admin():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    enterprise = EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药")
    agreement = AgreementFactory(
        partnership__institution=institution,
        partnership__enterprise=enterprise,
        reference="AGR-ELU-7",
        title="Licence of the PD-1/VEGF antibody",
    )
    project = ProjectUnderAgreementFactory(
        code="ELU-007", title="Bispecific antibody against PD-1/VEGF", agreement=agreement
    )
    MilestoneFactory(project=project, name="Proof of concept in vivo", status="claimed")
    DocumentFactory(
        project=project,
        original_name="ELU-007-study-protocol.pdf",
        description="Study protocol, version 3",
    )
    admin = PartnerUserFactory(
        enterprise=enterprise,
        email="partner@example.com",
        full_name="Wang Hao",
        is_partner_admin=True,
    )
    PartnerUserFactory(enterprise=enterprise, email="li.na@example.com", full_name="Li Na")
    return admin


def test_a_partner_uploads_a_report_finds_it_and_downloads_it(
    page, screenshot, partner_admin, settings
):
    sign_in(page, partner_admin.email)
    page.get_by_role("link", name="Documents").first.click()
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    expect(page.get_by_text("ELU-007-study-protocol.pdf")).to_be_visible()

    # A file of a refused type: the form says why and keeps the rest.
    page.get_by_role("link", name="Upload a document").click()
    page.get_by_label("Project").select_option(
        label="ELU-007 · Bispecific antibody against PD-1/VEGF"
    )
    page.get_by_label("Description").fill("Interim efficacy report")
    page.get_by_label("File").set_input_files(
        {"name": "macro.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Files of type .exe are not accepted")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Interim efficacy report")

    # Over the size limit: the limit is named.
    settings.DOCUMENT_MAX_BYTES = 20
    page.get_by_label("File").set_input_files(
        {"name": "big.pdf", "mimeType": "application/pdf", "buffer": REPORT}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("The file is larger than the limit of 20 bytes.")).to_be_visible()
    settings.DOCUMENT_MAX_BYTES = 25 * 1024 * 1024

    # A real report, attached to the milestone it proves.
    page.get_by_label("Milestone").select_option(label="ELU-007 · Proof of concept in vivo")
    page.get_by_label("File").set_input_files(
        {"name": "interim-efficacy.pdf", "mimeType": "application/pdf", "buffer": REPORT}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("interim-efficacy.pdf uploaded.")).to_be_visible()
    listing = page.get_by_test_id("document-list")
    expect(listing.get_by_role("link", name="interim-efficacy.pdf")).to_be_visible()
    expect(listing.get_by_text("Proof of concept in vivo")).to_be_visible()
    screenshot("portal-documents")

    with page.expect_download() as download_info:
        listing.get_by_role("link", name="interim-efficacy.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "interim-efficacy.pdf"
    with open(download.path(), "rb") as report:
        assert report.read() == REPORT


def test_a_partner_admin_invites_a_colleague(page, screenshot, partner_admin, mailoutbox):
    sign_in(page, partner_admin.email)
    page.goto("/portal/team/")
    expect(page.get_by_role("heading", name="Team")).to_be_visible()
    form = page.get_by_test_id("invite-form")
    form.get_by_label("Email address").fill("zhao.min@example.com")
    form.get_by_label("Full name").fill("Zhao Min")
    form.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_text("An invitation is on its way to zhao.min@example.com")).to_be_visible()
    team = page.get_by_test_id("team-list")
    expect(team.get_by_role("row", name="Zhao Min")).to_contain_text("Invited")
    expect(team.get_by_role("row", name="Li Na")).to_contain_text("Active")
    assert [mail.to for mail in mailoutbox] == [["zhao.min@example.com"]]
    screenshot("portal-team")
