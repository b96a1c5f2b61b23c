"""Staff give a person of an institution a researcher's sign-in from the
institution's page: a one-time link, as for an enterprise's partner admin.
The researcher chooses a password and lands on their own pages."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from accounts.services import researcher_invite
from core.errors import DomainError, PermissionDenied
from tests.factories import EnterpriseFactory, PersonFactory, ResearcherUserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"(https?://\S+/research/invitations/\S+/)")
PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture
def person(institution):
    return PersonFactory(
        full_name="Chen Jing", email="chen.jing@example.com", institution=institution
    )


def invite_url(person):
    return reverse("partners:person_researcher_invite", kwargs={"pk": person.pk})


def institution_page(institution):
    return reverse("partners:institution_detail", kwargs={"code": institution.code})


def test_the_institution_page_offers_staff_to_invite_its_people(client, staff_user, person):
    client.force_login(staff_user)

    response = client.get(institution_page(person.institution))

    assert invite_url(person) in response.text
    assert "Invite as researcher" in response.text


def test_staff_invite_a_person_who_accepts_and_lands_on_their_pages(
    client, staff_user, person, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(person))

    assert response.status_code == 302
    assert response.url == institution_page(person.institution)
    invitee = User.objects.get(email="chen.jing@example.com")
    assert (invitee.role, invitee.is_active, invitee.person) == (Role.RESEARCHER, False, person)
    link = LINK.search(mailoutbox[-1].body).group(1)
    # The page shows the pending invitation and offers to send it again.
    assert "Send the invitation again" in client.get(institution_page(person.institution)).text

    researcher = Client()
    assert researcher.get(link).status_code == 200
    response = researcher.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("research:home")
    assert researcher.get(reverse("research:home")).status_code == 200
    # The link works once.
    assert Client().get(link).status_code == 404


def test_sending_again_replaces_the_link(
    client, staff_user, person, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(person))
    first = LINK.search(mailoutbox[-1].body).group(1)
    invitee = User.objects.get(email=person.email)
    invitee.invited_at -= timedelta(minutes=5)
    invitee.save(update_fields=["invited_at"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(person))

    second = LINK.search(mailoutbox[-1].body).group(1)
    assert second != first
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_a_partner_invitation_link_does_not_open_the_researcher_page(staff_user, person):
    """The researcher's link names a researcher; a partner's does not fit."""
    from accounts.services import invitation_url

    invitee = researcher_invite(by=staff_user, person=person)
    portal_link = invitation_url(invitee).replace("/research/", "/portal/")

    assert Client().get(portal_link).status_code == 404


def test_a_person_with_an_account_or_without_an_address_is_not_invited(
    client, staff_user, institution
):
    researcher = ResearcherUserFactory(person=PersonFactory(institution=institution))
    no_email = PersonFactory(institution=institution, email="")

    with pytest.raises(DomainError) as has_account:
        researcher_invite(by=staff_user, person=researcher.person)
    with pytest.raises(DomainError) as no_address:
        researcher_invite(by=staff_user, person=no_email)

    assert has_account.value.code == "has_account"
    assert no_address.value.field == "email"


def test_an_address_with_an_account_is_refused(staff_user, person, partner_user):
    person.email = partner_user.email
    person.save()

    with pytest.raises(DomainError) as refused:
        researcher_invite(by=staff_user, person=person)

    assert refused.value.code == "email_taken"


def test_an_enterprises_person_is_not_invited_as_researcher(staff_user):
    contact = PersonFactory(
        institution=None, enterprise=EnterpriseFactory(), email="x@example.com"
    )

    with pytest.raises(DomainError) as refused:
        researcher_invite(by=staff_user, person=contact)

    assert refused.value.code == "not_at_institution"


def test_only_staff_invite_researchers(client, partner_user, person):
    with pytest.raises(PermissionDenied):
        researcher_invite(by=partner_user, person=person)
    client.force_login(partner_user)

    assert client.post(invite_url(person)).status_code == 404
    assert not User.objects.filter(email=person.email).exists()


def test_a_forged_link_answers_404(client):
    url = reverse("research:invitation_accept", kwargs={"uidb64": "MQ", "token": "abc-123"})

    assert client.get(url).status_code == 404
