"""The demo's IP portfolio as data: the achievements (科技成果) of the demo
institutions, their inventors and owners, patent families with their
applications in each office, office actions, the money spent on them, the
agreements that transfer them, the counsel the office instructs, and three
disclosures in the researcher's hands. ``demo.portfolio`` writes them
through the achievements' services.

Dates lie on or before ``DEMO_AS_OF``; the deadlines come from the rules,
so which ones are open, due soon or overdue depends on the day the demo is
looked at, as in a real docket.
"""

import datetime
from dataclasses import dataclass, field

from achievements.choices import (
    AchievementKind,
    AchievementStatus,
    ApplicationKind,
    ApplicationStatus,
    CounselKind,
    FundingSource,
    IpCostKind,
    Jurisdiction,
    TransferMode,
)

D = datetime.date


@dataclass(frozen=True)
class CounselSpec:
    name: str
    name_zh: str
    kind: str
    email: str


@dataclass(frozen=True)
class OfficeActionSpec:
    received_on: datetime.date
    term_months: int
    description: str
    responded_on: datetime.date | None = None


@dataclass(frozen=True)
class ApplicationSpec:
    """One application. ``key`` names it within its family, for the
    phases' and continuations' ``parent``."""

    key: str
    jurisdiction: str
    kind: str
    filed_on: datetime.date
    status: str
    application_number: str
    counsel: str
    parent: str = ""
    published_on: datetime.date | None = None
    publication_number: str = ""
    granted_on: datetime.date | None = None
    grant_number: str = ""
    office_actions: tuple[OfficeActionSpec, ...] = ()
    # Annuities and maintenance fees due before this day are paid (on time,
    # a few weeks ahead); the next one stays on the docket.
    paid_until: datetime.date | None = None
    # The next annuity let pass, and why: the application lapses.
    lapsed_because: str = ""


@dataclass(frozen=True)
class FamilySpec:
    title: str
    priority_date: datetime.date
    applications: tuple[ApplicationSpec, ...]
    # Why no PCT application follows the priority one: the PCT filing
    # deadline is let pass with this reason.
    no_pct_because: str = ""


@dataclass(frozen=True)
class CostSpec:
    kind: str
    amount: str
    currency: str
    incurred_on: datetime.date
    description: str
    # The application it was for (its key) and the counsel who invoiced it.
    application: str = ""
    counsel: str = ""
    invoice_reference: str = ""


@dataclass(frozen=True)
class LinkSpec:
    agreement: str
    mode: str
    income_share_percent: str = "100"


@dataclass(frozen=True)
class AchievementSpec:
    reference: str
    title: str
    title_zh: str
    kind: str
    summary: str
    disclosed_on: datetime.date
    funding_source: str
    # (email of the person, contribution %, department)
    inventors: tuple[tuple[str, str, str], ...]
    # (institution or enterprise code, share %)
    owners: tuple[tuple[str, str], ...]
    projects: tuple[str, ...] = ()
    funding_reference: str = ""
    trl: int | None = None
    assessment_notes: str = ""
    # The office's decision, its rationale and its day; none while assessed.
    decision: str = ""
    rationale: str = ""
    decided_on: datetime.date | None = None
    families: tuple[FamilySpec, ...] = ()
    costs: tuple[CostSpec, ...] = ()
    links: tuple[LinkSpec, ...] = ()


@dataclass(frozen=True)
class DisclosureSpec:
    """A disclosure of the researcher login: ``status`` is where it stands
    (draft, submitted, or returned with ``review_note``)."""

    title: str
    title_zh: str
    kind: str
    summary: str
    status: str
    inventors: tuple[tuple[str, str, str], ...]
    project: str = ""
    funding_source: str = FundingSource.GOVERNMENT
    funding_reference: str = ""
    prior_disclosures: str = ""
    planned_publications: str = ""
    materials_received: str = ""
    review_note: str = ""
    # Inventors other than the researcher who have confirmed.
    confirmed_by: tuple[str, ...] = field(default_factory=tuple)


_WUHAN = "Wuhan Lakeside Patent Agency"
_HANGZHOU = "Hangzhou Qiantang IP Law Firm"
_HARBIN = "Harbin Northland Patent Office"
_US = "Brightline Patent Attorneys LLP"
_EP = "Keller & Vogt Patentanwälte"
_JP = "Sakura International Patent Firm"

COUNSEL = (
    CounselSpec(
        _WUHAN, "武汉湖畔专利代理事务所", CounselKind.FIRM, "docket@lakeside-ip.example.cn"
    ),
    CounselSpec(
        _HANGZHOU, "杭州钱塘知识产权律师事务所", CounselKind.FIRM, "ip@qiantang-law.example.cn"
    ),
    CounselSpec(
        _HARBIN, "哈尔滨北国专利事务所", CounselKind.FIRM, "office@northland-ip.example.cn"
    ),
    CounselSpec(_US, "明线专利律师事务所", CounselKind.FIRM, "docketing@brightline.example.com"),
    CounselSpec(
        _EP, "凯勒与福格特专利律师事务所", CounselKind.FIRM, "mail@keller-vogt.example.de"
    ),
    CounselSpec(_JP, "樱花国际专利事务所", CounselKind.FIRM, "pct@sakura-ip.example.jp"),
)

