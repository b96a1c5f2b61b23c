"""Demo data: a small bilingual BioBridge world, and bulk projects for
benchmarks.

``seed_demo()`` loads four institutions, an enterprise-led joint centre, six
enterprises, their people, partnerships in all five cooperation modes with
their agreements, 45 research projects across the six sectors with their
stage-gate history, the four demo logins and a portal user for each other
enterprise. It may run any number of times: directory records are found by
their natural keys (codes, references, emails) and brought back to the
values written here. A demo project that exists already is left as it is,
because its history is append-only and may have grown since it was seeded.

``seed_money()``, part of ``seed_demo()``, gives every agreement its terms
and the demo projects their money: milestones in every state, invoices,
payments, royalty reports and cost entries. It writes them through the
lifecycle services, acting as the people who would: staff claim, invoice
and record payments, the paying enterprise's partner users verify, dispute
and report sales. The services date what they do today; invoices and
payments carry the dates of the history they belong to. Money once written
is left alone, like a project's history.

``generate_projects(count=...)`` adds projects coded ``GEN-000001``,
``GEN-000002``, ... under the demo partnerships, with their partner links
and a plausible history each, written with ``bulk_create`` in batches.

Randomness comes from generators seeded with fixed values and histories
count back from ``DEMO_AS_OF``, so every database seeded from this module
holds the same demo data.
"""

import calendar
import datetime
import random
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import reset_queries, transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from stdnum.cn import uscc

from accounts.choices import Role
from accounts.models import User
from core.money import quantize_money
from notifications.models import Notification
from partnerships.choices import (
    AgreementKind,
    CooperationMode,
    EnterpriseSize,
    Exclusivity,
    InstitutionKind,
    MilestoneKind,
    PartnershipStatus,
    Party,
    RoyaltyBasis,
    RoyaltyReporting,
    SunkCostBearer,
)
from partnerships.models import (
    Agreement,
    Enterprise,
    FailureClause,
    Institution,
    JointCentre,
    JointCentreParty,
    MilestoneScheduleItem,
    Partnership,
    Person,
)
from projects.activity import activity_record
from projects.choices import (
    MilestoneStatus,
    ProjectStatus,
    RoyaltyReportKind,
    RoyaltyReportStatus,
    SectorCode,
    TherapeuticArea,
    TransitionKind,
)
from projects.computations.royalties import Tier
from projects.models import (
    CostEntry,
    Invoice,
    Milestone,
    Payment,
    ResearchProject,
    RoyaltyReport,
    Sector,
    StageDefinition,
    StageTransition,
)
from projects.services import (
    cost_entry_record,
    cost_shares_set,
    document_upload,
    milestone_cancel,
    milestone_claim,
    milestone_dispute,
    milestone_invoice,
    milestone_verify,
    milestone_waive,
    milestones_create_from_schedule,
    payment_record,
    royalty_report_accept,
    royalty_report_invoice,
    royalty_report_query,
    royalty_report_submit,
    royalty_tiers_set,
    royalty_year_true_up,
)
from projects.services.costs import CostShareInput
from projects.services.royalties import SalesLine

DEMO_PASSWORD = "biobridge-demo"
DEMO_SEED = 20261001
# Histories end before this day rather than before today, so that the demo
# data does not depend on the day it was loaded.
DEMO_AS_OF = datetime.date(2026, 10, 1)
# Gate reviews happen in office hours in China, where the demo world lives.
DEMO_TIME_ZONE = ZoneInfo("Asia/Shanghai")

ADMIN_EMAIL = "admin@example.com"
STAFF_EMAIL = "staff@example.com"
PARTNER_A_EMAIL = "partner.a@example.com"
PARTNER_B_EMAIL = "partner.b@example.com"

GENERATED_CODE_PREFIX = "GEN-"
DEFAULT_BATCH_SIZE = 2000

# The demo uses each sector's default pipeline, seeded by the migration
# projects/0002_seed_sectors_and_pipelines.
PIPELINE_OF_SECTOR = {
    SectorCode.BIOMEDICINE: "BIOMED-DRUG",
    SectorCode.AGRICULTURE: "AGRI-GMO",
    SectorCode.BIO_MANUFACTURING: "BIOMFG",
    SectorCode.BIO_ENERGY: "BIOENERGY",
    SectorCode.ENVIRONMENTAL: "ENV",
    SectorCode.BIO_SERVICES: "BIOSERV-IVD",
}


# --- The directory ------------------------------------------------------


@dataclass(frozen=True)
class InstitutionSpec:
    code: str
    name: str
    name_zh: str
    kind: str
    city: str
    website: str


@dataclass(frozen=True)
class EnterpriseSpec:
    code: str
    name: str
    name_zh: str
    size: str
    sectors: tuple[str, ...]
    city: str
    website: str
    country: str = "CN"
    # The first 17 characters of the Unified Social Credit Code: registering
    # authority, entity type, region code and organisation code. The check
    # character is computed, so the code is valid by construction.
    uscc_body: str = ""

    @property
    def unified_social_credit_code(self) -> str:
        if not self.uscc_body:
            return ""
        return self.uscc_body + uscc.calc_check_digit(self.uscc_body)


@dataclass(frozen=True)
class PersonSpec:
    email: str
    full_name: str
    name_zh: str
    job_title: str
    institution: str = ""
    enterprise: str = ""
    investigator: bool = False


@dataclass(frozen=True)
class CentrePartySpec:
    annual_funding_commitment: int
    commitment_from_year: int
    commitment_to_year: int
    institution: str = ""
    enterprise: str = ""


@dataclass(frozen=True)
class JointCentreSpec:
    code: str
    name: str
    name_zh: str
    established_on: datetime.date
    focus_sectors: tuple[str, ...]
    parties: tuple[CentrePartySpec, ...]
    governance_contacts: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class PartnershipSpec:
    code: str
    title: str
    mode: str
    enterprise: str
    started_on: datetime.date
    institution: str = ""
    joint_centre: str = ""
    status: str = PartnershipStatus.ACTIVE
    ended_on: datetime.date | None = None
    description: str = ""


@dataclass(frozen=True)
class AgreementSpec:
    reference: str
    partnership: str
    title: str
    kind: str
    status: str = Agreement.Status.SIGNED
    signed_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    exclusivity: str = Exclusivity.NOT_APPLICABLE
    field_of_use: str = ""
    territory: str = ""
    institution_ip_share: int = 100
    currency: str = "CNY"


@dataclass(frozen=True)
class LoginSpec:
    email: str
    full_name: str
    role: str
    superuser: bool = False
    enterprise: str = ""
    person: str = ""
    # Invites and removes the enterprise's partner users in the portal.
    partner_admin: bool = False


INSTITUTIONS = (
    InstitutionSpec(
        code="ELU",
        name="East Lake University",
        name_zh="东湖大学",
        kind=InstitutionKind.UNIVERSITY,
        city="Wuhan",
        website="https://www.elu.example.org",
    ),
    InstitutionSpec(
        code="QIS",
        name="Qiantang Institute of Synthetic Biology",
        name_zh="钱塘合成生物研究院",
        kind=InstitutionKind.RESEARCH_INSTITUTE,
        city="Hangzhou",
        website="https://www.qis.example.org",
    ),
    InstitutionSpec(
        code="LCH",
        name="Lakeview Central Hospital",
        name_zh="湖景中心医院",
        kind=InstitutionKind.HOSPITAL,
        city="Wuhan",
        website="https://www.lch.example.org",
    ),
    InstitutionSpec(
        code="NCG",
        name="Northern Crop Genomics Laboratory",
        name_zh="北方作物基因组重点实验室",
        kind=InstitutionKind.PUBLIC_LAB,
        city="Harbin",
        website="https://www.ncg.example.org",
    ),
)

ENTERPRISES = (
    EnterpriseSpec(
        code="HHB",
        name="Hanhai Biopharma Group Co., Ltd.",
        name_zh="瀚海生物医药集团有限公司",
        size=EnterpriseSize.LARGE,
        sectors=(SectorCode.BIOMEDICINE, SectorCode.BIO_MANUFACTURING),
        city="Shanghai",
        website="https://www.hanhai.example.com",
        uscc_body="91310115MA1FL3W8X",
    ),
    EnterpriseSpec(
        code="CFB",
        name="Cellforge Biomanufacturing Co., Ltd.",
        name_zh="铸胞生物制造有限公司",
        size=EnterpriseSize.STARTUP,
        sectors=(SectorCode.BIO_MANUFACTURING, SectorCode.BIO_ENERGY),
        city="Hangzhou",
        website="https://www.cellforge.example.com",
        uscc_body="91330108MA2H7T4C9",
    ),
    EnterpriseSpec(
        code="JLS",
        name="Jadeleaf Seed Technology Co., Ltd.",
        name_zh="翠叶种业科技有限公司",
        size=EnterpriseSize.SME,
        sectors=(SectorCode.AGRICULTURE,),
        city="Harbin",
        website="https://www.jadeleaf.example.com",
        uscc_body="91230103MA1B8U2K6",
    ),
    EnterpriseSpec(
        code="LMD",
        name="Lumora Diagnostics Co., Ltd.",
        name_zh="光瑞诊断技术有限公司",
        size=EnterpriseSize.STARTUP,
        sectors=(SectorCode.BIO_SERVICES,),
        city="Shenzhen",
        website="https://www.lumora.example.com",
        uscc_body="91440300MA5G3P1D7",
    ),
    EnterpriseSpec(
        code="GCE",
        name="GreenCycle Environmental Biotech Co., Ltd.",
        name_zh="绿循环境生物技术有限公司",
        size=EnterpriseSize.SME,
        sectors=(SectorCode.ENVIRONMENTAL, SectorCode.BIO_ENERGY),
        city="Wuhan",
        website="https://www.greencycle.example.com",
        uscc_body="91420111MA4K9E5R3",
    ),
    EnterpriseSpec(
        code="MER",
        name="Meridian Therapeutics GmbH",
        name_zh="子午线治疗有限公司",
        size=EnterpriseSize.LARGE,
        sectors=(SectorCode.BIOMEDICINE,),
        city="Munich",
        website="https://www.meridian-tx.example.com",
        country="DE",
    ),
)

PEOPLE = (
    PersonSpec(
        email="zhang.wei@elu.example.org",
        full_name="Zhang Wei",
        name_zh="张伟",
        job_title="Professor of Antibody Engineering, School of Life Sciences",
        institution="ELU",
        investigator=True,
    ),
    PersonSpec(
        email="gao.yang@elu.example.org",
        full_name="Gao Yang",
        name_zh="高阳",
        job_title="Professor, Institute of Immunotherapy",
        institution="ELU",
        investigator=True,
    ),
    PersonSpec(
        email="xie.lan@elu.example.org",
        full_name="Xie Lan",
        name_zh="谢兰",
        job_title="Professor of Medicinal Chemistry, School of Pharmaceutical Sciences",
        institution="ELU",
        investigator=True,
    ),
    PersonSpec(
        email="huang.lei@elu.example.org",
        full_name="Huang Lei",
        name_zh="黄磊",
        job_title="Professor of Virology, School of Basic Medical Sciences",
        institution="ELU",
        investigator=True,
    ),
    PersonSpec(
        email="liu.fang@elu.example.org",
        full_name="Liu Fang",
        name_zh="刘芳",
        job_title="Professor, College of Life Science and Technology",
        institution="ELU",
        investigator=True,
    ),
    PersonSpec(
        email="chen.jing@elu.example.org",
        full_name="Chen Jing",
        name_zh="陈静",
        job_title="Associate Professor, School of Environmental Science and Engineering",
        institution="ELU",
        investigator=True,
    ),
    PersonSpec(
        email="li.na@elu.example.org",
        full_name="Li Na",
        name_zh="李娜",
        job_title="Technology Transfer Officer, Office of Technology Transfer",
        institution="ELU",
    ),
    PersonSpec(
        email="wang.jun@qis.example.org",
        full_name="Wang Jun",
        name_zh="王军",
        job_title="Principal Investigator, Metabolic Engineering Group",
        institution="QIS",
        investigator=True,
    ),
    PersonSpec(
        email="zhou.min@qis.example.org",
        full_name="Zhou Min",
        name_zh="周敏",
        job_title="Principal Investigator, Enzyme Engineering Group",
        institution="QIS",
        investigator=True,
    ),
    PersonSpec(
        email="luo.xin@qis.example.org",
        full_name="Luo Xin",
        name_zh="罗欣",
        job_title="Principal Investigator, Microbial Pesticides Group",
        institution="QIS",
        investigator=True,
    ),
    PersonSpec(
        email="xu.tao@qis.example.org",
        full_name="Xu Tao",
        name_zh="徐涛",
        job_title="Director, Industrialisation Office",
        institution="QIS",
    ),
    PersonSpec(
        email="sun.li@lch.example.org",
        full_name="Sun Li",
        name_zh="孙丽",
        job_title="Chief Physician, Department of Oncology",
        institution="LCH",
        investigator=True,
    ),
    PersonSpec(
        email="deng.jie@lch.example.org",
        full_name="Deng Jie",
        name_zh="邓杰",
        job_title="Chief Physician, Department of Dermatology",
        institution="LCH",
        investigator=True,
    ),
    PersonSpec(
        email="qian.rui@lch.example.org",
        full_name="Qian Rui",
        name_zh="钱瑞",
        job_title="Chief Physician, Department of Neurology",
        institution="LCH",
        investigator=True,
    ),
    PersonSpec(
        email="zhao.qiang@lch.example.org",
        full_name="Zhao Qiang",
        name_zh="赵强",
        job_title="Director, Department of Laboratory Medicine",
        institution="LCH",
        investigator=True,
    ),
    PersonSpec(
        email="ma.yan@lch.example.org",
        full_name="Ma Yan",
        name_zh="马燕",
        job_title="Head, Clinical Trial Institution Office",
        institution="LCH",
    ),
    PersonSpec(
        email="guo.hua@ncg.example.org",
        full_name="Guo Hua",
        name_zh="郭华",
        job_title="Principal Investigator, Maize Functional Genomics",
        institution="NCG",
        investigator=True,
    ),
    PersonSpec(
        email="he.ping@ncg.example.org",
        full_name="He Ping",
        name_zh="何平",
        job_title="Principal Investigator, Rice Molecular Breeding",
        institution="NCG",
        investigator=True,
    ),
    PersonSpec(
        email="song.yu@ncg.example.org",
        full_name="Song Yu",
        name_zh="宋宇",
        job_title="Head, Biosafety Assessment Office",
        institution="NCG",
    ),
    PersonSpec(
        email="wang.hao@hanhai.example.com",
        full_name="Wang Hao",
        name_zh="王浩",
        job_title="Director, Business Development",
        enterprise="HHB",
    ),
    PersonSpec(
        email="yang.xue@hanhai.example.com",
        full_name="Yang Xue",
        name_zh="杨雪",
        job_title="Vice-President, Research and Development",
        enterprise="HHB",
    ),
    PersonSpec(
        email="chen.yu@cellforge.example.com",
        full_name="Chen Yu",
        name_zh="陈宇",
        job_title="Co-founder and Chief Technology Officer",
        enterprise="CFB",
    ),
    PersonSpec(
        email="tang.ming@jadeleaf.example.com",
        full_name="Tang Ming",
        name_zh="唐明",
        job_title="Head of Breeding",
        enterprise="JLS",
    ),
    PersonSpec(
        email="lin.yue@lumora.example.com",
        full_name="Lin Yue",
        name_zh="林悦",
        job_title="Chief Executive Officer",
        enterprise="LMD",
    ),
    PersonSpec(
        email="feng.bo@greencycle.example.com",
        full_name="Feng Bo",
        name_zh="冯波",
        job_title="Technical Director",
        enterprise="GCE",
    ),
    PersonSpec(
        email="anna.keller@meridian-tx.example.com",
        full_name="Anna Keller",
        name_zh="安娜·凯勒",
        job_title="Head of External Innovation, Asia-Pacific",
        enterprise="MER",
    ),
)

JOINT_CENTRE = JointCentreSpec(
    code="HEC",
    name="Hanhai-ELU One-Stop Centre for Biologics and Biomanufacturing",
    name_zh="瀚海-东湖生物药与生物制造一站式创新中心",
    established_on=datetime.date(2019, 6, 18),
    focus_sectors=(SectorCode.BIOMEDICINE, SectorCode.BIO_MANUFACTURING, SectorCode.BIO_ENERGY),
    parties=(
        CentrePartySpec(
            annual_funding_commitment=5_000_000,
            commitment_from_year=2019,
            commitment_to_year=2028,
            institution="ELU",
        ),
        CentrePartySpec(
            annual_funding_commitment=3_000_000,
            commitment_from_year=2019,
            commitment_to_year=2028,
            institution="QIS",
        ),
        CentrePartySpec(
            annual_funding_commitment=30_000_000,
            commitment_from_year=2019,
            commitment_to_year=2028,
            enterprise="HHB",
        ),
        CentrePartySpec(
            annual_funding_commitment=8_000_000,
            commitment_from_year=2021,
            commitment_to_year=2026,
            enterprise="CFB",
        ),
    ),
    governance_contacts=(
        "li.na@elu.example.org",
        "xu.tao@qis.example.org",
        "yang.xue@hanhai.example.com",
        "chen.yu@cellforge.example.com",
    ),
    description=(
        "Enterprise-led one-stop centre: Hanhai funds and steers programmes from basic "
        "research through pilot production, with East Lake University and the Qiantang "
        "Institute as hosts; Cellforge joined in 2021 as a second lead enterprise for "
        "biomanufacturing and bio-energy."
    ),
)

