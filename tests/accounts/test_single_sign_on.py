"""Single sign-on by OpenID Connect, without a browser: whom the provider's
claims sign in, what a user with no role may open, and that nothing of it
exists unless it is set up. tests/e2e/test_single_sign_on.py signs in
through a real provider."""

import runpy

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import Client
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts import sso
from accounts.choices import Role
from accounts.models import User
from accounts.services import (
    SignInRefused,
    TokenError,
    api_token_create,
    single_sign_on_user,
)
from config.settings import base as base_module
from tests.factories import PartnerUserFactory, UserFactory

pytestmark = pytest.mark.django_db

ALLOWED = ["tsinghua.edu.cn"]
SSO_BACKEND = "accounts.sso.SingleSignOnBackend"


def claims(email, **more):
    return {"sub": "subject-1", "email": email, **more}


# --- Whom the claims sign in -------------------------------------------------------------


def test_a_staff_member_is_found_by_email_whatever_its_case():
    staff = UserFactory(email="li.na@tsinghua.edu.cn")

    user = single_sign_on_user(claims=claims("Li.Na@TSINGHUA.edu.cn"), allowed_domains=ALLOWED)

    assert user == staff


def test_a_researcher_is_found_by_email_too():
    researcher = UserFactory(email="zhou.min@pku.edu.cn", role=Role.RESEARCHER)

    user = single_sign_on_user(claims=claims("zhou.min@pku.edu.cn"), allowed_domains=ALLOWED)

    assert user == researcher


@pytest.mark.parametrize("verified", [False, "false", "no"])
def test_an_address_the_provider_has_not_verified_is_refused(verified):
    UserFactory(email="li.na@tsinghua.edu.cn")

    with pytest.raises(SignInRefused) as refusal:
        single_sign_on_user(
            claims=claims("li.na@tsinghua.edu.cn", email_verified=verified),
            allowed_domains=ALLOWED,
        )

    assert refusal.value.code == "email_not_verified"


@pytest.mark.parametrize("verified", [True, "true"])
def test_an_address_the_provider_has_verified_signs_in(verified):
    staff = UserFactory(email="li.na@tsinghua.edu.cn")

    user = single_sign_on_user(
        claims=claims("li.na@tsinghua.edu.cn", email_verified=verified), allowed_domains=ALLOWED
    )

    assert user == staff


@pytest.mark.parametrize("email", [None, "", "not-an-address"])
def test_claims_without_an_address_are_refused(email):
    with pytest.raises(SignInRefused) as refusal:
        single_sign_on_user(claims=claims(email), allowed_domains=ALLOWED)

    assert refusal.value.code == "no_email"


def test_a_partner_keeps_signing_in_with_a_password():
    PartnerUserFactory(email="wang.hao@tsinghua.edu.cn")

    with pytest.raises(SignInRefused) as refusal:
        single_sign_on_user(claims=claims("wang.hao@tsinghua.edu.cn"), allowed_domains=ALLOWED)

    assert refusal.value.code == "partner"
    assert "email address and password" in refusal.value.message


def test_an_inactive_user_is_refused():
    UserFactory(email="li.na@tsinghua.edu.cn", is_active=False)

    with pytest.raises(SignInRefused) as refusal:
        single_sign_on_user(claims=claims("li.na@tsinghua.edu.cn"), allowed_domains=ALLOWED)

    assert refusal.value.code == "inactive"


def test_someone_new_from_an_allowed_domain_gets_an_account_with_no_role():
    user = single_sign_on_user(
        claims=claims("Chen.Jie@Tsinghua.edu.cn", name="Chen Jie"), allowed_domains=ALLOWED
    )

    assert user.email == "chen.jie@tsinghua.edu.cn"
    assert user.full_name == "Chen Jie"
    assert user.role == Role.AWAITING
    assert user.is_active
    assert not user.has_usable_password()
    assert not user.institutions.exists()


def test_no_claim_grants_staff_or_superuser_status_or_a_role():
    user = single_sign_on_user(
        claims=claims(
            "chen.jie@tsinghua.edu.cn",
            is_staff=True,
            is_superuser=True,
            role=Role.CENTRE_STAFF,
            groups=["admin"],
        ),
        allowed_domains=ALLOWED,
    )

    assert user.role == Role.AWAITING
    assert not user.is_staff
    assert not user.is_superuser


def test_someone_new_from_another_domain_is_refused_and_gets_no_account():
    with pytest.raises(SignInRefused) as refusal:
        single_sign_on_user(claims=claims("someone@gmail.com"), allowed_domains=ALLOWED)

    assert refusal.value.code == "domain_not_allowed"
    assert "gmail.com" in refusal.value.message
    assert not User.objects.filter(email="someone@gmail.com").exists()


