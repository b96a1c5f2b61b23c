"""The main pages in a real browser under the enforced Content Security
Policy: nothing is refused, no script fails, and charts and htmx still work.
The browser reports each refusal as a securitypolicyviolation event and a
console error; either fails the test."""

import pytest
from playwright.sync_api import expect

from demo.seeding import seed_demo
from demo.specs import ADMIN_EMAIL, DEMO_PASSWORD, PARTNER_A_EMAIL
from projects.models import ResearchProject
from tests.e2e.browsing import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs in every document before its own scripts; the page's policy does not
# apply to it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def demo_world():
    seed_demo()
    return (
        ResearchProject.objects.filter(partner_enterprises__code="HHB", agreement__isnull=False)
        .order_by("code")
        .first()
    )


@pytest.fixture
def watched(page):
    """The page, and the list of what the browser refused or failed at."""
    problems = []
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(message):
        # Django's admin names no icon, so the browser asks for /favicon.ico:
        # a 404 that has nothing to do with the policy.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            problems.append(f"console: {message.text} ({message.location['url']})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return page, problems


def visit(page, problems, path):
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    assert response.status < 400, path
    check(page, problems, path)


def check(page, problems, where):
    problems.extend(f"{where}: {violation}" for violation in page.evaluate("window.__violations"))
    assert problems == [], "\n".join(problems)


def test_the_staff_pages_break_no_rule_of_the_policy(watched, demo_world):
    page, problems = watched
    for path in ("/accounts/login/", "/accounts/password/reset/"):
        visit(page, problems, path)
    sign_in(page, ADMIN_EMAIL, password=DEMO_PASSWORD)
    check(page, problems, "dashboard")
    # Chart.js drew the funnel, sized by biobridge.js.
    page.wait_for_function("document.querySelector('canvas[data-kind=funnel]').width > 0")
    assert page.evaluate(
        "document.querySelector('[data-bb-height]').getBoundingClientRect().height >= 180"
    )

    project = demo_world
    visit(page, problems, f"/projects/{project.code}/")
    # A milestone's action form, swapped in by htmx, closes through the
    # static script.
    page.locator("article.bb-milestone button[hx-get]:enabled").first.click()
    close = page.locator("[data-bb-remove]")
    expect(close).to_be_visible()
    close.click()
    expect(page.locator("[data-bb-remove]")).to_have_count(0)
    check(page, problems, "milestone action form")

    visit(page, problems, "/valuations/")
    visit(page, problems, f"/valuations/projects/{project.code}/new/")
    page.get_by_label("Peak annual sales").fill("1500000000")
    page.get_by_role("button", name="Run the valuation").click()
    expect(page.get_by_text("rNPV (risk-adjusted)")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart('cashflow-chart')")
    check(page, problems, "valuation")
    # The project page now draws the latest valuation's cash flow too.
    visit(page, problems, f"/projects/{project.code}/")
    page.wait_for_function("() => window.Chart && Chart.getChart('cashflow-chart')")
    check(page, problems, "project page with a valuation")
    for path in (
        "/projects/",
        "/partners/",
        "/agreements/",
        "/reports/",
        "/notifications/",
        "/accounts/tokens/",
        "/accounts/password/change/",
        "/admin/",
        f"/admin/projects/researchproject/{project.pk}/change/",
    ):
        visit(page, problems, path)
    visit(page, problems, "/search/?q=antibody")
    # The top bar's live results, swapped in by htmx as the user types.
    page.get_by_role("searchbox", name="Search", exact=True).press_sequentially(project.code)
    expect(page.get_by_test_id("search-live")).to_be_visible()
    check(page, problems, "live search")
    visit(page, problems, "/api/docs/")
    expect(page.locator("#swagger-ui .information-container")).to_be_visible()
    check(page, problems, "/api/docs/")

    # The language switch submits itself, through the static script.
    visit(page, problems, "/")
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    check(page, problems, "language switch")


def test_the_portal_pages_break_no_rule_of_the_policy(watched, demo_world):
    page, problems = watched
    sign_in(page, PARTNER_A_EMAIL, password=DEMO_PASSWORD)
    check(page, problems, "portal overview")
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()

    visit(page, problems, "/portal/")
    visit(page, problems, f"/portal/projects/{demo_world.code}/")
    visit(page, problems, "/portal/agreements/")
    visit(page, problems, "/portal/documents/")
    visit(page, problems, "/portal/milestones/")
    visit(page, problems, "/portal/invoices/")
    visit(page, problems, "/portal/royalty-reports/")
    visit(page, problems, "/portal/team/")
    visit(page, problems, "/portal/search/?q=antibody")


def test_a_token_is_revoked_after_the_browser_asks(watched, demo_world):
    page, problems = watched
    sign_in(page, ADMIN_EMAIL, password=DEMO_PASSWORD)
    visit(page, problems, "/accounts/tokens/")
    page.get_by_label("What will use it").fill("ERP integration")
    page.get_by_role("button", name="Create token").click()
    key = page.get_by_label("New token")
    key.click()
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value")

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Revoke").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Revoked", exact=True)).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("alert")).to_contain_text("revoked")
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    check(page, problems, "token revoked")