PARTNERSHIPS = (
    PartnershipSpec(
        code="ELU-HHB-2020-TT",
        title="Licence of ELU's antibody and haematology results to Hanhai",
        mode=CooperationMode.TRANSFER,
        enterprise="HHB",
        started_on=datetime.date(2020, 3, 16),
        institution="ELU",
    ),
    PartnershipSpec(
        code="ELU-MER-2023-TT",
        title="Ex-China licence of ELU's GLP-1/GIP dual agonist to Meridian",
        mode=CooperationMode.TRANSFER,
        enterprise="MER",
        started_on=datetime.date(2023, 5, 8),
        institution="ELU",
    ),
    PartnershipSpec(
        code="NCG-JLS-2018-TT",
        title="Assignment of NCG's maize and soybean events to Jadeleaf",
        mode=CooperationMode.TRANSFER,
        enterprise="JLS",
        started_on=datetime.date(2018, 9, 3),
        institution="NCG",
    ),
    PartnershipSpec(
        code="QIS-GCE-2020-TT",
        title="Licence of QIS enzymes for waste treatment to GreenCycle",
        mode=CooperationMode.TRANSFER,
        enterprise="GCE",
        started_on=datetime.date(2020, 8, 24),
        institution="QIS",
    ),
    PartnershipSpec(
        code="QIS-JLS-2026-TT",
        title="Licence of a QIS Bt strain for biopesticides to Jadeleaf",
        mode=CooperationMode.TRANSFER,
        enterprise="JLS",
        started_on=datetime.date(2026, 6, 1),
        institution="QIS",
        status=PartnershipStatus.NEGOTIATING,
    ),
    PartnershipSpec(
        code="LCH-HHB-2021-RD",
        title="Clinical research commissioned by Hanhai at Lakeview",
        mode=CooperationMode.CONTRACT_RD,
        enterprise="HHB",
        started_on=datetime.date(2021, 1, 11),
        institution="LCH",
    ),
    PartnershipSpec(
        code="LCH-MER-2018-RD",
        title="Phase II research commissioned by Meridian at Lakeview",
        mode=CooperationMode.CONTRACT_RD,
        enterprise="MER",
        started_on=datetime.date(2018, 3, 1),
        institution="LCH",
        status=PartnershipStatus.ENDED,
        ended_on=datetime.date(2021, 12, 31),
    ),
    PartnershipSpec(
        code="ELU-GCE-2021-RD",
        title="Process development for GreenCycle at ELU",
        mode=CooperationMode.CONTRACT_RD,
        enterprise="GCE",
        started_on=datetime.date(2021, 3, 1),
        institution="ELU",
    ),
    PartnershipSpec(
        code="QIS-CFB-2019-CF",
        title="Cellforge, the biomanufacturing spin-off of QIS",
        mode=CooperationMode.CO_FOUNDED_COMPANY,
        enterprise="CFB",
        started_on=datetime.date(2019, 9, 12),
        institution="QIS",
    ),
    PartnershipSpec(
        code="ELU-LMD-2021-CF",
        title="Lumora Diagnostics, co-founded by ELU for CRISPR diagnostics",
        mode=CooperationMode.CO_FOUNDED_COMPANY,
        enterprise="LMD",
        started_on=datetime.date(2021, 8, 18),
        institution="ELU",
    ),
    PartnershipSpec(
        code="NCG-JLS-2021-PF",
        title="Gene-editing breeding platform of NCG and Jadeleaf",
        mode=CooperationMode.CO_BUILT_PLATFORM,
        enterprise="JLS",
        started_on=datetime.date(2021, 4, 8),
        institution="NCG",
    ),
    PartnershipSpec(
        code="LCH-LMD-2022-PF",
        title="Clinical evaluation platform for diagnostics at Lakeview",
        mode=CooperationMode.CO_BUILT_PLATFORM,
        enterprise="LMD",
        started_on=datetime.date(2022, 7, 1),
        institution="LCH",
    ),
    PartnershipSpec(
        code="QIS-CFB-2023-PF",
        title="Automated strain-engineering foundry of QIS and Cellforge",
        mode=CooperationMode.CO_BUILT_PLATFORM,
        enterprise="CFB",
        started_on=datetime.date(2023, 3, 1),
        institution="QIS",
    ),
    PartnershipSpec(
        code="HEC-HHB-2019-JC",
        title="Hanhai's programmes in the one-stop centre",
        mode=CooperationMode.JOINT_CENTRE,
        enterprise="HHB",
        started_on=datetime.date(2019, 6, 18),
        joint_centre="HEC",
    ),
    PartnershipSpec(
        code="HEC-CFB-2021-JC",
        title="Cellforge's programmes in the one-stop centre",
        mode=CooperationMode.JOINT_CENTRE,
        enterprise="CFB",
        started_on=datetime.date(2021, 5, 10),
        joint_centre="HEC",
    ),
)

# A co-built platform is governed by a co-construction agreement, which is a
# technology development contract in Chinese contract law: hence rd_contract.
AGREEMENTS = (
    AgreementSpec(
        reference="AGR-ELU-HHB-2020-01",
        partnership="ELU-HHB-2020-TT",
        title="Exclusive licence: PD-1/VEGF bispecifics, Claudin 18.2 ADC and TPO mimetic",
        kind=AgreementKind.LICENCE,
        signed_on=datetime.date(2020, 6, 30),
        expires_on=datetime.date(2040, 6, 29),
        exclusivity=Exclusivity.EXCLUSIVE,
        field_of_use="Human therapeutics",
        territory="Worldwide",
    ),
    AgreementSpec(
        reference="AGR-ELU-MER-2023-01",
        partnership="ELU-MER-2023-TT",
        title="Exclusive ex-China licence: GLP-1/GIP dual agonist peptides",
        kind=AgreementKind.LICENCE,
        signed_on=datetime.date(2023, 9, 5),
        expires_on=datetime.date(2043, 9, 4),
        exclusivity=Exclusivity.EXCLUSIVE,
        field_of_use="Treatment of obesity and metabolic disease in humans",
        territory="Worldwide except mainland China, Hong Kong, Macao and Taiwan",
        currency="EUR",
    ),
    AgreementSpec(
        reference="AGR-NCG-JLS-2018-01",
        partnership="NCG-JLS-2018-TT",
        title="Assignment of transformation events ZmDREB, Cry1Ab/Vip3A and GmEPSPS",
        kind=AgreementKind.ASSIGNMENT,
        signed_on=datetime.date(2018, 11, 20),
        field_of_use="Seed and grain of maize and soybean",
        territory="China",
        institution_ip_share=0,
    ),
    AgreementSpec(
        reference="AGR-QIS-GCE-2020-01",
        partnership="QIS-GCE-2020-TT",
        title="Non-exclusive licence: PET hydrolase and laccase variants",
        kind=AgreementKind.LICENCE,
        signed_on=datetime.date(2020, 10, 15),
        expires_on=datetime.date(2030, 10, 14),
        exclusivity=Exclusivity.NON_EXCLUSIVE,
        field_of_use="Treatment of industrial waste and effluent",
        territory="China",
    ),
    AgreementSpec(
        reference="AGR-QIS-JLS-2026-01",
        partnership="QIS-JLS-2026-TT",
        title="Licence: Bacillus thuringiensis strain QB-7 for biopesticides",
        kind=AgreementKind.LICENCE,
        status=Agreement.Status.DRAFT,
        exclusivity=Exclusivity.SOLE,
        field_of_use="Biopesticides for field crops",
        territory="China",
    ),
    AgreementSpec(
        reference="AGR-LCH-HHB-2021-01",
        partnership="LCH-HHB-2021-RD",
        title="Master agreement for commissioned clinical research",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2021, 2, 1),
        expires_on=datetime.date(2027, 1, 31),
        institution_ip_share=20,
    ),
    AgreementSpec(
        reference="AGR-LCH-MER-2018-01",
        partnership="LCH-MER-2018-RD",
        title="Phase II clinical research contract: anti-amyloid antibody",
        kind=AgreementKind.RD_CONTRACT,
        status=Agreement.Status.TERMINATED,
        signed_on=datetime.date(2018, 4, 2),
        expires_on=datetime.date(2021, 12, 31),
        institution_ip_share=0,
        currency="EUR",
    ),
    AgreementSpec(
        reference="AGR-ELU-GCE-2021-01",
        partnership="ELU-GCE-2021-RD",
        title="Technology development contract: bio-energy and remediation processes",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2021, 3, 22),
        expires_on=datetime.date(2027, 3, 21),
        institution_ip_share=30,
    ),
    AgreementSpec(
        reference="AGR-QIS-CFB-2019-01",
        partnership="QIS-CFB-2019-CF",
        title="Shareholders' agreement of Cellforge Biomanufacturing",
        kind=AgreementKind.SHAREHOLDERS,
        signed_on=datetime.date(2019, 9, 12),
        institution_ip_share=0,
    ),
    AgreementSpec(
        reference="AGR-ELU-LMD-2021-01",
        partnership="ELU-LMD-2021-CF",
        title="Shareholders' agreement of Lumora Diagnostics",
        kind=AgreementKind.SHAREHOLDERS,
        signed_on=datetime.date(2021, 8, 18),
        institution_ip_share=0,
    ),
    AgreementSpec(
        reference="AGR-NCG-JLS-2021-01",
        partnership="NCG-JLS-2021-PF",
        title="Co-construction agreement: gene-editing breeding platform",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2021, 4, 8),
        expires_on=datetime.date(2031, 4, 7),
        institution_ip_share=50,
    ),
    AgreementSpec(
        reference="AGR-LCH-LMD-2022-01",
        partnership="LCH-LMD-2022-PF",
        title="Co-construction agreement: clinical evaluation platform for diagnostics",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2022, 7, 1),
        expires_on=datetime.date(2027, 6, 30),
        institution_ip_share=50,
    ),
    AgreementSpec(
        reference="AGR-QIS-CFB-2023-01",
        partnership="QIS-CFB-2023-PF",
        title="Co-construction agreement: automated strain-engineering foundry",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2023, 3, 1),
        expires_on=datetime.date(2033, 2, 28),
        institution_ip_share=50,
    ),
    AgreementSpec(
        reference="AGR-HEC-HHB-2019-01",
        partnership="HEC-HHB-2019-JC",
        title="Charter of the Hanhai-ELU one-stop centre",
        kind=AgreementKind.CENTRE_CHARTER,
        signed_on=datetime.date(2019, 6, 18),
        expires_on=datetime.date(2028, 12, 31),
        institution_ip_share=50,
    ),
    AgreementSpec(
        reference="AGR-HEC-CFB-2021-01",
        partnership="HEC-CFB-2021-JC",
        title="Accession of Cellforge to the centre charter",
        kind=AgreementKind.CENTRE_CHARTER,
        signed_on=datetime.date(2021, 5, 10),
        expires_on=datetime.date(2026, 12, 31),
        institution_ip_share=50,
    ),
)

LOGINS = (
    LoginSpec(
        email=ADMIN_EMAIL,
        full_name="BioBridge Administrator",
        role=Role.CENTRE_STAFF,
        superuser=True,
    ),
    LoginSpec(
        email=STAFF_EMAIL,
        full_name="Li Na",
        role=Role.CENTRE_STAFF,
        person="li.na@elu.example.org",
    ),
    LoginSpec(
        email=PARTNER_A_EMAIL,
        full_name="Wang Hao",
        role=Role.PARTNER,
        enterprise="HHB",
        person="wang.hao@hanhai.example.com",
        partner_admin=True,
    ),
    LoginSpec(
        email=PARTNER_B_EMAIL,
        full_name="Chen Yu",
        role=Role.PARTNER,
        enterprise="CFB",
        person="chen.yu@cellforge.example.com",
        partner_admin=True,
    ),
)

# Partner users of the enterprises that have no demo login: they verify or
# dispute their enterprise's milestones and report its sales. They cannot
# sign in until someone gives them a password.
PORTAL_CONTACTS = (
    LoginSpec(
        email="tang.ming@jadeleaf.example.com",
        full_name="Tang Ming",
        role=Role.PARTNER,
        enterprise="JLS",
        person="tang.ming@jadeleaf.example.com",
    ),
    LoginSpec(
        email="lin.yue@lumora.example.com",
        full_name="Lin Yue",
        role=Role.PARTNER,
        enterprise="LMD",
        person="lin.yue@lumora.example.com",
    ),
    LoginSpec(
        email="feng.bo@greencycle.example.com",
        full_name="Feng Bo",
        role=Role.PARTNER,
        enterprise="GCE",
        person="feng.bo@greencycle.example.com",
    ),
    LoginSpec(
        email="anna.keller@meridian-tx.example.com",
        full_name="Anna Keller",
        role=Role.PARTNER,
        enterprise="MER",
        person="anna.keller@meridian-tx.example.com",
    ),
)


# --- The projects -------------------------------------------------------


@dataclass(frozen=True)
class ProjectSpec:
    """A demo project: where it stands today. Its history is planned from
    this by ``plan_history``."""

    code: str
    title: str
    title_zh: str
    sector: str
    stage: str
    investigator: str
    partnership: str = ""
    # The lead institution when the partnership does not name one: a host
    # institution of a joint centre, or the institution of an unpartnered
    # project.
    lead: str = ""
    status: str = ProjectStatus.ACTIVE
    therapeutic_area: str = ""
    also_partners: tuple[str, ...] = ()
    paused: bool = False
    # Why a held or terminated project stopped: the rationale of that
    # decision.
    reason: str = ""
    last_decision_on: datetime.date | None = None


_ACTIVE = ProjectStatus.ACTIVE
_ON_HOLD = ProjectStatus.ON_HOLD
_TERMINATED = ProjectStatus.TERMINATED
_PRODUCTIZED = ProjectStatus.PRODUCTIZED
_BIOMED = SectorCode.BIOMEDICINE
_AGRI = SectorCode.AGRICULTURE
_MFG = SectorCode.BIO_MANUFACTURING
_ENERGY = SectorCode.BIO_ENERGY
_ENV = SectorCode.ENVIRONMENTAL
_IVD = SectorCode.BIO_SERVICES

