"""Every staff page and every partner portal page answers 404 to a
researcher, exactly as a page that does not exist; the start page sends
them to their own pages. Their own notices stay open to them.

The routes are read from the URL configuration (as in
``tests/portal/test_routes.py``), so a new staff or portal route is tried
as soon as it exists."""

import pytest
from django.urls import reverse

from portal.access import RESEARCHER_OPEN_NAMESPACES, START_PAGE_URL_NAMES
from tests.factories import ResearcherUserFactory
from tests.portal.test_routes import PORTAL_ROUTES, PUBLIC_ROUTES, STAFF_ROUTES, placeholder_url

pytestmark = pytest.mark.django_db

CLOSED_STAFF_ROUTES = [
    (name, url)
    for name, url in STAFF_ROUTES
    if name.split(":")[0] not in RESEARCHER_OPEN_NAMESPACES
]
PORTAL_PAGES = [name for name, _keywords in PORTAL_ROUTES if name not in PUBLIC_ROUTES]


@pytest.fixture
def researcher(db):
    return ResearcherUserFactory()


def test_the_staff_ui_has_routes():
    assert len(CLOSED_STAFF_ROUTES) > 20


@pytest.mark.parametrize("name,url", CLOSED_STAFF_ROUTES, ids=[n for n, _ in CLOSED_STAFF_ROUTES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_researchers_cannot_open_a_staff_page(client, researcher, name, url, method):
    client.force_login(researcher)

    response = getattr(client, method)(url)

    if name in START_PAGE_URL_NAMES:
        assert response.status_code == 302
        assert response.url == reverse("research:home")
    else:
        assert response.status_code == 404, f"{method.upper()} {url}"


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_researchers_cannot_open_the_partner_portal(client, researcher, name):
    client.force_login(researcher)

    assert client.get(placeholder_url(name)).status_code == 404


def test_researchers_read_their_own_notices(client, researcher):
    client.force_login(researcher)

    assert client.get(reverse("notifications:list")).status_code == 200
