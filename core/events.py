"""Domain events: a service tells the layers above it what happened.

A service knows the objects it changed; it must not know who cares. It
publishes a typed event with those objects in hand (``MilestonePaid(
milestone=…, invoice=…, payment=…)``), and the apps above it — the timeline,
notices, webhooks — subscribe to the events they care about from their
``AppConfig.ready()``. Nothing parses a key or guesses from a verb what
happened.

Handlers run at once, inside the publisher's transaction: what they write (a
timeline entry, a notice, an outbox row) commits or rolls back with the change
itself, so a change is never announced without having happened, nor happen
unannounced. What leaves the process (an email, an HTTP delivery) a handler
defers to ``transaction.on_commit``.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

type Handler = Callable[[DomainEvent], object]


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base of every event: a frozen dataclass named in the past tense,
    holding the objects the change was about and who made it."""


_handlers: defaultdict[type[DomainEvent], list[Handler]] = defaultdict(list)


def subscribe(*event_types: type[DomainEvent]) -> Callable[[Handler], Handler]:
    """Register the decorated function for these events (and their
    subclasses). Registering the same handler twice has no effect, so a
    module imported again does not double its notices."""

    def register(handler: Handler) -> Handler:
        for event_type in event_types:
            if handler not in _handlers[event_type]:
                _handlers[event_type].append(handler)
        return handler

    return register


def publish(event: DomainEvent) -> list:
    """Call every handler of the event's type and of its base types, in the
    order they subscribed. A handler's error propagates: the change and its
    consequences fail together.

    Returns what the handlers returned, in that order. Most return nothing;
    a publisher that reports what it achieved (the daily reminders count the
    reminders that told somebody) reads the answers."""
    answers = []
    for event_type in type(event).__mro__:
        for handler in tuple(_handlers.get(event_type, ())):
            answers.append(handler(event))
    return answers


def handlers_of(event_type: type[DomainEvent]) -> list[Handler]:
    """The handlers an event of this type reaches, for tests and docs."""
    return [handler for base in event_type.__mro__ for handler in _handlers.get(base, ())]


@contextmanager
def recorded_events() -> Iterator[list[DomainEvent]]:
    """Collect the events published inside the block, in order (for tests:
    which events a service announces)."""
    events: list[DomainEvent] = []

    def record(event: DomainEvent) -> None:
        events.append(event)

    _handlers[DomainEvent].insert(0, record)
    try:
        yield events
    finally:
        _handlers[DomainEvent].remove(record)