PROJECTS = (
    # Biomedicine
    ProjectSpec(
        code="ELU-001",
        title="Bispecific antibody against PD-1/VEGF for NSCLC",
        title_zh="PD-1/VEGF双特异性抗体治疗非小细胞肺癌",
        sector=_BIOMED,
        stage="phase_2",
        investigator="zhang.wei@elu.example.org",
        partnership="ELU-HHB-2020-TT",
        therapeutic_area=TherapeuticArea.ONCOLOGY,
    ),
    ProjectSpec(
        code="ELU-002",
        title="PD-1/VEGF bispecific antibody for first-line hepatocellular carcinoma",
        title_zh="PD-1/VEGF双特异性抗体一线治疗肝细胞癌",
        sector=_BIOMED,
        stage="phase_1",
        investigator="zhang.wei@elu.example.org",
        partnership="ELU-HHB-2020-TT",
        therapeutic_area=TherapeuticArea.ONCOLOGY,
        paused=True,
    ),
    ProjectSpec(
        code="ELU-003",
        title="Claudin 18.2 antibody-drug conjugate for gastric cancer",
        title_zh="靶向Claudin 18.2的抗体偶联药物治疗胃癌",
        sector=_BIOMED,
        stage="preclinical",
        investigator="zhang.wei@elu.example.org",
        partnership="ELU-HHB-2020-TT",
        therapeutic_area=TherapeuticArea.ONCOLOGY,
    ),
    ProjectSpec(
        code="ELU-004",
        title="Recombinant thrombopoietin mimetic for chemotherapy-induced thrombocytopenia",
        title_zh="重组血小板生成素模拟物治疗化疗所致血小板减少症",
        sector=_BIOMED,
        stage="market",
        investigator="gao.yang@elu.example.org",
        partnership="ELU-HHB-2020-TT",
        status=_PRODUCTIZED,
        therapeutic_area=TherapeuticArea.HAEMATOLOGY,
        # On the market since autumn 2024, so that its royalty reports span
        # more than one year.
        last_decision_on=datetime.date(2024, 9, 10),
    ),
    ProjectSpec(
        code="ELU-005",
        title="GLP-1/GIP dual agonist peptide for obesity",
        title_zh="GLP-1/GIP双受体激动多肽治疗肥胖症",
        sector=_BIOMED,
        stage="phase_2",
        investigator="xie.lan@elu.example.org",
        partnership="ELU-MER-2023-TT",
        therapeutic_area=TherapeuticArea.METABOLIC,
    ),
    ProjectSpec(
        code="ELU-006",
        title="Small-molecule KRAS G12C inhibitor for colorectal cancer",
        title_zh="小分子KRAS G12C抑制剂治疗结直肠癌",
        sector=_BIOMED,
        stage="lead_discovery",
        investigator="xie.lan@elu.example.org",
        lead="ELU",
        therapeutic_area=TherapeuticArea.ONCOLOGY,
    ),
    ProjectSpec(
        code="LCH-001",
        title="TROP2 antibody-drug conjugate for HR+/HER2- breast cancer",
        title_zh="TROP2抗体偶联药物治疗HR阳性/HER2阴性乳腺癌",
        sector=_BIOMED,
        stage="phase_2",
        investigator="sun.li@lch.example.org",
        partnership="LCH-HHB-2021-RD",
        therapeutic_area=TherapeuticArea.ONCOLOGY,
    ),
    ProjectSpec(
        code="LCH-002",
        title="PD-1 rechallenge guided by tumour mutational burden in melanoma",
        title_zh="基于肿瘤突变负荷的PD-1再挑战治疗黑色素瘤",
        sector=_BIOMED,
        stage="phase_3",
        investigator="sun.li@lch.example.org",
        partnership="LCH-HHB-2021-RD",
        status=_TERMINATED,
        therapeutic_area=TherapeuticArea.ONCOLOGY,
        reason=(
            "Interim analysis crossed the futility boundary; the data monitoring "
            "committee recommended stopping the trial."
        ),
    ),
    ProjectSpec(
        code="LCH-003",
        title="Long-acting IL-23p19 antibody for moderate-to-severe psoriasis",
        title_zh="长效IL-23p19单抗治疗中重度银屑病",
        sector=_BIOMED,
        stage="phase_3",
        investigator="deng.jie@lch.example.org",
        partnership="LCH-HHB-2021-RD",
        therapeutic_area=TherapeuticArea.AUTOIMMUNE,
    ),
    ProjectSpec(
        code="LCH-004",
        title="Anti-amyloid antibody for early Alzheimer's disease",
        title_zh="抗β淀粉样蛋白抗体治疗早期阿尔茨海默病",
        sector=_BIOMED,
        stage="phase_2",
        investigator="qian.rui@lch.example.org",
        partnership="LCH-MER-2018-RD",
        status=_TERMINATED,
        therapeutic_area=TherapeuticArea.NEUROLOGY,
        reason=(
            "Phase II missed its primary endpoint (CDR-SB at 78 weeks); Meridian "
            "ended the research contract."
        ),
        last_decision_on=datetime.date(2021, 11, 15),
    ),
    ProjectSpec(
        code="LCH-005",
        title="Phage therapy for carbapenem-resistant Klebsiella pneumoniae",
        title_zh="噬菌体疗法治疗耐碳青霉烯肺炎克雷伯菌感染",
        sector=_BIOMED,
        stage="preclinical",
        investigator="zhao.qiang@lch.example.org",
        lead="LCH",
        status=_ON_HOLD,
        therapeutic_area=TherapeuticArea.INFECTIOUS_DISEASE,
        reason="On hold until a GMP phage manufacturer is found for the toxicology batches.",
    ),
    ProjectSpec(
        code="HEC-001",
        title="Fully human BCMA CAR-T for relapsed or refractory multiple myeloma",
        title_zh="全人源BCMA CAR-T治疗复发难治性多发性骨髓瘤",
        sector=_BIOMED,
        stage="phase_1",
        investigator="gao.yang@elu.example.org",
        partnership="HEC-HHB-2019-JC",
        lead="ELU",
        therapeutic_area=TherapeuticArea.HAEMATOLOGY,
    ),
    ProjectSpec(
        code="HEC-002",
        title="Oral small-molecule GLP-1 receptor agonist for type 2 diabetes",
        title_zh="口服小分子GLP-1受体激动剂治疗2型糖尿病",
        sector=_BIOMED,
        stage="ind_filing",
        investigator="xie.lan@elu.example.org",
        partnership="HEC-HHB-2019-JC",
        lead="ELU",
        therapeutic_area=TherapeuticArea.METABOLIC,
    ),
    ProjectSpec(
        code="HEC-003",
        title="mRNA vaccine against respiratory syncytial virus for older adults",
        title_zh="老年人呼吸道合胞病毒mRNA疫苗",
        sector=_BIOMED,
        stage="lead_discovery",
        investigator="huang.lei@elu.example.org",
        partnership="HEC-HHB-2019-JC",
        lead="ELU",
        therapeutic_area=TherapeuticArea.VACCINES,
    ),
    # Agriculture
    ProjectSpec(
        code="NCG-001",
        title="Drought-tolerant maize event ZmDREB",
        title_zh="耐旱玉米转化体ZmDREB",
        sector=_AGRI,
        stage="biosafety_certificate",
        investigator="guo.hua@ncg.example.org",
        partnership="NCG-JLS-2018-TT",
    ),
    ProjectSpec(
        code="NCG-002",
        title="Insect-resistant maize event stacking Cry1Ab and Vip3A",
        title_zh="Cry1Ab/Vip3A复合抗虫玉米转化体",
        sector=_AGRI,
        stage="market",
        investigator="guo.hua@ncg.example.org",
        partnership="NCG-JLS-2018-TT",
        status=_PRODUCTIZED,
        # Launched for the 2024 sowing season.
        last_decision_on=datetime.date(2024, 3, 15),
    ),
    ProjectSpec(
        code="NCG-003",
        title="Herbicide-tolerant soybean event GmEPSPS",
        title_zh="耐除草剂大豆转化体GmEPSPS",
        sector=_AGRI,
        stage="environmental_release",
        investigator="guo.hua@ncg.example.org",
        partnership="NCG-JLS-2018-TT",
        status=_TERMINATED,
        reason=(
            "Environmental release showed a yield drag above the 5% acceptance "
            "threshold; the event is dropped."
        ),
    ),
    ProjectSpec(
        code="NCG-004",
        title="Blast-resistant rice by base editing of Pi21",
        title_zh="碱基编辑Pi21基因创制抗稻瘟病水稻",
        sector=_AGRI,
        stage="intermediate_trial",
        investigator="he.ping@ncg.example.org",
        partnership="NCG-JLS-2021-PF",
    ),
    ProjectSpec(
        code="NCG-005",
        title="Low-amylose rice by promoter editing of Waxy",
        title_zh="编辑Waxy启动子创制低直链淀粉水稻",
        sector=_AGRI,
        stage="production_trial",
        investigator="he.ping@ncg.example.org",
        partnership="NCG-JLS-2021-PF",
        paused=True,
    ),
    ProjectSpec(
        code="QIS-001",
        title="Bacillus thuringiensis biopesticide against fall armyworm",
        title_zh="防治草地贪夜蛾的苏云金芽孢杆菌生物农药",
        sector=_AGRI,
        stage="laboratory_research",
        investigator="luo.xin@qis.example.org",
        partnership="QIS-JLS-2026-TT",
    ),
    ProjectSpec(
        code="ELU-007",
        title="Subunit vaccine against porcine epidemic diarrhoea virus",
        title_zh="猪流行性腹泻病毒亚单位疫苗",
        sector=_AGRI,
        stage="intermediate_trial",
        investigator="huang.lei@elu.example.org",
        lead="ELU",
        status=_ON_HOLD,
        reason=(
            "On hold: the first candidate gave partial protection in the piglet "
            "challenge; a veterinary-vaccine partner is sought to fund reformulation."
        ),
    ),
    # Bio-manufacturing
    ProjectSpec(
        code="QIS-002",
        title="Engineered yeast for 1,3-propanediol",
        title_zh="工程酵母生产1,3-丙二醇",
        sector=_MFG,
        stage="pilot_scale",
        investigator="wang.jun@qis.example.org",
        partnership="QIS-CFB-2019-CF",
    ),
    ProjectSpec(
        code="QIS-003",
        title="Corynebacterium glutamicum strain for high-titre ergothioneine",
        title_zh="高产麦角硫因谷氨酸棒杆菌菌株",
        sector=_MFG,
        stage="market",
        investigator="wang.jun@qis.example.org",
        partnership="QIS-CFB-2019-CF",
        status=_PRODUCTIZED,
    ),
    ProjectSpec(
        code="QIS-004",
        title="E. coli cell factory for 2'-fucosyllactose",
        title_zh="大肠杆菌细胞工厂生产2'-岩藻糖基乳糖",
        sector=_MFG,
        stage="demonstration_plant",
        investigator="wang.jun@qis.example.org",
        partnership="QIS-CFB-2019-CF",
    ),
    ProjectSpec(
        code="QIS-005",
        title="Cell-free enzyme cascade for nicotinamide mononucleotide",
        title_zh="无细胞多酶级联合成烟酰胺单核苷酸",
        sector=_MFG,
        stage="process_development",
        investigator="zhou.min@qis.example.org",
        partnership="QIS-CFB-2023-PF",
    ),
    ProjectSpec(
        code="QIS-006",
        title="Yarrowia lipolytica chassis for squalene",
        title_zh="解脂耶氏酵母底盘细胞生产角鲨烯",
        sector=_MFG,
        stage="strain_development",
        investigator="zhou.min@qis.example.org",
        partnership="QIS-CFB-2023-PF",
        paused=True,
    ),
    ProjectSpec(
        code="QIS-007",
        title="Enzymatic synthesis of natural vanillin from ferulic acid",
        title_zh="阿魏酸酶法合成天然香兰素",
        sector=_MFG,
        stage="process_development",
        investigator="zhou.min@qis.example.org",
        partnership="QIS-CFB-2019-CF",
        status=_TERMINATED,
        reason=(
            "The market price of natural vanillin fell below the process's cost of "
            "goods; there is no path to a margin."
        ),
    ),
    ProjectSpec(
        code="HEC-004",
        title="Continuous perfusion manufacturing of bispecific antibodies",
        title_zh="双特异性抗体连续灌流生产工艺",
        sector=_MFG,
        stage="pilot_scale",
        investigator="wang.jun@qis.example.org",
        partnership="HEC-CFB-2021-JC",
        lead="QIS",
        also_partners=("HHB",),
    ),
    ProjectSpec(
        code="HEC-005",
        title="Polyhydroxyalkanoate bioplastics from Halomonas",
        title_zh="嗜盐单胞菌生产聚羟基脂肪酸酯生物塑料",
        sector=_MFG,
        stage="certification",
        investigator="liu.fang@elu.example.org",
        partnership="HEC-HHB-2019-JC",
        lead="ELU",
    ),
    ProjectSpec(
        code="HEC-006",
        title="Recombinant human type III collagen by Pichia pastoris fermentation",
        title_zh="毕赤酵母发酵生产重组人源III型胶原蛋白",
        sector=_MFG,
        stage="commercial_production",
        investigator="liu.fang@elu.example.org",
        partnership="HEC-HHB-2019-JC",
        lead="ELU",
    ),
    # Bio-energy
    ProjectSpec(
        code="ELU-008",
        title="Cellulosic ethanol from corn stover by consolidated bioprocessing",
        title_zh="玉米秸秆整合生物加工制备纤维素乙醇",
        sector=_ENERGY,
        stage="demonstration_plant",
        investigator="liu.fang@elu.example.org",
        partnership="ELU-GCE-2021-RD",
        status=_ON_HOLD,
        reason=(
            "Demonstration plant idle while the stover supply contract and the subsidy "
            "terms are renegotiated."
        ),
    ),
    ProjectSpec(
        code="ELU-009",
        title="Anaerobic co-digestion of food waste for biogas",
        title_zh="餐厨垃圾厌氧共消化产沼气",
        sector=_ENERGY,
        stage="market",
        investigator="chen.jing@elu.example.org",
        partnership="ELU-GCE-2021-RD",
        status=_PRODUCTIZED,
    ),
    ProjectSpec(
        code="HEC-007",
        title="Isobutanol-producing Clostridium for sustainable aviation fuel",
        title_zh="产异丁醇梭菌用于可持续航空燃料",
        sector=_ENERGY,
        stage="strain_development",
        investigator="wang.jun@qis.example.org",
        partnership="HEC-CFB-2021-JC",
        lead="QIS",
    ),
    ProjectSpec(
        code="HEC-008",
        title="Biohydrogen from dark fermentation of brewery wastewater",
        title_zh="啤酒废水暗发酵制氢",
        sector=_ENERGY,
        stage="basic_research",
        investigator="liu.fang@elu.example.org",
        partnership="HEC-CFB-2021-JC",
        lead="ELU",
    ),
    ProjectSpec(
        code="QIS-008",
        title="Microalgal lipid pathway engineering for biodiesel",
        title_zh="微藻油脂代谢工程制备生物柴油",
        sector=_ENERGY,
        stage="process_development",
        investigator="zhou.min@qis.example.org",
        partnership="QIS-CFB-2023-PF",
        status=_TERMINATED,
        reason=(
            "Lipid productivity in photobioreactors stayed at a third of the target; "
            "scale-up is not justified."
        ),
    ),
    # Environmental protection
    ProjectSpec(
        code="QIS-009",
        title="PET hydrolase for enzymatic recycling of textile waste",
        title_zh="PET水解酶用于废旧纺织品酶法回收",
        sector=_ENV,
        stage="pilot",
        investigator="zhou.min@qis.example.org",
        partnership="QIS-GCE-2020-TT",
    ),
    ProjectSpec(
        code="QIS-010",
        title="Laccase treatment of textile dye effluent",
        title_zh="漆酶法处理印染废水",
        sector=_ENV,
        stage="pilot",
        investigator="zhou.min@qis.example.org",
        partnership="QIS-GCE-2020-TT",
        status=_TERMINATED,
        reason=(
            "Enzyme cost per tonne of effluent is three times that of ozonation; "
            "GreenCycle dropped this field of use."
        ),
    ),
    ProjectSpec(
        code="ELU-010",
        title="Microbial consortium for petroleum-contaminated soil",
        title_zh="石油污染土壤修复微生物菌群",
        sector=_ENV,
        stage="deployment",
        investigator="chen.jing@elu.example.org",
        partnership="ELU-GCE-2021-RD",
        status=_PRODUCTIZED,
    ),
    ProjectSpec(
        code="ELU-011",
        title="Engineered rhizobacteria against cadmium uptake in paddy rice",
        title_zh="工程根际菌阻控水稻镉吸收",
        sector=_ENV,
        stage="field_demonstration",
        investigator="chen.jing@elu.example.org",
        partnership="ELU-GCE-2021-RD",
        paused=True,
    ),
    ProjectSpec(
        code="ELU-012",
        title="Biodegradation of antibiotic residues in swine wastewater",
        title_zh="养猪废水抗生素残留生物降解",
        sector=_ENV,
        stage="certification",
        investigator="chen.jing@elu.example.org",
        partnership="ELU-GCE-2021-RD",
    ),
    # Bio-services and diagnostics
    ProjectSpec(
        code="ELU-013",
        title="Point-of-care CRISPR assay for HPV",
        title_zh="基于CRISPR的HPV即时检测",
        sector=_IVD,
        stage="clinical_evaluation",
        investigator="huang.lei@elu.example.org",
        partnership="ELU-LMD-2021-CF",
    ),
    ProjectSpec(
        code="ELU-014",
        title="Lateral-flow CRISPR test for influenza A and B",
        title_zh="甲型和乙型流感CRISPR侧向层析检测",
        sector=_IVD,
        stage="market",
        investigator="huang.lei@elu.example.org",
        partnership="ELU-LMD-2021-CF",
        status=_PRODUCTIZED,
    ),
    ProjectSpec(
        code="LCH-006",
        title="Cell-free DNA methylation test for early liver cancer",
        title_zh="游离DNA甲基化检测早期肝癌",
        sector=_IVD,
        stage="verification_validation",
        investigator="zhao.qiang@lch.example.org",
        partnership="LCH-LMD-2022-PF",
    ),
    ProjectSpec(
        code="LCH-007",
        title="Metagenomic sequencing for sepsis pathogen identification",
        title_zh="宏基因组测序鉴定脓毒症病原体",
        sector=_IVD,
        stage="registration",
        investigator="zhao.qiang@lch.example.org",
        partnership="LCH-LMD-2022-PF",
        status=_ON_HOLD,
        reason="Registration dossier on hold: NMPA asked for a larger prospective cohort.",
    ),
    ProjectSpec(
        code="LCH-008",
        title="Digital PCR assay for EGFR mutations in circulating tumour DNA",
        title_zh="数字PCR检测循环肿瘤DNA中的EGFR突变",
        sector=_IVD,
        stage="design_development",
        investigator="zhao.qiang@lch.example.org",
        partnership="LCH-LMD-2022-PF",
        status=_TERMINATED,
        reason=(
            "A competitor's registered kit reached the market first; the platform "
            "partners stopped the project."
        ),
    ),
)


# --- Stage-gate histories (pure) ----------------------------------------

# What a gate review checks before a project leaves a stage, per pipeline.
GATE_EVIDENCE = {
    "BIOMED-DRUG": {
        "basic_research": "target validated in patient-derived models",
        "lead_discovery": (
            "development candidate nominated with in-vivo efficacy and a clean selectivity panel"
        ),
        "preclinical": "GLP toxicology, safety pharmacology and CMC package complete",
        "ind_filing": "IND accepted by the NMPA Center for Drug Evaluation",
        "phase_1": "Phase I met its safety endpoints and set the Phase II dose",
        "phase_2": "Phase II met its primary endpoint",
        "phase_3": "Phase III met its primary endpoint",
        "registration": "marketing authorisation granted",
        "gmp_scale_up": "three consecutive GMP process-validation batches released",
    },
    "AGRI-GMO": {
        "laboratory_research": "lead event selected for a stable single-copy insertion",
        "intermediate_trial": "confined trial met its agronomic and expression targets",
        "environmental_release": "environmental release data accepted by the biosafety committee",
        "production_trial": "production trials completed in two ecological zones",
        "biosafety_certificate": "biosafety certificate issued by the agriculture ministry",
        "variety_registration": "variety registration approved",
        "seed_production": "foundation seed lots certified",
    },
    "ENV": {
        "lab_research": "degradation rate target met in microcosm tests",
        "pilot": "pilot unit met the discharge standard for six months",
        "field_demonstration": "field demonstration verified by a third-party monitor",
        "certification": "environmental technology verification certificate issued",
    },
    "BIOSERV-IVD": {
        "feasibility": "analytical proof of concept on banked clinical samples",
        "design_development": "design freeze with locked assay parameters",
        "verification_validation": (
            "analytical performance verified: limit of detection, precision, interference"
        ),
        "clinical_evaluation": "clinical evaluation met its sensitivity and specificity targets",
        "registration": "NMPA registration certificate issued",
        "production": "production line passed the quality-management inspection",
    },
}
GATE_EVIDENCE["BIOMFG"] = GATE_EVIDENCE["BIOENERGY"] = {
    "basic_research": "pathway proof of concept at shake-flask scale",
    "strain_development": "strain reached its titre, rate and yield targets in 5 L fermenters",
    "process_development": "downstream process met its purity and recovery specifications",
    "pilot_scale": "pilot runs reproduced bench performance at one cubic metre",
    "demonstration_plant": "demonstration plant ran 1,000 hours at the target cost of goods",
    "certification": "product certifications and operating permits obtained",
    "commercial_production": "commercial plant reached nameplate capacity",
}

START_RATIONALES = (
    "Invention disclosure reviewed by the technology transfer office; project registered.",
    "Intake review passed: prior-art search clear and a principal investigator committed.",
    "Work plan and budget agreed by the parties; project registered.",
)
# A pause and the decision that ended it.
PAUSES = (
    (
        "Paused: the partner's budget cycle delays the next funding tranche.",
        "Funding tranche released; work resumes.",
    ),
    (
        "Paused while the freedom-to-operate opinion is updated.",
        "Freedom-to-operate opinion is clear; work resumes.",
    ),
    (
        "Paused: the lead scientist is on leave and no qualified replacement is available.",
        "Replacement scientist in post; work resumes.",
    ),
    (
        "Paused pending the regulator's feedback on the study design.",
        "Regulator's feedback received and the design amended; work resumes.",
    ),
)
GENERATED_TERMINATIONS = (
    "Gate review failed: efficacy below the go/no-go threshold.",
    "The partner withdrew its funding after a portfolio review.",
    "Freedom to operate is blocked by a third-party patent.",
    "Cost of goods too high for the target market.",
)


@dataclass(frozen=True, slots=True)
class StageFacts:
    """What history planning needs to know about a stage."""

    id: int
    position: int
    code: str
    name: str
    typical_years: float
    trl_min: int
    trl_max: int
    typical_cost: int
    currency: str


@dataclass(frozen=True, slots=True)
class PlannedTransition:
    """A stage-gate decision of a planned history, not yet written."""

    kind: str
    from_stage: StageFacts | None
    to_stage: StageFacts
    from_status: str
    to_status: str
    decided_at: datetime.datetime
    rationale: str


class _Decision(NamedTuple):
    offset: float  # days after the start
    kind: str
    from_index: int | None
    to_index: int
    from_status: str
    to_status: str
    rationale: str


def plan_history(
    stages: Sequence[StageFacts],
    *,
    reach: int,
    status: str,
    rng: random.Random,
    ends_on: datetime.date,
    evidence: Mapping[str, str],
    not_before: datetime.date | None = None,
    paused: bool = False,
    closing_reason: str = "",
) -> list[PlannedTransition]:
    """The stage-gate decisions that brought a project to ``stages[reach]``
    with ``status``, the last of them taken on ``ends_on``.

    The project starts at the first stage and advances one stage at a time,
    staying in each about its typical duration. ``paused`` adds a hold and a
    resume on the way; a held or terminated project ends with that decision,
    giving ``closing_reason``; a productized one ends by entering the last
    stage. If the history would begin before ``not_before``, it begins a
    few weeks after that day and its durations are compressed to fit.
    """
    last = len(stages) - 1
    if not 0 <= reach <= last:
        raise ValueError(f"No stage at index {reach}.")
    if (status == ProjectStatus.PRODUCTIZED) != (reach == last):
        raise ValueError("A project is productized exactly when it reaches the last stage.")
    if status in (ProjectStatus.ON_HOLD, ProjectStatus.TERMINATED) and not closing_reason:
        raise ValueError("A held or terminated project states why.")

    decisions: list[_Decision] = []

    def decide(offset, kind, from_index, to_index, to_status, rationale):
        from_status = decisions[-1].to_status if decisions else ""
        decisions.append(
            _Decision(offset, kind, from_index, to_index, from_status, to_status, rationale)
        )

    decide(0.0, TransitionKind.START, None, 0, ProjectStatus.ACTIVE, rng.choice(START_RATIONALES))
    pause_at = rng.randint(0, reach) if paused else None
    elapsed = 0.0
    for index in range(reach + 1):
        stage = stages[index]
        dwell = max(stage.typical_years * 365.25 * rng.uniform(0.75, 1.3), 30.0)
        if index == pause_at and (index < reach or status == ProjectStatus.ACTIVE):
            hold_reason, resume_reason = rng.choice(PAUSES)
            held_on = elapsed + dwell * rng.uniform(0.2, 0.6)
            resumed_on = held_on + rng.uniform(90, 270)
            decide(held_on, TransitionKind.HOLD, index, index, ProjectStatus.ON_HOLD, hold_reason)
            decide(
                resumed_on,
                TransitionKind.RESUME,
                index,
                index,
                ProjectStatus.ACTIVE,
                resume_reason,
            )
            dwell += resumed_on - held_on
        if index < reach:
            elapsed += dwell
            gate = f"Gate review of {stage.name}: {evidence.get(stage.code, 'criteria met')}."
            if index + 1 == last:
                to_status, outcome = ProjectStatus.PRODUCTIZED, "Product launched."
            else:
                to_status, outcome = ProjectStatus.ACTIVE, f"Advance to {stages[index + 1].name}."
            decide(
                elapsed, TransitionKind.ADVANCE, index, index + 1, to_status, f"{gate} {outcome}"
            )
        elif status in (ProjectStatus.ON_HOLD, ProjectStatus.TERMINATED):
            elapsed += dwell * rng.uniform(0.3, 0.8)
            kind = (
                TransitionKind.HOLD
                if status == ProjectStatus.ON_HOLD
                else TransitionKind.TERMINATE
            )
            decide(elapsed, kind, index, index, status, closing_reason)

    span = decisions[-1].offset
    scale = 1.0
    starts_on = ends_on - datetime.timedelta(days=round(span))
    if not_before is not None and starts_on < not_before and span > 0:
        # A one-stop centre runs its projects without hand-offs between
        # institution and enterprise, which is what makes its stages
        # shorter than the reference durations.
        room = (ends_on - not_before).days
        if room < 2 * len(decisions):
            raise ValueError("The history does not fit between not_before and ends_on.")
        starts_on = not_before + datetime.timedelta(days=min(rng.randint(30, 120), room // 4))
        scale = (ends_on - starts_on).days / span

    planned = []
    previous_day = None
    for decision in decisions:
        day = starts_on + datetime.timedelta(days=round(decision.offset * scale))
        if previous_day is not None and day <= previous_day:
            day = previous_day + datetime.timedelta(days=1)
        previous_day = day
        decided_at = datetime.datetime.combine(
            day,
            datetime.time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))),
            tzinfo=DEMO_TIME_ZONE,
        )
        planned.append(
            PlannedTransition(
                kind=decision.kind,
                from_stage=None if decision.from_index is None else stages[decision.from_index],
                to_stage=stages[decision.to_index],
                from_status=decision.from_status,
                to_status=decision.to_status,
                decided_at=decided_at,
                rationale=decision.rationale,
            )
        )
    return planned


