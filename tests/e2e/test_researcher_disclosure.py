"""A researcher signs in, lands on their own pages, writes a disclosure
with a colleague as second inventor (the shares first off 100, refused,
then corrected) and submits it to the office."""

import pytest
from playwright.sync_api import expect

from achievements.models import Disclosure
from tests.e2e.browsing import sign_in
from tests.factories import InstitutionFactory, PersonFactory, ResearcherUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def researchers():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    researcher = ResearcherUserFactory(
        email="li.wei@example.com",
        full_name="Li Wei",
        person=PersonFactory(full_name="Li Wei", institution=institution),
    )
    colleague = PersonFactory(full_name="Zhang Min", institution=institution)
    return researcher, colleague


@pytest.mark.usefixtures("researchers")
def test_a_researcher_discloses_an_invention_with_two_inventors(page, screenshot):
    sign_in(page, "li.wei@example.com")
    expect(page.get_by_role("heading", name="My achievements")).to_be_visible()
    page.get_by_role("link", name="Disclose an achievement").first.click()

    page.locator("#id_title").fill("Stable IL-2 mutein")
    page.get_by_label("Kind").select_option("invention")
    page.get_by_label("Summary").fill("A mutein with a three-fold longer half-life.")
    page.get_by_label("Funding source").select_option("government")
    page.get_by_label("Prior disclosures").fill("Poster at AACR 2025.")
    page.get_by_label("Planned publications").fill("Nature Biotechnology, spring 2026.")
    inventors = page.get_by_test_id("inventors")
    inventors.get_by_label("Contribution (%)").first.fill("60")
    inventors.get_by_role("button", name="Add an inventor").click()
    inventors.get_by_label("Inventor").nth(1).select_option(label="Zhang Min")
    inventors.get_by_label("Contribution (%)").nth(1).fill("30")
    page.get_by_role("button", name="Save and submit").click()

    expect(inventors).to_contain_text("add up to 90 %, not 100 %")
    assert not Disclosure.objects.exists()

    inventors.get_by_label("Contribution (%)").nth(1).fill("40")
    screenshot("research-disclosure-form")
    page.get_by_role("button", name="Save and submit").click()

    expect(page.get_by_test_id("disclosure-status")).to_have_text("Submitted")
    expect(page.get_by_test_id("disclosure-inventors")).to_contain_text("Zhang Min")
    disclosure = Disclosure.objects.get()
    assert disclosure.status == "submitted"
    assert {
        (row.person.full_name, int(row.contribution_percent)) for row in disclosure.inventors.all()
    } == {
        ("Li Wei", 60),
        ("Zhang Min", 40),
    }