def test_no_allowed_domain_means_single_sign_on_creates_no_account():
    with pytest.raises(SignInRefused):
        single_sign_on_user(claims=claims("chen.jie@tsinghua.edu.cn"), allowed_domains=[])


# --- A user with no role -----------------------------------------------------------------


@pytest.fixture
def awaiting_client():
    user = UserFactory(email="chen.jie@tsinghua.edu.cn", role=Role.AWAITING)
    client = Client()
    client.force_login(user)
    return client


def test_a_user_with_no_role_sees_the_page_that_says_so(awaiting_client):
    response = awaiting_client.get(reverse("accounts:awaiting_role"))

    assert response.status_code == 200
    assert "Your account awaits a role" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/projects/",
        "/partners/",
        "/portal/",
        "/research/",
        "/accounts/tokens/",
        "/accounts/password/change/",
        "/api/v1/projects/",
        "/admin/",
    ],
)
def test_a_user_with_no_role_is_sent_to_that_page_from_everywhere_else(awaiting_client, path):
    response = awaiting_client.get(path)

    assert response.status_code == 302
    assert response.url == reverse("accounts:awaiting_role")


def test_a_user_with_no_role_cannot_have_api_tokens():
    user = UserFactory(role=Role.AWAITING)

    with pytest.raises(TokenError):
        api_token_create(user=user, name="ERP")


def test_a_token_of_a_user_with_no_role_opens_no_api(client):
    user = UserFactory()
    key = api_token_create(user=user, name="ERP").key
    user.role = Role.AWAITING
    user.save(update_fields=["role"])

    response = client.get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 401


def test_a_user_with_no_role_signs_out(awaiting_client):
    response = awaiting_client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in awaiting_client.session


def test_once_granted_a_role_the_user_starts_at_their_pages(awaiting_client):
    User.objects.filter(email="chen.jie@tsinghua.edu.cn").update(role=Role.CENTRE_STAFF)

    response = awaiting_client.get(reverse("accounts:awaiting_role"))

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert awaiting_client.get(reverse("home")).status_code == 200


# --- Off unless set up -------------------------------------------------------------------


def test_without_a_client_id_the_sign_in_page_offers_no_single_sign_on(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert "Sign in with" not in response.content.decode()


@pytest.mark.parametrize("name", ["accounts:sso_start", "accounts:sso_callback"])
def test_without_a_client_id_the_single_sign_on_addresses_answer_404(client, name):
    assert client.get(reverse(name)).status_code == 404


def test_without_a_client_id_no_single_sign_on_backend_is_installed(settings):
    assert SSO_BACKEND not in settings.AUTHENTICATION_BACKENDS


@pytest.fixture
def sso_settings(settings):
    settings.OIDC_RP_CLIENT_ID = "biobridge"
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    settings.OIDC_ISSUER = "https://sso.example.edu"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://sso.example.edu/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://sso.example.edu/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://sso.example.edu/me"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://sso.example.edu/jwks"
    settings.OIDC_ALLOWED_DOMAINS = ALLOWED
    settings.OIDC_PROVIDER_NAME = ""
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, SSO_BACKEND]
    return settings


def test_set_up_the_sign_in_page_offers_single_sign_on_by_its_default_name(sso_settings, client):
    response = client.get(reverse("accounts:login"))

    assert "Sign in with single sign-on" in response.content.decode()


def test_the_button_bears_the_provider_name_it_is_given(sso_settings, client):
    sso_settings.OIDC_PROVIDER_NAME = "Tsinghua SSO"

    response = client.get(reverse("accounts:login"))

    assert "Sign in with Tsinghua SSO" in response.content.decode()


def test_set_up_the_start_sends_the_browser_to_the_provider(sso_settings, client):
    response = client.get(reverse("accounts:sso_start"), {"next": "/projects/"})

    assert response.status_code == 302
    assert response.url.startswith("https://sso.example.edu/auth?")
    assert "client_id=biobridge" in response.url
    assert "code_challenge=" in response.url
    assert "client-secret" not in response.url


