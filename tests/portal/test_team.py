"""The enterprise's team: partner admins invite colleagues, who accept
through a one-time link, and remove them, who are then out at once."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import (
    TeamError,
    api_token_create,
    invitation_url,
    partner_user_invite,
    partner_user_remove,
)
from core.errors import PermissionDenied
from tests.factories import PartnerUserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/portal/invitations/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "Rhizome-cascade-42"


@pytest.fixture
def admin(partner_user):
    partner_user.is_partner_admin = True
    partner_user.save(update_fields=["is_partner_admin"])
    return partner_user


@pytest.fixture
def colleague(partner_user):
    return PartnerUserFactory(enterprise=partner_user.enterprise, full_name="Li Na")


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


def invite(client, capture, **data):
    form = {"email": "zhao.min@example.com", "full_name": "Zhao Min", **data}
    with capture(execute=True):
        return client.post(reverse("portal:team_invite"), form)


def link_in(mail) -> str:
    return LINK.search(mail.body).group(1)


# --- The page -----------------------------------------------------------------------


def test_the_team_page_lists_the_enterprise_s_partner_users_only(
    as_admin, admin, colleague, other_partner_user
):
    response = as_admin.get(reverse("portal:team"))

    assert response.status_code == 200
    text = response.content.decode()
    assert admin.email in text and colleague.email in text
    assert other_partner_user.email not in text
    assert reverse("portal:team_remove", kwargs={"user_pk": colleague.pk}) in text
    assert reverse("portal:team_invite") in text


def test_a_partner_who_is_no_admin_sees_the_team_without_buttons(client, partner_user, colleague):
    client.force_login(partner_user)

    response = client.get(reverse("portal:team"))

    text = response.content.decode()
    assert colleague.email in text
    assert reverse("portal:team_invite") not in text
    assert reverse("portal:team_remove", kwargs={"user_pk": colleague.pk}) not in text


def test_the_team_page_takes_as_many_queries_for_many_members_as_for_one(
    as_admin, admin, django_assert_max_num_queries, django_assert_num_queries
):
    url = reverse("portal:team")
    as_admin.get(url)
    with django_assert_max_num_queries(20) as one:
        as_admin.get(url)
    PartnerUserFactory.create_batch(8, enterprise=admin.enterprise)
    with django_assert_num_queries(len(one.captured_queries)):
        as_admin.get(url)


# --- Inviting ----------------------------------------------------------------------


def test_an_admin_invites_a_colleague_who_gets_a_one_time_link(
    as_admin, admin, mailoutbox, django_capture_on_commit_callbacks
):
    response = invite(as_admin, django_capture_on_commit_callbacks, is_partner_admin="on")

    assert response.status_code == 302
    invitee = User.objects.get(email="zhao.min@example.com")
    assert invitee.enterprise == admin.enterprise and invitee.is_partner
    assert invitee.is_partner_admin
    assert not invitee.is_active and not invitee.has_usable_password()
    assert invitee.is_invitation_pending
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["zhao.min@example.com"]
    assert admin.enterprise.name in mailoutbox[0].subject
    assert link_in(mailoutbox[0]).startswith("/portal/invitations/")


def test_the_invitation_email_waits_for_the_commit(admin, mailoutbox):
    with mock.patch("accounts.services.transaction.on_commit") as on_commit:
        partner_user_invite(by=admin, email="later@example.com", full_name="Later")

    assert mailoutbox == []
    on_commit.assert_called_once()


def test_an_invitation_answers_the_same_whether_or_not_the_address_has_an_account(
    as_admin, admin, other_partner_user, django_capture_on_commit_callbacks, mailoutbox
):
    """The form must not tell a partner admin who has a BioBridge account:
    a known address (here another enterprise's user) gets the same answer
    as a new one; no one is added, and the address's owner hears of it."""

    def answer(response):
        shown = as_admin.get(reverse("portal:team"))
        return response.status_code, response.url, [str(m) for m in shown.context["messages"]]

    known = invite(
        as_admin,
        django_capture_on_commit_callbacks,
        email=other_partner_user.email.upper(),
        full_name="Known",
    )
    known_answer = answer(known)
    new = invite(as_admin, django_capture_on_commit_callbacks, email="new.person@example.com")
    new_answer = answer(new)

    assert known_answer[:2] == new_answer[:2] == (302, reverse("portal:team"))
    assert known_answer[2] == [
        m.replace("new.person@example.com", other_partner_user.email.lower())
        for m in new_answer[2]
    ]
    assert "account" not in " ".join(known_answer[2])
    other_partner_user.refresh_from_db()
    assert other_partner_user.enterprise_id != admin.enterprise_id
    assert not User.objects.filter(full_name="Known").exists()
    told, invited = mailoutbox
    assert told.to == [other_partner_user.email.lower()]
    assert "already has a BioBridge account" in told.body
    assert "/portal/invitations/" not in told.body
    assert invited.to == ["new.person@example.com"]


def test_a_partner_who_is_no_admin_cannot_invite(
    client, partner_user, django_capture_on_commit_callbacks
):
    client.force_login(partner_user)

    response = invite(client, django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert not User.objects.filter(email="zhao.min@example.com").exists()


# --- Accepting ---------------------------------------------------------------------


@pytest.fixture
def invitation(as_admin, mailoutbox, django_capture_on_commit_callbacks):
    invite(as_admin, django_capture_on_commit_callbacks)
    return link_in(mailoutbox[-1])


def test_the_invitee_sets_a_password_and_is_signed_in_to_the_portal(invitation):
    visitor = Client()
    assert visitor.get(invitation).status_code == 200

    response = visitor.post(
        invitation, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("portal:overview")
    invitee = User.objects.get(email="zhao.min@example.com")
    assert invitee.is_active and invitee.check_password(NEW_PASSWORD)
    assert not invitee.is_invitation_pending
    assert visitor.session[SESSION_KEY] == str(invitee.pk)


def test_the_link_works_once(invitation):
    Client().post(invitation, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(invitation)

    assert again.status_code == 404
    assert "no longer valid" in again.content.decode()


def test_a_weak_password_is_refused_with_the_validators_words(invitation):
    response = Client().post(
        invitation, {"new_password1": "12345678", "new_password2": "12345678"}
    )

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.get(email="zhao.min@example.com").is_active


def test_the_link_expires_after_the_invitation_timeout(invitation, settings):
    settings.INVITATION_TIMEOUT_DAYS = 7

    def opened_after(days):
        later = timezone.now() + timedelta(days=days)
        with mock.patch("accounts.tokens.InvitationTokenGenerator._now") as now:
            now.return_value = later.replace(tzinfo=None)
            return Client().get(invitation).status_code

    # Longer than a password-reset link lives, shorter than forever.
    assert opened_after(6) == 200
    assert opened_after(8) == 404


def test_a_forged_or_password_reset_token_is_refused(admin):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    invitee = partner_user_invite(by=admin, email="forged@example.com", full_name="F")
    uid = urlsafe_base64_encode(force_bytes(invitee.pk))
    reset_token = default_token_generator.make_token(invitee)

    for token in (reset_token, "abc-123", "nonsense"):
        url = reverse("portal:invitation_accept", kwargs={"uidb64": uid, "token": token})
        assert Client().get(url).status_code == 404


def test_resending_an_invitation_replaces_the_old_link(
    as_admin, invitation, mailoutbox, django_capture_on_commit_callbacks
):
    invitee = User.objects.get(email="zhao.min@example.com")
    invitee.invited_at -= timedelta(minutes=5)
    invitee.save(update_fields=["invited_at"])

    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("portal:team_resend", kwargs={"user_pk": invitee.pk}))

    assert response.status_code == 302
    new_link = link_in(mailoutbox[-1])
    assert new_link != invitation
    assert Client().get(invitation).status_code == 404
    assert Client().get(new_link).status_code == 200


def test_an_active_colleague_has_no_invitation_to_resend(as_admin, colleague, mailoutbox):
    response = as_admin.post(
        reverse("portal:team_resend", kwargs={"user_pk": colleague.pk}), follow=True
    )

    assert "has no pending invitation" in response.content.decode()
    assert mailoutbox == []


# --- Removing ----------------------------------------------------------------------


def test_removing_asks_for_confirmation_first(as_admin, colleague):
    response = as_admin.get(reverse("portal:team_remove", kwargs={"user_pk": colleague.pk}))

    assert response.status_code == 200
    assert "signed out at once" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.is_active


def test_a_removed_colleague_is_signed_out_at_once_and_its_tokens_stop(as_admin, colleague):
    their_browser = Client()
    their_browser.force_login(colleague)
    assert their_browser.get(reverse("portal:team")).status_code == 200
    key = api_token_create(user=colleague, name="ERP").key
    assert Client().get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    response = as_admin.post(reverse("portal:team_remove", kwargs={"user_pk": colleague.pk}))

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active and not colleague.has_usable_password()
    assert not ApiToken.objects.filter(user=colleague, revoked_at__isnull=True).exists()
    next_request = their_browser.get(reverse("portal:team"))
    assert next_request.status_code == 302
    assert next_request.url.startswith(reverse("accounts:login"))
    api = Client().get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Token {key}")
    assert api.status_code == 401


def test_removing_a_pending_invitation_kills_its_link(as_admin, invitation):
    invitee = User.objects.get(email="zhao.min@example.com")

    as_admin.post(reverse("portal:team_remove", kwargs={"user_pk": invitee.pk}))

    assert Client().get(invitation).status_code == 404


def test_an_admin_cannot_remove_itself(admin):
    with pytest.raises(TeamError) as refused:
        partner_user_remove(by=admin, user=admin)

    assert refused.value.code == "self_removal"
    admin.refresh_from_db()
    assert admin.is_active


def test_an_admin_cannot_remove_another_enterprise_s_user(as_admin, admin, other_partner_user):
    response = as_admin.post(
        reverse("portal:team_remove", kwargs={"user_pk": other_partner_user.pk})
    )

    assert response.status_code == 404
    with pytest.raises(TeamError) as refused:
        partner_user_remove(by=admin, user=other_partner_user)
    assert refused.value.code == "not_found"
    other_partner_user.refresh_from_db()
    assert other_partner_user.is_active


def test_a_partner_who_is_no_admin_cannot_remove(client, partner_user, colleague):
    client.force_login(partner_user)

    response = client.post(reverse("portal:team_remove", kwargs={"user_pk": colleague.pk}))

    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active
    with pytest.raises(PermissionDenied):
        partner_user_remove(by=partner_user, user=colleague)


def test_the_invitation_url_is_absolute(admin, settings):
    settings.SITE_URL = "https://biobridge.example.com/"
    invitee = partner_user_invite(by=admin, email="abs@example.com", full_name="A")

    assert invitation_url(invitee).startswith("https://biobridge.example.com/portal/invitations/")


def test_the_invitation_email_is_plain_text_with_the_enterprise_name_as_written(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    """An email is no web page: quotes and angle brackets in a name reach the
    reader as they are, not as HTML entities."""
    admin.enterprise.name = "Quote \"<&>' Bio"
    admin.enterprise.save(update_fields=["name"])
    admin.full_name = "O'Brien <Admin>"
    admin.save(update_fields=["full_name"])

    with django_capture_on_commit_callbacks(execute=True):
        partner_user_invite(by=admin, email="quote@example.com", full_name='Zhao "Z" Min')

    (email,) = mailoutbox
    assert email.subject == (
        "[BioBridge] You are invited to the partner portal of Quote \"<&>' Bio"
    )
    assert "partner portal of Quote \"<&>' Bio:" in email.body
    assert "O'Brien <Admin> invites you" in email.body
    assert "&quot;" not in email.body + email.subject
    assert "&#x27;" not in email.body + email.subject
    assert "&lt;" not in email.body + email.subject
