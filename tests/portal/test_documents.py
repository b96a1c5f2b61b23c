"""The portal's documents: the partner's files, downloaded through the
scoping selector, and uploads to its own projects and milestones."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Document
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def signed_in(client, partner_user):
    client.force_login(partner_user)
    return client


# --- The list -----------------------------------------------------------------


def test_the_list_shows_the_partner_s_documents_and_nobody_else_s(signed_in, own, foreign):
    internal = DocumentFactory(
        project=own.project, original_name="internal-review.pdf", is_internal=True
    )

    response = signed_in.get(reverse("portal:documents"))

    assert response.status_code == 200
    text = response.content.decode()
    assert own.document.original_name in text
    assert reverse("portal:document_download", kwargs={"document_pk": own.document.pk}) in text
    assert foreign.document.original_name not in text
    assert internal.original_name not in text


def test_the_list_filters_by_project(signed_in, own, partner_user):
    from tests.factories import ProjectUnderAgreementFactory

    other_project = ProjectUnderAgreementFactory(agreement=own.agreement, code="PRJ-SECOND")
    DocumentFactory(project=other_project, original_name="second-project-plan.pdf")

    response = signed_in.get(reverse("portal:documents"), {"project": own.project.code})

    text = response.content.decode()
    assert own.document.original_name in text
    assert "second-project-plan.pdf" not in text


def test_another_enterprise_s_project_as_filter_shows_nothing_of_it(signed_in, own, foreign):
    response = signed_in.get(reverse("portal:documents"), {"project": foreign.project.code})

    assert response.status_code == 200
    assert foreign.document.original_name not in response.content.decode()


def test_the_list_takes_as_many_queries_for_many_documents_as_for_one(
    signed_in, own, django_assert_max_num_queries, django_assert_num_queries
):
    url = reverse("portal:documents")
    signed_in.get(url)  # Warm the session and the caches.
    with django_assert_max_num_queries(20) as one:
        signed_in.get(url)
    for number in range(12):
        DocumentFactory(project=own.project, original_name=f"batch-{number}.pdf")
    with django_assert_num_queries(len(one.captured_queries)):
        response = signed_in.get(url)
    assert "batch-11.pdf" in response.content.decode()


# --- Downloads -------------------------------------------------------------------------


def test_a_partner_downloads_its_document_as_an_attachment(signed_in, own):
    response = signed_in.get(
        reverse("portal:document_download", kwargs={"document_pk": own.document.pk})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert own.document.original_name in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("which", ["foreign", "internal", "missing"])
def test_a_document_outside_the_partner_s_view_answers_404(signed_in, own, foreign, which):
    document_pk = {
        "foreign": lambda: foreign.document.pk,
        "internal": lambda: DocumentFactory(project=own.project, is_internal=True).pk,
        "missing": lambda: 999_999,
    }[which]()

    response = signed_in.get(
        reverse("portal:document_download", kwargs={"document_pk": document_pk})
    )

    assert response.status_code == 404


# --- Uploads ---------------------------------------------------------------------------


def test_the_upload_form_offers_only_the_partner_s_projects_and_milestones(
    signed_in, own, foreign
):
    response = signed_in.get(reverse("portal:document_upload"))

    assert response.status_code == 200
    text = response.content.decode()
    assert own.project.code in text
    assert own.claimed_milestone.name in text
    assert foreign.project.code not in text
    assert foreign.claimed_milestone.name not in text


def test_the_address_presets_the_project_and_milestone(signed_in, own):
    response = signed_in.get(
        reverse("portal:document_upload"),
        {"project": own.project.code, "milestone": own.claimed_milestone.pk},
    )

    form = response.context["form"]
    assert form.initial == {"project": own.project.code, "milestone": own.claimed_milestone.pk}


def test_another_enterprise_s_project_is_no_preset(signed_in, foreign):
    response = signed_in.get(reverse("portal:document_upload"), {"project": foreign.project.code})

    assert response.status_code == 200
    assert response.context["form"].initial == {}
    assert f'value="{foreign.project.code}"' not in response.content.decode()


def test_a_partner_uploads_evidence_to_its_milestone(signed_in, own, partner_user):
    response = signed_in.post(
        reverse("portal:document_upload"),
        {
            "project": own.project.code,
            "milestone": own.claimed_milestone.pk,
            "file": pdf("first-patient-dosed.pdf"),
            "description": "Site report",
            # A partner cannot make its upload internal, whatever it posts.
            "is_internal": "on",
        },
    )

    document = Document.objects.get(original_name="first-patient-dosed.pdf")
    assert response.status_code == 302
    assert response.url == f"{reverse('portal:documents')}?project={own.project.code}"
    assert document.project == own.project
    assert document.milestone == own.claimed_milestone
    assert document.uploaded_by == partner_user
    assert document.description == "Site report"
    assert document.is_internal is False
    listing = signed_in.get(response.url).content.decode()
    assert "first-patient-dosed.pdf" in listing


def test_a_file_of_a_refused_type_is_a_field_error_and_nothing_else_is_lost(signed_in, own):
    response = signed_in.post(
        reverse("portal:document_upload"),
        {
            "project": own.project.code,
            "file": SimpleUploadedFile("tool.exe", b"MZ\x90\x00"),
            "description": "Our analysis tool",
        },
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert "Files of type .exe are not accepted" in form.errors["file"][0]
    text = response.content.decode()
    assert "Files of type .exe are not accepted" in text
    assert 'value="Our analysis tool"' in text
    assert f'value="{own.project.code}" selected' in text
    assert not Document.objects.filter(original_name="tool.exe").exists()


def test_a_file_over_the_limit_is_refused_with_the_limit(signed_in, own, settings):
    settings.DOCUMENT_MAX_BYTES = 10

    response = signed_in.post(
        reverse("portal:document_upload"), {"project": own.project.code, "file": pdf()}
    )

    assert response.status_code == 400
    assert (
        "The file is larger than the limit of 10 bytes."
        in response.context["form"].errors["file"][0]
    )


def test_a_pdf_that_is_not_one_is_refused(signed_in, own):
    response = signed_in.post(
        reverse("portal:document_upload"),
        {"project": own.project.code, "file": SimpleUploadedFile("fake.pdf", b"MZ not a pdf")},
    )

    assert response.status_code == 400
    assert "does not match its .pdf extension" in response.context["form"].errors["file"][0]


def test_a_partner_cannot_upload_to_another_enterprise_s_project(signed_in, own, foreign):
    response = signed_in.post(
        reverse("portal:document_upload"),
        {"project": foreign.project.code, "file": pdf("smuggled.pdf")},
    )

    assert response.status_code == 400
    assert "project" in response.context["form"].errors
    assert not Document.objects.filter(original_name="smuggled.pdf").exists()


def test_a_milestone_of_another_project_is_refused(signed_in, own):
    from tests.factories import MilestoneFactory, ProjectUnderAgreementFactory

    second = ProjectUnderAgreementFactory(agreement=own.agreement, code="PRJ-SECOND")
    elsewhere = MilestoneFactory(project=second, name="Elsewhere")

    response = signed_in.post(
        reverse("portal:document_upload"),
        {"project": own.project.code, "milestone": elsewhere.pk, "file": pdf("mixed.pdf")},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["milestone"] == [
        "This milestone belongs to another project."
    ]
    assert not Document.objects.filter(original_name="mixed.pdf").exists()


# --- An enterprise with many projects ---------------------------------------------


def test_the_project_filter_offers_only_projects_that_have_documents(signed_in, own):
    from tests.factories import ProjectUnderAgreementFactory

    ProjectUnderAgreementFactory(agreement=own.agreement, code="PRJ-NO-DOCUMENTS")

    form = signed_in.get(reverse("portal:documents")).context["filter_form"]

    assert [project.code for project in form.fields["project"].queryset] == [own.project.code]


def test_with_many_projects_the_upload_form_takes_a_typed_project_code(
    signed_in, own, foreign, monkeypatch
):
    from portal.views import documents

    monkeypatch.setattr(documents, "PROJECT_CHOICES_LISTED", 0)

    page = signed_in.get(reverse("portal:document_upload")).content.decode()
    refused = signed_in.post(
        reverse("portal:document_upload"),
        {"project": foreign.project.code, "file": pdf("plan.pdf")},
    )
    accepted = signed_in.post(
        reverse("portal:document_upload"),
        {"project": own.project.code, "file": pdf("plan.pdf")},
    )

    assert 'type="text" name="project"' in page
    assert own.project.code in page  # The example in the help text.
    assert refused.status_code == 400
    assert "project" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert Document.objects.get(original_name="plan.pdf").project == own.project
