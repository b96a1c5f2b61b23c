"""Crafted input never makes a server error: every route, staff UI, portal,
admin and API, answers a NUL byte, an overlong or non-numeric id, a tampered
page cursor or a date at the ends of the calendar with a 4xx (or the page
itself), never a 5xx.

The routes are read from the URL configuration, so a new route is tried as
soon as it exists. API writes are tried with the permission matrix's bodies,
and the staff UI's and the portal's dated forms with what their page shows,
each with its dates moved to the ends of the calendar.
"""

import base64
import contextlib
import importlib
import re
from urllib.parse import quote, urlencode

import django_filters
import pytest
from django.apps import apps
from django.test import Client
from django.urls import get_resolver, reverse

from tests.api.test_permission_matrix import RULES, client_for
from tests.portal.test_routes import walk

pytestmark = pytest.mark.django_db

NUL = "\x00"
# A value for a URL keyword: a NUL byte, an overlong text, no number, numbers
# out of any column's range.
PATH_VALUES = (NUL, "A" * 3000, "abc", "-1", "9" * 40)
# Page cursors a client never received: base64 of "p=abc", of a NUL
# position, of a bad offset and direction, of an impossible date, and no
# base64 at all.
CURSORS = (
    *(
        base64.b64encode(raw.encode()).decode()
        for raw in ("p=abc", f"p={NUL}", "o=-1", "o=x&r=x", "p=9999-99-99", "p=" + "9" * 40)
    ),
    "%%%",
    "!" * 300,
)
# A value for every filter at once.
QUERY_VALUES = (
    "abc",
    "-1",
    "9" * 40,
    "9999-12-31",
    "0001-01-01",
    "A" * 3000,
)
EXTREME_DATES = ("9999-12-31", "0001-01-01", "1899-12-31")
DATE_FIELDS = (
    "issued_on",
    "paid_on",
    "start_date",
    "signed_on",
    "effective_on",
    "expires_on",
    "period_start",
    "period_end",
    "incurred_on",
    "established_on",
    "started_on",
    "ended_on",
    "upfront_due_on",
    "due_date",
)


def _all_routes() -> list[tuple[str, str]]:
    """(name, route) of every named route, each route once."""
    seen = {}
    for name, route, _converters in walk(get_resolver().url_patterns):
        seen.setdefault(route, name)
    return sorted((name, route) for route, name in seen.items())


ROUTES = _all_routes()
KEYWORD = re.compile(r"\(\?P<\w+>(?:[^()]|\([^()]*\))*\)|<(?:\w+:)?\w+>")


def _fill(route: str, value: str) -> str:
    """The URL of ``route`` with every keyword set to ``value``."""
    path = KEYWORD.sub(quote(value, safe=""), route)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def _has_keywords(route: str) -> bool:
    return bool(KEYWORD.search(route))


def _filter_names() -> list[str]:
    """The parameters of every filterset, and the common ones of lists."""
    for config in apps.get_app_configs():
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"{config.name}.filtersets")
    names = {"page", "page_size", "ordering", "sort", "search", "q", "next", "format"}
    # Forms that read their dates from the query (previews, prefilled forms).
    names.update(DATE_FIELDS)
    pending = [django_filters.FilterSet]
    while pending:
        filterset = pending.pop()
        pending.extend(filterset.__subclasses__())
        names.update(filterset.base_filters)
    return sorted(names)


FILTER_NAMES = _filter_names()
KEYWORD_ROUTES = [(name, route) for name, route in ROUTES if _has_keywords(route)]
LIST_ROUTES = [(name, route) for name, route in ROUTES if not _has_keywords(route)]
ROLES = ("superuser", "partner")


def roles_of(name: str) -> tuple[str, ...]:
    """Who tries a route: the portal is the partner's, the staff UI and the
    admin are the superuser's (a partner is turned away before any lookup),
    the API is both's."""
    area = name.split(":")[0]
    if area == "portal":
        return ("partner",)
    if area == "api":
        return ROLES
    return ("superuser",)


def cases(routes):
    return [
        pytest.param(name, route, role, id=f"{name}-{role}")
        for name, route in routes
        for role in roles_of(name)
    ]


