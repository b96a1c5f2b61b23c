"""The timeline hears of changes made in the apps below ``projects``
through their domain events, and records them as it records its own."""

from core.events import subscribe
from partnerships.events import AgreementEvent

from .activity import activity_record


@subscribe(AgreementEvent)
def agreement_activity_record(event: AgreementEvent) -> None:
    """An agreement recorded or changed, or one of its terms changed: one
    timeline entry on the agreement."""
    activity_record(
        actor=event.by,
        verb=event.verb,
        target=event.agreement,
        agreement=event.agreement,
        summary=event.summary,
        changes=event.changes,
    )