def project_budget(stages: Sequence[StageFacts], reach: int, rng: random.Random) -> Decimal:
    """A budget of 30-80 % of the typical cost of the stages run so far,
    in whole ten-thousands."""
    typical = sum(stage.typical_cost for stage in stages[: reach + 1])
    return Decimal(typical * rng.randint(30, 80) // 100 // 10_000 * 10_000)


# --- Writing the demo world ---------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    """What the demo world holds after seeding, and what this run added."""

    institutions: int
    joint_centres: int
    enterprises: int
    people: int
    partnerships: int
    agreements: int
    projects: int
    projects_created: int
    transitions_created: int
    logins: int
    money: "MoneySummary"

    def __str__(self) -> str:
        return (
            f"Demo data ready: {self.institutions} institutions, {self.joint_centres} joint "
            f"centre, {self.enterprises} enterprises, {self.people} people, "
            f"{self.partnerships} partnerships, {self.agreements} agreements, "
            f"{self.projects} projects ({self.projects_created} new, "
            f"{self.transitions_created} stage transitions), {self.money}, {self.logins} "
            f"logins (password {DEMO_PASSWORD})."
        )


@dataclass(frozen=True)
class PartnershipFacts:
    """What a project drafted under a partnership takes from it."""

    id: int
    code: str
    mode: str
    status: str
    enterprise_id: int
    enterprise_name: str
    institution_id: int | None
    joint_centre_id: int | None
    centre_name: str
    centre_established_on: datetime.date | None
    host_institution_ids: tuple[int, ...]
    lead_enterprise_ids: tuple[int, ...]
    agreement_id: int | None
    agreement_reference: str
    sector_codes: tuple[str, ...]


@dataclass
class ProjectDraft:
    """An unsaved project with its partner enterprises and history."""

    project: ResearchProject
    partner_ids: tuple[int, ...]
    history: list[PlannedTransition]


@transaction.atomic
def seed_demo() -> DemoSummary:
    """Load the demo world, or bring an existing one back to it."""
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    institutions = {spec.code: _upsert_institution(spec) for spec in INSTITUTIONS}
    enterprises = {spec.code: _upsert_enterprise(spec, sectors) for spec in ENTERPRISES}
    people = {spec.email: _upsert_person(spec, institutions, enterprises) for spec in PEOPLE}
    centre = _upsert_joint_centre(JOINT_CENTRE, sectors, institutions, enterprises, people)
    users = {
        spec.email: _upsert_login(spec, institutions, centre, enterprises, people)
        for spec in LOGINS
    }
    for spec in PORTAL_CONTACTS:
        _upsert_portal_contact(spec, enterprises, people)
    for spec in PARTNERSHIPS:
        _upsert_partnership(spec, institutions, enterprises, centre)
    for spec in AGREEMENTS:
        _upsert_agreement(spec)

    existing = set(
        ResearchProject.objects.filter(code__in=[spec.code for spec in PROJECTS]).values_list(
            "code", flat=True
        )
    )
    stages = _stage_facts()
    partnerships = _partnership_facts([spec.code for spec in PARTNERSHIPS])
    drafts = [
        _draft_demo_project(spec, stages, partnerships, institutions, enterprises, people)
        for spec in PROJECTS
        if spec.code not in existing
    ]
    _created, _links, transitions = insert_projects(
        drafts, decided_by_id=users[STAFF_EMAIL].pk, batch_size=DEFAULT_BATCH_SIZE
    )
    money = seed_money(users=users)
    # The demo's history raised notices as it was replayed; they are there to
    # be read in the app, not sent: the email tasks queued for them find them
    # already emailed when the transaction commits.
    Notification.objects.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    return DemoSummary(
        institutions=len(institutions),
        joint_centres=1,
        enterprises=len(enterprises),
        people=len(people),
        partnerships=len(PARTNERSHIPS),
        agreements=len(AGREEMENTS),
        projects=len(PROJECTS),
        projects_created=len(drafts),
        transitions_created=transitions,
        logins=len(users),
        money=money,
    )


def _upsert_institution(spec: InstitutionSpec) -> Institution:
    institution, _ = Institution.objects.update_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "name_zh": spec.name_zh,
            "kind": spec.kind,
            "country": "CN",
            "city": spec.city,
            "website": spec.website,
        },
    )
    return institution


def _upsert_enterprise(spec: EnterpriseSpec, sectors: Mapping[str, Sector]) -> Enterprise:
    enterprise, _ = Enterprise.objects.update_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "name_zh": spec.name_zh,
            "size": spec.size,
            "country": spec.country,
            "city": spec.city,
            "website": spec.website,
            "unified_social_credit_code": spec.unified_social_credit_code,
        },
    )
    enterprise.sectors.set([sectors[code] for code in spec.sectors])
    return enterprise


def _upsert_person(
    spec: PersonSpec,
    institutions: Mapping[str, Institution],
    enterprises: Mapping[str, Enterprise],
) -> Person:
    person, _ = Person.objects.update_or_create(
        email=spec.email,
        defaults={
            "full_name": spec.full_name,
            "name_zh": spec.name_zh,
            "job_title": spec.job_title,
            "institution": institutions.get(spec.institution),
            "enterprise": enterprises.get(spec.enterprise),
        },
    )
    return person


def _upsert_joint_centre(
    spec: JointCentreSpec,
    sectors: Mapping[str, Sector],
    institutions: Mapping[str, Institution],
    enterprises: Mapping[str, Enterprise],
    people: Mapping[str, Person],
) -> JointCentre:
    centre, _ = JointCentre.objects.update_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "name_zh": spec.name_zh,
            "established_on": spec.established_on,
            "description": spec.description,
        },
    )
    for party in spec.parties:
        commitment = {
            "annual_funding_commitment": Decimal(party.annual_funding_commitment),
            "currency": "CNY",
            "commitment_from_year": party.commitment_from_year,
            "commitment_to_year": party.commitment_to_year,
        }
        if party.institution:
            JointCentreParty.objects.update_or_create(
                centre=centre, institution=institutions[party.institution], defaults=commitment
            )
        else:
            JointCentreParty.objects.update_or_create(
                centre=centre, enterprise=enterprises[party.enterprise], defaults=commitment
            )
    centre.focus_sectors.set([sectors[code] for code in spec.focus_sectors])
    centre.governance_contacts.set([people[email] for email in spec.governance_contacts])
    return centre


def _upsert_login(
    spec: LoginSpec,
    institutions: Mapping[str, Institution],
    centre: JointCentre,
    enterprises: Mapping[str, Enterprise],
    people: Mapping[str, Person],
) -> User:
    enterprise = enterprises.get(spec.enterprise)
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        create = User.objects.create_superuser if spec.superuser else User.objects.create_user
        user = create(
            spec.email,
            DEMO_PASSWORD,
            full_name=spec.full_name,
            role=spec.role,
            enterprise=enterprise,
            is_partner_admin=spec.partner_admin,
        )
    else:
        user.full_name = spec.full_name
        user.role = spec.role
        user.enterprise = enterprise
        user.is_partner_admin = spec.partner_admin
        user.is_superuser = user.is_staff = spec.superuser
        user.is_active = True
        # The demo logins are documented with their password: restore it if
        # someone changed it.
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
    if spec.role == Role.CENTRE_STAFF and not spec.superuser:
        user.institutions.set(institutions.values())
        user.joint_centres.set([centre])
    if spec.person:
        person = people[spec.person]
        Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        if person.user_id != user.pk:
            person.user = user
            person.save(update_fields=["user", "updated_at"])
    return user


def _upsert_portal_contact(
    spec: LoginSpec, enterprises: Mapping[str, Enterprise], people: Mapping[str, Person]
) -> User:
    """A partner user who acts for an enterprise without a demo login. It
    has no password unless someone set one."""
    enterprise = enterprises[spec.enterprise]
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        user = User.objects.create_user(
            spec.email, None, full_name=spec.full_name, role=spec.role, enterprise=enterprise
        )
    elif (user.full_name, user.role, user.enterprise_id, user.is_active) != (
        spec.full_name,
        spec.role,
        enterprise.pk,
        True,
    ):
        user.full_name = spec.full_name
        user.role = spec.role
        user.enterprise = enterprise
        user.is_active = True
        user.save()
    person = people[spec.person]
    if person.user_id != user.pk:
        Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    return user


def _upsert_partnership(
    spec: PartnershipSpec,
    institutions: Mapping[str, Institution],
    enterprises: Mapping[str, Enterprise],
    centre: JointCentre,
) -> Partnership:
    partnership, _ = Partnership.objects.update_or_create(
        code=spec.code,
        defaults={
            "title": spec.title,
            "mode": spec.mode,
            "status": spec.status,
            "institution": institutions.get(spec.institution),
            "joint_centre": centre if spec.joint_centre == centre.code else None,
            "enterprise": enterprises[spec.enterprise],
            "started_on": spec.started_on,
            "ended_on": spec.ended_on,
            "description": spec.description,
        },
    )
    return partnership


def _upsert_agreement(spec: AgreementSpec) -> Agreement:
    agreement, _ = Agreement.objects.update_or_create(
        reference=spec.reference,
        defaults={
            "partnership": Partnership.objects.get(code=spec.partnership),
            "title": spec.title,
            "kind": spec.kind,
            "status": spec.status,
            "signed_on": spec.signed_on,
            "effective_on": spec.signed_on,
            "expires_on": spec.expires_on,
            "exclusivity": spec.exclusivity,
            "field_of_use": spec.field_of_use,
            "territory": spec.territory,
            "institution_ip_share": Decimal(spec.institution_ip_share),
            "currency": spec.currency,
        },
    )
    return agreement


def _stage_facts() -> dict[str, list[StageFacts]]:
    """Each pipeline's stages in order, by pipeline code."""
    stages: dict[str, list[StageFacts]] = {}
    for stage in StageDefinition.objects.select_related("pipeline").order_by(
        "pipeline__code", "position"
    ):
        stages.setdefault(stage.pipeline.code, []).append(
            StageFacts(
                id=stage.pk,
                position=stage.position,
                code=stage.code,
                name=stage.name,
                typical_years=float(stage.typical_years),
                trl_min=stage.trl_min,
                trl_max=stage.trl_max,
                typical_cost=int(stage.typical_cost),
                currency=stage.typical_cost_currency,
            )
        )
    return stages


def _partnership_facts(codes: Sequence[str]) -> dict[str, PartnershipFacts]:
    partnerships = (
        Partnership.objects.filter(code__in=codes)
        .select_related("enterprise", "joint_centre")
        .prefetch_related("enterprise__sectors", "agreements", "joint_centre__parties")
    )
    facts = {}
    for partnership in partnerships:
        # The agreement a project runs under: the first one that got signed.
        agreement = next(
            (
                agreement
                for agreement in sorted(partnership.agreements.all(), key=lambda a: a.reference)
                if agreement.status != Agreement.Status.DRAFT
            ),
            None,
        )
        centre = partnership.joint_centre
        parties = list(centre.parties.all()) if centre else []
        facts[partnership.code] = PartnershipFacts(
            id=partnership.pk,
            code=partnership.code,
            mode=partnership.mode,
            status=partnership.status,
            enterprise_id=partnership.enterprise_id,
            enterprise_name=partnership.enterprise.name,
            institution_id=partnership.institution_id,
            joint_centre_id=partnership.joint_centre_id,
            centre_name=centre.name if centre else "",
            centre_established_on=centre.established_on if centre else None,
            host_institution_ids=tuple(p.institution_id for p in parties if p.institution_id),
            lead_enterprise_ids=tuple(p.enterprise_id for p in parties if p.enterprise_id),
            agreement_id=agreement.pk if agreement else None,
            agreement_reference=agreement.reference if agreement else "",
            sector_codes=tuple(sorted(s.code for s in partnership.enterprise.sectors.all())),
        )
    return facts


def _describe(partnership: PartnershipFacts | None, institution_name: str) -> str:
    """One sentence on how the project is run, from its cooperation mode."""
    if partnership is None:
        return (
            f"In-house project of {institution_name}; the technology transfer office is "
            "looking for an industrial partner."
        )
    enterprise = partnership.enterprise_name
    terms = (
        f"under {partnership.agreement_reference}"
        if partnership.agreement_reference
        else "while the agreement is negotiated"
    )
    return {
        CooperationMode.TRANSFER: (
            f"Result of {institution_name} transferred to {enterprise} {terms}; the "
            "research lead stays with the institution."
        ),
        CooperationMode.CONTRACT_RD: (
            f"Commissioned by {enterprise} {terms}; {institution_name} runs the research."
        ),
        CooperationMode.CO_FOUNDED_COMPANY: (
            f"Developed with {enterprise}, the company {institution_name} co-founded, {terms}."
        ),
        CooperationMode.CO_BUILT_PLATFORM: (
            f"Runs on the platform that {institution_name} and {enterprise} co-built, {terms}."
        ),
        CooperationMode.JOINT_CENTRE: (
            f"Runs in the {partnership.centre_name}, led by {enterprise} from basic research "
            f"onward, {terms}."
        ),
    }[partnership.mode]


def _new_project(
    *,
    code: str,
    title: str,
    title_zh: str,
    stages: Sequence[StageFacts],
    reach: int,
    status: str,
    therapeutic_area: str,
    lead_institution_id: int,
    investigator_id: int | None,
    partnership: PartnershipFacts | None,
    history: list[PlannedTransition],
    description: str,
    rng: random.Random,
) -> ResearchProject:
    stage = stages[reach]
    return ResearchProject(
        code=code,
        title=title,
        title_zh=title_zh,
        current_stage_id=stage.id,
        status=status,
        lead_institution_id=lead_institution_id,
        principal_investigator_id=investigator_id,
        joint_centre_id=partnership.joint_centre_id if partnership else None,
        partnership_id=partnership.id if partnership else None,
        agreement_id=partnership.agreement_id if partnership else None,
        therapeutic_area=therapeutic_area,
        trl=rng.randint(stage.trl_min, stage.trl_max),
        budget=project_budget(stages, reach, rng),
        currency=stage.currency,
        start_date=history[0].decided_at.astimezone(DEMO_TIME_ZONE).date(),
        description=description,
    )


def _draft_demo_project(
    spec: ProjectSpec,
    stages_by_pipeline: Mapping[str, list[StageFacts]],
    partnerships: Mapping[str, PartnershipFacts],
    institutions: Mapping[str, Institution],
    enterprises: Mapping[str, Enterprise],
    people: Mapping[str, Person],
) -> ProjectDraft:
    # One generator per project, seeded by its code: a project's data does
    # not depend on which other demo projects exist already.
    rng = random.Random(f"{DEMO_SEED}:{spec.code}")
    pipeline_code = PIPELINE_OF_SECTOR[spec.sector]
    stages = stages_by_pipeline[pipeline_code]
    reach = next(index for index, stage in enumerate(stages) if stage.code == spec.stage)
    partnership = partnerships[spec.partnership] if spec.partnership else None
    lead = institutions[spec.lead] if spec.lead else None
    lead_institution_id = lead.pk if lead else partnership.institution_id
    history = plan_history(
        stages,
        reach=reach,
        status=spec.status,
        rng=rng,
        ends_on=spec.last_decision_on
        or DEMO_AS_OF - datetime.timedelta(days=rng.randint(14, 300)),
        evidence=GATE_EVIDENCE[pipeline_code],
        not_before=partnership.centre_established_on if partnership else None,
        paused=spec.paused,
        closing_reason=spec.reason,
    )
    institution_name = next(i.name for i in institutions.values() if i.pk == lead_institution_id)
    partner_ids = (partnership.enterprise_id,) if partnership else ()
    partner_ids += tuple(enterprises[code].pk for code in spec.also_partners)
    project = _new_project(
        code=spec.code,
        title=spec.title,
        title_zh=spec.title_zh,
        stages=stages,
        reach=reach,
        status=spec.status,
        therapeutic_area=spec.therapeutic_area,
        lead_institution_id=lead_institution_id,
        investigator_id=people[spec.investigator].pk,
        partnership=partnership,
        history=history,
        description=_describe(partnership, institution_name),
        rng=rng,
    )
    return ProjectDraft(project=project, partner_ids=partner_ids, history=history)


def insert_projects(
    drafts: Sequence[ProjectDraft], *, decided_by_id: int | None, batch_size: int
) -> tuple[int, int, int]:
    """Write drafted projects, their partner links and their histories with
    one bulk insert per table; return how many of each were written."""
    projects = [draft.project for draft in drafts]
    ResearchProject.objects.bulk_create(projects, batch_size=batch_size)
    if any(project.pk is None for project in projects):
        # Backends that cannot return the ids of bulk-inserted rows.
        ids = dict(
            ResearchProject.objects.filter(code__in=[p.code for p in projects]).values_list(
                "code", "pk"
            )
        )
        for project in projects:
            project.pk = ids[project.code]

    partner_field = ResearchProject._meta.get_field("partner_enterprises")
    link_model = partner_field.remote_field.through
    project_column = f"{partner_field.m2m_field_name()}_id"
    enterprise_column = f"{partner_field.m2m_reverse_field_name()}_id"
    links = [
        link_model(**{project_column: draft.project.pk, enterprise_column: enterprise_id})
        for draft in drafts
        for enterprise_id in draft.partner_ids
    ]
    link_model.objects.bulk_create(links, batch_size=batch_size)

    # bulk_create skips StageTransition.save(), whose only job is to refuse
    # updates; these rows are new.
    transitions = [
        StageTransition(
            project_id=draft.project.pk,
            kind=planned.kind,
            from_stage_id=planned.from_stage.id if planned.from_stage else None,
            to_stage_id=planned.to_stage.id,
            from_status=planned.from_status,
            to_status=planned.to_status,
            decided_by_id=decided_by_id,
            decided_at=planned.decided_at,
            rationale=planned.rationale,
        )
        for draft in drafts
        for planned in draft.history
    ]
    StageTransition.objects.bulk_create(transitions, batch_size=batch_size)
    return len(projects), len(links), len(transitions)


# --- Money: the terms of every agreement --------------------------------

_SCIENTIFIC = MilestoneKind.SCIENTIFIC
_TECHNICAL = MilestoneKind.TECHNICAL
_REGULATORY = MilestoneKind.REGULATORY
_COMMERCIAL = MilestoneKind.COMMERCIAL
_RESEARCH = Party.RESEARCH
_ENTERPRISE = Party.ENTERPRISE


@dataclass(frozen=True)
class ScheduleItemSpec:
    """A milestone payment an agreement promises. ``key`` names it in the
    milestone plans; ``evidence`` is what the payee's claim cites."""

    key: str
    name: str
    kind: str
    amount: int
    evidence: str
    stage: str = ""
    event: str = ""
    due_offset_days: int = 30


