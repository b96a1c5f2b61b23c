"""The docket: the deadlines of the portfolio the user sees, open ones first
and the overdue at the top, filterable, each met or let pass from its row.
It is read a page at a time without counting the whole docket, and its
queries do not grow with its rows."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from achievements.models import Deadline
from achievements.selectors import docket_for
from achievements.views.docket import DOCKET_PER_PAGE
from tests.factories import (
    AchievementFactory,
    CounselFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    ResearcherUserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
# Each annuity its own year, so that no two collide on one application.
SEQUENCE = itertools.count(1)


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return staff_user


def _deadline(application, *, days, kind="annuity", sequence=None, **fields):
    """A deadline ``days`` from today on ``application``'s docket."""
    return Deadline.objects.create(
        family=application.family,
        application=application,
        achievement=application.family.achievement,
        kind=kind,
        sequence=sequence if sequence is not None else next(SEQUENCE),
        due_on=TODAY() + datetime.timedelta(days=days),
        **fields,
    )


@pytest.fixture
def application(institution):
    family = PatentFamilyFactory(achievement=AchievementFactory(owner=institution))
    return PatentApplicationFactory(family=family, counsel=CounselFactory(name="Lin & Partners"))


def _rows(response):
    return [deadline.pk for deadline in response.context["page"].deadlines]


def test_open_deadlines_come_first_the_overdue_at_the_top(client, staff, application):
    later = _deadline(application, days=40)
    overdue = _deadline(application, days=-3)
    soon = _deadline(application, days=5)
    done = _deadline(application, days=-10, state="done", done_on=TODAY())

    open_only = client.get(reverse("achievements:docket"))
    every_state = client.get(reverse("achievements:docket"), {"state": "all"})

    assert _rows(open_only) == [overdue.pk, soon.pk, later.pk]
    assert _rows(every_state) == [overdue.pk, soon.pk, later.pk, done.pk]
    assert "Overdue" in open_only.content.decode()


def test_the_selector_orders_open_before_closed(superuser, application):
    """``docket_for`` itself puts the open deadlines first, whatever their
    state's name sorts as ("done" before "open")."""
    done = _deadline(application, days=-30, state="done", done_on=TODAY())
    waived = _deadline(application, days=-20, state="waived", waived_reason="Dropped")
    open_ = _deadline(application, days=60)

    assert list(docket_for(superuser).values_list("pk", flat=True)) == [
        open_.pk,
        done.pk,
        waived.pk,
    ]


def test_the_docket_filters_by_jurisdiction_counsel_achievement_kind_and_state(
    client, staff, institution, application
):
    annuity = _deadline(application, days=10)
    us_family = PatentFamilyFactory(achievement=AchievementFactory(owner=institution))
    us_application = PatentApplicationFactory(family=us_family, jurisdiction="US")
    maintenance = _deadline(us_application, days=20, kind="maintenance_fee")
    waived = _deadline(application, days=2, state="waived", waived_reason="Dropped")
    url = reverse("achievements:docket")

    assert _rows(client.get(url, {"jurisdiction": "US"})) == [maintenance.pk]
    assert _rows(client.get(url, {"counsel": application.counsel.pk})) == [annuity.pk]
    assert _rows(client.get(url, {"achievement": us_family.achievement.reference.lower()})) == [
        maintenance.pk
    ]
    assert _rows(client.get(url, {"kind": "annuity"})) == [annuity.pk]
    assert _rows(client.get(url, {"state": "waived"})) == [waived.pk]


def test_the_docket_shows_only_the_users_portfolio(client, staff, application):
    own = _deadline(application, days=10)
    foreign_application = PatentApplicationFactory()
    _deadline(foreign_application, days=1)

    assert _rows(client.get(reverse("achievements:docket"))) == [own.pk]


def test_a_deadline_of_another_institution_cannot_be_closed(client, staff):
    foreign = _deadline(PatentApplicationFactory(), days=1)

    response = client.post(
        reverse("achievements:deadline_action", args=[foreign.pk, "complete"]), {}
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == "open"


def test_partners_and_researchers_find_no_docket(client, partner_user, application):
    deadline = _deadline(application, days=1)
    for user in (partner_user, ResearcherUserFactory()):
        client.force_login(user)

        assert client.get(reverse("achievements:docket")).status_code == 404
        assert (
            client.post(
                reverse("achievements:deadline_action", args=[deadline.pk, "complete"])
            ).status_code
            == 404
        )


def test_pages_turn_without_counting_the_docket(client, staff, application):
    for days in range(DOCKET_PER_PAGE + 1):
        _deadline(application, days=days)

    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("achievements:docket"))
    second = client.get(reverse("achievements:docket"), {"page": "2"})

    assert len(first.context["page"].deadlines) == DOCKET_PER_PAGE
    assert first.context["page"].has_next
    assert len(second.context["page"].deadlines) == 1
    assert not second.context["page"].has_next
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


