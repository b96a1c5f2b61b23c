"""The cost-sharing ledger: who owes whom under the cost shares.

Each cost entry is split between the parties by the shares that cover its
stage; a stage no share covers is borne wholly by the party that paid. Per
currency and party, the ledger gives the obligation, what the party paid and
the balance (paid − obligation): positive means the other party owes it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

PARTIES = ("research", "enterprise")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ShareRange:
    pipeline_id: int
    first_position: int
    last_position: int
    party: str
    percent: Decimal


@dataclass(frozen=True)
class Cost:
    pipeline_id: int
    stage_position: int
    paid_by: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class LedgerLine:
    currency: str
    party: str
    obligation: Decimal
    paid: Decimal

    @property
    def balance(self) -> Decimal:
        return self.paid - self.obligation


def shares_for_stage(
    shares: Sequence[ShareRange], pipeline_id: int, position: int
) -> dict[str, Decimal]:
    """Each party's percent of a stage's costs; empty if no share covers it."""
    return {
        share.party: share.percent
        for share in shares
        if share.pipeline_id == pipeline_id
        and share.first_position <= position <= share.last_position
    }


def cost_ledger(shares: Sequence[ShareRange], costs: Iterable[Cost]) -> list[LedgerLine]:
    obligation: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    paid: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    currencies = set()
    for cost in costs:
        currencies.add(cost.currency)
        paid[cost.currency, cost.paid_by] += cost.amount
        split = shares_for_stage(shares, cost.pipeline_id, cost.stage_position)
        if not split:
            split = {cost.paid_by: HUNDRED}
        for party, percent in split.items():
            obligation[cost.currency, party] += cost.amount * percent / HUNDRED
    return [
        LedgerLine(
            currency=currency,
            party=party,
            obligation=obligation[currency, party],
            paid=paid[currency, party],
        )
        for currency in sorted(currencies)
        for party in PARTIES
    ]