@dataclass(frozen=True)
class CostShareSpec:
    """The research party's percent of a range of stages; the enterprise
    bears the rest."""

    first_stage: str
    last_stage: str
    research_percent: int
    pipeline: str = ""


@dataclass(frozen=True)
class FailureClauseSpec:
    stage: str
    sunk_costs_borne_by: str
    ip_reverts: bool
    notes: str
    break_fee: int = 0
    pipeline: str = ""


@dataclass(frozen=True)
class TermsSpec:
    """The risk-sharing terms of an agreement (DESIGN §5). Stage codes are
    of ``pipeline`` unless a share or clause names another."""

    agreement: str
    pipeline: str
    upfront: int = 0
    schedule: tuple[ScheduleItemSpec, ...] = ()
    # (annual net sales from, rate in percent)
    tiers: tuple[tuple[int, str], ...] = ()
    royalty_basis: str = RoyaltyBasis.MARGINAL
    royalty_term_years: int | None = None
    minimum_annual_royalty: int = 0
    sublicense_income_share: int = 0
    equity_share: int = 0
    royalty_reporting: str = RoyaltyReporting.QUARTERLY
    sales_breakdown_required: bool = False
    cost_shares: tuple[CostShareSpec, ...] = ()
    failure_clauses: tuple[FailureClauseSpec, ...] = ()


# A licence of drug candidates pays per licensed product as it passes the
# regulatory gates, then on sales.
_DRUG_LICENCE_SCHEDULE = (
    ScheduleItemSpec(
        key="ind",
        name="IND accepted by the NMPA / IND获国家药监局受理",
        kind=_REGULATORY,
        amount=5_000_000,
        stage="ind_filing",
        evidence="CDE acceptance notice of the IND application / 药审中心IND受理通知书",
    ),
    ScheduleItemSpec(
        key="phase_1",
        name="Phase I start / I期临床启动",
        kind=_REGULATORY,
        amount=8_000_000,
        stage="phase_1",
        evidence="First subject dosed; site dosing log / 首例受试者给药记录",
    ),
    ScheduleItemSpec(
        key="phase_2",
        name="Phase II start / II期临床启动",
        kind=_REGULATORY,
        amount=15_000_000,
        stage="phase_2",
        due_offset_days=45,
        evidence="First patient dosed in Phase II; site dosing log / II期首例患者给药记录",
    ),
    ScheduleItemSpec(
        key="phase_3",
        name="Phase III start / III期临床启动",
        kind=_REGULATORY,
        amount=30_000_000,
        stage="phase_3",
        due_offset_days=45,
        evidence="First patient dosed in Phase III / III期首例患者给药记录",
    ),
    ScheduleItemSpec(
        key="nda",
        name="NDA/BLA accepted for review / 上市申请获受理",
        kind=_REGULATORY,
        amount=20_000_000,
        stage="registration",
        evidence="NMPA acceptance notice of the marketing application / 上市申请受理通知书",
    ),
    ScheduleItemSpec(
        key="approval",
        name="Marketing approval / 获批上市",
        kind=_REGULATORY,
        amount=60_000_000,
        stage="market",
        due_offset_days=60,
        evidence="Drug registration certificate / 药品注册证书",
    ),
    ScheduleItemSpec(
        key="first_sale",
        name="First commercial sale / 首次商业销售",
        kind=_COMMERCIAL,
        amount=10_000_000,
        event="First commercial sale of a licensed product",
        evidence="Invoice of the first commercial shipment / 首批商业发货发票",
    ),
    ScheduleItemSpec(
        key="sales_500m",
        name="Annual net sales first above CNY 500 million / 年净销售额首超5亿元",
        kind=_COMMERCIAL,
        amount=50_000_000,
        event="Annual net sales of a licensed product first exceed CNY 500 million",
        due_offset_days=60,
        evidence="Audited annual net sales statement / 经审计的年度净销售额报表",
    ),
)

_EUR_LICENCE_SCHEDULE = (
    ScheduleItemSpec(
        key="ind",
        name="IND cleared / IND获准",
        kind=_REGULATORY,
        amount=2_000_000,
        stage="ind_filing",
        evidence="IND clearance letter / IND批准函",
    ),
    ScheduleItemSpec(
        key="phase_1",
        name="Phase I start / I期临床启动",
        kind=_REGULATORY,
        amount=4_000_000,
        stage="phase_1",
        evidence="First subject dosed; site dosing log / 首例受试者给药记录",
    ),
    ScheduleItemSpec(
        key="phase_2",
        name="Phase II start / II期临床启动",
        kind=_REGULATORY,
        amount=10_000_000,
        stage="phase_2",
        due_offset_days=45,
        evidence="Phase II protocol approved by the lead ethics committee / II期方案获伦理批准",
    ),
    ScheduleItemSpec(
        key="phase_3",
        name="Phase III start / III期临床启动",
        kind=_REGULATORY,
        amount=25_000_000,
        stage="phase_3",
        due_offset_days=45,
        evidence="First patient dosed in Phase III / III期首例患者给药记录",
    ),
    ScheduleItemSpec(
        key="approval",
        name="EMA or FDA approval / 获EMA或FDA批准上市",
        kind=_REGULATORY,
        amount=60_000_000,
        stage="market",
        due_offset_days=60,
        evidence="Marketing authorisation / 上市许可",
    ),
    ScheduleItemSpec(
        key="first_sale",
        name="First commercial sale outside China / 中国以外首次商业销售",
        kind=_COMMERCIAL,
        amount=15_000_000,
        event="First commercial sale in the territory",
        evidence="Invoice of the first commercial shipment / 首批商业发货发票",
    ),
)

_SHARED_LOSS_TO_HANHAI = (
    "Each party bears its share; the data go to Hanhai. / 各方按比例承担，数据归瀚海。"
)

TERMS = (
    TermsSpec(
        agreement="AGR-ELU-HHB-2020-01",
        pipeline="BIOMED-DRUG",
        upfront=15_000_000,
        schedule=_DRUG_LICENCE_SCHEDULE,
        tiers=((0, "5"), (300_000_000, "7"), (1_000_000_000, "9")),
        royalty_term_years=12,
        minimum_annual_royalty=3_000_000,
        sublicense_income_share=20,
        sales_breakdown_required=True,
    ),
    TermsSpec(
        agreement="AGR-ELU-MER-2023-01",
        pipeline="BIOMED-DRUG",
        upfront=8_000_000,
        schedule=_EUR_LICENCE_SCHEDULE,
        tiers=((0, "6"), (250_000_000, "8"), (750_000_000, "10")),
        royalty_term_years=10,
        minimum_annual_royalty=1_000_000,
        sublicense_income_share=25,
    ),
    TermsSpec(
        agreement="AGR-NCG-JLS-2018-01",
        pipeline="AGRI-GMO",
        upfront=6_000_000,
        schedule=(
            ScheduleItemSpec(
                key="env_release",
                name="Environmental release approved / 环境释放获批",
                kind=_REGULATORY,
                amount=1_500_000,
                stage="environmental_release",
                evidence="Approval of the environmental release trial / 环境释放审批书",
            ),
            ScheduleItemSpec(
                key="production_trial",
                name="Production trial approved / 生产性试验获批",
                kind=_REGULATORY,
                amount=2_500_000,
                stage="production_trial",
                evidence="Approval of the production trial / 生产性试验审批书",
            ),
            ScheduleItemSpec(
                key="biosafety",
                name="Biosafety certificate issued / 获得农业转基因生物安全证书",
                kind=_REGULATORY,
                amount=5_000_000,
                stage="biosafety_certificate",
                due_offset_days=45,
                evidence=(
                    "Biosafety certificate for production and application / 生产应用安全证书"
                ),
            ),
            ScheduleItemSpec(
                key="variety",
                name="Variety registration approved / 品种审定通过",
                kind=_REGULATORY,
                amount=3_000_000,
                stage="variety_registration",
                evidence="Variety registration certificate / 品种审定证书",
            ),
            ScheduleItemSpec(
                key="first_sale",
                name="First commercial seed sale / 首次商业化种子销售",
                kind=_COMMERCIAL,
                amount=2_000_000,
                event="First commercial sale of seed of an assigned event",
                evidence="Seed sales invoices of the first season / 首季种子销售发票",
            ),
        ),
        tiers=((0, "2.5"), (80_000_000, "3.5"), (200_000_000, "4.5")),
        royalty_basis=RoyaltyBasis.WHOLE,
        royalty_term_years=10,
        minimum_annual_royalty=1_000_000,
        royalty_reporting=RoyaltyReporting.SEMI_ANNUAL,
    ),
    TermsSpec(
        agreement="AGR-QIS-GCE-2020-01",
        pipeline="ENV",
        upfront=800_000,
        schedule=(
            ScheduleItemSpec(
                key="pilot",
                name="Pilot unit commissioned / 中试装置投运",
                kind=_TECHNICAL,
                amount=500_000,
                stage="pilot",
                evidence="Commissioning report of the pilot unit / 中试装置投运报告",
            ),
            ScheduleItemSpec(
                key="field",
                name="Field demonstration started / 现场示范启动",
                kind=_TECHNICAL,
                amount=800_000,
                stage="field_demonstration",
                evidence="Start-up record of the demonstration site / 示范现场启动记录",
            ),
            ScheduleItemSpec(
                key="install",
                name="First commercial installation / 首套商业化装置投运",
                kind=_COMMERCIAL,
                amount=1_000_000,
                event="First commercial installation in operation",
                evidence="Customer acceptance certificate / 客户验收证书",
            ),
        ),
        # Non-exclusive: the rate falls as volume grows.
        tiers=((0, "3"), (20_000_000, "2")),
        minimum_annual_royalty=200_000,
        sublicense_income_share=10,
    ),
    TermsSpec(
        agreement="AGR-QIS-JLS-2026-01",
        pipeline="AGRI-GMO",
        upfront=1_200_000,
        schedule=(
            ScheduleItemSpec(
                key="registration",
                name="Pesticide registration certificate / 取得农药登记证",
                kind=_REGULATORY,
                amount=2_000_000,
                event="Pesticide registration certificate issued",
                evidence="Pesticide registration certificate / 农药登记证",
            ),
            ScheduleItemSpec(
                key="first_sale",
                name="First commercial sale / 首次商业销售",
                kind=_COMMERCIAL,
                amount=500_000,
                event="First commercial sale of the biopesticide",
                evidence="Invoice of the first commercial shipment / 首批商业发货发票",
            ),
        ),
        tiers=((0, "4"),),
        royalty_term_years=8,
        minimum_annual_royalty=300_000,
        sublicense_income_share=15,
        royalty_reporting=RoyaltyReporting.SEMI_ANNUAL,
    ),
    TermsSpec(
        agreement="AGR-LCH-HHB-2021-01",
        pipeline="BIOMED-DRUG",
        upfront=3_000_000,
        schedule=(
            ScheduleItemSpec(
                key="site_p2",
                name="Phase II sites initiated / II期研究中心启动",
                kind=_TECHNICAL,
                amount=4_000_000,
                stage="phase_2",
                evidence="Site initiation visit reports / 研究中心启动访视报告",
            ),
            ScheduleItemSpec(
                key="csr_p2",
                name="Phase II clinical study report / II期临床研究总结报告",
                kind=_SCIENTIFIC,
                amount=6_000_000,
                stage="phase_3",
                evidence="Signed Phase II clinical study report / 签字版II期临床研究总结报告",
            ),
            ScheduleItemSpec(
                key="site_p3",
                name="Phase III sites initiated / III期研究中心启动",
                kind=_TECHNICAL,
                amount=8_000_000,
                stage="phase_3",
                due_offset_days=45,
                evidence="Site initiation visit reports / 研究中心启动访视报告",
            ),
            ScheduleItemSpec(
                key="db_lock",
                name="Phase III database lock / III期数据库锁定",
                kind=_SCIENTIFIC,
                amount=10_000_000,
                event="Database of the Phase III trial locked",
                evidence="Database lock certificate / 数据库锁定证明",
            ),
        ),
        cost_shares=(
            CostShareSpec("phase_1", "phase_2", research_percent=20),
            CostShareSpec("phase_3", "registration", research_percent=10),
        ),
        failure_clauses=(
            FailureClauseSpec(
                "phase_1",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=False,
                notes=_SHARED_LOSS_TO_HANHAI,
            ),
            FailureClauseSpec(
                "phase_2",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=False,
                notes=_SHARED_LOSS_TO_HANHAI,
            ),
            FailureClauseSpec(
                "phase_3",
                SunkCostBearer.ENTERPRISE,
                ip_reverts=False,
                break_fee=2_000_000,
                notes=(
                    "Break fee if Hanhai stops a running Phase III for reasons other than "
                    "safety or futility. / 瀚海非因安全性或无效原因终止III期时支付解约费。"
                ),
            ),
        ),
    ),
    TermsSpec(
        agreement="AGR-LCH-MER-2018-01",
        pipeline="BIOMED-DRUG",
        upfront=500_000,
        schedule=(
            ScheduleItemSpec(
                key="site_p1",
                name="Phase I site initiated / I期研究中心启动",
                kind=_TECHNICAL,
                amount=400_000,
                stage="phase_1",
                evidence="Site initiation visit report / 研究中心启动访视报告",
            ),
            ScheduleItemSpec(
                key="site_p2",
                name="Phase II sites initiated / II期研究中心启动",
                kind=_TECHNICAL,
                amount=900_000,
                stage="phase_2",
                evidence="Site initiation visit reports / 研究中心启动访视报告",
            ),
            ScheduleItemSpec(
                key="topline",
                name="Phase II topline results / II期顶线结果",
                kind=_SCIENTIFIC,
                amount=1_200_000,
                event="Topline results of the Phase II trial delivered",
                evidence="Topline results memo and statistical tables / 顶线结果备忘录及统计表",
            ),
            ScheduleItemSpec(
                key="csr",
                name="Final clinical study report / 最终临床研究报告",
                kind=_SCIENTIFIC,
                amount=600_000,
                event="Final clinical study report delivered",
                evidence="Signed final clinical study report / 签字版最终临床研究报告",
            ),
        ),
        cost_shares=(CostShareSpec("phase_1", "phase_2", research_percent=15),),
        failure_clauses=(
            FailureClauseSpec(
                "phase_1",
                SunkCostBearer.ENTERPRISE,
                ip_reverts=False,
                notes="Meridian bears the sunk costs. / 子午线承担沉没成本。",
            ),
            FailureClauseSpec(
                "phase_2",
                SunkCostBearer.ENTERPRISE,
                ip_reverts=False,
                break_fee=500_000,
                notes=(
                    "Break fee only if Meridian ends the contract for convenience, not for "
                    "futility. / 仅在子午线因自身便利终止时支付，因无效终止不适用。"
                ),
            ),
        ),
    ),
    TermsSpec(
        agreement="AGR-ELU-GCE-2021-01",
        pipeline="ENV",
        upfront=1_500_000,
        schedule=(
            ScheduleItemSpec(
                key="pilot",
                name="Pilot unit meets the discharge standard / 中试装置达标排放",
                kind=_TECHNICAL,
                amount=1_000_000,
                stage="pilot",
                evidence="Monitoring report of the pilot effluent / 中试出水监测报告",
            ),
            ScheduleItemSpec(
                key="field",
                name="Field demonstration verified / 现场示范通过第三方核查",
                kind=_TECHNICAL,
                amount=1_500_000,
                stage="certification",
                evidence="Third-party verification report / 第三方核查报告",
            ),
            ScheduleItemSpec(
                key="certificate",
                name="Technology verification certificate / 取得环境技术验证证书",
                kind=_REGULATORY,
                amount=2_000_000,
                stage="deployment",
                evidence="Environmental technology verification certificate / 环境技术验证证书",
            ),
        ),
        cost_shares=(
            CostShareSpec("lab_research", "field_demonstration", research_percent=30),
            CostShareSpec("certification", "deployment", research_percent=20),
            CostShareSpec(
                "basic_research", "pilot_scale", research_percent=30, pipeline="BIOENERGY"
            ),
            CostShareSpec(
                "demonstration_plant",
                "commercial_production",
                research_percent=10,
                pipeline="BIOENERGY",
            ),
        ),
        failure_clauses=(
            FailureClauseSpec(
                "pilot",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=True,
                notes="Process IP reverts to ELU. / 工艺知识产权归还东湖大学。",
            ),
            FailureClauseSpec(
                "field_demonstration",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=False,
                notes="IP stays jointly owned. / 知识产权仍由双方共有。",
            ),
            FailureClauseSpec(
                "demonstration_plant",
                SunkCostBearer.ENTERPRISE,
                ip_reverts=False,
                break_fee=1_000_000,
                pipeline="BIOENERGY",
                notes=(
                    "GreenCycle owns the plant and bears its costs. / 示范装置归绿循所有，"
                    "费用由其承担。"
                ),
            ),
        ),
    ),
    TermsSpec(
        agreement="AGR-QIS-CFB-2019-01",
        pipeline="BIOMFG",
        tiers=((0, "1.5"),),
        royalty_term_years=10,
        equity_share=30,
    ),
    TermsSpec(
        agreement="AGR-ELU-LMD-2021-01",
        pipeline="BIOSERV-IVD",
        tiers=((0, "2"),),
        royalty_term_years=10,
        equity_share=25,
    ),
    TermsSpec(
        agreement="AGR-NCG-JLS-2021-01",
        pipeline="AGRI-GMO",
        schedule=(
            ScheduleItemSpec(
                key="confined",
                name="Edited lines pass the confined trial / 编辑株系通过中间试验",
                kind=_SCIENTIFIC,
                amount=800_000,
                stage="environmental_release",
                evidence="Confined trial summary report / 中间试验总结报告",
            ),
            ScheduleItemSpec(
                key="biosafety",
                name="Biosafety certificate for an edited line / 基因编辑品种获安全证书",
                kind=_REGULATORY,
                amount=2_000_000,
                stage="biosafety_certificate",
                evidence="Biosafety certificate / 安全证书",
            ),
        ),
        cost_shares=(
            CostShareSpec("laboratory_research", "intermediate_trial", research_percent=50),
            CostShareSpec("environmental_release", "biosafety_certificate", research_percent=30),
        ),
        failure_clauses=(
            FailureClauseSpec(
                "intermediate_trial",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=True,
                notes="Edited lines revert to NCG. / 编辑株系归还北方作物实验室。",
            ),
            FailureClauseSpec(
                "environmental_release",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=False,
                notes="Lines stay jointly owned. / 株系仍由双方共有。",
            ),
        ),
    ),
    TermsSpec(
        agreement="AGR-LCH-LMD-2022-01",
        pipeline="BIOSERV-IVD",
        schedule=(
            ScheduleItemSpec(
                key="design_freeze",
                name="Design freeze / 设计冻结",
                kind=_TECHNICAL,
                amount=600_000,
                stage="verification_validation",
                evidence="Design freeze minutes with locked assay parameters / 设计冻结会议纪要",
            ),
            ScheduleItemSpec(
                key="clinical_done",
                name="Clinical evaluation completed / 临床评价完成",
                kind=_SCIENTIFIC,
                amount=1_200_000,
                stage="registration",
                evidence="Clinical evaluation report / 临床评价报告",
            ),
            ScheduleItemSpec(
                key="certificate",
                name="NMPA registration certificate / 获得NMPA注册证",
                kind=_REGULATORY,
                amount=2_000_000,
                stage="production",
                evidence="Medical device registration certificate / 医疗器械注册证",
            ),
        ),
        cost_shares=(
            CostShareSpec("feasibility", "verification_validation", research_percent=50),
            CostShareSpec("clinical_evaluation", "registration", research_percent=40),
        ),
        failure_clauses=(
            FailureClauseSpec(
                "design_development",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=True,
                notes="Assay IP reverts to Lakeview. / 检测方法知识产权归还湖景医院。",
            ),
            FailureClauseSpec(
                "clinical_evaluation",
                SunkCostBearer.ENTERPRISE,
                ip_reverts=False,
                notes="Lumora bears the clinical costs. / 临床费用由光瑞承担。",
            ),
        ),
    ),
    TermsSpec(
        agreement="AGR-QIS-CFB-2023-01",
        pipeline="BIOMFG",
        schedule=(
            ScheduleItemSpec(
                key="strain",
                name="Strain meets titre, rate and yield / 菌株达到产量、速率与得率指标",
                kind=_TECHNICAL,
                amount=1_500_000,
                stage="process_development",
                evidence="5 L fermentation batch records / 5升发酵批记录",
            ),
            ScheduleItemSpec(
                key="pilot",
                name="Pilot batch at one cubic metre / 1立方米中试批次",
                kind=_TECHNICAL,
                amount=2_500_000,
                stage="pilot_scale",
                evidence="Pilot batch records / 中试批记录",
            ),
            ScheduleItemSpec(
                key="package",
                name="Process package transferred to Cellforge / 工艺包移交铸胞",
                kind=_COMMERCIAL,
                amount=1_000_000,
                event="Process package accepted by Cellforge",
                evidence="Technology transfer acceptance form / 技术移交验收单",
            ),
        ),
        cost_shares=(
            CostShareSpec("basic_research", "process_development", research_percent=50),
            CostShareSpec("pilot_scale", "demonstration_plant", research_percent=40),
            CostShareSpec(
                "basic_research", "process_development", research_percent=50, pipeline="BIOENERGY"
            ),
        ),
        failure_clauses=(
            FailureClauseSpec(
                "process_development",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=True,
                notes="Strains revert to QIS. / 菌株归还钱塘研究院。",
            ),
            FailureClauseSpec(
                "pilot_scale",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=False,
                notes="Process IP stays jointly owned. / 工艺知识产权仍由双方共有。",
            ),
            FailureClauseSpec(
                "process_development",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=True,
                pipeline="BIOENERGY",
                notes="Strains revert to QIS. / 菌株归还钱塘研究院。",
            ),
        ),
    ),
    TermsSpec(
        agreement="AGR-HEC-HHB-2019-01",
        pipeline="BIOMED-DRUG",
        schedule=(
            ScheduleItemSpec(
                key="candidate",
                name="Development candidate nominated / 确定临床前候选药物",
                kind=_SCIENTIFIC,
                amount=2_000_000,
                stage="preclinical",
                evidence="Candidate nomination package / 候选药物确定报告",
            ),
            ScheduleItemSpec(
                key="ind",
                name="IND filed / 提交IND申请",
                kind=_REGULATORY,
                amount=3_000_000,
                stage="ind_filing",
                evidence="CDE acceptance notice of the IND application / 药审中心IND受理通知书",
            ),
            ScheduleItemSpec(
                key="fpd",
                name="First patient dosed in Phase I / I期首例受试者给药",
                kind=_REGULATORY,
                amount=5_000_000,
                stage="phase_1",
                evidence="Site dosing log / 研究中心给药记录",
            ),
        ),
        cost_shares=(
            CostShareSpec("basic_research", "preclinical", research_percent=40),
            CostShareSpec("ind_filing", "phase_2", research_percent=20),
            CostShareSpec(
                "basic_research", "process_development", research_percent=40, pipeline="BIOMFG"
            ),
            CostShareSpec(
                "pilot_scale", "commercial_production", research_percent=15, pipeline="BIOMFG"
            ),
        ),
        failure_clauses=(
            FailureClauseSpec(
                "preclinical",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=False,
                notes="Centre IP stays shared 50:50. / 中心知识产权仍按50:50共有。",
            ),
            FailureClauseSpec(
                "phase_1",
                SunkCostBearer.ENTERPRISE,
                ip_reverts=False,
                notes="Hanhai bears clinical sunk costs. / 临床沉没成本由瀚海承担。",
            ),
            FailureClauseSpec(
                "pilot_scale",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=False,
                pipeline="BIOMFG",
                notes="Each party bears its share. / 各方按比例承担。",
            ),
        ),
    ),
    TermsSpec(
        agreement="AGR-HEC-CFB-2021-01",
        pipeline="BIOMFG",
        schedule=(
            ScheduleItemSpec(
                key="cell_line",
                name="Production cell line established / 生产细胞株建立",
                kind=_SCIENTIFIC,
                amount=1_500_000,
                stage="process_development",
                evidence="Cell line development report / 细胞株开发报告",
            ),
            ScheduleItemSpec(
                key="process_lock",
                name="Perfusion process locked at 200 L / 200升灌流工艺锁定",
                kind=_TECHNICAL,
                amount=3_000_000,
                stage="pilot_scale",
                evidence="Three consecutive 200 L perfusion runs / 连续三批200升灌流记录",
            ),
            ScheduleItemSpec(
                key="gmp_batch",
                name="GMP demonstration batch released / GMP示范批次放行",
                kind=_REGULATORY,
                amount=5_000_000,
                stage="demonstration_plant",
                due_offset_days=45,
                evidence="Batch release certificate / 批放行证书",
            ),
        ),
        cost_shares=(
            CostShareSpec("basic_research", "process_development", research_percent=40),
            CostShareSpec("pilot_scale", "demonstration_plant", research_percent=20),
            CostShareSpec(
                "basic_research", "process_development", research_percent=50, pipeline="BIOENERGY"
            ),
        ),
        failure_clauses=(
            FailureClauseSpec(
                "pilot_scale",
                SunkCostBearer.ENTERPRISE,
                ip_reverts=False,
                break_fee=800_000,
                notes="Cellforge bears pilot costs. / 中试费用由铸胞承担。",
            ),
            FailureClauseSpec(
                "strain_development",
                SunkCostBearer.BY_COST_SHARES,
                ip_reverts=True,
                pipeline="BIOENERGY",
                notes="Strains revert to the centre. / 菌株归还中心。",
            ),
        ),
    ),
)


