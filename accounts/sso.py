"""Single sign-on by OpenID Connect for staff and researchers.

mozilla-django-oidc runs the authorization code flow (with PKCE and a
nonce) and checks the ID token's signature against the provider's keys;
``accounts.services.single_sign_on_user`` decides whom the provider's claims
sign in. Everything here answers 404 unless ``OIDC_RP_CLIENT_ID`` is set.

The provider's endpoints come from its discovery document, read once per
process on the first sign-in (not at start-up, so BioBridge starts while the
provider is unreachable); an endpoint set in the settings wins over it.
"""

import logging
import threading

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .services import SignInRefused, single_sign_on_user

logger = logging.getLogger(__name__)

# The discovery document's names of the endpoints, and the settings that
# name them explicitly.
ENDPOINT_SETTINGS = {
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
}

_discovered: dict[str, dict] = {}
_discovery_lock = threading.Lock()


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def sso_provider_name() -> str:
    """What the sign-in button names: "Sign in with <name>"."""
    return settings.OIDC_PROVIDER_NAME or _("single sign-on")


def _unreachable() -> SignInRefused:
    return SignInRefused(
        _("The single sign-on provider cannot be reached. Try again later."),
        code="provider_unreachable",
    )


def _discovery_document(issuer: str) -> dict:
    with _discovery_lock:
        if issuer not in _discovered:
            url = f"{issuer}/.well-known/openid-configuration"
            try:
                response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
                response.raise_for_status()
                document = response.json()
            except (requests.RequestException, ValueError) as error:
                logger.warning("Single sign-on discovery at %s failed: %s", url, type(error))
                raise _unreachable() from error
            # OpenID Connect Discovery: the document names the issuer it
            # was asked for, or it is someone else's.
            if str(document.get("issuer", "")).rstrip("/") != issuer:
                logger.warning("Single sign-on discovery at %s names another issuer", url)
                raise _unreachable()
            _discovered[issuer] = document
        return _discovered[issuer]


def provider_endpoints() -> dict[str, str]:
    """The provider's issuer and endpoints, by their discovery names."""
    explicit = {name: getattr(settings, setting) for name, setting in ENDPOINT_SETTINGS.items()}
    issuer = settings.OIDC_ISSUER.rstrip("/")
    if all(explicit.values()):
        return {**explicit, "issuer": issuer}
    if not issuer:
        raise ImproperlyConfigured(
            "Single sign-on needs OIDC_ISSUER, or all four OIDC_OP_*_ENDPOINT settings."
        )
    document = _discovery_document(issuer)
    return {
        **{name: explicit[name] or document.get(name, "") for name in ENDPOINT_SETTINGS},
        "issuer": issuer,
    }


@checks.register(checks.Tags.security)
def sso_settings_check(app_configs=None, **kwargs):
    """Single sign-on set up by half fails at start, not at someone's
    first sign-in."""
    if not sso_enabled():
        return []
    problems = []
    if not settings.OIDC_RP_CLIENT_SECRET:
        problems.append("OIDC_RP_CLIENT_SECRET is not set.")
    if not settings.OIDC_ISSUER and not all(
        getattr(settings, setting) for setting in ENDPOINT_SETTINGS.values()
    ):
        problems.append("Set OIDC_ISSUER, or all four OIDC_OP_*_ENDPOINT settings.")
    if "accounts.sso.SingleSignOnBackend" not in settings.AUTHENTICATION_BACKENDS:
        problems.append("accounts.sso.SingleSignOnBackend is not in AUTHENTICATION_BACKENDS.")
    return [
        checks.Error(f"Single sign-on (OIDC_RP_CLIENT_ID is set): {problem}", id="accounts.E001")
        for problem in problems
    ]


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """Signs in the user that the provider's claims name, by BioBridge's
    rules; a refusal (``SignInRefused``) reaches the callback view with its
    message. A refusal is not a failed password, so it is not counted
    towards the sign-in lockout."""

    def __init__(self, *args, **kwargs):
        # Django builds the backend for every request of a user it signed
        # in; the endpoints are read at sign-in only, so those requests never
        # wait on the provider.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce: a password sign-in is not
        # this backend's.
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None
        endpoints = provider_endpoints()
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = endpoints["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = endpoints["jwks_uri"]
        self.issuer = endpoints["issuer"]
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, ValueError) as error:
            # Neither the code, the tokens nor the provider's answer is logged.
            logger.warning("Single sign-on failed: %s", type(error).__name__)
            raise SignInRefused(
                _("Single sign-on did not complete. Try again."), code="provider_error"
            ) from error

    def verify_token(self, token, **kwargs):
        """The library checks the signature, the expiry and the nonce; an ID
        token must also be meant for BioBridge, from the configured issuer."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is meant for another client.")
        if self.issuer and str(payload.get("iss", "")).rstrip("/") != self.issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user info describes another subject.")
        claims = {**payload, **userinfo}
        return single_sign_on_user(claims=claims, allowed_domains=settings.OIDC_ALLOWED_DOMAINS)


def _back_to_sign_in(request, message: str):
    messages.error(request, message)
    return redirect(settings.LOGIN_REDIRECT_URL_FAILURE)


class SingleSignOnStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in page."""

    def __init__(self, **kwargs):
        # The library reads the endpoint here; it is read on each request
        # instead, from discovery.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request):
        if not sso_enabled():
            raise Http404
        try:
            endpoints = provider_endpoints()
        except SignInRefused as refusal:
            return _back_to_sign_in(request, refusal.message)
        self.OIDC_OP_AUTH_ENDPOINT = endpoints["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SingleSignOnCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: signs in, or returns to
    the sign-in page with the reason."""

    def get(self, request):
        if not sso_enabled():
            raise Http404
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return _back_to_sign_in(request, refusal.message)
        except SuspiciousOperation:
            # A callback whose state this browser did not start, e.g. one
            # opened again from the history.
            return _back_to_sign_in(request, _("Single sign-on did not complete. Try again."))

    def login_failure(self):
        # The provider answered with an error, e.g. the user cancelled.
        return _back_to_sign_in(self.request, _("Single sign-on did not sign you in. Try again."))
