"""The first pages: sign-in, the project list at / and a project's page."""

import pytest
from django.urls import reverse

from tests.factories import (
    DEMO_PASSWORD,
    EnterpriseFactory,
    ResearchProjectFactory,
    StageTransitionFactory,
    first_stage,
)

pytestmark = pytest.mark.django_db
PROJECTS = "/projects/"


def test_the_home_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_user_signs_in_with_their_email_in_any_case(client, partner_user):
    response = client.post(
        reverse("accounts:login"),
        {"username": partner_user.email.upper(), "password": DEMO_PASSWORD},
    )

    assert response.status_code == 302
    assert client.get("/").url == reverse("portal:overview")
    assert client.get(reverse("portal:overview")).status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client, partner_user):
    response = client.post(
        reverse("accounts:login"), {"username": partner_user.email, "password": "nope"}
    )

    assert response.status_code == 200
    assert "enter a correct email address and password" in response.text.lower()


def test_a_foreign_project_page_answers_not_found(client, partner_user, other_partner_user):
    foreign = ResearchProjectFactory(partner_enterprises=[other_partner_user.enterprise])
    client.force_login(partner_user)

    response = client.get(foreign.get_absolute_url())

    assert response.status_code == 404


def test_the_list_filters_by_sector_and_searches_titles(client, superuser):
    ResearchProjectFactory(title="Maize drought trait", current_stage=first_stage("AGRI-GMO"))
    ResearchProjectFactory(title="KRAS inhibitor")
    client.force_login(superuser)

    by_search = client.get(PROJECTS, {"q": "kras"})
    by_sector = client.get(PROJECTS, {"sector": "agriculture"})

    assert "KRAS inhibitor" in by_search.text and "Maize" not in by_search.text
    assert "Maize drought trait" in by_sector.text and "KRAS" not in by_sector.text


def test_the_list_costs_the_same_queries_for_one_and_fifty_projects(
    client, superuser, django_assert_max_num_queries
):
    enterprise = EnterpriseFactory()
    ResearchProjectFactory(partner_enterprises=[enterprise])
    client.force_login(superuser)
    client.get(PROJECTS)  # Warm the session and the content types.
    with django_assert_max_num_queries(20) as one_row:
        client.get(PROJECTS)
    ResearchProjectFactory.create_batch(49, partner_enterprises=[enterprise])

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get(PROJECTS)

    assert response.text.count('href="/projects/PRJ-') == 50


def test_a_project_page_shows_its_gate_history(client, superuser):
    transition = StageTransitionFactory(rationale="Target validated in two mouse models.")
    client.force_login(superuser)

    response = client.get(transition.project.get_absolute_url())

    assert response.status_code == 200
    assert "Target validated in two mouse models." in response.text
    assert "Basic research" in response.text


def test_the_list_speaks_chinese_when_asked(client, superuser):
    ResearchProjectFactory(title="PD-1 antibody", title_zh="PD-1 抗体")
    client.force_login(superuser)

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    response = client.get(PROJECTS)

    assert "PD-1 抗体" in response.text
    assert "生物医药" in response.text
    assert "<h1" in response.text and "项目</h1>" in response.text
