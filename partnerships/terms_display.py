"""An agreement's terms shaped for ``projects/partials/terms.html``, which
the staff project page, the staff agreement page and the partner portal's
agreement page all show."""

from collections import defaultdict
from decimal import Decimal


def agreement_terms_context(agreement) -> dict:
    """The terms of an agreement fetched by ``agreement_terms_for`` (its
    prefetches make this free of queries): cost shares per range of stages
    with both parties' percent, failure clauses, the milestone schedule and
    royalty tiers with the top of each band."""
    ranges = defaultdict(dict)
    for share in agreement.cost_shares.all():
        ranges[(share.first_stage, share.last_stage)][share.party] = share.percent
    cost_shares = [
        {
            "first_stage": first,
            "last_stage": last,
            "research": parties.get("research", Decimal(0)),
            "enterprise": parties.get("enterprise", Decimal(0)),
        }
        for (first, last), parties in sorted(ranges.items(), key=lambda item: item[0][0].position)
    ]
    tiers = list(agreement.royalty_tiers.all())
    royalty_tiers = [
        {
            "tier": tier,
            "upper_bound": tiers[index + 1].lower_bound if index + 1 < len(tiers) else None,
        }
        for index, tier in enumerate(tiers)
    ]
    return {
        "agreement": agreement,
        "cost_shares": cost_shares,
        "failure_clauses": list(agreement.failure_clauses.all()),
        "schedule": list(agreement.milestone_schedule.all()),
        "royalty_tiers": royalty_tiers,
    }
