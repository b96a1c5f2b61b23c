"""What the annual reports need beyond the deal records: ``seed_report_facts()``,
part of ``seed_demo()``.

It writes the staff on part-time commercialisation work (兼职) or on leave
to start a business (离岗创业), the R&D and transfer entities the
institutions built, and East Lake's inputs to both reports of 2025 (the
narrative of China's report, through the input service; the research
expenditure and licensing staff of the AUTM survey). Periods and entities
are found by their natural keys and left alone once there; the inputs are
brought back to these values. The office keeps these records in Chinese, as
it files the report in Chinese: the entities' names and the notes have no
English variant.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import User
from partnerships.models import Enterprise, Institution, Person
from reports.choices import EntityBuilt, EntityKind, MobilityKind, ReportKind
from reports.models import StaffMobility, TransferEntity
from reports.services import annual_report_input_save

_d = datetime.date

# The year the demo's reports are complete for: the last calendar year
# before ``DEMO_AS_OF``.
REPORT_YEAR = 2025


@dataclass(frozen=True)
class MobilitySpec:
    institution: str
    person: str
    kind: str
    enterprise: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    notes: str


@dataclass(frozen=True)
class EntitySpec:
    institution: str
    name: str
    kind: str
    built: str
    established_on: datetime.date
    technology_managers: int


_PART_TIME = MobilityKind.PART_TIME
_LEAVE = MobilityKind.LEAVE

MOBILITY = (
    MobilitySpec(
        "ELU",
        "gao.yang@elu.example.org",
        _LEAVE,
        "LKC",
        _d(2025, 6, 1),
        _d(2028, 5, 31),
        "离岗创业三年，任湖芯细胞治疗首席执行官，保留人事关系。",
    ),
    MobilitySpec(
        "ELU",
        "zhang.wei@elu.example.org",
        _PART_TIME,
        "LKC",
        _d(2025, 6, 1),
        None,
        "兼任湖芯细胞治疗科学顾问，每周一天。",
    ),
    MobilitySpec(
        "ELU",
        "liu.fang@elu.example.org",
        _PART_TIME,
        "LMD",
        _d(2021, 9, 1),
        None,
        "兼任光瑞诊断首席科学家。",
    ),
    MobilitySpec(
        "ELU",
        "chen.jing@elu.example.org",
        _PART_TIME,
        "GCE",
        _d(2024, 3, 1),
        _d(2026, 2, 28),
        "兼任绿循环境厌氧消化项目技术顾问。",
    ),
    MobilitySpec(
        "QIS",
        "wang.jun@qis.example.org",
        _PART_TIME,
        "CFB",
        _d(2019, 10, 1),
        None,
        "兼任铸胞生物首席科学家。",
    ),
    MobilitySpec(
        "QIS",
        "zhou.min@qis.example.org",
        _PART_TIME,
        "QER",
        _d(2025, 6, 10),
        None,
        "兼职负责钱塘酶解再生的酶工程研发。",
    ),
    MobilitySpec(
        "NCG",
        "guo.hua@ncg.example.org",
        _PART_TIME,
        "JLS",
        _d(2021, 5, 1),
        None,
        "兼任翠叶种业玉米育种顾问。",
    ),
    MobilitySpec(
        "LCH",
        "zhao.qiang@lch.example.org",
        _PART_TIME,
        "LMD",
        _d(2022, 8, 1),
        None,
        "兼任光瑞诊断临床顾问。",
    ),
)

ENTITIES = (
    EntitySpec(
        "ELU",
        "东湖大学技术转移中心",
        EntityKind.TRANSFER_OFFICE,
        EntityBuilt.OWN,
        _d(2016, 3, 1),
        6,
    ),
    EntitySpec(
        "ELU",
        "瀚海-东湖生物药与生物制造一站式创新中心",
        EntityKind.RD_INSTITUTION,
        EntityBuilt.JOINT,
        _d(2019, 6, 18),
        2,
    ),
    EntitySpec(
        "ELU",
        "东湖大学生命科学概念验证中心",
        EntityKind.SERVICE_PLATFORM,
        EntityBuilt.OWN,
        _d(2025, 3, 18),
        3,
    ),
    EntitySpec(
        "QIS",
        "钱塘合成生物研究院产业化办公室",
        EntityKind.TRANSFER_OFFICE,
        EntityBuilt.OWN,
        _d(2017, 5, 2),
        4,
    ),
    EntitySpec(
        "QIS",
        "钱塘合成生物研究院-铸胞生物自动化菌株工程平台",
        EntityKind.SERVICE_PLATFORM,
        EntityBuilt.JOINT,
        _d(2023, 3, 1),
        2,
    ),
    EntitySpec(
        "NCG",
        "北方作物基因组重点实验室-翠叶种业基因编辑育种平台",
        EntityKind.RD_INSTITUTION,
        EntityBuilt.JOINT,
        _d(2021, 4, 8),
        1,
    ),
    EntitySpec(
        "LCH",
        "湖景中心医院诊断产品临床评价平台",
        EntityKind.SERVICE_PLATFORM,
        EntityBuilt.JOINT,
        _d(2022, 7, 1),
        1,
    ),
)

# East Lake's inputs to its reports of 2025: the narrative of China's report
# and the figures of the AUTM survey that no deal record holds.
CHINA_INPUT = {
    "work_done": (
        "2025年，学校新签技术许可合同和作价投资合同各1项：以一项CAR-T发明专利申请作价800万元，"
        "联合创办湖芯细胞治疗（武汉）有限公司，并将配套的细胞制备袋组实用新型和制备技术秘密"
        "独占许可该公司；向瀚海生物医药集团授予一项PHA发酵工艺的许可选择权，签订技术开发合同"
        "1项。存量许可合同的销售提成和里程碑款持续到账。学校新建生命科学概念验证中心，"
        "按学校收益分配办法完成2025年上、下半年两次收益分配，完成人奖励比例为70%。"
    ),
    "lessons": (
        "概念验证经费与技术转移中心的技术经理人同步介入，使成果在专利申请前即明确转化路径；"
        "作价投资前完成资产评估并在校内公示，保障了程序合规。"
    ),
    "problems": (
        "部分成果成熟度不足，企业承接意愿有限；技术经理人队伍规模偏小，"
        "对海外许可合同的谈判和收款管理能力仍需加强。"
    ),
    "policy_implementation": (
        "落实《中华人民共和国促进科技成果转化法》第四十五条及本省促进科技成果转化条例，"
        "执行《东湖大学科技成果转化收益分配办法（2020）》：现金奖励按规定减半计入工资、薪金所得，"
        "作价投资所获股权奖励完成人并依法递延纳税；支持1名教师离岗创业、3名教师兼职从事成果转化。"
    ),
}
AUTM_INPUT = {
    "currency": "CNY",
    "research_expenditure_government": Decimal("1860000000"),
    "research_expenditure_industry": Decimal("620000000"),
    "research_expenditure_other": Decimal("140000000"),
    "licensing_ftes": Decimal("6.00"),
    "other_staff_ftes": Decimal("4.50"),
}


def seed_report_facts(*, staff: User) -> None:
    """Write the mobility periods, the entities and East Lake's report
    inputs, as ``staff`` (who must be staff of East Lake)."""
    institutions = {i.code: i for i in Institution.objects.all()}
    enterprises = {e.code: e for e in Enterprise.objects.all()}
    people = {p.email: p for p in Person.objects.filter(institution__isnull=False)}
    for spec in MOBILITY:
        StaffMobility.objects.get_or_create(
            institution=institutions[spec.institution],
            person=people[spec.person],
            kind=spec.kind,
            starts_on=spec.starts_on,
            defaults={
                "enterprise": enterprises[spec.enterprise],
                "ends_on": spec.ends_on,
                "notes": spec.notes,
            },
        )
    for spec in ENTITIES:
        TransferEntity.objects.get_or_create(
            institution=institutions[spec.institution],
            name=spec.name,
            defaults={
                "kind": spec.kind,
                "built": spec.built,
                "established_on": spec.established_on,
                "technology_managers": spec.technology_managers,
            },
        )
    main = institutions["ELU"]
    annual_report_input_save(
        institution=main,
        report=ReportKind.CHINA_ANNUAL,
        year=REPORT_YEAR,
        by=staff,
        **CHINA_INPUT,
    )
    annual_report_input_save(
        institution=main, report=ReportKind.AUTM, year=REPORT_YEAR, by=staff, **AUTM_INPUT
    )
