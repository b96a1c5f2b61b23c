"""Search in a real browser: a staff member types in the top bar's box,
the hits appear under it as they type, and a click opens the hit's page —
in English and in the Chinese interface, with a Chinese word found inside a
title. A partner's box searches the portal, and its hits open portal
pages; pressing Enter opens the full results page."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in, sign_in_as
from tests.search.conftest import make_side

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sides():
    side_a = make_side("Alpha", "甲", 1)
    side_b = make_side("Bravo", "乙", 2)
    for side, word in ((side_a, "alpha"), (side_b, "bravo")):
        for who in ("staff", "partner"):
            user = getattr(side, who)
            user.email = f"{who}@{word}.example.com"
            user.save()
    return side_a, side_b


def live_results(page):
    return page.get_by_test_id("search-live")


def test_staff_type_a_code_and_open_the_project(page, live_server, sides, screenshot):
    sign_in(page, "staff@alpha.example.com")

    page.get_by_role("searchbox", name="Search", exact=True).press_sequentially("PRJ-ALP")

    hit = live_results(page).get_by_role("link", name="PRJ-ALPHA Alpha nanobody programme")
    expect(hit).to_be_visible()
    expect(live_results(page)).not_to_contain_text("PRJ-BRAVO")
    screenshot("search-live")
    hit.click()
    expect(page).to_have_url(f"{live_server.url}/projects/PRJ-ALPHA/")


def test_in_chinese_a_word_inside_a_title_is_found_as_it_is_typed(page, live_server, sides):
    side_a, _ = sides
    sign_in_as(page, live_server, "staff@alpha.example.com", "zh-hans")

    page.get_by_role("searchbox", name="搜索", exact=True).press_sequentially("纳米抗体")

    results = live_results(page)
    expect(results.get_by_role("heading", name="项目")).to_be_visible()
    hit = results.get_by_role("link", name=f"PRJ-ALPHA {side_a.project.title_zh}")
    expect(hit).to_be_visible()
    hit.click()
    expect(page).to_have_url(f"{live_server.url}/projects/PRJ-ALPHA/")


def test_a_partner_searches_the_portal_and_enter_opens_all_results(
    page, live_server, sides, screenshot
):
    sign_in(page, "partner@alpha.example.com")
    box = page.get_by_role("searchbox", name="Search", exact=True)

    box.press_sequentially("nanobody")
    expect(live_results(page).get_by_role("link", name="AGR-ALPHA", exact=False)).to_be_visible()
    expect(live_results(page)).not_to_contain_text("Bravo")
    box.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/portal/search/?q=nanobody")
    screenshot("search-portal")
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("AGR-ALPHA")
    expect(results).not_to_contain_text("AGR-BRAVO")
    results.get_by_role("link", name="PRJ-ALPHA Alpha nanobody programme").click()
    expect(page).to_have_url(f"{live_server.url}/portal/projects/PRJ-ALPHA/")
