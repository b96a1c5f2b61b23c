"""Cost shares, failure clauses and cost entries (DESIGN §5)."""

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.money import Currency, quantize_money
from partnerships.choices import Party
from partnerships.models import Agreement, CostShare, FailureClause
from partnerships.selectors import acts_for_research_party
from pipelines.models import StageDefinition
from projects.activity import activity_record
from projects.models import CostEntry, ResearchProject
from projects.selectors import staff_work_on_project

PERCENT_STEP = Decimal("0.01")


class TermsError(DomainError):
    code = "invalid_terms"


@dataclass(frozen=True)
class CostShareInput:
    first_stage: StageDefinition
    last_stage: StageDefinition
    party: str
    percent: Decimal


def _require_terms_editor(agreement: Agreement, by) -> None:
    if not acts_for_research_party(by, agreement) or by.is_partner:
        raise TermsError(
            _("Only the research party's staff edit the terms."), code="permission_denied"
        )


def validate_cost_shares(shares: list[CostShareInput]) -> None:
    """Every stage range's shares add up to exactly 100, each party has one
    share per range, and ranges of one pipeline do not overlap."""
    ranges: dict[tuple[int, int], list[CostShareInput]] = defaultdict(list)
    for share in shares:
        if share.party not in Party.values:
            raise TermsError(_("Unknown party %(party)s.") % {"party": share.party}, field="party")
        if not 0 <= share.percent <= 100:
            raise TermsError(_("A cost share is between 0 and 100 percent."), field="percent")
        if Decimal(share.percent) != Decimal(share.percent).quantize(PERCENT_STEP):
            # Stored to two places, finer shares would no longer add up to 100.
            raise TermsError(
                _("A cost share has at most two decimal places."),
                code="percent_precision",
                field="percent",
            )
        if share.first_stage.pipeline_id != share.last_stage.pipeline_id:
            raise TermsError(_("A stage range lies within one pipeline."), field="last_stage")
        if share.first_stage.position > share.last_stage.position:
            raise TermsError(
                _("A stage range runs forward: its first stage comes first."), field="last_stage"
            )
        ranges[share.first_stage.pk, share.last_stage.pk].append(share)

    spans = []
    for group in ranges.values():
        parties = [share.party for share in group]
        if len(parties) != len(set(parties)):
            raise TermsError(_("A party has one share per stage range."), field="party")
        total = sum((share.percent for share in group), Decimal(0))
        first, last = group[0].first_stage, group[0].last_stage
        if total != 100:
            raise TermsError(
                _("The shares of %(first)s–%(last)s add up to %(total)s%%, not 100%%.")
                % {"first": first.name, "last": last.name, "total": total},
                code="shares_not_100",
                field="percent",
            )
        spans.append((first.pipeline_id, first.position, last.position, first, last))
    spans.sort(key=lambda span: span[:3])
    for earlier, later in itertools.pairwise(spans):
        if earlier[0] == later[0] and later[1] <= earlier[2]:
            raise TermsError(
                _("Stage ranges %(a)s and %(b)s overlap.")
                % {
                    "a": f"{earlier[3].name}–{earlier[4].name}",
                    "b": f"{later[3].name}–{later[4].name}",
                },
                code="ranges_overlap",
                field="first_stage",
            )


@transaction.atomic
def cost_shares_set(*, agreement: Agreement, shares: list[CostShareInput], by) -> list[CostShare]:
    """Replace the agreement's cost shares. For every stage range the
    parties' shares add up to exactly 100, and ranges of one pipeline do not
    overlap. The agreement is locked, so two editors cannot together leave a
    schedule that adds up to something else."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_terms_editor(agreement, by)
    validate_cost_shares(shares)

    before = list(agreement.cost_shares.values("first_stage", "last_stage", "party", "percent"))
    agreement.cost_shares.all().delete()
    created = CostShare.objects.bulk_create(
        CostShare(
            agreement=agreement,
            first_stage=share.first_stage,
            last_stage=share.last_stage,
            party=share.party,
            percent=share.percent,
        )
        for share in shares
    )
    activity_record(
        actor=by,
        verb="terms.cost_shares_set",
        target=agreement,
        agreement=agreement,
        summary=_("Cost shares of %(reference)s updated.") % {"reference": agreement.reference},
        changes={
            "before": before,
            "after": [
                {
                    "first_stage": s.first_stage.pk,
                    "last_stage": s.last_stage.pk,
                    "party": s.party,
                    "percent": s.percent,
                }
                for s in shares
            ],
        },
    )
    return created


def failure_clause_for(*, project: ResearchProject, stage: StageDefinition):
    """The failure clause that applies if the project ends at ``stage``."""
    if project.agreement_id is None:
        return None
    return FailureClause.objects.filter(agreement_id=project.agreement_id, stage=stage).first()


class CostEntryError(DomainError):
    code = "invalid_cost_entry"


@transaction.atomic
def cost_entry_record(
    *,
    project: ResearchProject,
    stage: StageDefinition,
    paid_by: str,
    amount: Decimal,
    currency: str,
    incurred_on: date,
    description: str,
    by,
) -> CostEntry:
    """Record money a party spent on the project at a stage."""
    if not staff_work_on_project(by, project):
        raise CostEntryError(
            _("Only the project's research staff record costs."), code="permission_denied"
        )
    if stage.pipeline_id != project.current_stage.pipeline_id:
        raise CostEntryError(_("The stage belongs to another pipeline."), field="stage")
    if paid_by not in Party.values:
        raise CostEntryError(_("Unknown party."), field="paid_by")
    if currency not in Currency.values:
        raise CostEntryError(_("Unknown currency."), field="currency")
    amount = quantize_money(amount, currency)
    if amount <= 0:
        raise CostEntryError(_("A cost is a positive amount."), field="amount")
    if incurred_on > timezone.localdate():
        raise CostEntryError(_("A cost cannot be dated in the future."), field="incurred_on")
    description = (description or "").strip()
    if not description:
        raise CostEntryError(_("Say what the money was spent on."), field="description")
    entry = CostEntry.objects.create(
        project=project,
        stage=stage,
        paid_by=paid_by,
        amount=amount,
        currency=currency,
        incurred_on=incurred_on,
        description=description,
        recorded_by=by,
    )
    activity_record(
        actor=by,
        verb="cost.recorded",
        target=entry,
        project=project,
        agreement=project.agreement,
        summary=_("%(party)s spent %(amount)s %(currency)s at %(stage)s: %(description)s")
        % {
            "party": Party(paid_by).label,
            "amount": amount,
            "currency": currency,
            "stage": stage.name,
            "description": description,
        },
        changes={"amount": amount, "paid_by": paid_by, "stage": stage.pk},
    )
    return entry
