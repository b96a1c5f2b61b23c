"""Turn a term sheet into a draft agreement ("turn into an agreement").

Everything is written through the partnerships services, which decide who
may write an agreement (the staff who act for the partnership's research
party) and what is valid; this adds only the translation of the sheet's
terms into the agreement's and the link back to the valuation.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from partnerships.choices import AgreementKind, MilestoneKind, Party
from partnerships.computations.royalties import Tier
from partnerships.models import Agreement, Partnership
from partnerships.services import (
    CostShareInput,
    agreement_create,
    cost_shares_set,
    failure_clause_create,
    milestone_schedule_item_create,
    royalty_tiers_set,
)

from .models import TermSheetAgreement, Valuation
from .termsheet import HUNDRED, TermSheet, TermSheetError

TRIGGER_EVENT_LENGTH = 200


@transaction.atomic
def agreement_from_term_sheet(
    *,
    valuation: Valuation,
    sheet: TermSheet,
    partnership: Partnership | None,
    reference: str,
    title: str,
    by,
) -> Agreement:
    """A draft licence under ``partnership`` with the sheet's terms: the
    upfront, a scheduled milestone per milestone (entering the stage after
    the phase whose success triggers it, or the sales event), the royalty
    tiers and basis, the royalty term, the minimum annual royalty, the
    equity share, field and territory, each stage's cost shares and its
    failure clause. All or nothing: a refusal leaves no agreement."""
    if partnership is None:
        raise TermSheetError(
            _("Choose the partnership the agreement is under."),
            code="no_partnership",
            field="partnership",
        )
    agreement = agreement_create(
        by=by,
        partnership=partnership,
        reference=reference,
        title=title,
        kind=AgreementKind.LICENCE,
        status=Agreement.Status.DRAFT,
        currency=sheet.currency,
        field_of_use=sheet.field_of_use,
        territory=sheet.territory,
        upfront_amount=sheet.upfront,
        royalty_basis=sheet.royalty_basis,
        royalty_term_years=sheet.royalty_term_years,
        minimum_annual_royalty=sheet.minimum_annual_royalty,
        equity_share=sheet.equity_share,
    )
    for position, milestone in enumerate(sheet.milestones):
        if milestone.trigger_stage is not None:
            trigger = {"trigger_stage": milestone.trigger_stage}
        else:
            trigger = {"trigger_event": milestone.trigger[:TRIGGER_EVENT_LENGTH]}
        milestone_schedule_item_create(
            agreement=agreement,
            by=by,
            name=milestone.name,
            kind=(
                MilestoneKind.COMMERCIAL
                if milestone.sales_threshold is not None
                else MilestoneKind.TECHNICAL
            ),
            amount=milestone.amount,
            position=position,
            **trigger,
        )
    if sheet.royalty_tiers:
        royalty_tiers_set(
            agreement=agreement,
            tiers=[Tier(tier.lower_bound, tier.rate_percent) for tier in sheet.royalty_tiers],
            basis=sheet.royalty_basis,
            by=by,
        )
    shares = []
    for term in sheet.stages:
        shares += [
            CostShareInput(
                term.stage, term.stage, Party.RESEARCH, HUNDRED - term.licensee_cost_percent
            ),
            CostShareInput(term.stage, term.stage, Party.ENTERPRISE, term.licensee_cost_percent),
        ]
    if shares:
        cost_shares_set(agreement=agreement, shares=shares, by=by)
    for term in sheet.stages:
        if term.failure_clause:
            failure_clause_create(
                agreement=agreement,
                by=by,
                stage=term.stage,
                ip_reverts_to_institution=term.ip_reverts_to_institution,
                sunk_costs_borne_by=term.sunk_costs_borne_by,
                notes=term.failure_clause,
            )
    TermSheetAgreement.objects.create(
        valuation=valuation, structure=sheet.structure_key, agreement=agreement, created_by=by
    )
    return agreement
