"""The doors to search: the top bar's box on every side, the live results
(htmx) and the full page of the staff UI, the portal and the researcher's
pages, and ``GET /api/v1/search/``."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from search.selectors import MAX_LENGTH

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(client, user):
    client.force_login(user)
    return client


# --- The box in the top bar ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "home", "action"),
    [
        ("staff", "/projects/", "/search/"),
        ("partner", "/portal/", "/portal/search/"),
        ("researcher", "/research/", "/research/search/"),
    ],
)
def test_the_top_bar_searches_on_the_users_own_side(client, side_a, who, home, action):
    page = signed_in(client, getattr(side_a, who)).get(home).content.decode()

    assert f'action="{action}"' in page
    assert f'hx-get="{action}"' in page
    assert 'name="q"' in page


def test_the_box_is_not_shown_to_someone_signed_out(client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert "bb-search-q" not in page


# --- The staff UI's page -------------------------------------------------------------


def test_the_full_page_lists_the_groups_with_links(client, side_a):
    response = signed_in(client, side_a.staff).get("/search/", {"q": "Alpha"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="/projects/{side_a.project.code}/"' in page
    assert f'href="/agreements/{side_a.agreement.reference}/"' in page
    assert 'data-testid="search-results"' in page
    assert "<html" in page


def test_the_live_results_are_a_fragment(client, side_a):
    response = signed_in(client, side_a.staff).get("/search/", {"q": "Alpha"}, headers=HTMX)

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f'href="/projects/{side_a.project.code}/"' in fragment
    assert 'href="/search/?q=Alpha"' in fragment
    assert "HX-Request" in response["Vary"]


def test_nothing_typed_yet_shows_no_results_and_no_error(client, side_a):
    page = signed_in(client, side_a.staff).get("/search/")
    live = client.get("/search/", {"q": "  "}, headers=HTMX)

    assert page.status_code == live.status_code == 200
    assert page.context["search"].results is None
    assert live.content.decode().strip() == ""


def test_a_query_too_short_or_too_long_is_a_field_error_not_a_500(client, side_a):
    signed_in(client, side_a.staff)

    short = client.get("/search/", {"q": "x"})
    long = client.get("/search/", {"q": "x" * (MAX_LENGTH + 1)})
    live = client.get("/search/", {"q": "x"}, headers=HTMX)

    assert short.status_code == long.status_code == 400
    assert "is-invalid" in long.content.decode()
    assert short.context["search"].error
    assert live.status_code == 200
    assert "bb-search-note" in live.content.decode()


def test_the_page_speaks_chinese(client, side_a):
    signed_in(client, side_a.staff)

    response = client.get("/search/", {"q": "纳米抗体"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert "搜索" in page
    assert side_a.project.title_zh in page


def test_partners_and_researchers_do_not_open_the_staff_page(client, side_a):
    assert signed_in(client, side_a.partner).get("/search/", {"q": "Alpha"}).status_code == 404
    assert signed_in(client, side_a.researcher).get("/search/", {"q": "Alpha"}).status_code == 404


# --- The portal's and the researcher's pages -------------------------------------------


def test_the_portal_page_finds_the_partners_own_objects(client, side_a, side_b):
    response = signed_in(client, side_a.partner).get("/portal/search/", {"q": "nanobody"})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="/portal/projects/{side_a.project.code}/"' in page
    assert side_b.project.code not in page
    assert side_b.agreement.reference not in page


def test_the_portal_live_results(client, side_a):
    response = signed_in(client, side_a.partner).get(
        "/portal/search/", {"q": side_a.invoice.number}, headers=HTMX
    )

    assert 'href="/portal/invoices/"' in response.content.decode()


def test_staff_opening_the_portal_search_go_to_the_staff_ui(client, side_a):
    response = signed_in(client, side_a.staff).get("/portal/search/", {"q": "Alpha"})

    assert response.status_code == 302


def test_the_researchers_page_links_to_their_achievement(client, side_a, side_b):
    response = signed_in(client, side_a.researcher).get("/research/search/", {"q": "nanobody"})

    page = response.content.decode()
    assert f'href="/research/achievements/{side_a.achievement.pk}/"' in page
    assert side_b.achievement.reference not in page
    assert side_a.project.code not in page


def test_a_partner_cannot_open_the_researchers_page(client, side_a):
    assert signed_in(client, side_a.partner).get("/research/search/").status_code == 404


# --- The API ---------------------------------------------------------------------------


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_api_answers_groups_of_hits(side_a):
    response = api(side_a.staff).get("/api/v1/search/", {"q": side_a.project.code})

    assert response.status_code == 200
    body = response.json()
    assert body["query"] == side_a.project.code
    project = body["groups"][0]
    assert project == {
        "kind": "project",
        "count": 1,
        "capped": False,
        "results": [
            {
                "kind": "project",
                "id": side_a.project.pk,
                "label": side_a.project.title,
                "code": side_a.project.code,
                "url": f"/projects/{side_a.project.code}/",
            }
        ],
    }


def test_the_api_gives_a_partner_its_portal_links_and_null_where_none(side_a, side_b):
    body = api(side_a.partner).get("/api/v1/search/", {"q": "Alpha"}).json()
    urls = {group["kind"]: group["results"][0]["url"] for group in body["groups"]}
    everything = str(body)

    assert urls["project"] == f"/portal/projects/{side_a.project.code}/"
    assert urls["enterprise"] is None
    assert "Bravo" not in everything


def test_the_api_limits_the_hits_per_kind(side_a, side_b):
    body = api(side_a.staff).get("/api/v1/search/", {"q": "nanobody", "limit": 1}).json()

    assert all(len(group["results"]) == 1 for group in body["groups"])


@pytest.mark.parametrize(
    ("parameters", "code"),
    [
        ({}, "too_short"),
        ({"q": "x"}, "too_short"),
        ({"q": "x" * (MAX_LENGTH + 1)}, "too_long"),
        ({"q": "antibody", "limit": 0}, None),
        ({"q": "antibody", "limit": "many"}, None),
    ],
)
def test_the_api_refuses_a_bad_query_with_a_400(side_a, parameters, code):
    response = api(side_a.staff).get("/api/v1/search/", parameters)

    assert response.status_code == 400
    error = response.json()["error"]
    if code:
        assert error["code"] == code
        assert list(error["fields"]) == ["q"]
    else:
        assert "limit" in error["fields"]


def test_a_query_of_many_words_is_answered(side_a):
    words = " ".join(["ab"] * 66)

    response = api(side_a.staff).get("/api/v1/search/", {"q": words})

    assert response.status_code == 200
    assert response.json()["groups"] == []


def test_the_api_wants_a_signed_in_user(side_a):
    assert api().get("/api/v1/search/", {"q": "Alpha"}).status_code == 401
