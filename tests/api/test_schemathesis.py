"""The API answers as its OpenAPI schema says, checked by schemathesis.

The schema is loaded from ``/api/schema/`` of the running Django app (in
process, over WSGI), and every operation is called with a few generated
requests as staff and as a partner, each with an API token. Every answer
must be no server error, carry a status code the schema documents for the
operation, and have a body (and content type) that matches the schema.

Half of the generated requests aim at objects that exist (the world of
``tests/api/conftest.py``) so that the success answers are checked too, not
only the 404s of random ids. The examples are few, fixed by a seed and not
shrunk, so the module runs in seconds.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.api.test_permission_matrix import RULES

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ("staff", "partner")
# A deeper run: SCHEMATHESIS_EXAMPLES=40, or SCHEMATHESIS_MODE=negative for
# requests the schema does not allow (they must answer 4xx, never 5xx).
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", 5))
MODE = schemathesis.GenerationMode(os.environ.get("SCHEMATHESIS_MODE", "positive"))

# Operations left out, each for a reason.
EXCLUDED: dict[tuple[str, str], str] = {}

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
OPERATIONS = {
    (operation.method.upper(), operation.path): operation
    for result in schema.get_all_operations()
    for operation in [result.ok()]
}


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """Django closes the database connection at the end of each request it
    serves over WSGI, which would end the test's transaction on PostgreSQL;
    Django's own test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def route_name(operation) -> str:
    """The URL pattern's name (``project-detail``) of an operation's path."""
    path = operation.full_path
    for parameter in ("agreement_pk", "pk", "id"):
        path = path.replace("{" + parameter + "}", "1")
    return resolve(path).url_name


def real_path_parameters(world, operation, role) -> dict | None:
    """Ids of objects of the role's own side for the operation's path."""
    rule = RULES.get((route_name(operation), operation.method.lower()))
    if rule is None or rule.obj is None:
        return None
    # The schema names the object's own id ``id``; the URL pattern ``pk``.
    return {
        "id" if name == "pk" else name: str(value)
        for name, value in rule.obj(world, world.a, role).items()
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "key",
    [
        pytest.param(key, id=f"{key[0]} {key[1]}")
        for key in sorted(OPERATIONS)
        if key not in EXCLUDED
    ],
)
def test_the_api_answers_as_its_schema_says(world, role, key):
    operation = OPERATIONS[key]
    headers = {"Authorization": f"Token {world.keys[role]}"}
    real = real_path_parameters(world, operation, role)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=MODE), aim_at_real_objects=st.booleans())
    def check(case, aim_at_real_objects):
        if real and aim_at_real_objects:
            case.path_parameters = {**(case.path_parameters or {}), **real}
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()