def _client(world, role: str) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


def _refuse_5xx(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.content[:300]!r}"


@pytest.mark.parametrize(("name", "route", "role"), cases(KEYWORD_ROUTES))
def test_a_crafted_url_keyword_is_no_server_error(world, name, route, role):
    client = _client(world, role)
    for value in PATH_VALUES:
        url = _fill(route, value)
        _refuse_5xx(client.get(url), f"GET {url[:80]}")
    # A write to no object: refused before, or at, the lookup.
    for value in ("abc", "9" * 40):
        url = _fill(route, value)
        _refuse_5xx(client.post(url), f"POST {url[:80]}")


@pytest.mark.parametrize(("name", "route", "role"), cases(LIST_ROUTES))
def test_a_crafted_query_is_no_server_error(world, name, route, role):
    client = _client(world, role)
    url = _fill(route, "")
    queries = [dict.fromkeys(FILTER_NAMES, value) for value in (*QUERY_VALUES, NUL)]
    if name.startswith("api:"):
        queries += [{"cursor": cursor} for cursor in CURSORS]
    for query in queries:
        _refuse_5xx(client.get(f"{url}?{urlencode(query)}"), f"{url}?{next(iter(query))}")


def test_a_nul_byte_in_the_path_answers_404_and_in_the_query_400(world):
    client = _client(world, "partner")

    assert client.get("/portal/projects/%00/").status_code == 404
    assert client.get("/api/v1/projects/%00/").json()["error"]["code"] == "not_found"
    response = client.get("/api/v1/milestones/", {"project": NUL})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert _client(world, "superuser").get("/projects/", {"agreement": NUL}).status_code == 400
    # A quoted cookie may spell NUL as an octal escape; the session store
    # would look it up.
    cookie = Client().get("/portal/", HTTP_COOKIE='sessionid="\\000abcdefghijklmnop"')
    assert cookie.status_code == 400
    key = client_for(world.a.staff).post(
        reverse("api:invoice-payments", kwargs={"pk": world.a.invoice.pk}),
        {"amount": "1.00", "currency": "CNY", "paid_on": "2025-06-01"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=f"key{NUL}",
    )
    assert key.status_code == 400


def test_a_nul_byte_in_a_json_body_or_a_form_field_answers_400(world):
    milestone = world.a.milestones["claimed"]
    url = reverse("api:milestone-dispute", kwargs={"pk": milestone.pk})

    response = client_for(world.a.partner).post(url, {"reason": f"No{NUL}"}, format="json")
    upload = _client(world, "partner").post(
        reverse("portal:document_upload"), {"project": NUL, "title": "Report"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert upload.status_code == 400
    milestone.refresh_from_db()
    assert milestone.status == "claimed"


@pytest.mark.parametrize("cursor", CURSORS)
def test_a_tampered_cursor_answers_400_with_the_usual_error_body(world, cursor):
    client = client_for(world.a.partner)

    response = client.get("/api/v1/milestones/", {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_a_cursor_the_api_gave_still_turns_the_page(world):
    client = client_for(world.superuser)

    first = client.get("/api/v1/milestones/", {"page_size": 1})
    following = client.get(first.json()["next"])

    assert following.status_code == 200
    assert following.json()["results"]


WRITES = [
    pytest.param(name, method, role, id=f"{name}-{method}-{role}")
    for (name, method), rule in sorted(RULES.items())
    if method in ("post", "put", "patch") and not rule.multipart
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), WRITES)
def test_a_write_with_a_date_at_the_end_of_the_calendar_is_no_server_error(
    world, name, method, role
):
    rule = RULES[(name, method)]
    side = world.a
    kwargs = rule.obj(world, side, role) if rule.obj else {}
    url = reverse(f"api:{name}", kwargs=kwargs)
    body = rule.body(world, side, role) if rule.body else {}
    client = client_for(world.user(role))
    for extreme in EXTREME_DATES:
        if isinstance(body, dict):
            present = {key: extreme for key in body if key in DATE_FIELDS}
            variants = [{**body, **present}, {**body, **dict.fromkeys(DATE_FIELDS, extreme)}]
        else:
            variants = [body]
        for variant in variants:
            response = getattr(client, method)(url, variant, format="json")
            _refuse_5xx(response, f"{method} {url} {extreme}")


# The staff UI's and the portal's forms that write a date: (route, its
# keywords for side a, query, who fills it in, fields the page's form does
# not hold).
DATE_FORMS = {
    "project edit": ("projects:edit", lambda s: {"code": s.project.code}, {}, "superuser", {}),
    "partnership edit": (
        "partners:partnership_edit",
        lambda s: {"code": s.partnership.code},
        {},
        "superuser",
        {},
    ),
    "joint centre edit": (
        "partners:joint_centre_edit",
        lambda s: {"code": s.joint_centre.code},
        {},
        "superuser",
        {},
    ),
    "agreement edit": (
        "agreements:edit",
        lambda s: {"reference": s.agreement.reference},
        {},
        "superuser",
        {},
    ),
    "agreement terms": (
        "agreements:terms",
        lambda s: {"reference": s.agreement.reference},
        {},
        "superuser",
        {"section": "payment"},
    ),
    "invoice": (
        "projects:milestone_action",
        lambda s: {
            "code": s.project.code,
            "pk": s.milestones["verified"].pk,
            "action": "invoice",
        },
        {},
        "superuser",
        {"payment_terms_days": "30"},
    ),
    "payment": (
        "projects:milestone_action",
        lambda s: {"code": s.project.code, "pk": s.milestones["invoiced"].pk, "action": "pay"},
        {},
        "superuser",
        {"amount": "1.00", "currency": "CNY", "reference": "Crafted"},
    ),
    "cost entry": (
        "projects:cost_entry_create",
        lambda s: {"code": s.project.code},
        {},
        "superuser",
        {
            "paid_by": "enterprise",
            "amount": "10.00",
            "currency": "CNY",
            "description": "Crafted",
        },
    ),
    "royalty report": (
        "portal:royalty_report_new",
        lambda s: {},
        {"agreement": None},
        "partner",
        {"net_sales": "1000", "step": "confirm"},
    ),
}


def _form_data(response) -> dict:
    """What the page's forms and formsets would send as they stand."""
    context = response.context or {}
    forms = [context.get("form")]
    if context.get("terms") is not None:
        forms.append(context["terms"].payment)
    for entry in context.get("formsets") or ():
        formset = entry["formset"] if isinstance(entry, dict) else entry
        forms += [formset.management_form, *formset.forms]
    data = {}
    for form in forms:
        for bound in form or ():
            value = bound.value()
            if value is False:
                # An unticked box sends nothing.
                continue
            if value is None:
                value = ""
            data[bound.html_name] = (
                [str(item) for item in value] if isinstance(value, list) else str(value)
            )
    return data


def _with_dates(data: dict, value: str) -> dict:
    """``data`` with every date field, prefixed or not, set to ``value``."""
    dated = {**data, **dict.fromkeys(DATE_FIELDS, value)}
    for key in data:
        if key.rsplit("-", 1)[-1] in DATE_FIELDS:
            dated[key] = value
    return dated


@pytest.mark.parametrize("form", sorted(DATE_FORMS))
def test_a_form_with_a_date_at_the_end_of_the_calendar_is_shown_again_not_saved(world, form):
    """The page's own form, as it stands, with every date moved to the
    ends of the calendar: the service refuses it and the page shows the form
    again with the error (a redirect would mean it was saved)."""
    name, kwargs, query, role, extra = DATE_FORMS[form]
    side = world.a
    url = reverse(name, kwargs=kwargs(side))
    if "agreement" in query:
        query = {"agreement": side.agreement.reference}
    if query:
        url = f"{url}?{urlencode(query)}"
    client = _client(world, role)
    data = {**_form_data(client.get(url)), **extra}
    if form == "cost entry":
        data["stage"] = str(side.project.current_stage_id)
    for extreme in EXTREME_DATES:
        response = client.post(url, _with_dates(data, extreme))
        assert response.status_code in (200, 400), f"{form} {extreme}: {response.status_code}"
