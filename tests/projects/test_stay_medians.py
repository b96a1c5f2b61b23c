"""The median years in stage is kept in the cache for each scope until the
stays change: a gate decision shows in the next median, a staff member sees
the median of the projects it sees and no other, and the dashboard works on
with the cache down.

These tests commit, as the dashboard's requests do: inside a transaction the
cache is not used at all.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from redis.exceptions import RedisError

from projects import analytics
from projects.models import StageStay
from projects.services import project_advance
from tests.factories import StageTransitionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

RATIONALE = "Gate review: the pilot met its target."


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def started_project(project):
    StageTransitionFactory(
        project=project, kind="start", to_stage=project.current_stage, to_status="active"
    )
    return project


def stays_counted(medians):
    return sum(count for _years, count in medians.values())


def test_a_gate_decision_shows_in_the_next_median(started_project, staff_user):
    assert analytics.median_years_in_stage(staff_user) == {}

    project_advance(project=started_project, by=staff_user, rationale=RATIONALE)

    assert stays_counted(analytics.median_years_in_stage(staff_user)) == 1


def test_the_median_of_unchanged_stays_is_not_read_again(started_project, staff_user):
    project_advance(project=started_project, by=staff_user, rationale=RATIONALE)
    first = analytics.median_years_in_stage(staff_user)

    with CaptureQueriesContext(connection) as queries:
        again = analytics.median_years_in_stage(staff_user)

    assert again == first
    stays_table = StageStay._meta.db_table
    assert not [query for query in queries if stays_table in query["sql"]]


def test_staff_of_another_institution_never_get_the_cached_median(
    started_project, staff_user, foreign_staff
):
    project_advance(project=started_project, by=staff_user, rationale=RATIONALE)
    assert stays_counted(analytics.median_years_in_stage(staff_user)) == 1

    assert analytics.median_years_in_stage(foreign_staff) == {}


def test_staff_of_the_same_institutions_share_the_median(started_project, staff_user):
    project_advance(project=started_project, by=staff_user, rationale=RATIONALE)
    colleague = UserFactory(institutions=list(staff_user.institutions.all()))
    analytics.median_years_in_stage(staff_user)

    with CaptureQueriesContext(connection) as queries:
        medians = analytics.median_years_in_stage(colleague)

    assert stays_counted(medians) == 1
    assert not [query for query in queries if StageStay._meta.db_table in query["sql"]]


def test_a_staff_member_who_leaves_the_institution_no_longer_sees_its_median(
    started_project, staff_user, institution
):
    project_advance(project=started_project, by=staff_user, rationale=RATIONALE)
    assert stays_counted(analytics.median_years_in_stage(staff_user)) == 1

    staff_user.institutions.remove(institution)

    assert analytics.median_years_in_stage(staff_user) == {}


def test_a_sector_has_a_median_of_its_own(started_project, staff_user):
    project_advance(project=started_project, by=staff_user, rationale=RATIONALE)
    assert stays_counted(analytics.median_years_in_stage(staff_user)) == 1

    assert analytics.median_years_in_stage(staff_user, sector="biomedicine") == {}


def test_a_transaction_sees_its_own_decisions_in_the_median(started_project, staff_user):
    assert analytics.median_years_in_stage(staff_user) == {}

    with transaction.atomic():
        project_advance(project=started_project, by=staff_user, rationale=RATIONALE)
        assert stays_counted(analytics.median_years_in_stage(staff_user)) == 1
        transaction.set_rollback(True)

    assert analytics.median_years_in_stage(staff_user) == {}


def test_with_the_cache_down_the_median_is_computed(started_project, staff_user, monkeypatch):
    project_advance(project=started_project, by=staff_user, rationale=RATIONALE)

    def unreachable(*args, **kwargs):
        raise RedisError("connection refused")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "set", unreachable)

    assert stays_counted(analytics.median_years_in_stage(staff_user)) == 1
