"""End-to-end tests in a real headless Chromium, driven by Playwright.

Debian's Chromium is used (``scripts/install_browser.sh`` installs it;
``BIOBRIDGE_CHROMIUM`` names another binary). ``make screenshots`` runs these
tests and writes the screenshots of the pages they visit to
``docs/screenshots/``.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's synchronous API runs an event loop in the test's thread; the
# test itself only arranges data, so the ORM may run beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("BIOBRIDGE_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed: run scripts/install_browser.sh")
    from playwright.sync_api import expect, sync_playwright

    # Two cores run the server, the browser and the database at once in CI;
    # give assertions the same patience as actions.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 860}, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, tmp_path):
    """Save the page as <name>.png: into docs/screenshots/ when
    BIOBRIDGE_SCREENSHOTS=1 (``make screenshots``), otherwise into the test's
    temporary folder, so that running the suite leaves the tree untouched."""
    folder = SCREENSHOTS if os.environ.get("BIOBRIDGE_SCREENSHOTS") == "1" else tmp_path

    def take(name: str):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take