# --- Money: where each milestone stands ---------------------------------

PRE_AGREEMENT_REASON = (
    "Reached before the agreement took effect; covered by the upfront payment. / "
    "协议生效前已达成，已计入首付款。"
)
TERMINATED_REASON = (
    "The project was terminated; this milestone can no longer be reached. / "
    "项目已终止，该里程碑不再可能达成。"
)
VERIFICATION_COMMENT = (
    "Checked against the evidence; approved for invoicing. / 已核对证明材料，同意开票。"
)
# Stage milestones reached before this day are settled by default; later
# ones are claimed and wait for the payer.
SETTLED_BEFORE = DEMO_AS_OF - datetime.timedelta(days=120)


@dataclass(frozen=True)
class MilestonePlan:
    """Where one demo milestone stands and how it got there. Dates are
    those of the invoice and payments; a stage milestone's invoice defaults
    to three weeks after the project entered the stage."""

    status: str
    invoiced_on: datetime.date | None = None
    invoice_today: bool = False
    # (paid on, percent of the amount); the last payment of a paid
    # milestone settles the rest.
    payments: tuple[tuple[datetime.date, int], ...] = ()
    reason: str = ""
    # A dispute that the payee answered with a new claim before the payer
    # verified it.
    disputed_first: str = ""
    resubmission: str = ""
    evidence_file: bool = False


@dataclass(frozen=True)
class ManualMilestoneSpec:
    """A milestone staff added by hand, with its own due date."""

    project: str
    key: str
    name: str
    kind: str
    amount: int
    event: str
    due_date: datetime.date
    evidence: str


_date = datetime.date
_PLANNED = MilestoneStatus.PLANNED
_CLAIMED = MilestoneStatus.CLAIMED
_DISPUTED = MilestoneStatus.DISPUTED
_VERIFIED = MilestoneStatus.VERIFIED
_INVOICED = MilestoneStatus.INVOICED
_PARTIALLY_PAID = MilestoneStatus.PARTIALLY_PAID
_PAID = MilestoneStatus.PAID
_CANCELLED = MilestoneStatus.CANCELLED
_WAIVED = MilestoneStatus.WAIVED

MANUAL_MILESTONES = (
    ManualMilestoneSpec(
        project="LCH-001",
        key="interim",
        name="Interim safety analysis, Phase II / II期期中安全性分析",
        kind=_SCIENTIFIC,
        amount=2_000_000,
        event="Interim safety analysis delivered to the sponsor",
        due_date=DEMO_AS_OF - datetime.timedelta(days=1),
        evidence=(
            "Interim safety analysis report v1.0 and DSMB minutes. / "
            "期中安全性分析报告1.0版及数据监查委员会会议纪要。"
        ),
    ),
    ManualMilestoneSpec(
        project="QIS-006",
        key="automation",
        name="Foundry automation upgrade accepted / 铸造平台自动化升级验收",
        kind=_TECHNICAL,
        amount=1_200_000,
        event="Automation upgrade of the foundry accepted",
        due_date=_date(2026, 6, 30),
        evidence=(
            "Acceptance test protocol: 1,536 strains built per week. / "
            "验收测试：每周构建1536株菌株。"
        ),
    ),
    ManualMilestoneSpec(
        project="NCG-004",
        key="annual_report",
        name="Platform operating report 2025 / 2025年度平台运行报告",
        kind=_SCIENTIFIC,
        amount=600_000,
        event="Annual operating report of the platform delivered",
        due_date=_date(2026, 3, 31),
        evidence="Platform operating report 2025 / 2025年度平台运行报告",
    ),
)

# Milestones that do not stand where the default rules put them, by project
# and schedule key. By default a stage milestone reached before the
# agreement is cancelled, one reached before SETTLED_BEFORE is paid and a
# later one is claimed; a milestone a terminated project can no longer reach
# is cancelled; everything else is planned.
MILESTONE_PLANS = {
    # Hanhai (partner.a)
    ("ELU-001", "phase_2"): MilestonePlan(
        _PARTIALLY_PAID, invoiced_on=_date(2026, 6, 25), payments=((_date(2026, 7, 24), 40),)
    ),
    ("ELU-002", "phase_1"): MilestonePlan(_INVOICED, invoice_today=True),
    ("ELU-004", "first_sale"): MilestonePlan(_PAID, invoiced_on=_date(2024, 10, 28)),
    ("LCH-001", "interim"): MilestonePlan(_CLAIMED, evidence_file=True),
    ("LCH-002", "site_p3"): MilestonePlan(
        _PAID, payments=((_date(2025, 10, 10), 50), (_date(2025, 12, 1), 50))
    ),
    ("LCH-003", "csr_p2"): MilestonePlan(
        _DISPUTED,
        reason=(
            "The report lacks the final pharmacokinetic appendix; resubmit with the signed "
            "PK report. / 总结报告缺少最终药代动力学附录，请补充签字版PK报告后重新提交。"
        ),
    ),
    ("LCH-003", "site_p3"): MilestonePlan(_CLAIMED, evidence_file=True),
    ("HEC-001", "ind"): MilestonePlan(_INVOICED, invoiced_on=_date(2026, 9, 10)),
    ("HEC-001", "fpd"): MilestonePlan(_VERIFIED),
    ("HEC-002", "ind"): MilestonePlan(_CLAIMED, evidence_file=True),
    # Cellforge (partner.b)
    ("HEC-004", "process_lock"): MilestonePlan(_CLAIMED, evidence_file=True),
    ("QIS-005", "strain"): MilestonePlan(_PLANNED),
    ("QIS-006", "automation"): MilestonePlan(_CLAIMED, evidence_file=True),
    # Meridian
    ("ELU-005", "phase_2"): MilestonePlan(
        _INVOICED,
        invoiced_on=_date(2026, 10, 12),
        disputed_first=(
            "Phase II start means first patient dosed, not protocol approval. / "
            "II期启动以首例患者给药为准，而非方案获批。"
        ),
        resubmission=(
            "First patient dosed on 2026-04-14; site dosing log attached. / "
            "首例患者于2026年4月14日给药，附给药记录。"
        ),
    ),
    ("LCH-004", "topline"): MilestonePlan(_PAID, invoiced_on=_date(2021, 10, 20)),
    ("LCH-004", "csr"): MilestonePlan(
        _WAIVED,
        reason=(
            "Fee for the final report waived in the termination settlement with Meridian. / "
            "与子午线的终止和解中免除最终报告费用。"
        ),
    ),
    # Jadeleaf
    ("NCG-001", "biosafety"): MilestonePlan(
        _PARTIALLY_PAID, invoiced_on=_date(2026, 9, 18), payments=((_date(2026, 10, 26), 40),)
    ),
    ("NCG-002", "first_sale"): MilestonePlan(_PAID, invoiced_on=_date(2024, 4, 22)),
    ("NCG-005", "confined"): MilestonePlan(_VERIFIED),
    # Lumora
    ("LCH-006", "design_freeze"): MilestonePlan(_INVOICED, invoiced_on=_date(2026, 3, 2)),
    ("LCH-007", "clinical_done"): MilestonePlan(
        _DISPUTED,
        reason=(
            "The NMPA asked for a larger prospective cohort; clinical evaluation is not "
            "complete. / NMPA要求扩大前瞻性队列，临床评价尚未完成。"
        ),
    ),
    # GreenCycle
    ("ELU-010", "certificate"): MilestonePlan(_PAID),
    ("QIS-009", "pilot"): MilestonePlan(
        _DISPUTED,
        reason=(
            "The hydrolysis reactor has not passed its 72-hour run; commissioning is not "
            "complete. / 水解反应器尚未通过72小时连续运行，中试装置未完成投运。"
        ),
    ),
}

# The bank each payer pays from: the prefix of its transfer references.
PAYER_BANKS = {
    "HHB": "ICBC",
    "CFB": "CMB",
    "JLS": "ABC",
    "LMD": "PAB",
    "GCE": "HXB",
    "MER": "DEUTDEFF",
}


# --- Money: royalty reports ---------------------------------------------


@dataclass(frozen=True)
class RoyaltyPlan:
    """The royalty reports a licensee filed for a product: one per period
    from the first period after launch (or ``first_period``), with the net
    sales of each, until the periods run out or reach today."""

    agreement: str
    project: str
    reporter: str
    net_sales: tuple[int, ...]
    sublicense_income: tuple[int, ...] = ()
    first_period: datetime.date | None = None
    # Reported by product and territory: the product, the main territory,
    # and further territories as (territory, percent of sales, from the nth
    # period).
    product: str = ""
    main_territory: str = ""
    other_territories: tuple[tuple[str, int, int], ...] = ()
    note: str = ""
    # Reports that are not paid yet, by period label: (status, reason).
    open_reports: tuple[tuple[str, str, str], ...] = ()


ROYALTY_PLANS = (
    RoyaltyPlan(
        agreement="AGR-ELU-HHB-2020-01",
        project="ELU-004",
        reporter=PARTNER_A_EMAIL,
        net_sales=(
            2_860_000,
            18_420_000,
            45_180_000,
            61_750_000,
            79_460_000,
            96_330_000,
            112_640_000,
            128_910_000,
            151_370_000,
        ),
        product="HB-1101 TPO mimetic injection / HB-1101注射液",
        main_territory="Mainland China / 中国大陆",
        other_territories=(("Hong Kong SAR / 中国香港", 5, 4),),
        open_reports=(
            ("2026-Q2", RoyaltyReportStatus.INVOICED, ""),
            ("2026-Q3", RoyaltyReportStatus.SUBMITTED, ""),
        ),
    ),
    RoyaltyPlan(
        agreement="AGR-NCG-JLS-2018-01",
        project="NCG-002",
        reporter="tang.ming@jadeleaf.example.com",
        net_sales=(38_600_000, 12_900_000, 96_400_000, 31_200_000, 142_700_000),
        open_reports=(
            (
                "2026-H1",
                RoyaltyReportStatus.QUERIED,
                "Net sales deduct seed returns without credit notes; attach the returns "
                "ledger. / 净销售额扣除了无红字发票的退货，请补充退货台账。",
            ),
        ),
    ),
    RoyaltyPlan(
        agreement="AGR-QIS-CFB-2019-01",
        project="QIS-003",
        reporter=PARTNER_B_EMAIL,
        net_sales=(8_640_000, 14_250_000, 19_820_000),
        open_reports=(
            ("2026-Q2", RoyaltyReportStatus.PARTIALLY_PAID, ""),
            ("2026-Q3", RoyaltyReportStatus.SUBMITTED, ""),
        ),
    ),
    RoyaltyPlan(
        agreement="AGR-ELU-LMD-2021-01",
        project="ELU-014",
        reporter="lin.yue@lumora.example.com",
        net_sales=(3_850_000,),
        open_reports=(("2026-Q2", RoyaltyReportStatus.ACCEPTED, ""),),
    ),
    RoyaltyPlan(
        agreement="AGR-ELU-MER-2023-01",
        project="ELU-005",
        reporter="anna.keller@meridian-tx.example.com",
        net_sales=(0,),
        sublicense_income=(12_000_000,),
        first_period=_date(2025, 10, 1),
        note=("Upfront received from the sublicensee for Japan. / 日本区域再许可方支付的首付款。"),
    ),
)


# --- Money: cost entries ------------------------------------------------


@dataclass(frozen=True)
class CostEntrySpec:
    stage: str
    paid_by: str
    amount: int
    days_in: int  # after the project entered the stage
    description: str


