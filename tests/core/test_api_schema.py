"""The OpenAPI schema documents the whole API and validates."""

import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def api_routes(patterns=None, prefix=""):
    """Every concrete path under /api/v1/, with DRF's format suffixes left out."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            yield route


def test_the_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def without_parameter_names(path: str) -> str:
    """``/api/v1/projects/{pk}/`` and ``/api/v1/projects/{id}/`` name the
    same route."""
    return re.sub(r"\{\w+\}", "{}", path)


def as_path(route: str) -> str:
    """A URL pattern as an OpenAPI path: regex groups and converters become
    ``{}``; DRF's optional format suffixes are not routes of their own."""
    route = re.sub(r"\\\.\(\?P<format>[^)]*\)/\?\$?$", "", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)|<(?:\w+:)?\w+>", "{}", route)
    return "/" + route.replace("^", "").replace("$", "")


def test_no_api_route_is_missing_from_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = {without_parameter_names(path) for path in schema["paths"]}

    routes = {as_path(route) for route in api_routes() if "format>" not in route}

    assert routes, "no API routes found"
    assert not routes - documented, sorted(routes - documented)


# --- What generated clients are built from ------------------------------------------

HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_component_names_read_as_names(schema):
    # Generated clients turn every component into a class of the same name.
    names = list(schema["components"]["schemas"])

    clumsy = [
        name
        for name in names
        if name.endswith(("RequestRequest", "ListList"))
        or not re.fullmatch(r"[A-Z][A-Za-z]*", name)
    ]
    assert names and not clumsy, clumsy


def test_every_operation_id_is_unique_and_readable(schema):
    # Generated clients turn every operation id into a function or module.
    ids = [operation["operationId"] for _, _, operation in operations(schema)]

    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", i) for i in ids), [
        i for i in ids if not re.fullmatch(r"[a-z]+(_[a-z]+)*", i)
    ]


def test_every_request_body_is_declared_in_one_content_type(schema):
    # Generators build one body argument per content type and handle a
    # choice of several badly; uploads are multipart, everything else JSON.
    bodies = {
        f"{method.upper()} {path}": sorted(operation["requestBody"]["content"])
        for path, method, operation in operations(schema)
        if "requestBody" in operation
    }

    assert bodies
    assert all(
        types in (["application/json"], ["multipart/form-data"]) for types in bodies.values()
    ), {name: types for name, types in bodies.items() if len(types) != 1}
    assert sorted(name for name, types in bodies.items() if types == ["multipart/form-data"]) == [
        "POST /api/v1/documents/",
        "POST /api/v1/imports/",
    ]


def test_every_money_moving_post_declares_its_idempotency_key(schema):
    # Generated clients then take the key as an argument of these calls.
    def declares_key(operation):
        return any(
            parameter["in"] == "header" and parameter["name"] == "Idempotency-Key"
            for parameter in operation.get("parameters", [])
        )

    keyed = {
        f"{method.upper()} {path}"
        for path, method, operation in operations(schema)
        if declares_key(operation)
    }
    replaying = {
        f"{method.upper()} {path}"
        for path, method, operation in operations(schema)
        if "422" in operation["responses"]
    }

    assert (
        keyed
        == replaying
        == {
            "POST /api/v1/distribution-lines/{id}/settle/",
            "POST /api/v1/fixed-payments/{id}/invoice/",
            "POST /api/v1/invoices/{id}/payments/",
            "POST /api/v1/milestones/{id}/invoice/",
            "POST /api/v1/milestones/{id}/payments/",
            "POST /api/v1/royalty-reports/",
            "POST /api/v1/royalty-reports/{id}/invoice/",
        }
    )
