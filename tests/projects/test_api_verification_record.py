"""The API's ``milestones/{id}/record-verification/``: staff record that the
paying enterprise verified a claim in writing, with its letter attached.
Who may call it is in tests/api/test_permission_matrix.py."""

import pytest
from rest_framework.test import APIClient

from projects.models import Activity
from tests.factories import DocumentFactory, MilestoneFactory, ResearchProjectFactory

pytestmark = pytest.mark.django_db


def record(user, milestone, body):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        f"/api/v1/milestones/{milestone.pk}/record-verification/", body, format="json"
    )


def test_staff_record_the_verification_and_the_milestone_can_be_invoiced(project, staff_user):
    milestone = MilestoneFactory(project=project, status="claimed")
    letter = DocumentFactory(project=project, original_name="letter.pdf")

    response = record(
        staff_user,
        milestone,
        {"evidence": "letter", "documents": [letter.pk], "note": "Signed by the CTO."},
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "verified"
    assert response.json()["verification_evidence"] == "letter"
    assert Activity.objects.filter(verb="milestone.verification_recorded").exists()
    client = APIClient()
    client.force_authenticate(staff_user)
    invoiced = client.post(f"/api/v1/milestones/{milestone.pk}/invoice/", {}, format="json")
    assert invoiced.status_code == 201


def test_the_letter_must_be_a_document_the_staff_member_sees(project, staff_user):
    milestone = MilestoneFactory(project=project, status="claimed")
    elsewhere = DocumentFactory(project=ResearchProjectFactory())

    response = record(staff_user, milestone, {"evidence": "letter", "documents": [elsewhere.pk]})

    assert response.status_code == 400
    assert "documents" in response.json()["error"]["fields"]


def test_a_verification_without_its_letter_is_a_field_error(project, staff_user):
    milestone = MilestoneFactory(project=project, status="claimed")

    response = record(staff_user, milestone, {"evidence": "email", "documents": []})

    assert response.status_code == 400
    assert "documents" in response.json()["error"]["fields"]
    milestone.refresh_from_db()
    assert milestone.status == "claimed"
