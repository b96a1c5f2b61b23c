"""Staff give an enterprise its partner admin from the enterprise's page:
the same one-time link a partner admin sends a colleague, so that a new
enterprise can verify claims in the portal."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import EnterpriseFactory, PartnerUserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/portal/invitations/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def enterprise():
    return EnterpriseFactory(code="NEW", name="Newco Biologics")


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return staff_user


def invite(client, enterprise, capture, **data):
    form = {"email": "Liu.Yang@Newco.example", "full_name": "Liu Yang", **data}
    with capture(execute=True):
        return client.post(reverse("partners:enterprise_invite", args=[enterprise.code]), form)


def test_staff_invite_the_first_partner_admin_of_an_enterprise_without_users(
    client, staff, enterprise, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get(enterprise.get_absolute_url())
    assert "No one at this enterprise uses the partner portal yet" in page.text

    response = invite(client, enterprise, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    invitee = User.objects.get(email="liu.yang@newco.example")
    assert invitee.enterprise == enterprise and invitee.is_partner
    assert invitee.is_partner_admin
    assert invitee.is_invitation_pending and not invitee.has_usable_password()
    (mail,) = mailoutbox
    assert mail.to == ["liu.yang@newco.example"] and enterprise.name in mail.subject
    page = client.get(enterprise.get_absolute_url())
    assert "liu.yang@newco.example" in page.text and "Invited" in page.text
    assert "Partner admin" in page.text

    visitor = Client()
    link = LINK.search(mail.body).group(1)
    password = "Rhizome-cascade-42"
    visitor.post(link, {"new_password1": password, "new_password2": password})
    invitee.refresh_from_db()
    assert invitee.is_active
    accounts = client.get(enterprise.get_absolute_url()).text.split(
        'data-testid="portal-accounts"'
    )[1]
    assert "Active" in accounts.split("</ul>")[0]


def test_resending_sends_a_new_link_and_the_old_one_dies(
    client, staff, enterprise, mailoutbox, django_capture_on_commit_callbacks
):
    invite(client, enterprise, django_capture_on_commit_callbacks)
    invitee = User.objects.get(email="liu.yang@newco.example")
    first_link = LINK.search(mailoutbox[0].body).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partners:enterprise_invitation_resend", args=[enterprise.code, invitee.pk])
        )

    assert response.status_code == 302
    second_link = LINK.search(mailoutbox[1].body).group(1)
    assert second_link != first_link
    assert Client().get(first_link).status_code == 404
    assert Client().get(second_link).status_code == 200


def test_an_address_that_has_an_account_is_a_field_error_for_staff(
    client, staff, enterprise, django_capture_on_commit_callbacks, mailoutbox
):
    known = PartnerUserFactory()

    response = invite(client, enterprise, django_capture_on_commit_callbacks, email=known.email)

    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"] == [
        f"{known.email} already has a BioBridge account."
    ]
    known.refresh_from_db()
    assert known.enterprise != enterprise
    assert mailoutbox == []


def test_an_unknown_enterprise_answers_404(client, staff, django_capture_on_commit_callbacks):
    missing = EnterpriseFactory.build(code="NOPE")

    response = invite(client, missing, django_capture_on_commit_callbacks)

    assert response.status_code == 404
    assert not User.objects.filter(email="liu.yang@newco.example").exists()


def test_a_user_of_another_enterprise_cannot_be_resent_through_this_one(client, staff, enterprise):
    elsewhere = PartnerUserFactory(is_active=False)
    elsewhere.invited_at = elsewhere.date_joined
    elsewhere.save(update_fields=["invited_at"])

    response = client.post(
        reverse("partners:enterprise_invitation_resend", args=[enterprise.code, elsewhere.pk])
    )

    assert response.status_code == 404


def test_a_partner_cannot_invite_through_the_staff_page(
    client, partner_user, django_capture_on_commit_callbacks
):
    partner_user.is_partner_admin = True
    partner_user.save(update_fields=["is_partner_admin"])
    client.force_login(partner_user)

    response = invite(client, partner_user.enterprise, django_capture_on_commit_callbacks)

    assert response.status_code == 404
    assert not User.objects.filter(email="liu.yang@newco.example").exists()
