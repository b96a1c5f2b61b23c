"""The demo's income distribution as data: what the contracts the annual
reports count were paid, the achievements they concern, the costs of 2025,
the equity the institutions hold, each institution's distribution policy and
the runs of the last year and a half. ``demo.distribution`` writes them.

The dates are fixed, like the rest of the demo's history: the last calendar
year is 2025 (``DEMO_AS_OF`` falls in 2026).
"""

import datetime
from dataclasses import dataclass

from achievements.choices import IpCostKind, TransferMode
from distributions.choices import PolicyPreset
from projects.choices import FixedPaymentKind

_d = datetime.date


@dataclass(frozen=True)
class InstalmentSpec:
    """An amount owed under an agreement, invoiced on ``issued_on`` (due 30
    days later) and paid on ``paid_on``."""

    agreement: str
    kind: str
    description: str
    amount: int
    issued_on: datetime.date
    paid_on: datetime.date


@dataclass(frozen=True)
class LinkSpec:
    achievement: str
    agreement: str
    mode: str
    income_share_percent: int = 100


@dataclass(frozen=True)
class CostSpec:
    achievement: str
    kind: str
    amount: int
    incurred_on: datetime.date
    description: str


@dataclass(frozen=True)
class HoldingSpec:
    """Shares an institution received for contributing achievements, and
    the ones it has sold since: (day, shares, proceeds)."""

    institution: str
    company: str
    agreement: str
    acquired_on: datetime.date
    shares: int
    value: int
    founded_by_institution: bool
    sales: tuple[tuple[datetime.date, int, int], ...] = ()


@dataclass(frozen=True)
class PolicySpec:
    institution: str
    effective_from: datetime.date
    preset: str
    name: str
    name_zh: str
    # inventors, department, institution, office: one tier, no limit
    shares: tuple[str, str, str, str]
    equity_inventor_share: str
    source: str
    operating_profit_share: str = "0.05"
    operating_profit_years: int = 5


@dataclass(frozen=True)
class RunSpec:
    """A run of every distributing institution over one period: prepared,
    approved by the other staff member, put on public notice and its lines
    paid or granted on the days given; a run without ``approved_on`` stays a
    draft. ``co_owners_pending``: the co-owners' lines wait for their
    invoice."""

    period_start: datetime.date
    period_end: datetime.date
    prepared_on: datetime.date
    notes: str
    approved_on: datetime.date | None = None
    notice_on: datetime.date | None = None
    settled_on: datetime.date | None = None
    co_owners_pending: bool = False