COST_ENTRIES = {
    "LCH-001": (
        CostEntrySpec("phase_1", _ENTERPRISE, 6_800_000, 60, "CRO fees, Phase I / I期CRO服务费"),
        CostEntrySpec(
            "phase_1", _RESEARCH, 2_100_000, 200, "Investigator site costs / 研究中心费用"
        ),
        CostEntrySpec(
            "phase_2",
            _ENTERPRISE,
            5_200_000,
            40,
            "CRO fees, Phase II first tranche / II期CRO首期款",
        ),
        CostEntrySpec(
            "phase_2",
            _RESEARCH,
            3_900_000,
            150,
            "Site costs and central imaging / 研究中心与影像费用",
        ),
    ),
    "HEC-001": (
        CostEntrySpec(
            "preclinical", _ENTERPRISE, 9_500_000, 90, "GLP toxicology studies / GLP毒理研究"
        ),
        CostEntrySpec(
            "preclinical",
            _RESEARCH,
            1_200_000,
            150,
            "Lentiviral vector production / 慢病毒载体制备",
        ),
        CostEntrySpec("ind_filing", _ENTERPRISE, 450_000, 20, "IND dossier / IND申报资料"),
        CostEntrySpec(
            "phase_1", _ENTERPRISE, 7_800_000, 30, "CAR-T manufacturing for Phase I / I期CAR-T制备"
        ),
        CostEntrySpec(
            "phase_1", _RESEARCH, 600_000, 60, "Apheresis and cell logistics / 单采与细胞运输"
        ),
    ),
    "HEC-004": (
        CostEntrySpec(
            "process_development",
            _RESEARCH,
            2_400_000,
            120,
            "Perfusion media screening / 灌流培养基筛选",
        ),
        CostEntrySpec(
            "process_development",
            _ENTERPRISE,
            1_100_000,
            300,
            "Single-use bioreactors / 一次性生物反应器",
        ),
        CostEntrySpec(
            "pilot_scale", _ENTERPRISE, 3_600_000, 45, "200 L perfusion runs / 200升灌流批次"
        ),
        CostEntrySpec(
            "pilot_scale", _RESEARCH, 900_000, 90, "Analytical characterisation / 分析表征"
        ),
    ),
    "QIS-005": (
        CostEntrySpec(
            "strain_development",
            _RESEARCH,
            1_850_000,
            60,
            "Automated strain construction / 自动化菌株构建",
        ),
        CostEntrySpec(
            "strain_development",
            _ENTERPRISE,
            620_000,
            240,
            "Fermentation analytics / 发酵分析检测",
        ),
        CostEntrySpec(
            "process_development", _RESEARCH, 760_000, 30, "Enzyme immobilisation / 酶固定化"
        ),
        CostEntrySpec(
            "process_development",
            _ENTERPRISE,
            1_340_000,
            120,
            "Downstream purification trials / 下游纯化试验",
        ),
    ),
    "NCG-004": (
        CostEntrySpec(
            "laboratory_research",
            _RESEARCH,
            1_450_000,
            200,
            "Base-editing constructs / 碱基编辑载体构建",
        ),
        CostEntrySpec(
            "laboratory_research",
            _ENTERPRISE,
            980_000,
            500,
            "Greenhouse phenotyping / 温室表型鉴定",
        ),
        CostEntrySpec(
            "intermediate_trial", _ENTERPRISE, 760_000, 30, "Confined trial plots / 中间试验小区"
        ),
    ),
    "ELU-012": (
        CostEntrySpec(
            "pilot",
            _ENTERPRISE,
            3_200_000,
            90,
            "Pilot reactor and installation / 中试反应器及安装",
        ),
        CostEntrySpec("pilot", _RESEARCH, 1_100_000, 300, "Residue analytics / 抗生素残留分析"),
        CostEntrySpec(
            "field_demonstration",
            _ENTERPRISE,
            4_400_000,
            60,
            "Demonstration site works / 示范现场工程",
        ),
        CostEntrySpec(
            "field_demonstration", _RESEARCH, 600_000, 400, "Third-party monitoring / 第三方监测"
        ),
        CostEntrySpec(
            "certification", _ENTERPRISE, 350_000, 20, "Verification fees / 技术验证费用"
        ),
    ),
    "LCH-006": (
        CostEntrySpec(
            "design_development",
            _RESEARCH,
            980_000,
            60,
            "Methylation marker panel / 甲基化标志物筛选",
        ),
        CostEntrySpec(
            "design_development", _ENTERPRISE, 1_240_000, 200, "Assay kit prototypes / 试剂盒原型"
        ),
        CostEntrySpec(
            "verification_validation",
            _ENTERPRISE,
            690_000,
            40,
            "Analytical validation lots / 分析性能验证批次",
        ),
    ),
}


# --- Money: writing it through the services -----------------------------


@dataclass(frozen=True)
class MoneySummary:
    """What the demo's money side holds after seeding, and what this run
    added."""

    milestones: int
    milestones_created: int
    invoices: int
    payments: int
    royalty_reports: int
    cost_entries: int

    def __str__(self) -> str:
        return (
            f"{self.milestones} milestones ({self.milestones_created} new), "
            f"{self.invoices} invoices, {self.payments} payments, "
            f"{self.royalty_reports} royalty reports, {self.cost_entries} cost entries"
        )


@dataclass
class _Billing:
    """An invoice to issue and the payments to record on it. Invoices are
    issued in date order, so that numbers follow dates within a year."""

    issued_on: datetime.date | None  # None: today
    issue: Callable[[datetime.date | None], Invoice]
    payments: tuple[tuple[datetime.date, int], ...]
    settle: bool  # the last payment settles the invoice
    bank: str
    invoice: Invoice | None = None


@dataclass
class _MoneyRun:
    """What seeding the money side needs at hand."""

    today: datetime.date
    staff: User
    partners: dict[str, User]  # by email
    payer_users: dict[int, User]  # by enterprise id
    stages: dict[tuple[str, str], StageDefinition]  # by pipeline and stage code
    banks: dict[int, str]  # by enterprise id
    billings: list[_Billing]
    milestones_created: int = 0


def seed_money(*, users: Mapping[str, User]) -> MoneySummary:
    """Terms on every demo agreement, milestones of the demo projects in
    every state, royalty reports, invoices, payments and cost entries, all
    written through the services by the people who would do it.

    Whatever exists is left alone: an agreement's terms once it has any, a
    project's milestones and cost entries once it has any, a royalty report
    once its period is reported."""
    enterprises = {e.code: e for e in Enterprise.objects.all()}
    partners = User.objects.filter(
        email__in=[PARTNER_A_EMAIL, PARTNER_B_EMAIL, *(c.email for c in PORTAL_CONTACTS)]
    )
    run = _MoneyRun(
        today=timezone.localdate(),
        staff=users[STAFF_EMAIL],
        partners={partner.email: partner for partner in partners},
        payer_users={partner.enterprise_id: partner for partner in partners},
        stages={
            (stage.pipeline.code, stage.code): stage
            for stage in StageDefinition.objects.select_related("pipeline")
        },
        banks={enterprises[code].pk: bank for code, bank in PAYER_BANKS.items()},
        billings=[],
    )
    agreements = {
        agreement.reference: agreement
        for agreement in Agreement.objects.filter(
            reference__in=[spec.agreement for spec in TERMS]
        ).select_related("partnership")
    }
    for spec in TERMS:
        _seed_terms(spec, agreements[spec.agreement], run)

    projects = {
        project.code: project
        for project in ResearchProject.objects.filter(
            code__in=[spec.code for spec in PROJECTS]
        ).select_related("agreement__partnership", "current_stage__pipeline")
    }
    entries = _stage_entries(project.pk for project in projects.values())
    terms_of = {spec.agreement: spec for spec in TERMS}
    with_milestones = set(
        Milestone.objects.filter(project__in=projects.values()).values_list(
            "project_id", flat=True
        )
    )
    for project in projects.values():
        terms = terms_of.get(project.agreement.reference) if project.agreement else None
        # The service gives every project the agreement's whole schedule,
        # so only projects in the pipeline the schedule names get it (see
        # the note on _seed_milestones).
        if (
            terms is None
            or not terms.schedule
            or project.current_stage.pipeline.code != terms.pipeline
            or project.pk in with_milestones
        ):
            continue
        _seed_milestones(project, terms, entries.get(project.pk, {}), run)

    _seed_royalties(projects, entries, run)
    _settle(run)
    _seed_costs(projects, entries, run)
    return MoneySummary(
        milestones=Milestone.objects.count(),
        milestones_created=run.milestones_created,
        invoices=Invoice.objects.count(),
        payments=Payment.objects.count(),
        royalty_reports=RoyaltyReport.objects.count(),
        cost_entries=CostEntry.objects.count(),
    )


def _seed_terms(spec: TermsSpec, agreement: Agreement, run: _MoneyRun) -> None:
    """Write an agreement's terms, unless it has some already: staff may
    have edited them since."""
    has_terms = (
        agreement.equity_share > 0
        or agreement.milestone_schedule.exists()
        or agreement.royalty_tiers.exists()
        or agreement.cost_shares.exists()
        or agreement.failure_clauses.exists()
    )
    if has_terms:
        return

    def stage(code: str, pipeline: str = "") -> StageDefinition:
        return run.stages[pipeline or spec.pipeline, code]

    # The scalar terms and the schedule and failure clause rows have no
    # service of their own: staff enter them in the admin's terms inlines.
    agreement.upfront_amount = Decimal(spec.upfront)
    agreement.upfront_due_on = (
        agreement.signed_on + datetime.timedelta(days=30)
        if spec.upfront and agreement.signed_on
        else None
    )
    agreement.royalty_term_years = spec.royalty_term_years
    agreement.minimum_annual_royalty = Decimal(spec.minimum_annual_royalty)
    agreement.sublicense_income_share = Decimal(spec.sublicense_income_share)
    agreement.equity_share = Decimal(spec.equity_share)
    agreement.royalty_reporting = spec.royalty_reporting
    agreement.sales_breakdown_required = spec.sales_breakdown_required
    agreement.save(
        update_fields=[
            "upfront_amount",
            "upfront_due_on",
            "royalty_term_years",
            "minimum_annual_royalty",
            "sublicense_income_share",
            "equity_share",
            "royalty_reporting",
            "sales_breakdown_required",
            "updated_at",
        ]
    )
    MilestoneScheduleItem.objects.bulk_create(
        MilestoneScheduleItem(
            agreement=agreement,
            position=position,
            name=item.name,
            kind=item.kind,
            amount=Decimal(item.amount),
            trigger_stage=stage(item.stage) if item.stage else None,
            trigger_event=item.event,
            due_offset_days=item.due_offset_days,
        )
        for position, item in enumerate(spec.schedule, start=1)
    )
    FailureClause.objects.bulk_create(
        FailureClause(
            agreement=agreement,
            stage=stage(clause.stage, clause.pipeline),
            sunk_costs_borne_by=clause.sunk_costs_borne_by,
            ip_reverts_to_institution=clause.ip_reverts,
            break_fee=Decimal(clause.break_fee),
            break_fee_payer=Party.ENTERPRISE,
            notes=clause.notes,
        )
        for clause in spec.failure_clauses
    )
    if spec.tiers:
        royalty_tiers_set(
            agreement=agreement,
            tiers=[Tier(Decimal(bound), Decimal(rate)) for bound, rate in spec.tiers],
            basis=spec.royalty_basis,
            by=run.staff,
        )
    if spec.cost_shares:
        cost_shares_set(
            agreement=agreement,
            shares=[
                CostShareInput(
                    first_stage=stage(share.first_stage, share.pipeline),
                    last_stage=stage(share.last_stage, share.pipeline),
                    party=party,
                    percent=Decimal(percent),
                )
                for share in spec.cost_shares
                for party, percent in (
                    (Party.RESEARCH, share.research_percent),
                    (Party.ENTERPRISE, 100 - share.research_percent),
                )
            ],
            by=run.staff,
        )


def _stage_entries(project_ids: Iterable[int]) -> dict[int, dict[int, datetime.date]]:
    """The day each project first entered each of its stages, by project
    and stage id, from its stage-gate history."""
    entries: dict[int, dict[int, datetime.date]] = {}
    transitions = (
        StageTransition.objects.filter(
            project_id__in=list(project_ids),
            kind__in=[
                TransitionKind.START,
                TransitionKind.ADVANCE,
                TransitionKind.SKIP,
                TransitionKind.REVERT,
            ],
        )
        .order_by("decided_at", "pk")
        .values_list("project_id", "to_stage_id", "decided_at")
    )
    for project_id, stage_id, decided_at in transitions:
        entries.setdefault(project_id, {}).setdefault(
            stage_id, decided_at.astimezone(DEMO_TIME_ZONE).date()
        )
    return entries


def _seed_milestones(
    project: ResearchProject,
    terms: TermsSpec,
    entered: Mapping[int, datetime.date],
    run: _MoneyRun,
) -> None:
    """Create the project's milestones from its agreement's schedule (and
    any added by hand), then move each to where its plan says.

    Only projects in the pipeline of the schedule's stages get milestones:
    ``milestones_create_from_schedule`` creates every schedule item for
    every project under the agreement, and an item triggered by another
    pipeline's stage could never become claimable."""
    agreement = project.agreement
    created = milestones_create_from_schedule(project=project, by=run.staff)
    items = {item.name: item for item in terms.schedule}
    planned = []
    for milestone in created:
        item = items.get(milestone.name)
        if item is None:
            continue
        entered_on = (
            entered.get(milestone.trigger_stage_id) if milestone.trigger_stage_id else None
        )
        plan = MILESTONE_PLANS.get((project.code, item.key)) or _default_plan(
            milestone, project, agreement, entered_on
        )
        invoiced_on = plan.invoiced_on or (
            entered_on + datetime.timedelta(days=21) if entered_on else None
        )
        planned.append((milestone, plan, item.evidence, invoiced_on))
    for spec in MANUAL_MILESTONES:
        if spec.project != project.code:
            continue
        milestone = Milestone.objects.create(
            project=project,
            agreement=agreement,
            name=spec.name,
            kind=spec.kind,
            trigger_event=spec.event,
            due_date=spec.due_date,
            amount=Decimal(spec.amount),
            currency=agreement.currency,
        )
        activity_record(
            actor=run.staff,
            verb="milestone.created",
            target=milestone,
            project=project,
            agreement=agreement,
            summary=f"Milestone {milestone.name} planned: {milestone.amount} "
            f"{milestone.currency}, due {milestone.due_date}.",
            changes={"amount": milestone.amount, "due_date": milestone.due_date},
        )
        created.append(milestone)
        plan = MILESTONE_PLANS.get((project.code, spec.key), MilestonePlan(_PLANNED))
        planned.append((milestone, plan, spec.evidence, plan.invoiced_on))
    run.milestones_created += len(created)
    for milestone, plan, evidence, invoiced_on in planned:
        _drive_milestone(milestone, plan, evidence, invoiced_on, run)


def _default_plan(
    milestone: Milestone,
    project: ResearchProject,
    agreement: Agreement,
    entered_on: datetime.date | None,
) -> MilestonePlan:
    if milestone.trigger_stage_id and milestone.triggered_on is not None:
        if entered_on is None:
            # Reached without a recorded entry: treat it as just reached.
            return MilestonePlan(_CLAIMED)
        if agreement.signed_on and entered_on < agreement.signed_on:
            return MilestonePlan(_CANCELLED, reason=PRE_AGREEMENT_REASON)
        return MilestonePlan(_PAID if entered_on < SETTLED_BEFORE else _CLAIMED)
    if project.status == ProjectStatus.TERMINATED:
        return MilestonePlan(_CANCELLED, reason=TERMINATED_REASON)
    return MilestonePlan(_PLANNED)


def _drive_milestone(
    milestone: Milestone,
    plan: MilestonePlan,
    evidence: str,
    invoiced_on: datetime.date | None,
    run: _MoneyRun,
) -> None:
    """Take a planned milestone to the plan's status the way people would:
    the payee's staff claim, invoice and record payments, the payer's
    partner user verifies or disputes."""
    staff = run.staff
    if plan.status == _PLANNED:
        return
    if plan.status in (_CANCELLED, _WAIVED):
        close = milestone_cancel if plan.status == _CANCELLED else milestone_waive
        close(milestone=milestone, by=staff, reason=plan.reason)
        return
    payer = run.payer_users[milestone.agreement.partnership.enterprise_id]
    documents = []
    if plan.evidence_file:
        documents.append(
            document_upload(
                uploaded_file=SimpleUploadedFile(
                    f"{milestone.project.code}-evidence-{milestone.pk}.pdf",
                    evidence_pdf(milestone, evidence),
                    content_type="application/pdf",
                ),
                by=staff,
                project=milestone.project,
                description=f"Evidence: {milestone.name}",
            )
        )
    milestone_claim(milestone=milestone, by=staff, evidence_note=evidence, documents=documents)
    if plan.disputed_first:
        milestone_dispute(milestone=milestone, by=payer, reason=plan.disputed_first)
        milestone_claim(milestone=milestone, by=staff, evidence_note=plan.resubmission)
    if plan.status == _CLAIMED:
        return
    if plan.status == _DISPUTED:
        milestone_dispute(milestone=milestone, by=payer, reason=plan.reason)
        return
    milestone_verify(milestone=milestone, by=payer, comment=VERIFICATION_COMMENT)
    if plan.status == _VERIFIED:
        return
    payments = plan.payments
    if plan.status == _PAID and not payments:
        payments = (((invoiced_on or run.today) + datetime.timedelta(days=24), 100),)
    if plan.status == _INVOICED:
        payments = ()
    run.billings.append(
        _Billing(
            issued_on=None if plan.invoice_today else invoiced_on,
            issue=lambda issued_on, milestone=milestone: milestone_invoice(
                milestone=milestone, by=staff, issued_on=issued_on
            ),
            payments=payments,
            settle=plan.status == _PAID,
            bank=run.banks[milestone.agreement.partnership.enterprise_id],
        )
    )


def reporting_periods(
    reporting: str, first_day: datetime.date, today: datetime.date
) -> list[tuple[str, datetime.date, datetime.date]]:
    """The reporting periods from the one holding ``first_day`` to the last
    that ended before ``today``, each as (label, first day, last day)."""
    months = {
        RoyaltyReporting.QUARTERLY: 3,
        RoyaltyReporting.SEMI_ANNUAL: 6,
        RoyaltyReporting.ANNUAL: 12,
    }[RoyaltyReporting(reporting)]
    start = datetime.date(first_day.year, (first_day.month - 1) // months * months + 1, 1)
    periods = []
    while True:
        last_month = start.month + months - 1
        end = datetime.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])
        if end >= today:
            return periods
        number = (start.month - 1) // months + 1
        label = {3: f"{start.year}-Q{number}", 6: f"{start.year}-H{number}"}.get(
            months, str(start.year)
        )
        periods.append((label, start, end))
        start = end + datetime.timedelta(days=1)


def _seed_royalties(
    projects: Mapping[str, ResearchProject],
    entries: Mapping[int, Mapping[int, datetime.date]],
    run: _MoneyRun,
) -> None:
    """The licensees' royalty reports, reviewed by the licensor's staff,
    and the minimum-royalty true-ups of the years that have ended."""
    staff = run.staff
    for plan in ROYALTY_PLANS:
        project = projects[plan.project]
        agreement = project.agreement
        if plan.first_period:
            first_day = plan.first_period
        else:
            pipeline = project.current_stage.pipeline.code
            market = max(
                (stage for (code, _stage_code), stage in run.stages.items() if code == pipeline),
                key=lambda stage: stage.position,
            )
            launched_on = entries.get(project.pk, {}).get(market.pk)
            if project.status != ProjectStatus.PRODUCTIZED or launched_on is None:
                continue
            # Sales in the first fortnight are booked with the next period.
            first_day = launched_on + datetime.timedelta(days=14)
        periods = reporting_periods(agreement.royalty_reporting, first_day, run.today)
        reported = set(
            agreement.royalty_reports.filter(kind=RoyaltyReportKind.SALES).values_list(
                "period_start", flat=True
            )
        )
        open_reports = {label: (status, reason) for label, status, reason in plan.open_reports}
        for index, ((label, start, end), net_sales) in enumerate(
            zip(periods, plan.net_sales, strict=False)
        ):
            if start in reported:
                continue
            sublicense = plan.sublicense_income[index] if plan.sublicense_income else 0
            report = royalty_report_submit(
                agreement=agreement,
                by=run.partners[plan.reporter],
                period_start=start,
                period_end=end,
                lines=_sales_lines(plan, index, Decimal(net_sales), agreement.currency),
                net_sales=None if plan.product else Decimal(net_sales),
                sublicense_income=Decimal(sublicense),
                project=project,
                note=plan.note,
            )
            status, reason = open_reports.get(label, (RoyaltyReportStatus.PAID, ""))
            if status == RoyaltyReportStatus.SUBMITTED:
                continue
            if status == RoyaltyReportStatus.QUERIED:
                royalty_report_query(report=report, by=staff, reason=reason)
                continue
            royalty_report_accept(report=report, by=staff)
            if status == RoyaltyReportStatus.ACCEPTED:
                continue
            _bill_royalty(report, status, end + datetime.timedelta(days=50), run)

        # What the daily task does after a year ends.
        years = {start.year for _label, start, _end in periods}
        for year in sorted(y for y in years if y < run.today.year):
            if agreement.royalty_reports.filter(
                kind=RoyaltyReportKind.MINIMUM_TRUE_UP, period_start=datetime.date(year, 1, 1)
            ).exists():
                continue
            true_up = royalty_year_true_up(agreement=agreement, year=year, by=staff)
            if true_up is not None:
                _bill_royalty(
                    true_up, RoyaltyReportStatus.PAID, datetime.date(year + 1, 2, 14), run
                )


