"""The timeline hears of changes made in the apps below ``projects``
through their domain events, and records them as it records its own."""

from core.events import subscribe
from partnerships.events import (
    AgreementCreated,
    AgreementEvent,
    AgreementUpdated,
    PartnershipModeChanged,
)
from pipelines.events import SectorPositionChanged, StagePositionChanged

from .activity import activity_record
from .services.fixed_payments import agreement_fixed_payments_schedule
from .services.stage_ranks import stage_ranks_sector_update, stage_ranks_stage_update
from .services.stays import stage_stays_mode_update, stage_stays_position_update

# The agreement's particulars and terms that decide its fixed payments.
FIXED_PAYMENT_TERMS = {
    "status",
    "signed_on",
    "effective_on",
    "expires_on",
    "currency",
    "upfront_amount",
    "upfront_due_on",
    "annual_licence_fee",
    "annual_maintenance_fee",
}


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


@subscribe(AgreementCreated, AgreementUpdated)
def agreement_fixed_payments_record(event: AgreementCreated | AgreementUpdated) -> None:
    """A signed agreement makes its upfront and annual fees owed: recorded
    when it is signed (or recorded as signed), and again when the terms
    that decide them change."""
    if isinstance(event, AgreementUpdated) and not FIXED_PAYMENT_TERMS & set(event.changes):
        return
    agreement_fixed_payments_schedule(agreement=event.agreement, by=event.by)


@subscribe(PartnershipModeChanged)
def stage_stays_mode_record(event: PartnershipModeChanged) -> None:
    """The stays of the partnership's projects are grouped under its new
    cooperation mode."""
    stage_stays_mode_update(partnership=event.partnership)


@subscribe(StagePositionChanged)
def stage_stays_position_record(event: StagePositionChanged) -> None:
    """The stays in the stage are grouped under its new position."""
    stage_stays_position_update(stage=event.stage)


@subscribe(StagePositionChanged)
def stage_ranks_stage_record(event: StagePositionChanged) -> None:
    """The projects in the stage are sorted by its new position."""
    stage_ranks_stage_update(stage=event.stage)


@subscribe(SectorPositionChanged)
def stage_ranks_sector_record(event: SectorPositionChanged) -> None:
    """The projects in the sector's stages are sorted by its new position."""
    stage_ranks_sector_update(sector=event.sector)
