"""Uploading documents: type and size are checked on the content, files are
stored under random names, and partners see only the non-internal documents
of their own projects and agreements."""

import io
import zipfile
from pathlib import PurePath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError
from projects.models import Activity, Document
from projects.selectors import documents_visible_to
from projects.services import document_upload
from tests.factories import (
    AgreementFactory,
    DocumentFactory,
    InstitutionFactory,
    MilestoneFactory,
    ResearchProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def docx_bytes() -> bytes:
    """A minimal Office Open XML container: a zip with a content-types part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def project(institution, enterprise):
    agreement = AgreementFactory(
        partnership__institution=institution, partnership__enterprise=enterprise
    )
    return ResearchProjectFactory(
        lead_institution=institution, agreement=agreement, partner_enterprises=[enterprise]
    )


@pytest.fixture
def foreign_project(other_partner_user):
    return ResearchProjectFactory(partner_enterprises=[other_partner_user.enterprise])


class TestAcceptedFiles:
    @pytest.mark.parametrize(
        ("name", "content", "content_type"),
        [
            ("Tox report.pdf", PDF, "application/pdf"),
            ("gel.PNG", PNG, "image/png"),
            (
                "minutes.docx",
                docx_bytes(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            ("results.csv", b"batch,yield\n1,0.82\n", "text/csv"),
        ],
    )
    def test_a_small_file_of_an_accepted_type_is_stored(
        self, project, staff_user, name, content, content_type
    ):
        document = document_upload(
            uploaded_file=upload(name, content), by=staff_user, project=project
        )

        assert document.original_name == name
        assert document.content_type == content_type
        assert document.size == len(content)
        assert document.uploaded_by == staff_user
        document.file.open("rb")
        assert document.file.read() == content

    def test_the_stored_file_name_is_random_not_the_original(self, project, staff_user):
        first = document_upload(
            uploaded_file=upload("Confidential term sheet.pdf", PDF),
            by=staff_user,
            project=project,
        )
        second = document_upload(
            uploaded_file=upload("Confidential term sheet.pdf", PDF),
            by=staff_user,
            project=project,
        )

        stored = PurePath(first.file.name)
        assert "Confidential" not in first.file.name
        assert stored.suffix == ".pdf"
        assert len(stored.stem) == 32
        assert first.file.name != second.file.name
        assert first.original_name == "Confidential term sheet.pdf"

    def test_a_path_in_the_uploaded_name_is_dropped(self, project, staff_user):
        document = document_upload(
            uploaded_file=upload("../../etc/report.pdf", PDF), by=staff_user, project=project
        )

        assert document.original_name == "report.pdf"
        assert ".." not in document.file.name

    def test_an_upload_is_on_the_projects_timeline(self, project, staff_user):
        document = document_upload(
            uploaded_file=upload("report.pdf", PDF), by=staff_user, project=project
        )

        entry = Activity.objects.get(verb="document.uploaded")
        assert (entry.project, entry.target_id, entry.actor) == (project, document.pk, staff_user)


class TestRefusedFiles:
    @pytest.mark.parametrize(
        ("name", "content", "code"),
        [
            ("notes.rtf", b"{\\rtf1 hello}", "file_type"),
            ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", "file_type"),
            ("README", b"hello", "file_type"),
            ("report.pdf", PNG, "file_content"),
            ("report.pdf", b"MZ\x90\x00 not a pdf at all", "file_content"),
            ("minutes.docx", PDF, "file_content"),
            ("setup.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "file_content"),
            ("report.pdf", b"", "file_empty"),
        ],
        ids=[
            "unaccepted extension",
            "executable",
            "no extension",
            "png named pdf",
            "executable named pdf",
            "pdf named docx",
            "binary named txt",
            "empty",
        ],
    )
    def test_a_file_whose_type_or_content_is_wrong_is_refused(
        self, project, staff_user, name, content, code
    ):
        with pytest.raises(DomainError) as excinfo:
            document_upload(uploaded_file=upload(name, content), by=staff_user, project=project)

        assert excinfo.value.code == code
        assert excinfo.value.field == "file"
        assert not Document.objects.exists()

    def test_a_file_over_the_size_limit_is_refused(self, project, staff_user, settings):
        settings.DOCUMENT_MAX_BYTES = 1024
        content = PDF + b"0" * (1025 - len(PDF))

        with pytest.raises(DomainError) as excinfo:
            document_upload(
                uploaded_file=upload("big.pdf", content), by=staff_user, project=project
            )

        assert excinfo.value.code == "file_too_large"
        assert "limit of 1.0 KB" in excinfo.value.message
        assert not Document.objects.exists()

    def test_a_file_exactly_at_the_size_limit_is_accepted(self, project, staff_user, settings):
        settings.DOCUMENT_MAX_BYTES = 1024
        content = PDF + b"0" * (1024 - len(PDF))

        document = document_upload(
            uploaded_file=upload("limit.pdf", content), by=staff_user, project=project
        )

        assert document.size == 1024

    def test_a_document_needs_a_project_or_an_agreement(self, staff_user):
        with pytest.raises(DomainError) as excinfo:
            document_upload(uploaded_file=upload("report.pdf", PDF), by=staff_user)

        assert excinfo.value.code == "no_owner"


class TestWhoMayUpload:
    def test_a_partner_uploads_to_its_own_project_and_never_internally(
        self, project, partner_user
    ):
        document = document_upload(
            uploaded_file=upload("sales.pdf", PDF),
            by=partner_user,
            project=project,
            is_internal=True,
        )

        assert document.project == project
        assert document.is_internal is False

    def test_staff_may_mark_a_document_internal(self, project, staff_user):
        document = document_upload(
            uploaded_file=upload("valuation.pdf", PDF),
            by=staff_user,
            project=project,
            is_internal=True,
        )

        assert document.is_internal is True
        assert Activity.objects.get(verb="document.uploaded").is_internal is True

    def test_a_partner_cannot_upload_to_another_enterprises_project(
        self, partner_user, foreign_project
    ):
        with pytest.raises(DomainError) as excinfo:
            document_upload(
                uploaded_file=upload("sales.pdf", PDF), by=partner_user, project=foreign_project
            )

        assert excinfo.value.code == "not_found"
        assert not Document.objects.exists()

    def test_staff_of_another_institution_cannot_upload_to_the_project(self, project):
        outsider = UserFactory(institutions=[InstitutionFactory()])

        with pytest.raises(DomainError) as excinfo:
            document_upload(uploaded_file=upload("x.pdf", PDF), by=outsider, project=project)

        assert excinfo.value.code == "not_found"

    def test_a_partner_uploads_to_its_own_agreement_but_not_another(
        self, project, partner_user, other_partner_user
    ):
        foreign_agreement = AgreementFactory(partnership__enterprise=other_partner_user.enterprise)

        document = document_upload(
            uploaded_file=upload("signed.pdf", PDF), by=partner_user, agreement=project.agreement
        )
        with pytest.raises(DomainError) as excinfo:
            document_upload(
                uploaded_file=upload("signed.pdf", PDF),
                by=partner_user,
                agreement=foreign_agreement,
            )

        assert document.agreement == project.agreement
        assert excinfo.value.code == "not_found"


class TestDocumentsVisibleTo:
    def test_a_partner_sees_the_shared_documents_of_its_own_projects_only(
        self, project, foreign_project, partner_user, staff_user
    ):
        shared = DocumentFactory(project=project)
        internal = DocumentFactory(project=project, is_internal=True)
        DocumentFactory(project=foreign_project)

        assert list(documents_visible_to(partner_user)) == [shared]
        assert set(documents_visible_to(staff_user)) == {shared, internal}

    def test_a_partner_sees_the_documents_of_its_own_agreements_only(
        self, project, partner_user, other_partner_user
    ):
        own = DocumentFactory(project=None, agreement=project.agreement)
        DocumentFactory(
            project=None,
            agreement=AgreementFactory(partnership__enterprise=other_partner_user.enterprise),
        )

        assert list(documents_visible_to(partner_user)) == [own]

    def test_on_a_shared_project_a_partner_sees_the_documents_of_its_own_agreement_only(
        self, project, partner_user, other_partner_user
    ):
        """Evidence of the other enterprise's milestone and documents of its
        agreement stay its own; a document of the project alone is shared
        with every partner on purpose."""
        project.partner_enterprises.add(other_partner_user.enterprise)
        other_terms = AgreementFactory(partnership__enterprise=other_partner_user.enterprise)
        other_claim = MilestoneFactory(project=project, agreement=other_terms)
        evidence = DocumentFactory(project=project, milestone=other_claim)
        contract = DocumentFactory(project=project, agreement=other_terms)
        project_wide = DocumentFactory(project=project)

        assert list(documents_visible_to(partner_user)) == [project_wide]
        assert set(documents_visible_to(other_partner_user)) == {
            evidence,
            contract,
            project_wide,
        }

    def test_what_another_enterprise_s_user_uploads_to_a_shared_project_stays_its_own(
        self, project, partner_user, other_partner_user, staff_user
    ):
        """Only staff share a document with every partner of a project."""
        project.partner_enterprises.add(other_partner_user.enterprise)
        theirs = document_upload(
            uploaded_file=upload("lab-notes.pdf", PDF), by=other_partner_user, project=project
        )
        ours = document_upload(
            uploaded_file=upload("minutes.pdf", PDF), by=partner_user, project=project
        )
        shared = document_upload(
            uploaded_file=upload("protocol.pdf", PDF), by=staff_user, project=project
        )

        assert set(documents_visible_to(partner_user)) == {ours, shared}
        assert set(documents_visible_to(other_partner_user)) == {theirs, shared}
