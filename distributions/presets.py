"""Policies an institution can start from: China's statutory default, a
provincial rule that raises it, and a US-style policy in two tiers.

Each preset is plain data (the shares as fractions, 0.5 = 50 %); a policy
made from one is an ordinary policy the institution may then change.
docs/income-distribution.md cites the source of each and says why the
shares the law leaves open are what they are.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from achievements.choices import IpCostKind

from .choices import PolicyPreset
from .computations.shares import Tier

# The direct costs of protecting and transferring an achievement, deducted
# from its receipts to give its net income. "Other" costs are not deducted
# unless the institution says so.
DEFAULT_DEDUCTIBLE_COST_KINDS: tuple[str, ...] = (
    IpCostKind.OFFICIAL_FEE,
    IpCostKind.COUNSEL,
    IpCostKind.EVALUATION,
    IpCostKind.AGENCY,
    IpCostKind.LEGAL,
)


def _d(value: str) -> Decimal:
    return Decimal(value)


@dataclass(frozen=True)
class Preset:
    """A starting point for a policy: its tiers, its shares of equity and
    of operating profit, and the rule it follows."""

    key: str
    name: str
    name_zh: str
    tiers: tuple[Tier, ...]
    equity_inventor_share: Decimal
    operating_profit_share: Decimal
    operating_profit_years: int
    source: str
    description: str = ""
    deductible_cost_kinds: tuple[str, ...] = DEFAULT_DEDUCTIBLE_COST_KINDS

    @property
    def label(self) -> str:
        return str(PolicyPreset(self.key).label)


PRESETS: dict[str, Preset] = {
    PolicyPreset.CHINA_STATUTORY: Preset(
        key=PolicyPreset.CHINA_STATUTORY,
        name="Statutory default (Law on Promoting the Transformation, Art. 45)",
        name_zh="法定标准（促进科技成果转化法第四十五条）",
        # The law sets the inventors' floor only; the rest is the
        # institution's to share. The department bears the lab, the office
        # the cost of the transfer; the institution keeps what is left.
        tiers=(
            Tier(
                up_to=None,
                inventors=_d("0.50"),
                department=_d("0.20"),
                institution=_d("0.20"),
                office=_d("0.10"),
            ),
        ),
        equity_inventor_share=_d("0.50"),
        operating_profit_share=_d("0.05"),
        operating_profit_years=5,
        source="《中华人民共和国促进科技成果转化法》（2015年修正）第四十五条",
        description=_(
            "At least 50 per cent of the net income from a transfer or licence, and of the "
            "equity received, to the people who made the key contribution; at least 5 per "
            "cent of operating profit for three to five years when the institution exploits "
            "the achievement itself."
        ),
    ),
    PolicyPreset.PROVINCIAL_70: Preset(
        key=PolicyPreset.PROVINCIAL_70,
        name="Beijing regulation of 2019: 70 % to the inventors",
        name_zh="北京市促进科技成果转化条例（2019）：不低于70%",
        tiers=(
            Tier(
                up_to=None,
                inventors=_d("0.70"),
                department=_d("0.10"),
                institution=_d("0.10"),
                office=_d("0.10"),
            ),
        ),
        equity_inventor_share=_d("0.70"),
        operating_profit_share=_d("0.05"),
        operating_profit_years=5,
        source="《北京市促进科技成果转化条例》（2019年11月27日通过，2020年1月1日起施行）",
        description=_(
            "A provincial rule raising the inventors' floor to 70 per cent of net income and of "
            "equity received. Check the current text of your own province's regulation."
        ),
    ),
    PolicyPreset.US_TWO_TIERS: Preset(
        key=PolicyPreset.US_TWO_TIERS,
        name="Two tiers: 50 % of the first 100,000, 25 % above",
        name_zh="两档：首10万的50%，其上25%",
        tiers=(
            Tier(
                up_to=_d("100000"),
                inventors=_d("0.50"),
                department=_d("0.25"),
                institution=_d("0.25"),
            ),
            Tier(
                up_to=None,
                inventors=_d("0.25"),
                department=_d("0.25"),
                institution=_d("0.50"),
            ),
        ),
        equity_inventor_share=_d("0.25"),
        operating_profit_share=_d("0"),
        operating_profit_years=0,
        source="US university royalty-sharing policies with a declining inventors' share",
        description=_(
            "The inventors' share falls as cumulative net income grows, as at several US "
            "universities: 50 per cent of the first 100,000 and 25 per cent of the rest."
        ),
    ),
}


def preset(key: str) -> Preset:
    """The preset of ``key`` (a ``PolicyPreset`` value other than custom)."""
    return PRESETS[PolicyPreset(key)]