# The new contracts' money: an option fee, a service in two halves, a
# development contract in three instalments (the last this year), a
# consulting fee, two licence fees in two instalments each and this year's
# service.
INSTALMENTS = (
    InstalmentSpec(
        "AGR-ELU-HHB-2025-02",
        FixedPaymentKind.OPTION_FEE,
        "Option fee",
        300_000,
        _d(2025, 3, 20),
        _d(2025, 4, 10),
    ),
    InstalmentSpec(
        "AGR-NCG-JLS-2025-02",
        FixedPaymentKind.OTHER,
        "Genotyping service: the first 6,000 lines",
        340_000,
        _d(2025, 3, 10),
        _d(2025, 4, 2),
    ),
    InstalmentSpec(
        "AGR-NCG-JLS-2025-02",
        FixedPaymentKind.OTHER,
        "Genotyping service: the other 6,000 lines",
        340_000,
        _d(2025, 10, 9),
        _d(2025, 10, 30),
    ),
    InstalmentSpec(
        "AGR-ELU-GCE-2025-02",
        FixedPaymentKind.OTHER,
        "Development contract: first instalment (40 %) on signing",
        960_000,
        _d(2025, 4, 25),
        _d(2025, 5, 20),
    ),
    InstalmentSpec(
        "AGR-ELU-GCE-2025-02",
        FixedPaymentKind.OTHER,
        "Development contract: second instalment (30 %) on the pilot digester",
        720_000,
        _d(2025, 11, 10),
        _d(2025, 11, 28),
    ),
    InstalmentSpec(
        "AGR-ELU-GCE-2025-02",
        FixedPaymentKind.OTHER,
        "Development contract: last instalment (30 %) on acceptance",
        720_000,
        _d(2026, 6, 30),
        _d(2026, 7, 15),
    ),
    InstalmentSpec(
        "AGR-LCH-HHB-2025-02",
        FixedPaymentKind.OTHER,
        "Consulting fee for the feasibility report",
        450_000,
        _d(2025, 8, 15),
        _d(2025, 8, 29),
    ),
    InstalmentSpec(
        "AGR-QIS-GCE-2025-02",
        FixedPaymentKind.OTHER,
        "Licence fee: first instalment on signing",
        600_000,
        _d(2025, 9, 12),
        _d(2025, 10, 10),
    ),
    InstalmentSpec(
        "AGR-QIS-GCE-2025-02",
        FixedPaymentKind.OTHER,
        "Licence fee: second instalment",
        1_200_000,
        _d(2026, 3, 9),
        _d(2026, 3, 31),
    ),
    InstalmentSpec(
        "AGR-ELU-LKC-2025-02",
        FixedPaymentKind.OTHER,
        "Licence fee: first instalment on signing",
        200_000,
        _d(2025, 6, 20),
        _d(2025, 7, 10),
    ),
    InstalmentSpec(
        "AGR-ELU-LKC-2025-02",
        FixedPaymentKind.OTHER,
        "Licence fee: second instalment on the first GMP batch",
        300_000,
        _d(2026, 6, 22),
        _d(2026, 7, 14),
    ),
    InstalmentSpec(
        "AGR-QIS-CFB-2026-02",
        FixedPaymentKind.OTHER,
        "Screening service: the first 20 strains",
        450_000,
        _d(2026, 3, 16),
        _d(2026, 4, 10),
    ),
)

# The achievements the new option, licence and contribution concern.
LINKS = (
    LinkSpec("ACH-2021-0009", "AGR-ELU-HHB-2025-02", TransferMode.LICENCE),
    LinkSpec("ACH-2020-0011", "AGR-QIS-GCE-2025-02", TransferMode.LICENCE),
    LinkSpec("ACH-2020-0011", "AGR-QIS-QER-2025-01", TransferMode.EQUITY_CONTRIBUTION),
)

# Costs of 2025 the policies deduct from the year's receipts.
COSTS = (
    CostSpec(
        "ACH-2021-0009",
        IpCostKind.AGENCY,
        12_000,
        _d(2025, 2, 20),
        "Technology broker's fee for negotiating the option",
    ),
    CostSpec(
        "ACH-2017-0001",
        IpCostKind.LEGAL,
        45_000,
        _d(2025, 3, 12),
        "Legal review of the assignee's royalty statements",
    ),
    CostSpec(
        "ACH-2020-0011",
        IpCostKind.EVALUATION,
        38_000,
        _d(2025, 4, 22),
        "Asset appraisal of the PET hydrolase patents for the contribution for equity",
    ),
    CostSpec(
        "ACH-2019-0003",
        IpCostKind.COUNSEL,
        26_000,
        _d(2025, 10, 15),
        "Counsel's opinion on the licensee's new indication",
    ),
)

# Equity received for contributing achievements: in Cellforge and Lumora,
# the companies QIS and ELU co-founded, and in Qiantang Enzymatic Recycling,
# founded by QIS in 2025, part of which it sold to the Series A investor, and
# in Lakecell Therapeutics, founded by ELU in 2025.
HOLDINGS = (
    HoldingSpec(
        institution="QIS",
        company="CFB",
        agreement="AGR-QIS-CFB-2019-01",
        acquired_on=_d(2019, 9, 12),
        shares=8_000_000,
        value=8_000_000,
        founded_by_institution=True,
    ),
    HoldingSpec(
        institution="ELU",
        company="LMD",
        agreement="AGR-ELU-LMD-2021-01",
        acquired_on=_d(2021, 8, 18),
        shares=2_500_000,
        value=5_000_000,
        founded_by_institution=True,
    ),
    HoldingSpec(
        institution="QIS",
        company="QER",
        agreement="AGR-QIS-QER-2025-01",
        acquired_on=_d(2025, 6, 18),
        shares=12_000_000,
        value=12_000_000,
        founded_by_institution=True,
        sales=((_d(2025, 12, 16), 1_500_000, 4_500_000),),
    ),
    HoldingSpec(
        institution="ELU",
        company="LKC",
        agreement="AGR-ELU-LKC-2025-01",
        acquired_on=_d(2025, 5, 26),
        shares=8_000_000,
        value=8_000_000,
        founded_by_institution=True,
    ),
)

