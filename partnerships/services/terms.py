"""The terms of an agreement that are replaced as a whole: the cost shares
by stage range (DESIGN §5) and the royalty tiers with their basis.

Only the staff who act for the agreement's research party edit them; a
refusal or an invalid schedule raises ``TermsError``.
"""

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.events import publish
from core.i18n import Message, localized_name
from pipelines.models import StageDefinition

from ..choices import Party
from ..computations.royalties import Tier, TierError, validate_tiers
from ..events import AgreementTermsChanged
from ..models import Agreement, CostShare, RoyaltyTier
from ..selectors import acts_for_research_party

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
                % {
                    "first": localized_name(first),
                    "last": localized_name(last),
                    "total": number_format(total, use_l10n=True),
                },
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
                    "a": f"{localized_name(earlier[3])}–{localized_name(earlier[4])}",
                    "b": f"{localized_name(later[3])}–{localized_name(later[4])}",
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
    publish(
        AgreementTermsChanged(
            agreement=agreement,
            by=by,
            verb="terms.cost_shares_set",
            summary=Message(
                gettext_lazy("Cost shares of %(reference)s updated."),
                reference=agreement.reference,
            ),
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
    )
    return created


@transaction.atomic
def royalty_tiers_set(
    *, agreement: Agreement, tiers: Sequence[Tier], by, basis: str | None = None
) -> list[RoyaltyTier]:
    """Replace the agreement's royalty tiers (and optionally its basis)."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_terms_editor(agreement, by)
    tiers = sorted(tiers, key=lambda tier: tier.lower_bound)
    try:
        validate_tiers(tiers)
    except TierError as error:
        raise TermsError(str(error), code="invalid_tiers", field="royalty_tiers") from error
    if basis is not None:
        agreement.royalty_basis = basis
        agreement.save(update_fields=["royalty_basis", "updated_at"])
    before = list(agreement.royalty_tiers.values("lower_bound", "rate_percent"))
    agreement.royalty_tiers.all().delete()
    created = RoyaltyTier.objects.bulk_create(
        RoyaltyTier(
            agreement=agreement, lower_bound=tier.lower_bound, rate_percent=tier.rate_percent
        )
        for tier in tiers
    )
    publish(
        AgreementTermsChanged(
            agreement=agreement,
            by=by,
            verb="terms.royalty_tiers_set",
            summary=Message(
                gettext_lazy("Royalty tiers of %(reference)s updated."),
                reference=agreement.reference,
            ),
            changes={
                "basis": agreement.royalty_basis,
                "before": before,
                "after": [
                    {"lower_bound": t.lower_bound, "rate_percent": t.rate_percent} for t in tiers
                ],
            },
        )
    )
    return created