def test_an_unreachable_provider_is_a_message_on_the_sign_in_page(sso_settings, client):
    sso_settings.OIDC_ISSUER = "http://127.0.0.1:9"
    sso_settings.OIDC_OP_AUTHORIZATION_ENDPOINT = ""
    sso_settings.OIDC_TIMEOUT = 1

    response = client.get(reverse("accounts:sso_start"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "cannot be reached" in response.content.decode()


# --- The callback, with the provider's answers stood in for ------------------------------


@pytest.fixture
def provider_says(sso_settings, monkeypatch):
    """The provider's token and user info answers, as the test sets them."""
    answer = {"id_token": claims("li.na@tsinghua.edu.cn", aud="biobridge")}
    answer["id_token"]["iss"] = "https://sso.example.edu"

    monkeypatch.setattr(
        sso.SingleSignOnBackend,
        "get_token",
        lambda self, payload: {"id_token": "id-token", "access_token": "access-token"},
    )
    monkeypatch.setattr(
        OIDCAuthenticationBackend, "verify_token", lambda self, token, **kwargs: answer["id_token"]
    )
    monkeypatch.setattr(
        sso.SingleSignOnBackend,
        "get_userinfo",
        lambda self, access_token, id_token, payload: {
            key: answer["id_token"][key] for key in ("sub", "email")
        },
    )
    return answer


def come_back_from_the_provider(client):
    session = client.session
    session["oidc_states"] = {"state-1": {"nonce": "nonce-1", "code_verifier": "v" * 64}}
    session.save()
    return client.get(
        reverse("accounts:sso_callback"),
        {"code": "code-1", "state": "state-1"},
        REMOTE_ADDR="203.0.113.7",
        follow=True,
    )


def test_a_staff_member_signs_in_and_it_is_recorded_like_a_password_sign_in(
    provider_says, lockout, client
):
    staff = UserFactory(email="li.na@tsinghua.edu.cn")

    response = come_back_from_the_provider(client)

    assert int(client.session["_auth_user_id"]) == staff.pk
    assert client.session["_auth_user_backend"] == SSO_BACKEND
    assert response.redirect_chain[0][0] == reverse("home")
    assert AccessLog.objects.filter(username="li.na@tsinghua.edu.cn").exists()


def test_a_refusal_is_a_message_on_the_sign_in_page_and_no_failed_attempt(
    provider_says, lockout, client
):
    PartnerUserFactory(email="li.na@tsinghua.edu.cn")

    response = come_back_from_the_provider(client)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert "Enterprise partners sign in with their email address" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_an_id_token_meant_for_another_client_is_refused(provider_says, client):
    UserFactory(email="li.na@tsinghua.edu.cn")
    provider_says["id_token"]["aud"] = "another-app"

    response = come_back_from_the_provider(client)

    assert "_auth_user_id" not in client.session
    assert "Single sign-on did not complete" in response.content.decode()


def test_an_id_token_from_another_issuer_is_refused(provider_says, client):
    UserFactory(email="li.na@tsinghua.edu.cn")
    provider_says["id_token"]["iss"] = "https://elsewhere.example.com"

    come_back_from_the_provider(client)

    assert "_auth_user_id" not in client.session


def test_a_callback_this_browser_did_not_start_is_a_message_not_an_error(sso_settings, client):
    session = client.session
    session["oidc_states"] = {}
    session.save()

    response = client.get(
        reverse("accounts:sso_callback"), {"code": "code-1", "state": "forged"}, follow=True
    )

    assert response.status_code == 200
    assert "Single sign-on did not complete" in response.content.decode()


def test_a_password_sign_in_is_not_the_single_sign_on_backends(sso_settings, client):
    staff = UserFactory(email="li.na@tsinghua.edu.cn")

    client.post(
        reverse("accounts:login"),
        {"username": staff.email, "password": "correct horse battery staple"},
    )

    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"


# --- The settings ------------------------------------------------------------------------


def base_settings(monkeypatch, **environment):
    for name in ("OIDC_RP_CLIENT_ID", "OIDC_ALLOWED_DOMAINS", "OIDC_PROVIDER_NAME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(base_module.__file__)


def test_single_sign_on_is_off_unless_a_client_id_is_set(monkeypatch):
    base = base_settings(monkeypatch)

    assert base["OIDC_RP_CLIENT_ID"] == ""
    assert SSO_BACKEND not in base["AUTHENTICATION_BACKENDS"]


def test_a_client_id_adds_the_backend_after_the_lockout_and_password_ones(monkeypatch):
    base = base_settings(
        monkeypatch,
        OIDC_RP_CLIENT_ID="biobridge",
        OIDC_ALLOWED_DOMAINS=" @Eastlake.edu.cn, med.eastlake.edu.cn",
    )

    assert base["AUTHENTICATION_BACKENDS"] == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        SSO_BACKEND,
    ]
    assert base["OIDC_ALLOWED_DOMAINS"] == ["eastlake.edu.cn", "med.eastlake.edu.cn"]


def test_single_sign_on_set_up_by_half_fails_the_system_check(sso_settings):
    sso_settings.OIDC_RP_CLIENT_SECRET = ""
    sso_settings.OIDC_ISSUER = ""
    sso_settings.OIDC_OP_TOKEN_ENDPOINT = ""

    errors = sso.sso_settings_check()

    assert [error.id for error in errors] == ["accounts.E001", "accounts.E001"]
    assert "OIDC_RP_CLIENT_SECRET" in errors[0].msg
    assert "OIDC_ISSUER" in errors[1].msg


def test_single_sign_on_set_up_fully_passes_the_system_check(sso_settings):
    assert sso.sso_settings_check() == []