def test_the_dockets_queries_do_not_grow_with_its_rows(client, staff, institution, application):
    _deadline(application, days=1)
    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse("achievements:docket"))
    for index in range(30):
        family = PatentFamilyFactory(achievement=AchievementFactory(owner=institution))
        other = PatentApplicationFactory(family=family, counsel=CounselFactory())
        _deadline(other, days=index, kind="office_action" if index % 2 else "annuity")

    with CaptureQueriesContext(connection) as many_rows:
        response = client.get(reverse("achievements:docket"))

    assert len(response.context["page"].deadlines) == 31
    assert len(many_rows.captured_queries) == len(one_row.captured_queries)


def test_a_crafted_page_number_shows_a_page(client, staff, application):
    _deadline(application, days=1)

    for page in ("abc", "-1", "9" * 40):
        assert client.get(reverse("achievements:docket"), {"page": page}).status_code == 200


def test_marking_a_deadline_done_from_its_row(client, staff, application):
    deadline = _deadline(application, days=5)
    done_on = TODAY() - datetime.timedelta(days=1)

    response = client.post(
        reverse("achievements:deadline_action", args=[deadline.pk, "complete"]),
        {"done_on": done_on.isoformat()},
        headers={"HX-Request": "true"},
    )

    deadline.refresh_from_db()
    assert response.status_code == 200
    assert deadline.state == "done"
    assert deadline.done_on == done_on
    assert f'id="deadline-{deadline.pk}"' in response.content.decode()
    assert 'data-state="done"' in response.content.decode()


def test_letting_a_deadline_pass_needs_a_reason(client, staff, application):
    deadline = _deadline(application, days=5)
    url = reverse("achievements:deadline_action", args=[deadline.pk, "waive"])

    refused = client.post(url, {"reason": ""}, headers={"HX-Request": "true"})
    deadline.refresh_from_db()
    state_after_refusal = deadline.state
    accepted = client.post(url, {"reason": "No EP entry", "next": "/achievements/docket/"})

    deadline.refresh_from_db()
    assert refused.status_code == 200
    assert "alert-danger" in refused.content.decode()
    assert state_after_refusal == "open"
    assert accepted.status_code == 302
    assert accepted.url == "/achievements/docket/"
    assert deadline.state == "waived"
    assert deadline.waived_reason == "No EP entry"


def test_a_closed_deadline_is_refused_not_an_error(client, staff, application):
    deadline = _deadline(application, days=5, state="done", done_on=TODAY())

    response = client.post(
        reverse("achievements:deadline_action", args=[deadline.pk, "complete"]),
        {},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "closed already" in response.content.decode()


def test_an_unknown_action_answers_404(client, staff, application):
    deadline = _deadline(application, days=5)

    response = client.post(reverse("achievements:deadline_action", args=[deadline.pk, "delete"]))

    assert response.status_code == 404


def test_every_state_pages_through_open_then_done_then_waived(client, staff, application):
    """With every state shown, the pages run through the open deadlines,
    then the done and the waived ones, none twice and none left out."""
    open_ = [_deadline(application, days=days) for days in range(30)]
    done = [
        _deadline(application, days=-days, state="done", done_on=TODAY()) for days in range(1, 31)
    ]
    waived = [
        _deadline(application, days=days, state="waived", waived_reason="Dropped")
        for days in range(30)
    ]
    expected = [
        deadline.pk
        for deadline in (
            sorted(open_, key=lambda d: d.due_on)
            + sorted(done, key=lambda d: d.due_on)
            + sorted(waived, key=lambda d: d.due_on)
        )
    ]

    seen, number = [], 1
    while True:
        page = client.get(reverse("achievements:docket"), {"state": "all", "page": number})
        seen += _rows(page)
        if not page.context["page"].has_next:
            break
        number += 1

    assert seen == expected
    assert number == 2
    beyond = client.get(reverse("achievements:docket"), {"state": "all", "page": 9})
    assert _rows(beyond) == []
