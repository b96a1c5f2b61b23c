"""Pages of plain rows whose SQL is compiled once per key, order and slice:
the rows are those Django reads, every page reads the database, and a key
that misses what the SQL depends on is caught."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.db.models import DecimalField, F, Value
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext, override_settings

from core.db.compiled import CompiledSQLMismatch, sql_compiled_once
from projects.models import Milestone
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def milestone_rows():
    return Milestone.objects.values(
        "id",
        "name",
        "amount",
        "due_date",
        "updated_at",
        doubled=Coalesce(
            F("amount") * 2, Value(0), output_field=DecimalField(max_digits=20, decimal_places=2)
        ),
    ).order_by("due_date", "id")


@pytest.fixture
def milestones():
    return [
        MilestoneFactory(amount=Decimal("1000.50"), due_date=datetime.date(2027, 1, day))
        for day in (3, 1, 2)
    ]


@pytest.fixture
def fresh_key(request):
    """A key no other test uses: compiled pages are kept per connection."""
    return ("test", request.node.nodeid)


def compilations(action) -> int:
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as as_sql:
        action()
    return as_sql.call_count


def test_a_page_compiled_once_reads_the_rows_django_reads(milestones, fresh_key):
    expected = list(milestone_rows()[:2])

    first = list(sql_compiled_once(milestone_rows(), fresh_key)[:2])
    again = list(sql_compiled_once(milestone_rows(), fresh_key)[:2])

    assert first == again == expected
    assert [type(row["amount"]) for row in first] == [Decimal, Decimal]
    assert first[0]["doubled"] == Decimal("2001.00")
    assert isinstance(first[0]["updated_at"], datetime.datetime)
    assert first[0]["due_date"] == datetime.date(2027, 1, 1)


@override_settings(COMPILED_SQL_CHECK=False)
def test_the_second_page_of_a_key_is_not_compiled_again(milestones, fresh_key):
    def read():
        return list(sql_compiled_once(milestone_rows(), fresh_key)[:2])

    assert compilations(read) >= 1
    with CaptureQueriesContext(connection) as queries:
        assert compilations(read) == 0
    assert len(queries) == 1


def test_every_page_reads_the_database(milestones, fresh_key):
    list(sql_compiled_once(milestone_rows(), fresh_key))
    Milestone.objects.filter(pk=milestones[1].pk).update(name="Renamed")
    MilestoneFactory(due_date=datetime.date(2027, 1, 9))

    rows = list(sql_compiled_once(milestone_rows(), fresh_key))

    assert len(rows) == 4
    assert rows[0]["name"] == "Renamed"


def test_each_order_and_slice_has_its_own_sql(milestones, fresh_key):
    rows = sql_compiled_once(milestone_rows(), fresh_key)

    assert [row["due_date"].day for row in rows[:2]] == [1, 2]
    assert [row["due_date"].day for row in rows[1:3]] == [2, 3]
    assert [row["due_date"].day for row in rows.order_by("-due_date")[:2]] == [3, 2]


def test_a_key_that_misses_what_the_sql_depends_on_is_caught(milestones, fresh_key):
    list(sql_compiled_once(milestone_rows().filter(amount__gt=0), fresh_key))

    with pytest.raises(CompiledSQLMismatch):
        list(sql_compiled_once(milestone_rows().filter(amount__lt=0), fresh_key))


def test_a_page_that_selects_nothing_is_read_as_django_reads_it(milestones, fresh_key):
    with CaptureQueriesContext(connection) as queries:
        rows = list(sql_compiled_once(milestone_rows().filter(id__in=[]), fresh_key))

    assert rows == []
    assert len(queries) == 0


def test_counts_and_other_reads_are_django_s_own(milestones, fresh_key):
    rows = sql_compiled_once(milestone_rows(), fresh_key)

    assert rows.count() == 3
    assert list(rows.values_list("id", flat=True)) == [
        m.pk for m in sorted(milestones, key=lambda m: m.due_date)
    ]
