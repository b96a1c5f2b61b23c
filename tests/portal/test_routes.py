"""Every portal route, tried with another enterprise's objects, answers 404
exactly as for a missing object; every staff page answers 404 to a partner.

The routes are read from the URL configuration, so a new portal route is
tried as soon as it exists, and one whose URL takes a kind of object this
module cannot fill makes the suite fail until a filler is added below.
"""

from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.access import STAFF_UI_NAMESPACES, STAFF_UI_URL_NAMES, START_PAGE_URL_NAMES
from tests.factories import PartnerUserFactory

pytestmark = pytest.mark.django_db

# How each URL keyword names an object of a side (see conftest.py).
FILLERS = {
    "code": lambda side: side.project.code,
    "reference": lambda side: side.agreement.reference,
    "milestone_pk": lambda side: side.claimed_milestone.pk,
    "invoice_pk": lambda side: side.invoice.pk,
    "report_pk": lambda side: side.royalty_report.pk,
    "document_pk": lambda side: side.document.pk,
    "user_pk": lambda side: side.colleague.pk,
    "achievement_pk": lambda side: side.achievement.pk,
}
# Query parameters that choose an object on pages without URL keywords (an
# upload form preset to a project, a report form preset to an agreement).
QUERY_FILLERS = {
    "project": lambda side: side.project.code,
    "agreement": lambda side: side.agreement.reference,
    "milestone": lambda side: side.claimed_milestone.pk,
}
# Routes for people who are not signed in yet; their tests are their own.
PUBLIC_ROUTES = {"portal:invitation_accept"}


def walk(patterns, namespace="", prefix="", converters=None):
    """(name, route, keyword names) of every route under ``patterns``."""
    for entry in patterns:
        found = {**(converters or {}), **entry.pattern.converters}
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner, route, found)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace.strip(':')}:{entry.name}" if namespace else entry.name
            yield name, route, found


def routes_under(top: str):
    return sorted(
        {
            (name, tuple(sorted(kw)))
            for name, _route, kw in walk(get_resolver().url_patterns)
            if name.split(":")[0] == top
        }
    )


PORTAL_ROUTES = routes_under("portal")
# A value for each kind of URL keyword, for requests refused before any lookup.
PLACEHOLDERS = {
    "IntConverter": 1,
    "StringConverter": "X-1",
    "SlugConverter": "x",
    "PathConverter": "x",
    "UUIDConverter": "0" * 32,
}


def placeholder_kwargs(converters) -> dict:
    return {
        keyword: PLACEHOLDERS[type(converter).__name__]
        for keyword, converter in converters.items()
    }


def placeholder_url(name: str) -> str:
    converters = next(
        found for route, _r, found in walk(get_resolver().url_patterns) if route == name
    )
    return reverse(name, kwargs=placeholder_kwargs(converters))


def side_url(name, keywords, side):
    return reverse(name, kwargs={keyword: FILLERS[keyword](side) for keyword in keywords})


@pytest.fixture
def world(own, foreign, partner_user, other_partner_user):
    own.colleague = PartnerUserFactory(enterprise=partner_user.enterprise)
    foreign.colleague = other_partner_user
    return own, foreign


def foreign_markers(side):
    return [
        side.project.code,
        side.agreement.reference,
        side.claimed_milestone.name,
        side.invoice.number,
        side.document.original_name,
        side.colleague.email,
        side.achievement.reference,
    ]


def test_the_portal_has_routes():
    assert len(PORTAL_ROUTES) >= 2


@pytest.mark.parametrize("name,keywords", PORTAL_ROUTES, ids=[n for n, _ in PORTAL_ROUTES])
def test_every_portal_route_is_covered(name, keywords):
    missing = [keyword for keyword in keywords if keyword not in FILLERS]
    assert name in PUBLIC_ROUTES or not missing, (
        f"{name} takes {missing}: add a filler to tests/portal/test_routes.py"
    )


@pytest.mark.parametrize("name,keywords", PORTAL_ROUTES, ids=[n for n, _ in PORTAL_ROUTES])
def test_another_enterprise_s_objects_answer_404(client, world, partner_user, name, keywords):
    if name in PUBLIC_ROUTES:
        pytest.skip("a public route")
    client.force_login(partner_user)
    for method in ("get", "post"):
        tried_with_foreign_objects(client, world, name, keywords, method)


def tried_with_foreign_objects(client, world, name, keywords, method):
    own, foreign = world
    send = getattr(client, method)
    if keywords:
        response = send(side_url(name, keywords, foreign))
        assert response.status_code == 404, f"{method.upper()} {name} with foreign objects"
        # The same route with the partner's own objects exists, so the 404
        # above is the scoping, not a typo in the URL.
        assert client.get(side_url(name, keywords, own)).status_code != 404
    else:
        query = {parameter: fill(foreign) for parameter, fill in QUERY_FILLERS.items()}
        url = f"{reverse(name)}?{urlencode(query)}"
        # A form posted with another enterprise's objects in its fields.
        response = send(url, query) if method == "post" else send(url)
        assert response.status_code in (200, 302, 400, 403, 404, 405), name
        # The page may echo its query (the language switch returns to the
        # page, sort links and filter fields keep the filters); what it must
        # not show is anything else of the other side.
        echoed = urlencode(query)
        text = response.content.decode(errors="replace")
        text = text.replace(echoed, "").replace(echoed.replace("&", "&amp;"), "")
        for value in query.values():
            text = text.replace(f'value="{value}"', "")
        for marker in foreign_markers(foreign):
            assert str(marker) not in text, f"{name} shows {marker!r} of another enterprise"


@pytest.mark.parametrize("name,keywords", PORTAL_ROUTES, ids=[n for n, _ in PORTAL_ROUTES])
def test_staff_are_sent_to_the_staff_ui(client, staff_user, name, keywords):
    if name in PUBLIC_ROUTES:
        pytest.skip("a public route")
    client.force_login(staff_user)

    # Refused before any lookup, so any object will do.
    response = client.get(placeholder_url(name))

    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.parametrize("name,keywords", PORTAL_ROUTES, ids=[n for n, _ in PORTAL_ROUTES])
def test_anonymous_visitors_are_asked_to_sign_in(client, name, keywords):
    if name in PUBLIC_ROUTES:
        pytest.skip("a public route")

    response = client.get(placeholder_url(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- The staff UI is closed to partners ---------------------------------------------


def staff_routes():
    found = []
    for name, _route, converters in walk(get_resolver().url_patterns):
        top = name.split(":")[0]
        if (top in STAFF_UI_NAMESPACES and ":" in name) or name in STAFF_UI_URL_NAMES:
            found.append((name, reverse(name, kwargs=placeholder_kwargs(converters))))
    return sorted(set(found))


STAFF_ROUTES = staff_routes()


def test_the_staff_ui_has_routes():
    assert len(STAFF_ROUTES) > 20


@pytest.mark.parametrize("name,url", STAFF_ROUTES, ids=[n for n, _ in STAFF_ROUTES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_partners_cannot_open_a_staff_page(client, partner_user, name, url, method):
    client.force_login(partner_user)

    response = getattr(client, method)(url)

    if name in START_PAGE_URL_NAMES:
        assert response.status_code == 302
        assert response.url == reverse("portal:overview")
    else:
        assert response.status_code == 404, f"{method.upper()} {url}"
