"""Partnerships' services announce every change to an agreement with a
typed event, and the timeline (which lives above them) records it."""

from decimal import Decimal

import pytest

from core.events import recorded_events
from partnerships import services
from partnerships.computations.royalties import Tier
from partnerships.events import AgreementCreated, AgreementTermsChanged, AgreementUpdated
from partnerships.services import TermsError
from projects.models import Activity

pytestmark = pytest.mark.django_db

TIERS = [Tier(Decimal(0), Decimal(5)), Tier(Decimal(1_000_000), Decimal(8))]


def test_recording_an_agreement_announces_it_and_puts_it_on_the_timeline(staff_user, partnership):
    with recorded_events() as events:
        agreement = services.agreement_create(
            by=staff_user,
            partnership=partnership,
            reference="AG-7",
            title="Licence",
            kind="licence",
        )

    assert [type(event) for event in events] == [AgreementCreated]
    assert events[0].agreement == agreement
    assert events[0].by == staff_user
    entry = Activity.objects.get(agreement=agreement, verb="agreement.created")
    assert entry.actor == staff_user
    assert entry.summary == "Agreement AG-7 recorded."
    assert entry.project is None
    assert not entry.is_internal


def test_a_change_is_announced_with_the_values_before_and_after(staff_user, agreement):
    with recorded_events() as events:
        services.agreement_update(agreement=agreement, by=staff_user, title="Renamed licence")

    [event] = events
    assert isinstance(event, AgreementUpdated)
    assert event.verb == "agreement.updated"
    assert event.changes["title"][1] == "Renamed licence"
    assert Activity.objects.filter(agreement=agreement, verb="agreement.updated").count() == 1


def test_an_update_that_changes_nothing_announces_nothing(staff_user, agreement):
    with recorded_events() as events:
        services.agreement_update(agreement=agreement, by=staff_user, title=agreement.title)

    assert events == []
    assert not Activity.objects.filter(agreement=agreement, verb="agreement.updated").exists()


def test_new_royalty_tiers_are_announced_as_a_change_of_terms(staff_user, agreement):
    with recorded_events() as events:
        services.royalty_tiers_set(agreement=agreement, tiers=TIERS, by=staff_user)

    [event] = events
    assert isinstance(event, AgreementTermsChanged)
    assert event.verb == "terms.royalty_tiers_set"
    assert event.agreement == agreement
    entry = Activity.objects.get(agreement=agreement, verb="terms.royalty_tiers_set")
    assert entry.changes["after"] == [
        {"lower_bound": "0", "rate_percent": "5"},
        {"lower_bound": "1000000", "rate_percent": "8"},
    ]


def test_refused_terms_are_not_announced(partner_user, agreement):
    with recorded_events() as events, pytest.raises(TermsError):
        services.royalty_tiers_set(agreement=agreement, tiers=TIERS, by=partner_user)

    assert events == []
    assert not Activity.objects.filter(agreement=agreement).exists()
