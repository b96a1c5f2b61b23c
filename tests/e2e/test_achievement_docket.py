"""A research-centre staff member records an achievement with two
inventors in a real browser, opens its patent family, adds the Chinese
application, finds the deadlines it brings on the docket and marks one
done from its row."""

import pytest
from playwright.sync_api import expect

from achievements.models import Achievement, Deadline
from tests.e2e.browsing import sign_in
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    UserFactory(email="staff@example.com", institutions=[institution])
    return {
        "first": PersonFactory(full_name="Chen Wei", institution=institution),
        "second": PersonFactory(full_name="Li Na", institution=institution),
    }


def test_staff_record_an_achievement_file_in_china_and_keep_the_docket(page, office):
    sign_in(page, "staff@example.com")
    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_role("button", name="IP").click()
    navigation.get_by_role("link", name="Achievements").click()
    page.get_by_role("link", name="New achievement").click()

    page.locator("#id_title").fill("Thermostable polymerase")
    page.get_by_label("Title in Chinese").fill("耐热聚合酶")
    page.get_by_label("Kind").select_option("invention")
    page.get_by_label("Funding source").select_option("government")
    page.get_by_label("Disclosed on").fill("2025-02-01")
    page.locator('select[name="inventors-0-person"]').select_option(str(office["first"].pk))
    page.locator('input[name="inventors-0-contribution_percent"]').fill("60")
    page.get_by_role("button", name="Add an inventor").click()
    page.locator('select[name="inventors-1-person"]').select_option(str(office["second"].pk))
    page.locator('input[name="inventors-1-contribution_percent"]').fill("30")
    page.get_by_role("button", name="Record the achievement").click()
    # The contributions add up to 90 %: refused, with what was typed kept.
    expect(page.get_by_text("not 100")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Thermostable polymerase")
    page.locator('input[name="inventors-1-contribution_percent"]').fill("40")
    page.get_by_role("button", name="Record the achievement").click()

    achievement = Achievement.objects.get(title="Thermostable polymerase")
    expect(page.get_by_test_id("achievement-inventors")).to_contain_text("Chen Wei")
    expect(page.get_by_test_id("achievement-inventors")).to_contain_text("Li Na")
    assert achievement.inventors.count() == 2

    page.get_by_role("link", name="New patent family").click()
    page.get_by_label("Priority date").fill("2025-03-10")
    page.get_by_role("button", name="Open the family").click()
    page.get_by_role("link", name="Add an application").click()
    page.get_by_label("Jurisdiction").select_option("CN")
    page.get_by_label("Kind").select_option("invention")
    page.get_by_label("Application number").fill("202510012345.6")
    page.get_by_label("Filed on").fill("2025-03-10")
    page.get_by_label("Status").select_option("filed")
    page.get_by_role("button", name="Add the application").click()
    expect(page.get_by_test_id("applications")).to_contain_text("202510012345.6")
    expect(page.get_by_test_id("deadlines")).to_contain_text("PCT filing")

    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_role("button", name="IP").click()
    navigation.get_by_role("link", name="Docket").click()
    page.get_by_label("Achievement").fill(achievement.reference)
    page.get_by_role("button", name="Filter").click()
    rows = page.get_by_test_id("deadline-row")
    expect(rows.first).to_contain_text("PCT filing")
    expect(rows.first).to_contain_text(achievement.reference)

    first = Deadline.objects.filter(achievement=achievement, state="open").order_by("due_on")[0]
    row = page.locator(f"#deadline-{first.pk}")
    row.get_by_label("Done on").fill("2026-01-05")
    row.get_by_role("button", name="Mark done").click()
    expect(page.locator(f"#deadline-{first.pk}")).to_have_attribute("data-state", "done")
    first.refresh_from_db()
    assert first.state == "done"
