"""A research-centre staff member in a real browser ticks every project on
the page, puts them on hold with one rationale, and reads the summary of
what was done and what was refused."""

import pytest
from playwright.sync_api import expect

from projects.choices import ProjectStatus
from projects.models import ResearchProject
from tests.e2e.browsing import sign_in
from tests.factories import AgreementFactory, ProjectUnderAgreementFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portfolio():
    agreement = AgreementFactory(partnership__institution__name="East Lake University")
    UserFactory(
        email="officer@example.com",
        full_name="Li Na",
        institutions=[agreement.partnership.institution],
    )
    projects = [
        ProjectUnderAgreementFactory(agreement=agreement, code=f"ELU-00{n}", title=f"Antibody {n}")
        for n in range(1, 4)
    ]
    projects[2].status = ProjectStatus.ON_HOLD
    projects[2].save()
    # Another institution's project: never on this list, never held.
    ProjectUnderAgreementFactory(code="ZZ-FOREIGN")
    return projects


def test_staff_put_the_ticked_projects_on_hold_and_read_the_summary(page, portfolio, screenshot):
    first, second, held = portfolio
    sign_in(page, "officer@example.com")
    page.goto("/projects/")
    expect(page.get_by_text("ZZ-FOREIGN")).to_have_count(0)

    page.get_by_label("Select every row on this page", exact=True).check()
    for project in portfolio:
        expect(page.get_by_label(f"Select {project.code}", exact=True)).to_be_checked()
    page.get_by_label("With the selected rows", exact=True).select_option("hold")
    screenshot("bulk-projects-selected")
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("heading", name="Put on hold")).to_be_visible()
    expect(page.get_by_text("3 rows selected.")).to_be_visible()
    rationale = page.get_by_role("textbox", name="Rationale", exact=True)
    rationale.fill("Portfolio review: funding paused.")
    page.get_by_role("button", name="Put on hold").click()

    expect(page.get_by_text("Done: 2")).to_be_visible()
    expect(page.get_by_text("Refused: 1")).to_be_visible()
    refused = page.locator("table.bulk-refused")
    expect(refused).to_contain_text(held.code)
    expect(refused).to_contain_text("A project that is on hold cannot be put on hold.")
    screenshot("bulk-projects-summary")
    statuses = dict(ResearchProject.objects.values_list("code", "status"))
    assert statuses[first.code] == statuses[second.code] == ProjectStatus.ON_HOLD
    assert statuses["ZZ-FOREIGN"] == ProjectStatus.ACTIVE

    page.get_by_role("link", name="Back to the list").click()
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
