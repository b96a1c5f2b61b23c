"""A forgotten password is reset by email, for staff and partners alike; a
signed-in user changes theirs. Whoever asks learns nothing about which
addresses have accounts, a link works once and expires, and requests count
like failed sign-ins."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from tests.factories import DEMO_PASSWORD, PartnerUserFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_in_process")]


NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def lockout(lockout):
    # Reset requests are counted in the cache, which outlives a test.
    cache.clear()
    return lockout


@pytest.fixture(params=["staff", "partner"])
def account(request):
    if request.param == "staff":
        return UserFactory(email="li.na@example.com", full_name="Li Na")
    return PartnerUserFactory(email="li.na@example.com", full_name="Li Na")


def ask_for_reset(client, email, capture, address="203.0.113.7"):
    with capture(execute=True):
        return client.post(
            reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address
        )


def reset_link(message):
    return re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)


def path_of(url, settings):
    return url.removeprefix(settings.SITE_URL.rstrip("/"))


def sign_in(client, email, password, address="203.0.113.7"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_the_sign_in_page_offers_a_reset(client):
    response = client.get(reverse("accounts:login"))

    assert reverse("accounts:password_reset").encode() in response.content


def test_a_user_resets_a_forgotten_password_with_the_emailed_link(
    client, account, settings, django_capture_on_commit_callbacks
):
    response = ask_for_reset(client, "Li.Na@Example.com", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    assert message.to == ["li.na@example.com"]
    assert message.subject == "[BioBridge] Choose a new password"
    url = reset_link(message)
    # The link names the site's own address, never the Host the asker sent.
    assert url.startswith(settings.SITE_URL.rstrip("/") + "/")

    form = client.get(path_of(url, settings), follow=True)
    assert form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    # Setting the password does not sign in: the ordinary sign-in does.
    assert "_auth_user_id" not in client.session
    assert sign_in(Client(), account.email, NEW_PASSWORD).status_code == 302


def test_a_reset_link_works_once(client, account, settings, django_capture_on_commit_callbacks):
    ask_for_reset(client, account.email, django_capture_on_commit_callbacks)
    path = path_of(reset_link(mail.outbox[0]), settings)
    form = client.get(path, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    again = Client().get(path, follow=True)

    assert not again.context["validlink"]
    assert b"This link no longer works" in again.content


def test_a_reset_link_expires(client, account, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    ask_for_reset(client, account.email, django_capture_on_commit_callbacks)
    path = path_of(reset_link(mail.outbox[0]), settings)

    from django.contrib.auth.tokens import default_token_generator

    later = default_token_generator._now() + timedelta(hours=1, minutes=1)
    default_token_generator._now = lambda: later
    try:
        response = client.get(path, follow=True)
    finally:
        del default_token_generator._now

    assert not response.context["validlink"]


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client, account, django_capture_on_commit_callbacks
):
    known = ask_for_reset(client, account.email, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    unknown = ask_for_reset(client, "nobody@example.com", django_capture_on_commit_callbacks)

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert mail.outbox == []
    page = client.get(unknown.url)
    assert b"If an account signs in with that address" in page.content


def test_an_account_without_a_password_of_its_own_gets_no_link(
    client, django_capture_on_commit_callbacks
):
    """A pending invitee (inactive, no password) uses the invitation link;
    a deactivated account gets nothing either."""
    invitee = PartnerUserFactory(is_active=False)
    invitee.set_unusable_password()
    invitee.save()
    removed = PartnerUserFactory(is_active=False)

    for email in (invitee.email, removed.email):
        response = ask_for_reset(client, email, django_capture_on_commit_callbacks)
        assert response.url == reverse("accounts:password_reset_done")

    assert mail.outbox == []


def test_the_email_speaks_the_user_s_language(client, django_capture_on_commit_callbacks):
    user = UserFactory(language="zh-hans")

    with override("en"):
        ask_for_reset(client, user.email, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.subject == "[BioBridge] 设置新密码"


def test_the_email_is_plain_text_and_not_escaped(client, django_capture_on_commit_callbacks):
    user = UserFactory(full_name='O\'Neil "<Lab>"')

    ask_for_reset(client, user.email, django_capture_on_commit_callbacks)

    assert "&lt;" not in mail.outbox[0].body
    assert "&#x27;" not in mail.outbox[0].body


def test_requests_count_like_failed_sign_ins(
    client, lockout, account, django_capture_on_commit_callbacks
):
    """After the lockout's limit of requests for one account from one
    address, more send nothing, and the page still says the same."""
    for _ in range(7):
        response = ask_for_reset(client, account.email, django_capture_on_commit_callbacks)
    from_elsewhere = ask_for_reset(
        client, account.email, django_capture_on_commit_callbacks, address="192.0.2.44"
    )

    assert response.url == reverse("accounts:password_reset_done")
    assert from_elsewhere.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 5 + 1


def test_a_completed_reset_ends_the_account_s_lockout(
    lockout, account, settings, django_capture_on_commit_callbacks
):
    attacker = Client()
    for _ in range(5):
        sign_in(attacker, account.email, "wrong-password")
    assert sign_in(Client(), account.email, DEMO_PASSWORD).status_code == 429

    client = Client()
    ask_for_reset(client, account.email, django_capture_on_commit_callbacks)
    form = client.get(path_of(reset_link(mail.outbox[0]), settings), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert not AccessAttempt.objects.filter(username=account.email).exists()
    assert sign_in(Client(), account.email, NEW_PASSWORD).status_code == 302


def test_a_locked_out_user_is_offered_a_reset(lockout, account):
    client = Client()
    for _ in range(5):
        response = sign_in(client, account.email, "wrong-password")

    assert response.status_code == 429
    assert reverse("accounts:password_reset").encode() in response.content


# --- Changing one's password -------------------------------------------------------------


def test_the_user_menu_links_to_change_password(client, account):
    client.force_login(account)

    response = client.get(reverse("accounts:tokens"))

    assert reverse("accounts:password_change").encode() in response.content


def test_a_signed_in_user_changes_their_password_and_stays_signed_in(client, account):
    client.force_login(account)
    elsewhere = Client()
    elsewhere.force_login(account)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:password_change_done")).status_code == 200
    # Other sessions of the account end with the old password.
    assert elsewhere.get(reverse("accounts:tokens")).status_code == 302


def test_changing_needs_the_current_password(client, account):
    client.force_login(account)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    account.refresh_from_db()
    assert account.check_password(DEMO_PASSWORD)


def test_wrong_current_passwords_count_towards_the_sign_in_lockout(lockout, account):
    client = Client()
    client.force_login(account)

    def change(old_password):
        return client.post(
            reverse("accounts:password_change"),
            {
                "old_password": old_password,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            REMOTE_ADDR="203.0.113.7",
        )

    for _ in range(5):
        response = change("a guess")
    # Locked out, even the right password changes nothing for now.
    right = change(DEMO_PASSWORD)

    assert response.status_code == 429
    assert right.status_code == 429
    account.refresh_from_db()
    assert account.check_password(DEMO_PASSWORD)


def test_changing_needs_a_signed_in_user(client):
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
