"""The app's PostgreSQL connections run its short queries without JIT
compilation, which cost more than the queries themselves (docs/benchmarks.md)."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting"),
    pytest.mark.django_db,
]


def test_queries_are_not_compiled_with_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
