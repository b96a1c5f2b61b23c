"""The domain-event bus: services publish, the layers above subscribe."""

from dataclasses import dataclass

import pytest
from django.db import transaction

from core.events import DomainEvent, handlers_of, publish, recorded_events, subscribe


@dataclass(frozen=True, kw_only=True)
class ThingHappened(DomainEvent):
    name: str


@dataclass(frozen=True, kw_only=True)
class SpecialThingHappened(ThingHappened):
    pass


@dataclass(frozen=True, kw_only=True)
class NobodyCares(DomainEvent):
    pass


heard: list[str] = []


@subscribe(ThingHappened)
def _hear_thing(event):
    heard.append(f"thing:{event.name}")


@subscribe(SpecialThingHappened)
def _hear_special(event):
    heard.append(f"special:{event.name}")


@pytest.fixture(autouse=True)
def _fresh_ears():
    heard.clear()
    yield
    heard.clear()


def test_a_subscriber_hears_the_events_of_its_type():
    publish(ThingHappened(name="a"))
    assert heard == ["thing:a"]


def test_a_subscriber_of_a_base_type_hears_its_subtypes_too():
    publish(SpecialThingHappened(name="b"))
    assert sorted(heard) == ["special:b", "thing:b"]


def test_an_event_nobody_subscribes_to_is_published_without_effect():
    publish(NobodyCares())
    assert heard == []


def test_subscribing_the_same_handler_again_does_not_double_it():
    subscribe(ThingHappened)(_hear_thing)
    publish(ThingHappened(name="c"))
    assert heard == ["thing:c"]
    assert handlers_of(ThingHappened).count(_hear_thing) == 1


def test_events_are_frozen_and_take_keywords_only():
    event = ThingHappened(name="d")
    with pytest.raises(AttributeError):
        event.name = "e"
    with pytest.raises(TypeError):
        ThingHappened("positional")


def test_recorded_events_lists_what_was_published_in_order():
    with recorded_events() as events:
        publish(ThingHappened(name="f"))
        publish(NobodyCares())
    publish(ThingHappened(name="after"))
    assert [type(event) for event in events] == [ThingHappened, NobodyCares]


@pytest.mark.django_db
def test_handlers_run_inside_the_publishers_transaction():
    """A handler's failure fails the change: the two commit or roll back
    together."""

    @dataclass(frozen=True, kw_only=True)
    class Exploding(DomainEvent):
        pass

    @subscribe(Exploding)
    def _explode(event):
        raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError), transaction.atomic():
        publish(Exploding())
