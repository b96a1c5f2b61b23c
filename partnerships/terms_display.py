"""An agreement's terms shaped for ``projects/partials/terms.html``, which
the staff project page, the staff agreement page and the partner portal's
agreement page all show."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext, ngettext


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


def term_left(position) -> str:
    """How long an agreement's term has left, in words: "2 years 3 months
    left", "12 days left", "Expired". Empty when it has no expiry date."""
    if position.expires_on is None:
        return ""
    if position.expired:
        return gettext("Expired")
    if position.days_left == 0:
        return gettext("Expires today")
    years, months = position.years_and_months_left
    if years == 0 and months == 0:
        return ngettext("%(count)d day left", "%(count)d days left", position.days_left) % {
            "count": position.days_left
        }
    parts = []
    if years:
        parts.append(ngettext("%(count)d year", "%(count)d years", years) % {"count": years})
    if months:
        parts.append(ngettext("%(count)d month", "%(count)d months", months) % {"count": months})
    return gettext("%(span)s left") % {"span": " ".join(parts)}