_STATUTORY = {
    "preset": PolicyPreset.CHINA_STATUTORY,
    "name": "Statutory default (Law on Promoting the Transformation, Art. 45)",
    "name_zh": "法定标准（促进科技成果转化法第四十五条）",
    "shares": ("0.50", "0.20", "0.20", "0.10"),
    "equity_inventor_share": "0.50",
    "source": "《中华人民共和国促进科技成果转化法》（2015年修正）第四十五条",
}
_LAW_IN_FORCE = _d(2015, 10, 1)

# Every institution starts on the statutory default; East Lake raised the
# inventors' share to 70 % in 2020, as its province's regulation allows.
POLICIES = (
    PolicySpec(institution="ELU", effective_from=_LAW_IN_FORCE, **_STATUTORY),
    PolicySpec(
        institution="ELU",
        effective_from=_d(2020, 1, 1),
        preset=PolicyPreset.PROVINCIAL_70,
        name="East Lake University rules of 2020: 70 % to the inventors",
        name_zh="东湖大学科技成果转化收益分配办法（2020）：不低于70%奖励完成人",
        shares=("0.70", "0.10", "0.10", "0.10"),
        equity_inventor_share="0.70",
        source="东湖大学科技成果转化收益分配办法（2020年1月1日起施行），依据本省促进科技成果转化条例",
    ),
    PolicySpec(institution="QIS", effective_from=_LAW_IN_FORCE, **_STATUTORY),
    PolicySpec(institution="LCH", effective_from=_LAW_IN_FORCE, **_STATUTORY),
    PolicySpec(institution="NCG", effective_from=_LAW_IN_FORCE, **_STATUTORY),
)

DEDUCTIBLE_COST_KINDS = (
    IpCostKind.OFFICIAL_FEE,
    IpCostKind.COUNSEL,
    IpCostKind.EVALUATION,
    IpCostKind.AGENCY,
    IpCostKind.LEGAL,
)

# The institutions that distribute in the demo. Lakeview's only income is
# its part of an achievement East Lake licenses, which East Lake's runs pay
# it as a co-owner.
DISTRIBUTING = ("ELU", "QIS", "NCG")

RUNS = (
    RunSpec(
        period_start=_d(2016, 1, 1),
        period_end=_d(2024, 12, 31),
        prepared_on=_d(2025, 1, 13),
        approved_on=_d(2025, 1, 20),
        notice_on=_d(2025, 1, 21),
        settled_on=_d(2025, 2, 14),
        notes=(
            "Net income up to the end of 2024, distributed when the office moved its "
            "distributions into BioBridge."
        ),
    ),
    RunSpec(
        period_start=_d(2025, 1, 1),
        period_end=_d(2025, 6, 30),
        prepared_on=_d(2025, 7, 14),
        approved_on=_d(2025, 7, 21),
        notice_on=_d(2025, 7, 22),
        settled_on=_d(2025, 8, 15),
        notes="First half of 2025.",
    ),
    RunSpec(
        period_start=_d(2025, 7, 1),
        period_end=_d(2025, 12, 31),
        prepared_on=_d(2026, 1, 12),
        approved_on=_d(2026, 1, 19),
        notice_on=_d(2026, 1, 20),
        settled_on=_d(2026, 2, 13),
        co_owners_pending=True,
        notes="Second half of 2025.",
    ),
    RunSpec(
        period_start=_d(2026, 1, 1),
        period_end=_d(2026, 6, 30),
        prepared_on=_d(2026, 7, 13),
        notes="First half of 2026, awaiting approval.",
    ),
)

NOTICE_DAYS = 15
