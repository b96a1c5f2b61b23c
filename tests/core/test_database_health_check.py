"""Persistent PostgreSQL connections are checked before each request's first
query without a round trip: a connection the server ended is found and
replaced, a healthy one is used as it is."""

import time
from unittest import mock

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql import base as django_postgresql

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the check reads a PostgreSQL connection"
)


@pytest.fixture
def checked_connection(django_db_blocker):
    """A second connection to the test database through the product's
    backend, with health checks on, as production runs it."""
    from core.db.postgresql.base import DatabaseWrapper

    with django_db_blocker.unblock():
        settings = {**connection.settings_dict, "CONN_HEALTH_CHECKS": True, "CONN_MAX_AGE": 600}
        checked = DatabaseWrapper(settings, alias="health-checked")
        checked.ensure_connection()
        yield checked
        checked.close()


def _backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _next_request(wrapper):
    # What Django does at the start and the end of every request.
    wrapper.close_if_unusable_or_obsolete()


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_used_without_sending_select_1(checked_connection):
    pid = _backend_pid(checked_connection)
    _next_request(checked_connection)

    with mock.patch.object(
        django_postgresql.DatabaseWrapper, "is_usable", side_effect=AssertionError
    ) as select_1:
        assert _backend_pid(checked_connection) == pid

    select_1.assert_not_called()


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_before_the_next_request_uses_it(
    checked_connection,
):
    pid = _backend_pid(checked_connection)
    _next_request(checked_connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's farewell reaches the socket shortly after.
    for _ in range(200):
        if not checked_connection._at_rest_and_quiet():
            break
        time.sleep(0.01)

    assert _backend_pid(checked_connection) != pid


@pytest.mark.django_db(transaction=True)
def test_a_connection_left_in_a_failed_transaction_is_asked_with_select_1(checked_connection):
    _next_request(checked_connection)
    checked_connection.connection.execute("BEGIN")
    with pytest.raises(psycopg.errors.DivisionByZero):
        checked_connection.connection.execute("SELECT 1/0")

    with mock.patch.object(
        django_postgresql.DatabaseWrapper, "is_usable", return_value=False
    ) as select_1:
        checked_connection.close_if_health_check_failed()

    select_1.assert_called_once()
    assert checked_connection.connection is None
