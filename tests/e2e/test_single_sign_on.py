"""Single sign-on through a real OpenID Connect provider, in Chromium: the
test run starts the provider (tests/oidc/provider.mjs, the oidc-provider
package) and registers BioBridge's callback with it. Its sign-in page takes
any email address, which it then vouches for. A staff member lands on the
dashboard; someone new from an allowed domain gets an account with no role
and sees only the page that says so; others are refused on the sign-in
page."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from accounts.choices import Role
from accounts.models import User
from tests.factories import PartnerUserFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID = "biobridge-e2e"
CLIENT_SECRET = "e2e-client-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_ready(process, issuer: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The OpenID Connect provider stopped: {process.stderr.read()}")
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError("The OpenID Connect provider did not start within 20 s")


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """The provider's issuer URL, with BioBridge's callback registered."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the OpenID Connect provider cannot run")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("The test provider is not installed: run scripts/install_oidc_provider.sh")
    port = free_port()
    redirect_uri = f"{live_server.url}/accounts/sso/callback/"
    process = subprocess.Popen(
        [node, "provider.mjs", str(port), CLIENT_ID, CLIENT_SECRET, redirect_uri],
        cwd=PROVIDER_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, issuer)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, oidc_provider):
    """Single sign-on set up as a deployment would: a client id and the
    issuer, whose endpoints BioBridge reads from discovery."""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ISSUER = oidc_provider
    settings.OIDC_ALLOWED_DOMAINS = ["eastlake.edu.cn"]
    settings.OIDC_PROVIDER_NAME = "East Lake University"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.sso.SingleSignOnBackend",
    ]
    return settings


def sign_in_at_the_provider(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with East Lake University").click()
    # The provider's own page.
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()


def test_a_staff_member_signs_in_through_the_provider_and_lands_on_the_dashboard(sso, page):
    UserFactory(email="li.na@eastlake.edu.cn", full_name="Li Na")

    sign_in_at_the_provider(page, "Li.Na@eastlake.edu.cn")

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("button", name="Li Na")).to_be_visible()


def test_someone_new_from_an_allowed_domain_sees_only_that_their_account_awaits_a_role(sso, page):
    sign_in_at_the_provider(page, "chen.jie@eastlake.edu.cn")

    expect(page.get_by_role("heading", name="Your account awaits a role")).to_be_visible()
    user = User.objects.get(email="chen.jie@eastlake.edu.cn")
    assert user.role == Role.AWAITING
    assert not user.is_staff and not user.is_superuser
    page.goto("/projects/")
    expect(page.get_by_role("heading", name="Your account awaits a role")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to BioBridge")).to_be_visible()


def test_someone_from_a_domain_not_allowed_is_refused_on_the_sign_in_page(sso, page):
    sign_in_at_the_provider(page, "someone@gmail.com")

    expect(page.get_by_role("alert")).to_contain_text("does not create accounts for gmail.com")
    expect(page.get_by_role("heading", name="Sign in to BioBridge")).to_be_visible()
    assert not User.objects.filter(email="someone@gmail.com").exists()


def test_a_partner_is_refused_and_told_to_use_their_password(sso, page):
    PartnerUserFactory(email="wang.hao@eastlake.edu.cn")

    sign_in_at_the_provider(page, "wang.hao@eastlake.edu.cn")

    expect(page.get_by_role("alert")).to_contain_text(
        "Enterprise partners sign in with their email address and password."
    )
