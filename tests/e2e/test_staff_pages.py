"""A research-centre staff member in a real browser: signs in, finds a
project through the filters, reads its gate history and switches to
Chinese."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in
from tests.factories import (
    EnterpriseFactory,
    InstitutionFactory,
    ResearchProjectFactory,
    StageTransitionFactory,
    UserFactory,
    first_stage,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_with_projects():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    partner = EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药")
    staff = UserFactory(email="staff@example.com", institutions=[institution])
    antibody = ResearchProjectFactory(
        code="ELU-001",
        title="Bispecific antibody against PD-1/VEGF",
        title_zh="PD-1/VEGF 双特异性抗体",
        lead_institution=institution,
        partner_enterprises=[partner],
    )
    StageTransitionFactory(project=antibody, rationale="Target validated in two models.")
    ResearchProjectFactory(
        code="ELU-002",
        title="Drought-tolerant maize event",
        title_zh="耐旱玉米转化体",
        lead_institution=institution,
        current_stage=first_stage("AGRI-GMO"),
    )
    ResearchProjectFactory(code="OTHER-001", title="Another institution's vaccine")
    return staff


def test_staff_find_a_project_and_read_its_history_in_two_languages(page, staff_with_projects):
    page.goto("/")
    sign_in(page, staff_with_projects.email)
    # Staff start at the dashboard; the projects are one click away.
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()

    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    expect(page.get_by_text("ELU-001")).to_be_visible()
    expect(page.get_by_text("OTHER-001")).to_have_count(0)

    page.get_by_label("Sector").select_option("agriculture")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("ELU-002")).to_be_visible()
    expect(page.get_by_text("ELU-001")).to_have_count(0)

    page.get_by_role("link", name="Clear").click()
    page.get_by_role("link", name="ELU-001").click()
    expect(page.get_by_text("Target validated in two models.")).to_be_visible()

    # The language switch submits itself once the page's script has run.
    page.wait_for_load_state()
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_role("heading", name="PD-1/VEGF 双特异性抗体")).to_be_visible()
