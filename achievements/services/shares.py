"""Shares that must add up: inventors' contributions, owners' shares."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.errors import DomainError

HUNDRED = Decimal(100)


class SharesError(DomainError):
    code = "invalid_shares"


@dataclass(frozen=True)
class InventorInput:
    person: object
    contribution_percent: Decimal
    department: str = ""


@dataclass(frozen=True)
class OwnerInput:
    """An owning institution or enterprise (one of them) and its share."""

    share_percent: Decimal
    institution: object = None
    enterprise: object = None

    @property
    def party(self):
        return self.institution or self.enterprise


def shares_check(shares: Iterable, *, field: str, what: str) -> None:
    """Refuse shares that are not each above 0 and together 100 %."""
    total = Decimal(0)
    count = 0
    for index, share in enumerate(shares):
        try:
            share = Decimal(share)
        except (InvalidOperation, TypeError, ValueError):
            raise SharesError(_("Enter a percentage."), field=f"{field}.{index}") from None
        if not share.is_finite() or share <= 0 or share > HUNDRED:
            raise SharesError(
                _("A share is more than 0 and at most 100 %."),
                code="share_out_of_range",
                field=f"{field}.{index}",
            )
        if share != share.quantize(Decimal("0.01")):
            raise SharesError(
                _("A share has at most two decimal places."),
                code="share_out_of_range",
                field=f"{field}.{index}",
            )
        total += share
        count += 1
    if count == 0:
        raise SharesError(
            _("Name at least one %(what)s.") % {"what": what},
            code=f"{field}_required",
            field=field,
        )
    if total != HUNDRED:
        raise SharesError(
            _("The %(what)s shares add up to %(total)s %%, not 100 %%.")
            % {"what": what, "total": f"{total.normalize():f}"},
            code="shares_not_100",
            field=field,
        )


def people_once(people: Iterable, *, field: str) -> None:
    seen = set()
    for index, person in enumerate(people):
        if person.pk in seen:
            raise SharesError(
                _("%(name)s is named twice.") % {"name": person},
                code="duplicate_inventor",
                field=f"{field}.{index}",
            )
        seen.add(person.pk)