def _sales_lines(
    plan: RoyaltyPlan, index: int, net_sales: Decimal, currency: str
) -> list[SalesLine]:
    """A report's sales by product and territory, if the plan breaks them
    down: the main territory has what the others do not."""
    if not plan.product:
        return []
    lines = []
    rest = net_sales
    for territory, percent, from_index in plan.other_territories:
        if index >= from_index:
            share = quantize_money(net_sales * percent / 100, currency)
            lines.append(SalesLine(plan.product, territory, share))
            rest -= share
    return [SalesLine(plan.product, plan.main_territory, rest), *lines]


def _bill_royalty(
    report: RoyaltyReport, status: str, issued_on: datetime.date, run: _MoneyRun
) -> None:
    payments = {
        RoyaltyReportStatus.INVOICED: (),
        RoyaltyReportStatus.PARTIALLY_PAID: ((issued_on + datetime.timedelta(days=21), 50),),
        RoyaltyReportStatus.PAID: ((issued_on + datetime.timedelta(days=21), 100),),
    }[status]
    run.billings.append(
        _Billing(
            issued_on=issued_on,
            issue=lambda issued_on, report=report: royalty_report_invoice(
                report=report, by=run.staff, issued_on=issued_on
            ),
            payments=payments,
            settle=status == RoyaltyReportStatus.PAID,
            bank=run.banks[report.agreement.partnership.enterprise_id],
        )
    )


def _settle(run: _MoneyRun) -> None:
    """Issue the invoices in date order, then record the payments in date
    order, none later than today."""

    def issue_day(billing: _Billing) -> datetime.date:
        return min(billing.issued_on or run.today, run.today)

    for billing in sorted(run.billings, key=issue_day):
        billing.invoice = billing.issue(issue_day(billing) if billing.issued_on else None)
    payments = []
    for billing in run.billings:
        for number, (paid_on, percent) in enumerate(billing.payments, start=1):
            last = number == len(billing.payments)
            paid_on = max(min(paid_on, run.today), billing.invoice.issued_on)
            payments.append((paid_on, billing, percent, last))
    paid = defaultdict(Decimal)
    for paid_on, billing, percent, last in sorted(
        payments, key=lambda payment: (payment[0], payment[1].invoice.number)
    ):
        invoice = billing.invoice
        if last and billing.settle:
            amount = invoice.amount - paid[invoice.pk]
        else:
            amount = quantize_money(invoice.amount * percent / 100, invoice.currency)
        # A transfer reference as the payer's bank prints it.
        serial = zlib.crc32(f"{invoice.number}:{paid_on}".encode()) % 1_000_000
        payment_record(
            invoice=invoice,
            amount=amount,
            currency=invoice.currency,
            paid_on=paid_on,
            by=run.staff,
            reference=f"{billing.bank}{paid_on:%Y%m%d}{serial:06d}",
        )
        paid[invoice.pk] += amount


def _seed_costs(
    projects: Mapping[str, ResearchProject],
    entries: Mapping[int, Mapping[int, datetime.date]],
    run: _MoneyRun,
) -> None:
    """What each party spent on projects with cost shares, so that the
    ledgers show balances both ways."""
    with_costs = set(
        CostEntry.objects.filter(project__code__in=COST_ENTRIES).values_list(
            "project__code", flat=True
        )
    )
    last_day = min(run.today, DEMO_AS_OF)
    for code, specs in COST_ENTRIES.items():
        project = projects.get(code)
        if project is None or code in with_costs or project.agreement is None:
            continue
        pipeline = project.current_stage.pipeline.code
        for spec in specs:
            stage = run.stages[pipeline, spec.stage]
            entered_on = entries.get(project.pk, {}).get(stage.pk)
            if entered_on is None:
                continue
            cost_entry_record(
                project=project,
                stage=stage,
                paid_by=spec.paid_by,
                amount=Decimal(spec.amount),
                currency=project.agreement.currency,
                incurred_on=min(entered_on + datetime.timedelta(days=spec.days_in), last_day),
                description=spec.description,
                by=run.staff,
            )


def evidence_pdf(milestone: Milestone, evidence: str) -> bytes:
    """A one-page PDF standing in for a claim's evidence. Its text is the
    English half of the bilingual names: the standard PDF fonts have no
    Chinese glyphs."""

    def english(text: str) -> str:
        return text.split(" / ")[0].encode("ascii", "replace").decode()

    def escaped(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    lines = [
        f"{milestone.project.code}: {english(milestone.name)}",
        english(evidence),
        f"Agreement {milestone.agreement.reference}",
    ]
    text = "".join(
        f"BT /F1 {size} Tf 56 {760 - 28 * number} Td ({escaped(line)}) Tj ET\n"
        for number, (size, line) in enumerate(zip((14, 11, 11), lines, strict=True))
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%sendstream" % (len(text), text),
    ]
    pdf = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return pdf


# --- Generated projects for benchmarks ----------------------------------

BIOMED_MODALITIES = (
    ("Monoclonal antibody", "单克隆抗体"),
    ("Bispecific antibody", "双特异性抗体"),
    ("Antibody-drug conjugate", "抗体偶联药物"),
    ("Small-molecule inhibitor", "小分子抑制剂"),
    ("siRNA", "小干扰RNA"),
    ("CAR-T cell therapy", "CAR-T细胞疗法"),
    ("AAV gene therapy", "AAV基因治疗"),
)
# target, indication, indication in Chinese, therapeutic area
BIOMED_TARGETS = (
    ("PD-L1", "non-small-cell lung cancer", "非小细胞肺癌", TherapeuticArea.ONCOLOGY),
    ("Claudin 18.2", "gastric cancer", "胃癌", TherapeuticArea.ONCOLOGY),
    ("TROP2", "triple-negative breast cancer", "三阴性乳腺癌", TherapeuticArea.ONCOLOGY),
    ("BCMA", "multiple myeloma", "多发性骨髓瘤", TherapeuticArea.HAEMATOLOGY),
    ("CD19", "B-cell lymphoma", "B细胞淋巴瘤", TherapeuticArea.HAEMATOLOGY),
    ("PCSK9", "hypercholesterolaemia", "高胆固醇血症", TherapeuticArea.CARDIOVASCULAR),
    ("GLP-1R", "type 2 diabetes", "2型糖尿病", TherapeuticArea.METABOLIC),
    ("IL-17A", "plaque psoriasis", "斑块状银屑病", TherapeuticArea.AUTOIMMUNE),
    ("TSLP", "severe asthma", "重度哮喘", TherapeuticArea.RESPIRATORY),
    ("VEGF-A", "wet macular degeneration", "湿性黄斑变性", TherapeuticArea.OPHTHALMOLOGY),
    ("HBV cccDNA", "chronic hepatitis B", "慢性乙型肝炎", TherapeuticArea.INFECTIOUS_DISEASE),
    ("SMN2", "spinal muscular atrophy", "脊髓性肌萎缩症", TherapeuticArea.RARE_DISEASE),
    ("alpha-synuclein", "Parkinson's disease", "帕金森病", TherapeuticArea.NEUROLOGY),
)
AGRI_TRAITS = (
    ("Insect-resistant", "抗虫"),
    ("Herbicide-tolerant", "耐除草剂"),
    ("Drought-tolerant", "耐旱"),
    ("Disease-resistant", "抗病"),
    ("High-oleic", "高油酸"),
    ("Nitrogen-efficient", "氮高效"),
)
# crop, in Chinese, prefix of its event names
AGRI_CROPS = (
    ("maize", "玉米", "ZM"),
    ("rice", "水稻", "OS"),
    ("soybean", "大豆", "GM"),
    ("cotton", "棉花", "GH"),
    ("wheat", "小麦", "TA"),
    ("rapeseed", "油菜", "BN"),
)
MANUFACTURING_HOSTS = (
    ("Engineered E. coli", "工程大肠杆菌"),
    ("Engineered yeast", "工程酵母"),
    ("Corynebacterium glutamicum", "谷氨酸棒杆菌"),
    ("Bacillus subtilis", "枯草芽孢杆菌"),
    ("Yarrowia lipolytica", "解脂耶氏酵母"),
    ("Cell-free enzyme cascade", "无细胞酶级联"),
)
MANUFACTURING_PRODUCTS = (
    ("1,3-propanediol", "1,3-丙二醇"),
    ("hyaluronic acid", "透明质酸"),
    ("ergothioneine", "麦角硫因"),
    ("2'-fucosyllactose", "2'-岩藻糖基乳糖"),
    ("nicotinamide mononucleotide", "烟酰胺单核苷酸"),
    ("squalene", "角鲨烯"),
    ("polyhydroxyalkanoates", "聚羟基脂肪酸酯"),
    ("L-lysine", "L-赖氨酸"),
    ("vanillin", "香兰素"),
    ("astaxanthin", "虾青素"),
)
ENERGY_PRODUCTS = (
    ("Cellulosic ethanol", "纤维素乙醇"),
    ("Isobutanol", "异丁醇"),
    ("Biogas", "沼气"),
    ("Sustainable aviation fuel", "可持续航空燃料"),
    ("Biodiesel", "生物柴油"),
    ("Biohydrogen", "生物氢"),
)
ENERGY_FEEDSTOCKS = (
    ("corn stover", "玉米秸秆"),
    ("rice straw", "稻草"),
    ("food waste", "餐厨垃圾"),
    ("waste cooking oil", "废弃食用油"),
    ("microalgae", "微藻"),
    ("sugarcane bagasse", "甘蔗渣"),
)
ENVIRONMENTAL_APPROACHES = (
    ("Microbial consortium", "微生物菌群"),
    ("Engineered enzyme", "工程酶"),
    ("Bioaugmented constructed wetland", "生物强化人工湿地"),
    ("Membrane bioreactor", "膜生物反应器"),
    ("Engineered rhizobacteria", "工程根际菌"),
)
ENVIRONMENTAL_TARGETS = (
    ("PET plastic waste", "PET塑料废弃物"),
    ("antibiotic residues in swine wastewater", "养猪废水中的抗生素残留"),
    ("petroleum-contaminated soil", "石油污染土壤"),
    ("cadmium in paddy soil", "稻田土壤镉污染"),
    ("landfill leachate", "垃圾渗滤液"),
    ("textile dye effluent", "印染废水"),
)
DIAGNOSTIC_FORMATS = (
    ("Point-of-care CRISPR assay", "CRISPR即时检测"),
    ("Multiplex qPCR panel", "多重荧光定量PCR检测"),
    ("Targeted sequencing panel", "靶向测序检测"),
    ("Lateral-flow antigen test", "侧向层析抗原检测"),
    ("Digital PCR assay", "数字PCR检测"),
    ("Mass-spectrometry assay", "质谱检测"),
)
DIAGNOSTIC_ANALYTES = (
    ("HPV", "HPV"),
    ("EGFR mutations in ctDNA", "ctDNA中EGFR突变"),
    ("sepsis pathogens", "脓毒症病原体"),
    ("influenza A and B", "甲型和乙型流感"),
    ("hereditary hearing loss", "遗传性耳聋"),
    ("Helicobacter pylori", "幽门螺杆菌"),
    ("tuberculosis", "结核分枝杆菌"),
)


def generated_title(sector: str, rng: random.Random) -> tuple[str, str, str]:
    """A plausible title, its Chinese title and, for biomedicine, the
    therapeutic area of a generated project."""
    if sector == SectorCode.BIOMEDICINE:
        modality, modality_zh = rng.choice(BIOMED_MODALITIES)
        target, indication, indication_zh, area = rng.choice(BIOMED_TARGETS)
        return (
            f"{modality} targeting {target} for {indication}",
            f"靶向{target}的{modality_zh}治疗{indication_zh}",
            area,
        )
    if sector == SectorCode.AGRICULTURE:
        trait, trait_zh = rng.choice(AGRI_TRAITS)
        crop, crop_zh, prefix = rng.choice(AGRI_CROPS)
        event = f"{prefix}-{rng.randint(100, 9999)}"
        return f"{trait} {crop} event {event}", f"{trait_zh}{crop_zh}转化体{event}", ""
    if sector == SectorCode.BIO_MANUFACTURING:
        host, host_zh = rng.choice(MANUFACTURING_HOSTS)
        product, product_zh = rng.choice(MANUFACTURING_PRODUCTS)
        return f"{host} for {product}", f"{host_zh}生产{product_zh}", ""
    if sector == SectorCode.BIO_ENERGY:
        product, product_zh = rng.choice(ENERGY_PRODUCTS)
        feedstock, feedstock_zh = rng.choice(ENERGY_FEEDSTOCKS)
        return f"{product} from {feedstock}", f"以{feedstock_zh}为原料生产{product_zh}", ""
    if sector == SectorCode.ENVIRONMENTAL:
        approach, approach_zh = rng.choice(ENVIRONMENTAL_APPROACHES)
        target, target_zh = rng.choice(ENVIRONMENTAL_TARGETS)
        return f"{approach} for {target}", f"{approach_zh}治理{target_zh}", ""
    test_format, format_zh = rng.choice(DIAGNOSTIC_FORMATS)
    analyte, analyte_zh = rng.choice(DIAGNOSTIC_ANALYTES)
    return f"{test_format} for {analyte}", f"{analyte_zh}{format_zh}", ""


@dataclass(frozen=True)
class GenerationSummary:
    """What one run of ``generate_projects`` wrote, and how long it took."""

    projects: int
    first_code: str
    last_code: str
    partner_links: int
    transitions: int
    seconds: float

    def __str__(self) -> str:
        if not self.projects:
            return "Generated no projects."
        return (
            f"Generated {self.projects} projects ({self.first_code} to {self.last_code}) "
            f"with {self.partner_links} partner links and {self.transitions} stage "
            f"transitions in {self.seconds:.1f} s."
        )


def generated_code(number: int) -> str:
    return f"{GENERATED_CODE_PREFIX}{number:06d}"


def last_generated_number() -> int:
    """The highest number of a generated project code so far, or 0."""
    highest = (
        ResearchProject.objects.filter(code__regex=rf"^{GENERATED_CODE_PREFIX}[0-9]+$")
        .annotate(number=Cast(Substr("code", len(GENERATED_CODE_PREFIX) + 1), BigIntegerField()))
        .aggregate(highest=Max("number"))["highest"]
    )
    return highest or 0


@transaction.atomic
def generate_projects(*, count: int, batch_size: int = DEFAULT_BATCH_SIZE) -> GenerationSummary:
    """Add ``count`` projects under the demo partnerships, each with its
    partner enterprises and a stage-gate history, for benchmarks.

    Codes continue from the highest generated code, so repeated runs add up.
    Projects are drafted and written ``batch_size`` at a time, which keeps
    memory flat however many are asked for.
    """
    started = time.perf_counter()
    if count <= 0:
        return GenerationSummary(0, "", "", 0, 0, 0.0)
    partnerships = [
        facts
        for facts in _partnership_facts([spec.code for spec in PARTNERSHIPS]).values()
        if facts.status != PartnershipStatus.ENDED
    ]
    decided_by = User.objects.filter(email__iexact=STAFF_EMAIL).first()
    if not partnerships or decided_by is None:
        raise ValueError("Load the demo data first: generated projects use its partnerships.")
    partnerships.sort(key=lambda facts: facts.code)
    stages_by_pipeline = _stage_facts()
    institution_names = dict(Institution.objects.values_list("pk", "name"))
    investigators: dict[int, list[int]] = {}
    for person_id, institution_id in (
        Person.objects.filter(email__in=[p.email for p in PEOPLE if p.investigator])
        .order_by("email")
        .values_list("pk", "institution_id")
    ):
        investigators.setdefault(institution_id, []).append(person_id)
    # Early stages are crowded and late ones sparse, as in any portfolio.
    stage_weights = {
        code: list(accumulate(0.75**index for index in range(len(stages))))
        for code, stages in stages_by_pipeline.items()
    }

    first_number = last_generated_number() + 1
    rng = random.Random(f"{DEMO_SEED}:{GENERATED_CODE_PREFIX}{first_number}")
    links = transitions = 0
    for batch_start in range(first_number, first_number + count, batch_size):
        batch_end = min(batch_start + batch_size, first_number + count)
        drafts = [
            _draft_generated_project(
                number,
                rng,
                partnerships,
                stages_by_pipeline,
                stage_weights,
                institution_names,
                investigators,
            )
            for number in range(batch_start, batch_end)
        ]
        _projects, batch_links, batch_transitions = insert_projects(
            drafts, decided_by_id=decided_by.pk, batch_size=batch_size
        )
        links += batch_links
        transitions += batch_transitions
        # With DEBUG on, the connection logs every query; each batch's SQL
        # runs to hundreds of kilobytes, so the log would hold hundreds of
        # megabytes by the end of a large run.
        reset_queries()
    return GenerationSummary(
        projects=count,
        first_code=generated_code(first_number),
        last_code=generated_code(first_number + count - 1),
        partner_links=links,
        transitions=transitions,
        seconds=time.perf_counter() - started,
    )


def _draft_generated_project(
    number: int,
    rng: random.Random,
    partnerships: Sequence[PartnershipFacts],
    stages_by_pipeline: Mapping[str, list[StageFacts]],
    stage_weights: Mapping[str, list[float]],
    institution_names: Mapping[int, str],
    investigators: Mapping[int, list[int]],
) -> ProjectDraft:
    partnership = rng.choice(partnerships)
    sector = rng.choice(partnership.sector_codes or tuple(PIPELINE_OF_SECTOR))
    pipeline_code = PIPELINE_OF_SECTOR[sector]
    stages = stages_by_pipeline[pipeline_code]
    reach = rng.choices(range(len(stages)), cum_weights=stage_weights[pipeline_code])[0]
    closing_reason = ""
    if reach == len(stages) - 1:
        status = ProjectStatus.PRODUCTIZED
    else:
        draw = rng.random()
        if draw < 0.12:
            status = ProjectStatus.TERMINATED
            closing_reason = rng.choice(GENERATED_TERMINATIONS)
        elif draw < 0.2:
            status = ProjectStatus.ON_HOLD
            closing_reason = rng.choice(PAUSES)[0]
        else:
            status = ProjectStatus.ACTIVE
    history = plan_history(
        stages,
        reach=reach,
        status=status,
        rng=rng,
        ends_on=DEMO_AS_OF - datetime.timedelta(days=rng.randint(14, 300)),
        evidence=GATE_EVIDENCE[pipeline_code],
        not_before=partnership.centre_established_on,
        paused=rng.random() < 0.1,
        closing_reason=closing_reason,
    )
    if partnership.institution_id is not None:
        lead_institution_id = partnership.institution_id
    else:
        lead_institution_id = rng.choice(partnership.host_institution_ids)
    partner_ids = (partnership.enterprise_id,)
    other_leads = [e for e in partnership.lead_enterprise_ids if e != partnership.enterprise_id]
    if other_leads and rng.random() < 0.3:
        partner_ids += (rng.choice(other_leads),)
    title, title_zh, therapeutic_area = generated_title(sector, rng)
    candidates = investigators.get(lead_institution_id)
    project = _new_project(
        code=generated_code(number),
        title=title,
        title_zh=title_zh,
        stages=stages,
        reach=reach,
        status=status,
        therapeutic_area=therapeutic_area,
        lead_institution_id=lead_institution_id,
        investigator_id=rng.choice(candidates) if candidates else None,
        partnership=partnership,
        history=history,
        description=_describe(partnership, institution_names[lead_institution_id]),
        rng=rng,
    )
    return ProjectDraft(project=project, partner_ids=partner_ids, history=history)
