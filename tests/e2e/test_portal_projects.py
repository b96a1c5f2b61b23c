"""A partner in a real browser, with the demo world: signs in, starts at the
portal's overview, opens a project from the list and reads its road to
market, reads an agreement's terms — and finds nothing at another
enterprise's project or at a staff page."""

import pytest
from playwright.sync_api import expect

from demo.seeding import seed_demo
from demo.specs import DEMO_PASSWORD, PARTNER_A_EMAIL
from projects.models import ResearchProject

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world():
    seed_demo()
    partner_project = (
        ResearchProject.objects.filter(partner_enterprises__code="HHB", agreement__isnull=False)
        .order_by("code")
        .first()
    )
    foreign_project = (
        ResearchProject.objects.exclude(partner_enterprises__code="HHB").order_by("code").first()
    )
    return partner_project, foreign_project


def test_a_partner_follows_its_project_and_sees_nothing_of_others(page, demo_world):
    project, foreign = demo_world
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(PARTNER_A_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Partners start at the portal's overview.
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page).to_have_url(f"{page.url.split('/portal/')[0]}/portal/")
    expect(page.get_by_role("heading", name="Your projects by stage")).to_be_visible()
    expect(page.get_by_role("heading", name="Claims awaiting your verification")).to_be_visible()

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Projects").click()
    filters = page.get_by_role("search", name="Filters")
    filters.get_by_label("Search").fill(project.code)
    filters.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=project.code, exact=True).click()

    expect(page.get_by_role("heading", name=project.title)).to_be_visible()
    timeline = page.get_by_test_id("stage-timeline")
    expect(timeline.get_by_role("heading", name="Road to market")).to_be_visible()
    expect(timeline.locator("[aria-current=step]")).to_contain_text(project.current_stage.name)
    expect(timeline.get_by_role("row")).not_to_have_count(1)

    page.get_by_role("link", name=project.agreement.reference).first.click()
    expect(page.get_by_role("heading", name="Agreement terms")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Cost sharing: where your enterprise stands")
    ).to_be_visible()

    # Another enterprise's project is not found, as if it did not exist.
    response = page.goto(f"/portal/projects/{foreign.code}/")
    assert response.status == 404
    expect(page.get_by_text(foreign.title)).to_have_count(0)

    # The staff pages are not there for a partner either.
    response = page.goto("/projects/")
    assert response.status == 404
