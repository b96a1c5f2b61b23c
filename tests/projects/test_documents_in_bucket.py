"""Documents kept in S3-compatible object storage (S3_BUCKET set): uploads
and downloads work as on disk, through the staff pages, the partner portal
and the API; the objects are private, and every download still passes
BioBridge's permission checks, streamed through the app.

The bucket lives on a local S3 server started by the test run (the
``bucket`` fixture, tests/conftest.py)."""

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from projects.models import Document
from tests.factories import AgreementFactory, DocumentFactory, ResearchProjectFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def downloaded(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


@pytest.fixture
def project(institution, enterprise):
    agreement = AgreementFactory(
        partnership__institution=institution, partnership__enterprise=enterprise
    )
    return ResearchProjectFactory(
        lead_institution=institution, agreement=agreement, partner_enterprises=[enterprise]
    )


@pytest.fixture
def foreign_document(bucket, other_partner_user):
    project = ResearchProjectFactory(partner_enterprises=[other_partner_user.enterprise])
    return DocumentFactory(project=project, uploaded_by=other_partner_user)


def test_staff_upload_on_the_project_page_to_the_bucket_and_download_it_unchanged(
    bucket, client, staff_user, project
):
    client.force_login(staff_user)

    client.post(
        reverse("projects:document_create", kwargs={"code": project.code}),
        {"file": pdf("protocol.pdf"), "description": "Protocol"},
    )

    document = Document.objects.get(original_name="protocol.pdf")
    assert bucket.keys() == [document.file.name]
    assert bucket.read(document.file.name) == PDF
    response = client.get(
        reverse("projects:document_download", kwargs={"code": project.code, "pk": document.pk})
    )
    assert downloaded(response) == PDF
    assert 'filename="protocol.pdf"' in response["Content-Disposition"]


def test_a_partner_uploads_in_the_portal_to_the_bucket_and_downloads_it_unchanged(
    bucket, client, partner_user, project
):
    client.force_login(partner_user)

    client.post(
        reverse("portal:document_upload"),
        {"project": project.code, "file": pdf("site-report.pdf")},
    )

    document = Document.objects.get(original_name="site-report.pdf")
    assert bucket.keys() == [document.file.name]
    response = client.get(reverse("portal:document_download", kwargs={"document_pk": document.pk}))
    assert downloaded(response) == PDF


def test_an_upload_through_the_api_is_kept_in_the_bucket_and_downloads_unchanged(
    bucket, staff_user, project
):
    client = APIClient()
    client.force_authenticate(staff_user)

    created = client.post(
        reverse("api:document-list"),
        {"project": project.pk, "file": pdf("assay.pdf")},
        format="multipart",
    )

    assert created.status_code == 201, created.content
    document = Document.objects.get(pk=created.json()["id"])
    assert bucket.keys() == [document.file.name]
    response = client.get(reverse("api:document-download", kwargs={"pk": document.pk}))
    assert downloaded(response) == PDF


def test_an_object_in_the_bucket_is_refused_to_an_anonymous_request(bucket, project):
    document = DocumentFactory(project=project)

    response = requests.get(bucket.object_address(document.file.name), timeout=10)

    assert bucket.keys() == [document.file.name]
    assert response.status_code == 403


def test_no_page_hands_out_an_address_in_the_bucket(
    bucket, client, staff_user, partner_user, project
):
    document = DocumentFactory(project=project)

    client.force_login(staff_user)
    staff_page = client.get(reverse("projects:detail", kwargs={"code": project.code}))
    client.force_login(partner_user)
    portal_page = client.get(reverse("portal:documents"))

    # Each page links the document to its download view, and to nothing else.
    for page, download in (
        (staff_page, reverse("projects:document_download", args=[project.code, document.pk])),
        (portal_page, reverse("portal:document_download", args=[document.pk])),
    ):
        assert page.status_code == 200
        assert download in page.content.decode()
        assert bucket.endpoint_url not in page.content.decode()
        assert bucket.name not in page.content.decode()
        assert document.file.name not in page.content.decode()


def test_a_partner_cannot_download_another_enterprise_s_document_from_the_bucket(
    client, partner_user, foreign_document
):
    client.force_login(partner_user)
    api = APIClient()
    api.force_authenticate(partner_user)

    portal = client.get(
        reverse("portal:document_download", kwargs={"document_pk": foreign_document.pk})
    )
    through_api = api.get(reverse("api:document-download", kwargs={"pk": foreign_document.pk}))

    assert portal.status_code == through_api.status_code == 404


def test_the_admin_names_a_stored_file_without_an_address_in_the_bucket(
    bucket, client, superuser, project
):
    document = DocumentFactory(project=project)
    client.force_login(superuser)

    page = client.get(reverse("admin:projects_document_change", args=[document.pk]))

    assert page.status_code == 200
    assert document.file.name in page.content.decode()
    assert bucket.endpoint_url not in page.content.decode()


def test_a_document_whose_file_is_not_in_the_bucket_answers_404_not_an_error(
    bucket, client, staff_user, partner_user, project
):
    document = DocumentFactory(project=project)
    bucket.client.delete_object(Bucket=bucket.name, Key=document.file.name)
    api = APIClient()
    api.force_authenticate(staff_user)

    client.force_login(staff_user)
    staff_page = client.get(
        reverse("projects:document_download", args=[project.code, document.pk])
    )
    through_api = api.get(reverse("api:document-download", kwargs={"pk": document.pk}))
    client.force_login(partner_user)
    portal = client.get(reverse("portal:document_download", args=[document.pk]))

    assert staff_page.status_code == through_api.status_code == portal.status_code == 404
    assert through_api.json()["error"]["code"] == "not_found"
