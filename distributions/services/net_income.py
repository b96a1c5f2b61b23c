"""The net income of an achievement: what its agreements brought in, in the
part the agreements attribute to it, less the costs of protecting and
transferring it that the policy deducts.

Receipts are counted by the day the money arrived (a payment's ``paid_on``)
and costs by the day they were incurred; amounts in another currency are
converted at the rate of that day.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from achievements.models import AchievementAgreement, IpCost
from core.errors import DomainError
from core.exchange import convert
from core.money import quantize_money
from projects.models import Payment

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class MissingRate(DomainError):
    code = "missing_exchange_rate"


@dataclass
class AchievementIncome:
    """Receipts and deductible costs of one achievement, in one currency:
    within the period and cumulative from the first record to its end."""

    receipts: Decimal = ZERO
    costs: Decimal = ZERO
    cumulative_receipts: Decimal = ZERO
    cumulative_costs: Decimal = ZERO
    agreement_ids: set[int] = field(default_factory=set)

    @property
    def net_income(self) -> Decimal:
        return self.receipts - self.costs

    @property
    def cumulative_net_income(self) -> Decimal:
        return self.cumulative_receipts - self.cumulative_costs


# The agreement a payment's invoice bills, whichever it bills: a milestone,
# a royalty report or a fixed payment.
INVOICE_AGREEMENTS = (
    "invoice__milestone__agreement",
    "invoice__royalty_report__agreement",
    "invoice__fixed_payment__agreement",
)


def achievement_income(
    achievement_ids: Iterable[int] | QuerySet,
    *,
    institution_id: int,
    start: date,
    end: date,
    currency: str,
    deductible_cost_kinds: Iterable[str],
) -> dict[int, AchievementIncome]:
    """Receipts of ``institution_id`` and deductible costs per achievement,
    in ``currency``.

    A payment under an agreement that covers several achievements counts
    for each by the agreement's income share for it. Raises ``MissingRate``
    when an amount cannot be converted: a distribution short of a receipt
    is worse than none."""
    incomes: dict[int, AchievementIncome] = defaultdict(AchievementIncome)
    shares_by_agreement: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    # Only what the institution itself received: a co-owner's licences pay
    # the co-owner, who shares that income by its own policy.
    links = AchievementAgreement.objects.filter(
        achievement_id__in=achievement_ids, agreement__partnership__institution_id=institution_id
    )
    for link in links.values("achievement_id", "agreement_id", "income_share_percent"):
        shares_by_agreement[link["agreement_id"]].append(
            (link["achievement_id"], link["income_share_percent"] / HUNDRED)
        )
    # One query per kind of invoice, each joined straight to its agreement:
    # faster on both databases than one query with three outer joins.
    payments = [
        row
        for agreement in INVOICE_AGREEMENTS
        for row in Payment.objects.filter(
            paid_on__lte=end, **{f"{agreement}__partnership__institution_id": institution_id}
        ).values("amount", "currency", "paid_on", agreement_id=F(f"{agreement}_id"))
    ]
    rates: dict = {}
    for payment in payments:
        agreement_id = payment["agreement_id"]
        amount = _in_currency(
            payment["amount"], payment["currency"], currency, payment["paid_on"], rates
        )
        for achievement_id, share in shares_by_agreement.get(agreement_id, ()):
            income = incomes[achievement_id]
            part = amount * share
            income.cumulative_receipts += part
            if payment["paid_on"] >= start:
                income.receipts += part
                income.agreement_ids.add(agreement_id)
    costs = IpCost.objects.filter(
        achievement_id__in=achievement_ids,
        kind__in=list(deductible_cost_kinds),
        incurred_on__lte=end,
    ).values("achievement_id", "amount", "currency", "incurred_on")
    for cost in costs:
        amount = _in_currency(
            cost["amount"], cost["currency"], currency, cost["incurred_on"], rates
        )
        income = incomes[cost["achievement_id"]]
        income.cumulative_costs += amount
        if cost["incurred_on"] >= start:
            income.costs += amount
    for income in incomes.values():
        for name in ("receipts", "costs", "cumulative_receipts", "cumulative_costs"):
            setattr(income, name, quantize_money(getattr(income, name), currency))
    return dict(incomes)


def _in_currency(amount: Decimal, source: str, target: str, on: date, rates: dict) -> Decimal:
    if source == target:
        return amount
    converted = convert(amount, source, target, on=on, cache=rates)
    if converted.amount is None:
        raise MissingRate(
            _(
                "No exchange rate from %(source)s to %(target)s on or before %(date)s: "
                "record one before distributing."
            )
            % {"source": source, "target": target, "date": on.isoformat()}
        )
    return converted.amount