_GRANTED = ApplicationStatus.GRANTED
_EXAM = ApplicationStatus.EXAMINATION
_PUBLISHED = ApplicationStatus.PUBLISHED
_FILED = ApplicationStatus.FILED
_PCT = ApplicationKind.PCT_INTERNATIONAL
_NATIONAL = ApplicationKind.NATIONAL_PHASE
_REGIONAL = ApplicationKind.REGIONAL_PHASE
_INVENTION = ApplicationKind.INVENTION
_GOV = FundingSource.GOVERNMENT
_PROTECT = AchievementStatus.PROTECT

ACHIEVEMENTS = (
    AchievementSpec(
        reference="ACH-2019-0003",
        title="PD-1/VEGF bispecific antibody and its use in treating solid tumours",
        title_zh="PD-1/VEGF双特异性抗体及其在实体瘤治疗中的应用",
        kind=AchievementKind.INVENTION,
        summary=(
            "A tetravalent bispecific antibody blocking PD-1 and neutralising VEGF-A, with "
            "cooperative binding that raises its potency in the tumour."
        ),
        disclosed_on=D(2019, 3, 4),
        funding_source=_GOV,
        funding_reference="NSFC 81872345",
        trl=6,
        inventors=(
            ("zhang.wei@elu.example.org", "70", "School of Life Sciences"),
            ("gao.yang@elu.example.org", "30", "Institute of Immunotherapy"),
        ),
        owners=(("ELU", "100"),),
        projects=("ELU-001", "ELU-002"),
        assessment_notes="Strong data in syngeneic models; two licensees interested.",
        decision=_PROTECT,
        rationale="Platform claim with clinical potential: file in CN, then PCT.",
        decided_on=D(2019, 4, 2),
        families=(
            FamilySpec(
                title="PD-1/VEGF bispecific antibody",
                priority_date=D(2019, 4, 15),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2019, 4, 15),
                        _GRANTED,
                        "201910301234.5",
                        _WUHAN,
                        published_on=D(2019, 10, 18),
                        publication_number="CN110123456A",
                        granted_on=D(2022, 8, 9),
                        grant_number="CN110123456B",
                    ),
                    ApplicationSpec(
                        "pct",
                        Jurisdiction.PCT,
                        _PCT,
                        D(2020, 4, 14),
                        _PUBLISHED,
                        "PCT/CN2020/084521",
                        _WUHAN,
                        published_on=D(2020, 10, 22),
                        publication_number="WO2020211234",
                    ),
                    ApplicationSpec(
                        "us",
                        Jurisdiction.US,
                        _NATIONAL,
                        D(2021, 10, 12),
                        _GRANTED,
                        "17/498,765",
                        _US,
                        parent="pct",
                        granted_on=D(2024, 3, 19),
                        grant_number="US11934567B2",
                    ),
                    ApplicationSpec(
                        "ep",
                        Jurisdiction.EP,
                        _REGIONAL,
                        D(2021, 11, 10),
                        _EXAM,
                        "20789123.4",
                        _EP,
                        parent="pct",
                        office_actions=(
                            OfficeActionSpec(
                                D(2026, 8, 20),
                                4,
                                "Communication under Art. 94(3) EPC: inventive step over D1",
                            ),
                        ),
                    ),
                    ApplicationSpec(
                        "jp",
                        Jurisdiction.JP,
                        _NATIONAL,
                        D(2021, 10, 14),
                        _EXAM,
                        "2021-567890",
                        _JP,
                        parent="pct",
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "18000",
                "CNY",
                D(2019, 4, 20),
                "Drafting and filing the CN application",
                "cn",
                _WUHAN,
                "LS-2019-0412",
            ),
            CostSpec(
                IpCostKind.OFFICIAL_FEE,
                "3450",
                "CNY",
                D(2019, 4, 15),
                "CNIPA filing and examination fees",
                "cn",
            ),
            CostSpec(
                IpCostKind.OFFICIAL_FEE,
                "21600",
                "CNY",
                D(2020, 4, 14),
                "PCT transmittal, international filing and search fees",
                "pct",
            ),
            CostSpec(
                IpCostKind.COUNSEL,
                "12500",
                "USD",
                D(2021, 10, 20),
                "US national phase entry",
                "us",
                _US,
                "BL-21-8812",
            ),
            CostSpec(
                IpCostKind.COUNSEL,
                "9800",
                "EUR",
                D(2021, 11, 18),
                "EP regional phase entry",
                "ep",
                _EP,
                "KV-2021-3307",
            ),
            CostSpec(
                IpCostKind.OFFICIAL_FEE,
                "4800",
                "CNY",
                D(2022, 9, 20),
                "CNIPA registration fee and first annuity",
                "cn",
            ),
        ),
        links=(LinkSpec("AGR-ELU-HHB-2020-01", TransferMode.LICENCE, "50"),),
    ),
    AchievementSpec(
        reference="ACH-2020-0002",
        title="Anti-Claudin 18.2 antibody-drug conjugate",
        title_zh="抗Claudin 18.2抗体偶联药物",
        kind=AchievementKind.INVENTION,
        summary="A humanised anti-Claudin 18.2 antibody conjugated to a topoisomerase I payload.",
        disclosed_on=D(2020, 6, 22),
        funding_source=FundingSource.MIXED,
        funding_reference="Hubei Key R&D 2020BCA012",
        trl=4,
        inventors=(
            ("zhang.wei@elu.example.org", "55", "School of Life Sciences"),
            ("xie.lan@elu.example.org", "45", "School of Pharmaceutical Sciences"),
        ),
        owners=(("ELU", "100"),),
        projects=("ELU-003",),
        decision=_PROTECT,
        rationale="Fits the licence to Hanhai; payload linker is new.",
        decided_on=D(2020, 7, 10),
        families=(
            FamilySpec(
                # 31 July + 31 months is the last day of February.
                title="Claudin 18.2 ADC",
                priority_date=D(2020, 7, 31),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2020, 7, 31),
                        _GRANTED,
                        "202010761234.8",
                        _WUHAN,
                        granted_on=D(2023, 5, 16),
                        grant_number="CN111987654B",
                        # The year-7 annuity is overdue, in its grace period.
                        paid_until=D(2026, 7, 1),
                    ),
                    ApplicationSpec(
                        "pct",
                        Jurisdiction.PCT,
                        _PCT,
                        D(2021, 7, 30),
                        _PUBLISHED,
                        "PCT/CN2021/109876",
                        _WUHAN,
                        published_on=D(2022, 2, 3),
                        publication_number="WO2022022333",
                    ),
                    ApplicationSpec(
                        "us",
                        Jurisdiction.US,
                        _NATIONAL,
                        D(2023, 1, 20),
                        _EXAM,
                        "18/012,345",
                        _US,
                        parent="pct",
                        office_actions=(
                            OfficeActionSpec(
                                D(2024, 9, 12),
                                3,
                                "Non-final rejection: obviousness over two references",
                                responded_on=D(2024, 12, 5),
                            ),
                        ),
                    ),
                    ApplicationSpec(
                        "ep",
                        Jurisdiction.EP,
                        _REGIONAL,
                        D(2023, 2, 24),
                        _EXAM,
                        "21849876.1",
                        _EP,
                        parent="pct",
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "16000",
                "CNY",
                D(2020, 8, 5),
                "Drafting and filing the CN application",
                "cn",
                _WUHAN,
                "LS-2020-0733",
            ),
            CostSpec(
                IpCostKind.OFFICIAL_FEE,
                "21600",
                "CNY",
                D(2021, 7, 30),
                "PCT filing and search fees",
                "pct",
            ),
            CostSpec(
                IpCostKind.COUNSEL,
                "11800",
                "USD",
                D(2023, 1, 25),
                "US national phase entry",
                "us",
                _US,
                "BL-23-0190",
            ),
        ),
        links=(LinkSpec("AGR-ELU-HHB-2020-01", TransferMode.LICENCE, "30"),),
    ),
    AchievementSpec(
        reference="ACH-2016-0004",
        title="Recombinant thrombopoietin mimetic peptide-Fc fusion protein",
        title_zh="重组血小板生成素模拟肽-Fc融合蛋白",
        kind=AchievementKind.INVENTION,
        summary="A TPO-receptor agonist peptide fused to IgG1 Fc, stable for weekly dosing.",
        disclosed_on=D(2016, 1, 18),
        funding_source=_GOV,
        funding_reference="National Major New Drug Project 2015ZX09101",
        trl=9,
        inventors=(
            ("gao.yang@elu.example.org", "80", "Institute of Immunotherapy"),
            ("sun.li@lch.example.org", "20", "Department of Oncology"),
        ),
        # Co-owned: the clinical work was done at Lakeview.
        owners=(("ELU", "70"), ("LCH", "30")),
        projects=("ELU-004",),
        decision=_PROTECT,
        rationale="Lead candidate of the haematology programme.",
        decided_on=D(2016, 2, 1),
        families=(
            FamilySpec(
                title="TPO mimetic Fc fusion",
                no_pct_because="Paris route: the US application claims the CN priority directly.",
                priority_date=D(2016, 3, 1),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2016, 3, 1),
                        _GRANTED,
                        "201610112233.0",
                        _WUHAN,
                        granted_on=D(2019, 6, 11),
                        grant_number="CN105801234B",
                    ),
                    ApplicationSpec(
                        "us",
                        Jurisdiction.US,
                        _INVENTION,
                        D(2017, 2, 28),
                        _GRANTED,
                        "15/445,678",
                        _US,
                        granted_on=D(2020, 1, 14),
                        grant_number="US10533012B2",
                        # The first maintenance fee (3.5 years) is paid;
                        # the second falls due in July 2027.
                        paid_until=D(2024, 1, 1),
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "15000",
                "CNY",
                D(2016, 3, 8),
                "Drafting and filing the CN application",
                "cn",
                _WUHAN,
                "LS-2016-0105",
            ),
            CostSpec(
                IpCostKind.COUNSEL,
                "14200",
                "USD",
                D(2017, 3, 10),
                "US application claiming the CN priority",
                "us",
                _US,
                "BL-17-0321",
            ),
            CostSpec(
                IpCostKind.OFFICIAL_FEE,
                "2000",
                "USD",
                D(2023, 6, 30),
                "First US maintenance fee",
                "us",
            ),
            CostSpec(
                IpCostKind.OFFICIAL_FEE, "6000", "CNY", D(2025, 2, 10), "CN annuity, year 10", "cn"
            ),
            CostSpec(
                IpCostKind.EVALUATION,
                "30000",
                "CNY",
                D(2020, 4, 1),
                "Asset appraisal before licensing",
            ),
        ),
        links=(LinkSpec("AGR-ELU-HHB-2020-01", TransferMode.LICENCE, "20"),),
    ),
    AchievementSpec(
        reference="ACH-2022-0005",
        title="GLP-1/GIP dual receptor agonist peptides with extended half-life",
        title_zh="长效GLP-1/GIP双受体激动多肽",
        kind=AchievementKind.INVENTION,
        summary="Lipidated dual agonist peptides for once-weekly dosing in obesity.",
        disclosed_on=D(2022, 10, 12),
        funding_source=_GOV,
        funding_reference="NSFC 82273456",
        trl=5,
        inventors=(
            ("xie.lan@elu.example.org", "80", "School of Pharmaceutical Sciences"),
            ("zhang.wei@elu.example.org", "20", "School of Life Sciences"),
        ),
        owners=(("ELU", "100"),),
        projects=("ELU-005",),
        decision=_PROTECT,
        rationale="Ex-China licensee in view; file PCT with US, EP and JP phases.",
        decided_on=D(2022, 11, 1),
        families=(
            FamilySpec(
                title="GLP-1/GIP dual agonist peptides",
                priority_date=D(2022, 11, 30),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2022, 11, 30),
                        _EXAM,
                        "202211523456.7",
                        _WUHAN,
                        published_on=D(2023, 3, 10),
                        publication_number="CN115678901A",
                        office_actions=(
                            OfficeActionSpec(
                                D(2026, 7, 10), 4, "First examination opinion notice: novelty"
                            ),
                        ),
                    ),
                    ApplicationSpec(
                        "pct",
                        Jurisdiction.PCT,
                        _PCT,
                        D(2023, 11, 29),
                        _PUBLISHED,
                        "PCT/CN2023/135790",
                        _WUHAN,
                        published_on=D(2024, 6, 6),
                        publication_number="WO2024114567",
                    ),
                    ApplicationSpec(
                        "us",
                        Jurisdiction.US,
                        _NATIONAL,
                        D(2025, 5, 20),
                        _FILED,
                        "19/123,456",
                        _US,
                        parent="pct",
                    ),
                    ApplicationSpec(
                        "ep",
                        Jurisdiction.EP,
                        _REGIONAL,
                        D(2025, 6, 10),
                        _PUBLISHED,
                        "23912345.6",
                        _EP,
                        parent="pct",
                    ),
                    ApplicationSpec(
                        "jp",
                        Jurisdiction.JP,
                        _NATIONAL,
                        D(2025, 5, 26),
                        _FILED,
                        "2025-512345",
                        _JP,
                        parent="pct",
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "20000",
                "CNY",
                D(2022, 12, 8),
                "Drafting and filing the CN application",
                "cn",
                _WUHAN,
                "LS-2022-1188",
            ),
            CostSpec(
                IpCostKind.OFFICIAL_FEE,
                "22800",
                "CNY",
                D(2023, 11, 29),
                "PCT filing and search fees",
                "pct",
            ),
            CostSpec(
                IpCostKind.COUNSEL,
                "10500",
                "EUR",
                D(2025, 6, 18),
                "EP regional phase entry",
                "ep",
                _EP,
                "KV-2025-1120",
            ),
            CostSpec(
                IpCostKind.COUNSEL,
                "12000",
                "USD",
                D(2025, 5, 28),
                "US national phase entry",
                "us",
                _US,
                "BL-25-0977",
            ),
            CostSpec(
                IpCostKind.COUNSEL,
                "980000",
                "JPY",
                D(2025, 6, 2),
                "JP national phase entry and translation",
                "jp",
                _JP,
                "SK-25-0455",
            ),
        ),
        links=(LinkSpec("AGR-ELU-MER-2023-01", TransferMode.LICENCE),),
    ),
    AchievementSpec(
        reference="ACH-2017-0001",
        title="Drought-tolerant maize transformation event ZmDREB-1",
        title_zh="耐旱玉米转化体ZmDREB-1",
        kind=AchievementKind.INVENTION,
        summary="The insertion site, flanking sequences and detection method of the event.",
        disclosed_on=D(2017, 2, 13),
        funding_source=_GOV,
        funding_reference="GMO Major Project 2016ZX08003",
        trl=8,
        inventors=(("guo.hua@ncg.example.org", "100", "Maize Functional Genomics"),),
        owners=(("NCG", "100"),),
        projects=("NCG-001",),
        decision=_PROTECT,
        rationale="Event patent needed before the biosafety certificate.",
        decided_on=D(2017, 3, 1),
        families=(
            FamilySpec(
                title="Maize event ZmDREB-1",
                no_pct_because="China only: the event is approved for cultivation in China.",
                priority_date=D(2017, 3, 20),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2017, 3, 20),
                        _GRANTED,
                        "201710165432.1",
                        _HARBIN,
                        granted_on=D(2020, 4, 28),
                        grant_number="CN106987654B",
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "12000",
                "CNY",
                D(2017, 3, 28),
                "Drafting and filing",
                "cn",
                _HARBIN,
                "NL-2017-033",
            ),
            CostSpec(
                IpCostKind.LEGAL,
                "25000",
                "CNY",
                D(2018, 11, 1),
                "Review of the assignment to Jadeleaf",
            ),
        ),
        links=(LinkSpec("AGR-NCG-JLS-2018-01", TransferMode.ASSIGNMENT),),
    ),
    AchievementSpec(
        reference="ACH-2023-0006",
        title="Blast-resistant rice variety Longdao 1818",
        title_zh="抗稻瘟病水稻新品种龙稻1818",
        kind=AchievementKind.PLANT_VARIETY,
        summary="A japonica variety carrying a base-edited pi21 allele; PVP granted 2025.",
        disclosed_on=D(2023, 9, 4),
        funding_source=FundingSource.MIXED,
        funding_reference="Heilongjiang Seed Industry 2021ZX02",
        trl=8,
        # An external inventor: Jadeleaf's head of breeding.
        inventors=(
            ("he.ping@ncg.example.org", "70", "Rice Molecular Breeding"),
            ("tang.ming@jadeleaf.example.com", "30", "Jadeleaf Seeds, Breeding"),
        ),
        # Co-owned with the enterprise under the platform agreement.
        owners=(("NCG", "50"), ("JLS", "50")),
        projects=("NCG-004",),
        decision=_PROTECT,
        rationale="Plant variety rights (PVP) in China; no patent for the variety itself.",
        decided_on=D(2023, 10, 9),
        costs=(
            CostSpec(
                IpCostKind.OFFICIAL_FEE,
                "3800",
                "CNY",
                D(2023, 11, 15),
                "PVP application and DUS testing fees",
            ),
        ),
        links=(LinkSpec("AGR-NCG-JLS-2021-01", TransferMode.LICENCE),),
    ),
    AchievementSpec(
        reference="ACH-2019-0007",
        title="Corynebacterium glutamicum strain CG-ET12 for high-titre ergothioneine",
        title_zh="高产麦角硫因谷氨酸棒杆菌CG-ET12菌株",
        kind=AchievementKind.BIOLOGICAL_MATERIAL,
        summary="Deposited at CGMCC (No. 17654); 10 g/L ergothioneine in fed-batch.",
        disclosed_on=D(2019, 4, 25),
        funding_source=_GOV,
        funding_reference="Zhejiang Key R&D 2019C02045",
        trl=8,
        inventors=(("wang.jun@qis.example.org", "100", "Metabolic Engineering Group"),),
        owners=(("QIS", "100"),),
        projects=("QIS-003",),
        decision=_PROTECT,
        rationale="Contribute to Cellforge for equity with a strain patent.",
        decided_on=D(2019, 5, 10),
        families=(
            FamilySpec(
                title="Ergothioneine strain CG-ET12",
                no_pct_because="China only: the strain is used in Cellforge's plant in Hangzhou.",
                priority_date=D(2019, 5, 31),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2019, 5, 31),
                        _GRANTED,
                        "201910467890.3",
                        _HANGZHOU,
                        granted_on=D(2021, 11, 30),
                        grant_number="CN110204567B",
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "14000",
                "CNY",
                D(2019, 6, 10),
                "Drafting and filing, with the deposit",
                "cn",
                _HANGZHOU,
                "QT-2019-0218",
            ),
            CostSpec(
                IpCostKind.EVALUATION,
                "40000",
                "CNY",
                D(2019, 8, 20),
                "Appraisal for the contribution to Cellforge",
            ),
        ),
        links=(LinkSpec("AGR-QIS-CFB-2019-01", TransferMode.EQUITY_CONTRIBUTION, "60"),),
    ),
    AchievementSpec(
        reference="ACH-2019-0008",
        title="E. coli cell factory and fermenter for 2'-fucosyllactose",
        title_zh="2'-岩藻糖基乳糖大肠杆菌细胞工厂及发酵装置",
        kind=AchievementKind.INVENTION,
        summary="A GRAS-track E. coli strain and an oxygen-controlled fermenter design.",
        disclosed_on=D(2019, 12, 2),
        funding_source=FundingSource.INDUSTRY,
        funding_reference="Cellforge seed agreement",
        trl=7,
        inventors=(
            ("wang.jun@qis.example.org", "60", "Metabolic Engineering Group"),
            ("zhou.min@qis.example.org", "40", "Enzyme Engineering Group"),
        ),
        owners=(("QIS", "100"),),
        projects=("QIS-004",),
        decision=_PROTECT,
        rationale="Invention for the strain; utility model for the fermenter.",
        decided_on=D(2020, 1, 6),
        families=(
            FamilySpec(
                title="2'-FL cell factory",
                no_pct_because="China only: Cellforge makes and sells 2'-FL in China.",
                priority_date=D(2020, 3, 31),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2020, 3, 31),
                        _GRANTED,
                        "202010245678.9",
                        _HANGZHOU,
                        granted_on=D(2023, 2, 28),
                        grant_number="CN111334455B",
                    ),
                    # A utility model: granted in months, ten years' term.
                    ApplicationSpec(
                        "um",
                        Jurisdiction.CN,
                        ApplicationKind.UTILITY_MODEL,
                        D(2020, 3, 31),
                        _GRANTED,
                        "202020445566.1",
                        _HANGZHOU,
                        granted_on=D(2020, 11, 20),
                        grant_number="CN212345678U",
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "19000",
                "CNY",
                D(2020, 4, 10),
                "Drafting and filing both applications",
                "cn",
                _HANGZHOU,
                "QT-2020-0091",
            ),
        ),
        links=(LinkSpec("AGR-QIS-CFB-2019-01", TransferMode.EQUITY_CONTRIBUTION, "40"),),
    ),
    AchievementSpec(
        reference="ACH-2021-0009",
        title="Fed-batch process for polyhydroxyalkanoates from Halomonas",
        title_zh="嗜盐单胞菌补料分批发酵生产聚羟基脂肪酸酯工艺",
        kind=AchievementKind.KNOW_HOW,
        summary="Open, non-sterile fermentation at high salinity: recipes and set points.",
        disclosed_on=D(2021, 6, 14),
        funding_source=FundingSource.INDUSTRY,
        funding_reference="HEC programme 2020-05",
        trl=7,
        inventors=(("liu.fang@elu.example.org", "100", "College of Life Science and Technology"),),
        owners=(("ELU", "100"),),
        projects=("HEC-005",),
        decision=AchievementStatus.PROTECT,
        rationale="Kept as a trade secret: a patent would disclose the set points.",
        decided_on=D(2021, 7, 1),
    ),
    AchievementSpec(
        reference="ACH-2022-0010",
        title="CRISPR lateral-flow result reader software V1.0",
        title_zh="CRISPR侧向层析检测结果判读软件V1.0",
        kind=AchievementKind.SOFTWARE_COPYRIGHT,
        summary="Reads lateral-flow strips from a phone photograph; registration 2022SR0123456.",
        disclosed_on=D(2022, 1, 17),
        funding_source=FundingSource.OWN,
        trl=8,
        inventors=(
            ("huang.lei@elu.example.org", "60", "School of Basic Medical Sciences"),
            ("chen.yu@cellforge.example.com", "40", "Cellforge, software"),
        ),
        owners=(("ELU", "100"),),
        projects=("ELU-014",),
        decision=_PROTECT,
        rationale="Software copyright registration; contributed to Lumora.",
        decided_on=D(2022, 2, 8),
        costs=(
            CostSpec(
                IpCostKind.AGENCY,
                "1200",
                "CNY",
                D(2022, 2, 20),
                "Software copyright registration agency",
            ),
        ),
        links=(LinkSpec("AGR-ELU-LMD-2021-01", TransferMode.EQUITY_CONTRIBUTION),),
    ),
    AchievementSpec(
        reference="ACH-2020-0011",
        title="Thermostable PET hydrolase variants",
        title_zh="耐热PET水解酶突变体",
        kind=AchievementKind.INVENTION,
        summary="Variants active at 72 °C that depolymerise textile PET within 10 hours.",
        disclosed_on=D(2020, 5, 11),
        funding_source=_GOV,
        funding_reference="MOST 2019YFA0905000",
        trl=6,
        inventors=(("zhou.min@qis.example.org", "100", "Enzyme Engineering Group"),),
        owners=(("QIS", "100"),),
        projects=("QIS-009",),
        decision=_PROTECT,
        rationale="Licensed non-exclusively; CN only.",
        decided_on=D(2020, 6, 1),
        families=(
            FamilySpec(
                title="PET hydrolase variants",
                no_pct_because="China only: the licence covers China.",
                priority_date=D(2020, 6, 29),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2020, 6, 29),
                        _GRANTED,
                        "202010601234.2",
                        _HANGZHOU,
                        granted_on=D(2022, 12, 6),
                        grant_number="CN111748901B",
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "13500",
                "CNY",
                D(2020, 7, 6),
                "Drafting and filing",
                "cn",
                _HANGZHOU,
                "QT-2020-0177",
            ),
        ),
        links=(LinkSpec("AGR-QIS-GCE-2020-01", TransferMode.LICENCE, "60"),),
    ),
    AchievementSpec(
        reference="ACH-2018-0012",
        title="Laccase variants for decolourising textile dye effluent",
        title_zh="用于印染废水脱色的漆酶突变体",
        kind=AchievementKind.INVENTION,
        summary="Laccase variants tolerant of high salt and alkaline pH.",
        disclosed_on=D(2018, 12, 3),
        funding_source=_GOV,
        funding_reference="Zhejiang NSF LY19C010002",
        trl=6,
        inventors=(("zhou.min@qis.example.org", "100", "Enzyme Engineering Group"),),
        owners=(("QIS", "100"),),
        projects=("QIS-010",),
        decision=_PROTECT,
        rationale="CN protection for the licence to GreenCycle.",
        decided_on=D(2019, 1, 7),
        families=(
            FamilySpec(
                title="Laccase variants",
                no_pct_because="China only: the licence covers China.",
                priority_date=D(2019, 3, 29),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2019, 3, 29),
                        _GRANTED,
                        "201910245612.6",
                        _HANGZHOU,
                        granted_on=D(2020, 9, 15),
                        grant_number="CN109971234B",
                        paid_until=D(2025, 1, 1),
                        lapsed_because=(
                            "GreenCycle moved to the PET hydrolase; the licence no longer "
                            "needs this patent."
                        ),
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "11000",
                "CNY",
                D(2019, 4, 8),
                "Drafting and filing",
                "cn",
                _HANGZHOU,
                "QT-2019-0102",
            ),
        ),
        links=(LinkSpec("AGR-QIS-GCE-2020-01", TransferMode.LICENCE, "40"),),
    ),
    AchievementSpec(
        reference="ACH-2026-0013",
        title="Bacillus thuringiensis strain QB-7 against fall armyworm",
        title_zh="防治草地贪夜蛾的苏云金芽孢杆菌QB-7菌株",
        kind=AchievementKind.BIOLOGICAL_MATERIAL,
        summary="A Bt strain expressing Vip3Aa and Cry1Fa; deposited at CGMCC No. 28765.",
        disclosed_on=D(2026, 1, 12),
        funding_source=_GOV,
        funding_reference="Zhejiang Key R&D 2025C02011",
        trl=3,
        inventors=(("luo.xin@qis.example.org", "100", "Microbial Pesticides Group"),),
        owners=(("QIS", "100"),),
        projects=("QIS-001",),
        decision=_PROTECT,
        rationale="A licence to Jadeleaf is being negotiated: file in CN, decide on PCT later.",
        decided_on=D(2026, 2, 2),
        families=(
            FamilySpec(
                title="Bt strain QB-7",
                priority_date=D(2026, 2, 10),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2026, 2, 10),
                        _FILED,
                        "202610123456.X",
                        _HANGZHOU,
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "15000",
                "CNY",
                D(2026, 2, 16),
                "Drafting and filing, with the deposit",
                "cn",
                _HANGZHOU,
                "QT-2026-0031",
            ),
        ),
        links=(LinkSpec("AGR-QIS-JLS-2026-01", TransferMode.LICENCE),),
    ),
    AchievementSpec(
        reference="ACH-2026-0014",
        title="Cell-free DNA methylation markers for early hepatocellular carcinoma",
        title_zh="早期肝细胞癌游离DNA甲基化标志物",
        kind=AchievementKind.INVENTION,
        summary="A six-marker panel with 91 % sensitivity at 95 % specificity.",
        disclosed_on=D(2026, 6, 8),
        funding_source=_GOV,
        funding_reference="Hubei Health Commission WJ2025M012",
        trl=4,
        inventors=(
            ("zhao.qiang@lch.example.org", "65", "Department of Laboratory Medicine"),
            ("huang.lei@elu.example.org", "35", "School of Basic Medical Sciences"),
        ),
        owners=(("LCH", "65"), ("ELU", "35")),
        projects=("LCH-006",),
        assessment_notes="Prior art search ordered; Lumora asked for first refusal.",
    ),
    # East Lake's disclosures of 2025, both now with Lakecell Therapeutics,
    # the company it founded for them: the CAR-T application contributed for
    # equity, the bag set (a utility model, granted the same year) licensed.
    AchievementSpec(
        reference="ACH-2025-0015",
        title="Armoured CAR-T cells secreting IL-15 against Claudin 18.2 solid tumours",
        title_zh="分泌IL-15的靶向Claudin 18.2装甲型CAR-T细胞",
        kind=AchievementKind.INVENTION,
        summary="CAR-T cells that secrete IL-15 and persist in gastric tumour models.",
        disclosed_on=D(2025, 1, 20),
        funding_source=_GOV,
        funding_reference="Hubei Key R&D 2023BCB045",
        trl=4,
        inventors=(
            ("gao.yang@elu.example.org", "70", "Institute of Immunotherapy"),
            ("zhang.wei@elu.example.org", "30", "School of Life Sciences"),
        ),
        owners=(("ELU", "100"),),
        assessment_notes="Complete responses in two xenograft models; a founder team ready.",
        decision=_PROTECT,
        rationale="File in CN before the founders' company is registered, then PCT.",
        decided_on=D(2025, 2, 14),
        families=(
            FamilySpec(
                title="IL-15 armoured Claudin 18.2 CAR-T",
                priority_date=D(2025, 3, 6),
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        _INVENTION,
                        D(2025, 3, 6),
                        _PUBLISHED,
                        "202510256789.3",
                        _WUHAN,
                        published_on=D(2026, 9, 8),
                        publication_number="CN119876543A",
                    ),
                    ApplicationSpec(
                        "pct",
                        Jurisdiction.PCT,
                        _PCT,
                        D(2026, 3, 4),
                        _PUBLISHED,
                        "PCT/CN2026/078912",
                        _WUHAN,
                        published_on=D(2026, 9, 17),
                        publication_number="WO2026187654",
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "18000",
                "CNY",
                D(2025, 3, 12),
                "Drafting and filing of the CN application",
                "cn",
                _WUHAN,
                "LS-2025-0147",
            ),
        ),
        links=(LinkSpec("AGR-ELU-LKC-2025-01", TransferMode.EQUITY_CONTRIBUTION),),
    ),
    AchievementSpec(
        reference="ACH-2025-0016",
        title="Closed processing bag set for autologous CAR-T manufacture",
        title_zh="自体CAR-T细胞制备用封闭式袋组",
        kind=AchievementKind.UTILITY_MODEL,
        summary="A sterile-welded bag set that keeps activation to harvest in one closed system.",
        disclosed_on=D(2025, 2, 10),
        funding_source=FundingSource.OWN,
        trl=6,
        inventors=(
            ("gao.yang@elu.example.org", "60", "Institute of Immunotherapy"),
            ("liu.fang@elu.example.org", "40", "College of Life Science and Technology"),
        ),
        owners=(("ELU", "100"),),
        decision=_PROTECT,
        rationale="A device claim: a utility model is granted fast and is enough in China.",
        decided_on=D(2025, 2, 18),
        families=(
            FamilySpec(
                title="CAR-T processing bag set",
                priority_date=D(2025, 2, 24),
                no_pct_because="A utility model for the Chinese market: no filing abroad.",
                applications=(
                    ApplicationSpec(
                        "cn",
                        Jurisdiction.CN,
                        ApplicationKind.UTILITY_MODEL,
                        D(2025, 2, 24),
                        _GRANTED,
                        "202520345678.1",
                        _WUHAN,
                        granted_on=D(2025, 9, 16),
                        grant_number="CN223456789U",
                    ),
                ),
            ),
        ),
        costs=(
            CostSpec(
                IpCostKind.COUNSEL,
                "6000",
                "CNY",
                D(2025, 2, 27),
                "Drafting and filing of the utility model",
                "cn",
                _WUHAN,
                "LS-2025-0098",
            ),
        ),
        links=(LinkSpec("AGR-ELU-LKC-2025-02", TransferMode.LICENCE),),
    ),
)

