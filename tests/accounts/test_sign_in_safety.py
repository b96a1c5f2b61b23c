"""Sign-in safety: repeated failures lock an account out from an address
for a while; idle sessions expire; forms need their CSRF token."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import api_token_create
from tests.factories import DEMO_PASSWORD, PartnerUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(db):
    return PartnerUserFactory(email="wang.hao@example.com")


def sign_in(client, email, password, address="203.0.113.7"):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client, email, times, address="203.0.113.7"):
    for _ in range(times):
        response = sign_in(client, email, "wrong-password", address)
    return response


def test_a_wrong_password_is_an_ordinary_form_error_at_first(lockout, account):
    response = fail(Client(), account.email, 1)

    assert response.status_code == 200
    assert response.context["form"].errors


def test_five_failures_lock_the_account_out_from_that_address(lockout, account):
    client = Client()

    response = fail(client, account.email, 5)

    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed sign-in attempts" in text
    assert "15 minutes" in text
    assert "<html" in text  # A page in the layout, not a bare message.
    # Even the right password is refused while locked out.
    assert sign_in(client, account.email, DEMO_PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_counts_the_account_whatever_its_case(lockout, account):
    fail(Client(), account.email.upper(), 3)

    response = fail(Client(), account.email, 2)

    assert response.status_code == 429


def test_the_same_account_from_another_address_still_signs_in(lockout, account):
    fail(Client(), account.email, 5, address="203.0.113.7")

    response = sign_in(Client(), account.email, DEMO_PASSWORD, address="198.51.100.20")

    assert response.status_code == 302


def test_another_account_from_the_same_address_still_signs_in(lockout, account):
    other = PartnerUserFactory()
    fail(Client(), account.email, 5)

    assert sign_in(Client(), other.email, DEMO_PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(lockout, account):
    fail(Client(), account.email, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = sign_in(Client(), account.email, DEMO_PASSWORD)

    assert response.status_code == 302


def test_a_successful_sign_in_resets_the_count(lockout, account):
    client = Client()
    fail(client, account.email, 4)
    assert sign_in(client, account.email, DEMO_PASSWORD).status_code == 302
    client.logout()

    response = fail(client, account.email, 4)

    assert response.status_code == 200


def test_the_api_token_of_a_locked_out_account_still_works(lockout, account):
    key = api_token_create(user=account, name="ERP").key
    fail(Client(), account.email, 5)

    response = Client().get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200


def test_client_login_works_in_the_test_settings(account):
    """The suite's own sign-ins (Client.login) authenticate without a
    request; the lockout, off in the test settings, must let them."""
    assert Client().login(username=account.email, password=DEMO_PASSWORD)


# --- Sessions ----------------------------------------------------------------------


def test_an_idle_session_expires_and_asks_to_sign_in_again(client, partner_user):
    client.force_login(partner_user)
    assert client.get(reverse("portal:documents")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(reverse("portal:documents"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_every_request_pushes_the_idle_expiry_forward(client, partner_user, settings):
    client.force_login(partner_user)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )

    client.get(reverse("portal:documents"))

    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


# --- CSRF ---------------------------------------------------------------------------


def test_a_portal_post_without_its_csrf_token_is_refused(partner_user):
    partner_user.is_partner_admin = True
    partner_user.save(update_fields=["is_partner_admin"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_user)

    response = client.post(
        reverse("portal:team_invite"), {"email": "csrf@example.com", "full_name": "C"}
    )

    assert response.status_code == 403
    assert not User.objects.filter(email="csrf@example.com").exists()


def test_the_sign_in_form_needs_its_csrf_token_too(account):
    client = Client(enforce_csrf_checks=True)

    response = sign_in(client, account.email, DEMO_PASSWORD)

    assert response.status_code == 403


def test_behind_a_proxy_the_client_s_address_is_counted_not_the_proxy_s(lockout, account):
    """With one trusted proxy (TRUSTED_PROXY_COUNT=1), the address the proxy
    appended to X-Forwarded-For is the client's; what the client wrote there
    itself is not trusted, and the proxy's own address is shared by all."""
    lockout.TRUSTED_PROXY_COUNT = 1

    def through_proxy(client_address, claimed="198.51.100.9"):
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{claimed}, {client_address}")

    for _ in range(5):
        attacked = through_proxy("203.0.113.7").post(
            reverse("accounts:login"), {"username": account.email, "password": "wrong"}
        )
    elsewhere = through_proxy("192.0.2.44").post(
        reverse("accounts:login"), {"username": account.email, "password": DEMO_PASSWORD}
    )
    # Another claimed address does not buy the attacker new attempts.
    still_locked = through_proxy("203.0.113.7", claimed="198.51.100.77").post(
        reverse("accounts:login"), {"username": account.email, "password": DEMO_PASSWORD}
    )

    assert attacked.status_code == 429
    assert elsewhere.status_code == 302
    assert still_locked.status_code == 429


@pytest.mark.parametrize(
    "forwarded,proxies,address",
    [
        ("", 0, "10.0.0.2"),
        ("198.51.100.9, 203.0.113.7", 0, "10.0.0.2"),
        ("198.51.100.9, 203.0.113.7", 1, "203.0.113.7"),
        ("198.51.100.9, 203.0.113.7, 10.0.0.1", 2, "203.0.113.7"),
        ("203.0.113.7", 2, "10.0.0.2"),
    ],
)
def test_the_address_counted_is_the_one_the_trusted_proxies_saw(
    settings, rf, forwarded, proxies, address
):
    from accounts.services import sign_in_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert sign_in_address(request) == address


@pytest.fixture
def proxy_warning_not_yet_given(monkeypatch):
    from core.middleware import UntrustedProxyWarningMiddleware

    monkeypatch.setattr(UntrustedProxyWarningMiddleware, "warned", False)


def _proxy_warnings(caplog):
    return [
        record
        for record in caplog.records
        if record.name == "core.middleware" and "TRUSTED_PROXY_COUNT" in record.getMessage()
    ]


def test_a_forwarded_request_with_no_trusted_proxy_is_logged_once_per_process(
    settings, client, caplog, proxy_warning_not_yet_given
):
    """X-Forwarded-For with TRUSTED_PROXY_COUNT=0 means a proxy the lockout
    does not know about: every client would seem to share its address."""
    settings.TRUSTED_PROXY_COUNT = 0

    with caplog.at_level("WARNING", logger="core.middleware"):
        for _ in range(3):
            response = client.get(reverse("accounts:login"), HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert response.status_code == 200
    [warning] = _proxy_warnings(caplog)
    assert warning.levelname == "WARNING"
    assert "docs/deployment.md" in warning.getMessage()


def test_no_warning_without_the_header_or_with_a_trusted_proxy(
    settings, client, caplog, proxy_warning_not_yet_given
):
    with caplog.at_level("WARNING", logger="core.middleware"):
        settings.TRUSTED_PROXY_COUNT = 0
        client.get(reverse("accounts:login"))
        settings.TRUSTED_PROXY_COUNT = 1
        client.get(reverse("accounts:login"), HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert _proxy_warnings(caplog) == []
