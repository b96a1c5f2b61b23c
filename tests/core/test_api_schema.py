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
