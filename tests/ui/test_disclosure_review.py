"""The office's review of disclosures: the submitted ones of the user's
institutions, a disclosure with its inventors and their confirmations, and
its outcomes — returned with a note, or accepted as an achievement once
every inventor has confirmed. Refusals are form errors; another
institution's disclosure, and every page for partners and researchers,
answer 404."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from achievements.models import Achievement, Disclosure, DisclosureInventor
from tests.factories import InstitutionFactory, PersonFactory, ResearcherUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return staff_user


def _disclosure(institution, *, confirmed=True, status="submitted", shares=("70", "30")):
    researcher = ResearcherUserFactory()
    disclosure = Disclosure.objects.create(
        title="Thermostable polymerase",
        title_zh="耐热聚合酶",
        kind="invention",
        summary="A polymerase that survives 100 °C.",
        institution=institution,
        funding_source="government",
        funding_reference="2023YFC001",
        prior_disclosures="Poster at ASM 2025",
        status=status,
        submitted_by=researcher,
        submitted_at=timezone.now() if status != "draft" else None,
    )
    people = [researcher.person] + [PersonFactory() for _share in shares[1:]]
    for person, share in zip(people, shares, strict=True):
        DisclosureInventor.objects.create(
            disclosure=disclosure,
            person=person,
            contribution_percent=Decimal(share),
            confirmed_at=timezone.now() if confirmed else None,
        )
    return disclosure


def test_the_list_shows_the_submitted_disclosures_of_the_users_institutions(
    client, staff, institution
):
    own = _disclosure(institution)
    draft = _disclosure(institution, status="draft")
    foreign = _disclosure(InstitutionFactory())

    response = client.get(reverse("achievements:disclosures"))

    shown = [row.pk for row in response.context["page"]]
    assert shown == [own.pk]
    assert draft.pk not in shown and foreign.pk not in shown


def test_the_lists_queries_do_not_grow_with_its_rows(client, staff, institution):
    _disclosure(institution)
    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse("achievements:disclosures"))
    for _index in range(10):
        _disclosure(institution)

    with CaptureQueriesContext(connection) as many_rows:
        response = client.get(reverse("achievements:disclosures"))

    assert len(response.context["page"]) == 11
    assert len(many_rows.captured_queries) == len(one_row.captured_queries)


def test_the_page_shows_the_inventors_and_their_confirmations(client, staff, institution):
    disclosure = _disclosure(institution, confirmed=False)

    response = client.get(reverse("achievements:disclosure", args=[disclosure.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Thermostable polymerase" in text and "耐热聚合酶" in text
    assert "Poster at ASM 2025" in text
    for inventor in disclosure.inventors.all():
        assert inventor.person.full_name in text
    assert "Not yet" in text


def test_another_institutions_disclosure_answers_404(client, staff):
    foreign = _disclosure(InstitutionFactory())

    for name in ("disclosure", "disclosure_return", "disclosure_convert"):
        assert client.get(reverse(f"achievements:{name}", args=[foreign.pk])).status_code == 404


def test_partners_and_researchers_find_no_review(client, partner_user, institution):
    disclosure = _disclosure(institution)
    researcher = disclosure.submitted_by
    for user in (partner_user, researcher):
        client.force_login(user)

        assert client.get(reverse("achievements:disclosures")).status_code == 404
        assert (
            client.get(reverse("achievements:disclosure", args=[disclosure.pk])).status_code == 404
        )


def test_returning_a_disclosure_with_a_note(client, staff, institution):
    disclosure = _disclosure(institution)

    response = client.post(
        reverse("achievements:disclosure_return", args=[disclosure.pk]),
        {"note": "Add the sequence data."},
    )

    disclosure.refresh_from_db()
    assert response.status_code == 302
    assert disclosure.status == "returned"
    assert disclosure.review_note == "Add the sequence data."


def test_returning_without_a_note_is_a_form_error(client, staff, institution):
    disclosure = _disclosure(institution)

    response = client.post(
        reverse("achievements:disclosure_return", args=[disclosure.pk]), {"note": "  "}
    )

    disclosure.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors
    assert disclosure.status == "submitted"


def test_accepting_a_disclosure_makes_an_achievement(client, staff, institution):
    disclosure = _disclosure(institution)

    response = client.post(
        reverse("achievements:disclosure_convert", args=[disclosure.pk]), {"reference": ""}
    )

    achievement = Achievement.objects.get()
    assert response.status_code == 302
    assert response.url == achievement.get_absolute_url()
    assert achievement.title == "Thermostable polymerase"
    assert achievement.owners.get().institution == institution
    assert achievement.inventors.count() == 2
    disclosure.refresh_from_db()
    assert disclosure.status == "converted"


def test_an_unconfirmed_inventor_holds_the_acceptance_back(client, staff, institution):
    disclosure = _disclosure(institution, confirmed=False)

    response = client.post(
        reverse("achievements:disclosure_convert", args=[disclosure.pk]), {"reference": ""}
    )

    assert response.status_code == 200
    assert "Waiting for the confirmation" in response.content.decode()
    assert not Achievement.objects.exists()


def test_staff_record_a_confirmation_given_outside_biobridge(client, staff, institution):
    disclosure = _disclosure(institution, confirmed=False)
    inventor = disclosure.inventors.order_by("id").last()

    response = client.post(
        reverse("achievements:disclosure_confirm", args=[disclosure.pk]),
        {"person": inventor.person.pk},
    )

    inventor.refresh_from_db()
    assert response.status_code == 302
    assert inventor.confirmed_at is not None
    assert inventor.confirmed_by == staff


def test_a_returned_disclosure_cannot_be_accepted(client, staff, institution):
    disclosure = _disclosure(institution, status="returned")

    response = client.post(
        reverse("achievements:disclosure_convert", args=[disclosure.pk]), {"reference": ""}
    )

    assert response.status_code == 200
    assert "Only a submitted disclosure is reviewed" in response.content.decode()
    assert not Achievement.objects.exists()