DISCLOSURES = (
    DisclosureSpec(
        title="Trispecific T-cell engager against PD-L1, 4-1BB and CD3",
        title_zh="靶向PD-L1、4-1BB和CD3的三特异性T细胞衔接器",
        kind=AchievementKind.INVENTION,
        summary="A trispecific format that activates T cells only in PD-L1-rich tumours.",
        status="draft",
        inventors=(
            ("zhang.wei@elu.example.org", "60", "School of Life Sciences"),
            ("gao.yang@elu.example.org", "40", "Institute of Immunotherapy"),
        ),
        project="ELU-001",
        funding_reference="NSFC 82373001",
        planned_publications="Abstract to the AACR annual meeting, April 2027.",
    ),
    DisclosureSpec(
        title="Anti-TIGIT antibody with enhanced Fc effector function",
        title_zh="Fc效应功能增强的抗TIGIT抗体",
        kind=AchievementKind.INVENTION,
        summary="An afucosylated anti-TIGIT antibody that depletes regulatory T cells.",
        status="submitted",
        inventors=(("zhang.wei@elu.example.org", "100", "School of Life Sciences"),),
        project="ELU-002",
        funding_reference="NSFC 82373001",
        materials_received="CHO-K1 FUT8 knock-out cells from Hanhai Biopharma under MTA 2025-07.",
    ),
    DisclosureSpec(
        title="Method for predicting response to PD-1/VEGF blockade from serum VEGF-A",
        title_zh="基于血清VEGF-A预测PD-1/VEGF阻断疗效的方法",
        kind=AchievementKind.INVENTION,
        summary="A serum VEGF-A threshold that predicts response in the ELU-001 phase 2 cohort.",
        status="returned",
        inventors=(
            ("zhang.wei@elu.example.org", "50", "School of Life Sciences"),
            ("sun.li@lch.example.org", "50", "Department of Oncology"),
        ),
        project="ELU-001",
        prior_disclosures="Poster at the CSCO annual meeting, September 2026.",
        review_note=(
            "The poster made the threshold public: say what of the method it did not show, "
            "and add Lakeview as the institution of Dr Sun's part."
        ),
        confirmed_by=("sun.li@lch.example.org",),
    ),
)
