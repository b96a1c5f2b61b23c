"""Errors of valuations."""

from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidInput


class ValuationInputError(InvalidInput):
    """Inputs a valuation method refuses, named by dotted paths
    (``phases.1.years``, ``comparable_deal_ids.0``)."""


class TargetUnreachable(DomainError):
    """No value of the solved term gives the party its target; ``details``
    carries the range of values the party can reach."""

    code = "unreachable_target"

    def __init__(self, *, term: str, party: str, target: float, low, high):
        def shown(bound):
            return _("unbounded") if bound is None else f"{bound:,.2f}"

        terms = {
            "upfront": _("upfront"),
            "royalty_scale": _("scaling of the royalties"),
            "milestone_scale": _("scaling of the milestones"),
        }
        parties = {"licensor": _("licensor"), "licensee": _("licensee")}
        super().__init__(
            _(
                "No %(term)s gives the %(party)s %(target)s: its value can range from "
                "%(low)s to %(high)s."
            )
            % {
                "term": terms[term],
                "party": parties[party],
                "target": f"{target:,.2f}",
                "low": shown(low),
                "high": shown(high),
            },
            field="solve.target",
            details={"reachable": {"min": low, "max": high}},
        )
