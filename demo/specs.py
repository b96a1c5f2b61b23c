"""The demo world as data: a small bilingual BioBridge world.

Four institutions, an enterprise-led joint centre, seven enterprises, their
people, partnerships in all five cooperation modes with their agreements,
the demo logins, a portal user for each other enterprise, and 45
research projects across the six sectors, each described by where it stands
today. ``demo.seeding`` writes them; the money they carry is in
``demo.money_specs``.

Histories count back from ``DEMO_AS_OF`` rather than from today, so every
database seeded from these values holds the same demo data.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from stdnum.cn import uscc

from accounts.choices import Role
from partnerships.choices import (
    AgreementKind,
    CooperationMode,
    EnterpriseSize,
    Exclusivity,
    InstitutionKind,
    LicenseeSize,
    PartnershipStatus,
)
from partnerships.models import Agreement
from pipelines.choices import SectorCode
from projects.choices import ProjectStatus, TherapeuticArea

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
RESEARCHER_EMAIL = "researcher@example.com"
# A second staff member: approves what the first prepares (four eyes).
APPROVER_EMAIL = "approver@example.com"

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
    # The province, for the start-ups founded in it (the annual reports).
    region: str = ""
    # Invoicing settings: a public institution's code starts 12 (registered
    # with an organisation office, 事业单位); the check character is
    # computed. Addresses and accounts are invented.
    uscc_body: str = ""
    registered_address: str = ""
    bank_name: str = ""
    bank_branch: str = ""
    bank_account_number: str = ""

    @property
    def unified_social_credit_code(self) -> str:
        if not self.uscc_body:
            return ""
        return self.uscc_body + uscc.calc_check_digit(self.uscc_body)


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
    # When the company was registered and its province or state: the AUTM
    # survey counts start-ups by both.
    founded_on: datetime.date | None = None
    region: str = ""
    registered_address: str = ""
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
    # (renewal, notice days, months of each renewal)
    renewal: tuple[str, int | None, int | None] = ("none", None, None)
    exclusivity: str = Exclusivity.NOT_APPLICABLE
    field_of_use: str = ""
    territory: str = ""
    institution_ip_share: int = 100
    currency: str = "CNY"
    # The technology-contract registration number (技术合同登记号): the year,
    # the registry's region code and a serial. Empty for a contract not
    # registered (an option, a contribution for equity, one abroad).
    registration_number: str = ""
    # The total agreed (合同金额), in the agreement's currency; for a
    # contribution for equity, the value of the technology contributed.
    contract_value: int | None = None
    # A licence's licensee when it was signed, as the AUTM survey classes
    # it: size, headcount, and whether it was formed for the licence.
    licensee_size: str = ""
    licensee_employees: int | None = None
    licensee_formed_for_licence: bool = False
    terminated_on: datetime.date | None = None


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
        region="Hubei",
        uscc_body="12420000MB0E10012",
        registered_address="湖北省武汉市洪山区东湖南路 1 号 027-87650000",
        bank_name="中国工商银行",
        bank_branch="武汉东湖支行",
        bank_account_number="3202004509000123456",
    ),
    InstitutionSpec(
        code="QIS",
        name="Qiantang Institute of Synthetic Biology",
        name_zh="钱塘合成生物研究院",
        kind=InstitutionKind.RESEARCH_INSTITUTE,
        city="Hangzhou",
        website="https://www.qis.example.org",
        region="Zhejiang",
        uscc_body="12330000MB1A20027",
        registered_address="浙江省杭州市西湖区钱塘路 88 号 0571-88760000",
        bank_name="中国建设银行",
        bank_branch="杭州西湖支行",
        bank_account_number="33050161000000012345",
    ),
    InstitutionSpec(
        code="LCH",
        name="Lakeview Central Hospital",
        name_zh="湖景中心医院",
        kind=InstitutionKind.HOSPITAL,
        city="Wuhan",
        website="https://www.lch.example.org",
        region="Hubei",
        uscc_body="12420100MB1C30031",
        registered_address="湖北省武汉市江岸区湖景大道 16 号 027-82710000",
        bank_name="中国银行",
        bank_branch="武汉江岸支行",
        bank_account_number="563400012345678901",
    ),
    InstitutionSpec(
        code="NCG",
        name="Northern Crop Genomics Laboratory",
        name_zh="北方作物基因组重点实验室",
        kind=InstitutionKind.PUBLIC_LAB,
        city="Harbin",
        website="https://www.ncg.example.org",
        region="Heilongjiang",
        uscc_body="12230000MB0D40049",
        registered_address="黑龙江省哈尔滨市南岗区学府路 52 号 0451-86660000",
        bank_name="中国农业银行",
        bank_branch="哈尔滨学府路支行",
        bank_account_number="08040101040012345",
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
        founded_on=datetime.date(1998, 5, 12),
        region="Shanghai",
        uscc_body="91310115MA1FL3W8X",
        registered_address="上海市浦东新区张江路 88 号 021-50800000",
    ),
    EnterpriseSpec(
        code="CFB",
        name="Cellforge Biomanufacturing Co., Ltd.",
        name_zh="铸胞生物制造有限公司",
        size=EnterpriseSize.STARTUP,
        sectors=(SectorCode.BIO_MANUFACTURING, SectorCode.BIO_ENERGY),
        city="Hangzhou",
        website="https://www.cellforge.example.com",
        founded_on=datetime.date(2019, 9, 12),
        region="Zhejiang",
        uscc_body="91330108MA2H7T4C9",
        registered_address="浙江省杭州市滨江区江南大道 300 号",
    ),
    EnterpriseSpec(
        code="JLS",
        name="Jadeleaf Seed Technology Co., Ltd.",
        name_zh="翠叶种业科技有限公司",
        size=EnterpriseSize.SME,
        sectors=(SectorCode.AGRICULTURE,),
        city="Harbin",
        website="https://www.jadeleaf.example.com",
        founded_on=datetime.date(2006, 3, 28),
        region="Heilongjiang",
        uscc_body="91230103MA1B8U2K6",
        registered_address="黑龙江省哈尔滨市香坊区农垦路 12 号",
    ),
    EnterpriseSpec(
        code="LMD",
        name="Lumora Diagnostics Co., Ltd.",
        name_zh="光瑞诊断技术有限公司",
        size=EnterpriseSize.STARTUP,
        sectors=(SectorCode.BIO_SERVICES,),
        city="Shenzhen",
        website="https://www.lumora.example.com",
        founded_on=datetime.date(2021, 8, 18),
        region="Guangdong",
        uscc_body="91440300MA5G3P1D7",
        registered_address="广东省深圳市南山区科技园南路 9 号",
    ),
    EnterpriseSpec(
        code="GCE",
        name="GreenCycle Environmental Biotech Co., Ltd.",
        name_zh="绿循环境生物技术有限公司",
        size=EnterpriseSize.SME,
        sectors=(SectorCode.ENVIRONMENTAL, SectorCode.BIO_ENERGY),
        city="Wuhan",
        website="https://www.greencycle.example.com",
        founded_on=datetime.date(2012, 11, 6),
        region="Hubei",
        uscc_body="91420111MA4K9E5R3",
        registered_address="湖北省武汉市东湖新技术开发区光谷大道 77 号",
    ),
    EnterpriseSpec(
        code="MER",
        name="Meridian Therapeutics GmbH",
        name_zh="子午线治疗有限公司",
        size=EnterpriseSize.LARGE,
        sectors=(SectorCode.BIOMEDICINE,),
        city="Munich",
        website="https://www.meridian-tx.example.com",
        founded_on=datetime.date(2004, 7, 1),
        region="Bavaria",
        country="DE",
    ),
    EnterpriseSpec(
        code="QER",
        name="Qiantang Enzymatic Recycling Co., Ltd.",
        name_zh="钱塘酶解再生科技有限公司",
        size=EnterpriseSize.STARTUP,
        sectors=(SectorCode.ENVIRONMENTAL, SectorCode.BIO_MANUFACTURING),
        city="Hangzhou",
        website="https://www.qer.example.com",
        founded_on=datetime.date(2025, 6, 10),
        region="Zhejiang",
        uscc_body="91330106MA7K2Q5N8",
        registered_address="浙江省杭州市西湖区钱塘路 88 号 2 号楼",
    ),
    # East Lake's spin-off of 2025: Gao Yang's CAR-T cells, on leave from
    # the university to run it.
    EnterpriseSpec(
        code="LKC",
        name="Lakecell Therapeutics (Wuhan) Co., Ltd.",
        name_zh="湖芯细胞治疗（武汉）有限公司",
        size=EnterpriseSize.STARTUP,
        sectors=(SectorCode.BIOMEDICINE,),
        city="Wuhan",
        website="https://www.lakecell.example.com",
        founded_on=datetime.date(2025, 5, 26),
        region="Hubei",
        uscc_body="91420100MA4L7C2X0",
        registered_address="湖北省武汉市东湖新技术开发区高新大道 666 号 B3 栋",
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
    PartnershipSpec(
        code="QIS-QER-2025-CF",
        title="Qiantang Enzymatic Recycling, founded by QIS to recycle PET with its enzymes",
        mode=CooperationMode.CO_FOUNDED_COMPANY,
        enterprise="QER",
        started_on=datetime.date(2025, 5, 20),
        institution="QIS",
    ),
    PartnershipSpec(
        code="ELU-LKC-2025-CF",
        title="Lakecell Therapeutics, founded by ELU to develop armoured CAR-T cells",
        mode=CooperationMode.CO_FOUNDED_COMPANY,
        enterprise="LKC",
        started_on=datetime.date(2025, 4, 28),
        institution="ELU",
    ),
)

# A co-built platform is governed by a co-construction agreement, which is a
# technology development contract in Chinese contract law: hence rd_contract.
AGREEMENTS = (
    AgreementSpec(
        reference="AGR-ELU-HHB-2020-01",
        registration_number="2020420111000318",
        contract_value=380_000_000,
        partnership="ELU-HHB-2020-TT",
        title="Exclusive licence: PD-1/VEGF bispecifics, Claudin 18.2 ADC and TPO mimetic",
        kind=AgreementKind.LICENCE,
        signed_on=datetime.date(2020, 6, 30),
        expires_on=datetime.date(2040, 6, 29),
        exclusivity=Exclusivity.EXCLUSIVE,
        field_of_use="Human therapeutics",
        territory="Worldwide",
        licensee_size=LicenseeSize.LARGE,
        licensee_employees=6_800,
    ),
    AgreementSpec(
        reference="AGR-ELU-MER-2023-01",
        contract_value=95_000_000,
        partnership="ELU-MER-2023-TT",
        title="Exclusive ex-China licence: GLP-1/GIP dual agonist peptides",
        kind=AgreementKind.LICENCE,
        signed_on=datetime.date(2023, 9, 5),
        expires_on=datetime.date(2043, 9, 4),
        exclusivity=Exclusivity.EXCLUSIVE,
        field_of_use="Treatment of obesity and metabolic disease in humans",
        territory="Worldwide except mainland China, Hong Kong, Macao and Taiwan",
        currency="EUR",
        licensee_size=LicenseeSize.LARGE,
        licensee_employees=2_400,
    ),
    AgreementSpec(
        reference="AGR-NCG-JLS-2018-01",
        registration_number="2018230103000127",
        contract_value=25_000_000,
        partnership="NCG-JLS-2018-TT",
        title="Assignment of transformation events ZmDREB, Cry1Ab/Vip3A and GmEPSPS",
        kind=AgreementKind.ASSIGNMENT,
        signed_on=datetime.date(2018, 11, 20),
        field_of_use="Seed and grain of maize and soybean",
        territory="China",
        institution_ip_share=0,
        licensee_size=LicenseeSize.SMALL,
        licensee_employees=260,
    ),
    AgreementSpec(
        reference="AGR-QIS-GCE-2020-01",
        registration_number="2020330106000452",
        contract_value=3_000_000,
        partnership="QIS-GCE-2020-TT",
        title="Non-exclusive licence: PET hydrolase and laccase variants",
        kind=AgreementKind.LICENCE,
        signed_on=datetime.date(2020, 10, 15),
        expires_on=datetime.date(2030, 10, 14),
        exclusivity=Exclusivity.NON_EXCLUSIVE,
        field_of_use="Treatment of industrial waste and effluent",
        territory="China",
        licensee_size=LicenseeSize.SMALL,
        licensee_employees=140,
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
        registration_number="2021420102000086",
        contract_value=36_000_000,
        partnership="LCH-HHB-2021-RD",
        title="Master agreement for commissioned clinical research",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2021, 2, 1),
        expires_on=datetime.date(2027, 1, 31),
        renewal=("by_notice", 60, 24),
        institution_ip_share=20,
    ),
    AgreementSpec(
        reference="AGR-LCH-MER-2018-01",
        contract_value=3_200_000,
        partnership="LCH-MER-2018-RD",
        title="Phase II clinical research contract: anti-amyloid antibody",
        kind=AgreementKind.RD_CONTRACT,
        status=Agreement.Status.TERMINATED,
        signed_on=datetime.date(2018, 4, 2),
        expires_on=datetime.date(2021, 12, 31),
        institution_ip_share=0,
        currency="EUR",
        # Meridian stopped the programme after the interim analysis.
        terminated_on=datetime.date(2021, 9, 30),
    ),
    AgreementSpec(
        reference="AGR-ELU-GCE-2021-01",
        registration_number="2021420111000095",
        contract_value=9_000_000,
        partnership="ELU-GCE-2021-RD",
        title="Technology development contract: bio-energy and remediation processes",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2021, 3, 22),
        expires_on=datetime.date(2027, 3, 21),
        institution_ip_share=30,
    ),
    AgreementSpec(
        reference="AGR-QIS-CFB-2019-01",
        contract_value=8_000_000,
        partnership="QIS-CFB-2019-CF",
        title="Shareholders' agreement of Cellforge Biomanufacturing",
        kind=AgreementKind.SHAREHOLDERS,
        signed_on=datetime.date(2019, 9, 12),
        institution_ip_share=0,
    ),
    AgreementSpec(
        reference="AGR-ELU-LMD-2021-01",
        contract_value=5_000_000,
        partnership="ELU-LMD-2021-CF",
        title="Shareholders' agreement of Lumora Diagnostics",
        kind=AgreementKind.SHAREHOLDERS,
        signed_on=datetime.date(2021, 8, 18),
        institution_ip_share=0,
    ),
    AgreementSpec(
        reference="AGR-NCG-JLS-2021-01",
        registration_number="2021230103000061",
        contract_value=12_000_000,
        partnership="NCG-JLS-2021-PF",
        title="Co-construction agreement: gene-editing breeding platform",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2021, 4, 8),
        expires_on=datetime.date(2031, 4, 7),
        institution_ip_share=50,
    ),
    AgreementSpec(
        reference="AGR-LCH-LMD-2022-01",
        registration_number="2022420102000144",
        contract_value=3_000_000,
        partnership="LCH-LMD-2022-PF",
        title="Co-construction agreement: clinical evaluation platform for diagnostics",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2022, 7, 1),
        expires_on=datetime.date(2027, 6, 30),
        renewal=("automatic", 90, 12),
        institution_ip_share=50,
    ),
    AgreementSpec(
        reference="AGR-QIS-CFB-2023-01",
        registration_number="2023330106000077",
        contract_value=20_000_000,
        partnership="QIS-CFB-2023-PF",
        title="Co-construction agreement: automated strain-engineering foundry",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2023, 3, 1),
        expires_on=datetime.date(2033, 2, 28),
        institution_ip_share=50,
    ),
    AgreementSpec(
        reference="AGR-HEC-HHB-2019-01",
        contract_value=300_000_000,
        partnership="HEC-HHB-2019-JC",
        title="Charter of the Hanhai-ELU one-stop centre",
        kind=AgreementKind.CENTRE_CHARTER,
        signed_on=datetime.date(2019, 6, 18),
        expires_on=datetime.date(2028, 12, 31),
        institution_ip_share=50,
    ),
    AgreementSpec(
        reference="AGR-HEC-CFB-2021-01",
        contract_value=48_000_000,
        partnership="HEC-CFB-2021-JC",
        title="Accession of Cellforge to the centre charter",
        kind=AgreementKind.CENTRE_CHARTER,
        signed_on=datetime.date(2021, 5, 10),
        expires_on=datetime.date(2026, 12, 31),
        institution_ip_share=50,
    ),
    # Contracts of the kinds the annual reports count, signed over the last
    # two years: an option, a licence, a contribution for equity to a
    # start-up the institute founded, development, consulting and service.
    AgreementSpec(
        reference="AGR-ELU-HHB-2025-02",
        partnership="ELU-HHB-2020-TT",
        title="Option to an exclusive licence: fed-batch PHA process with Halomonas",
        kind=AgreementKind.OPTION,
        signed_on=datetime.date(2025, 3, 18),
        expires_on=datetime.date(2026, 3, 17),
        field_of_use="Biodegradable packaging materials",
        territory="China",
        contract_value=300_000,
        licensee_size=LicenseeSize.LARGE,
        licensee_employees=7_600,
    ),
    AgreementSpec(
        reference="AGR-NCG-JLS-2025-02",
        partnership="NCG-JLS-2021-PF",
        title="Technology service: marker genotyping of 12,000 breeding lines",
        kind=AgreementKind.SERVICE,
        signed_on=datetime.date(2025, 2, 26),
        expires_on=datetime.date(2025, 12, 31),
        institution_ip_share=0,
        registration_number="2025230103000044",
        contract_value=680_000,
    ),
    AgreementSpec(
        reference="AGR-ELU-GCE-2025-02",
        partnership="ELU-GCE-2021-RD",
        title="Technology development contract: anaerobic digestion of kitchen waste",
        kind=AgreementKind.RD_CONTRACT,
        signed_on=datetime.date(2025, 4, 10),
        expires_on=datetime.date(2026, 12, 31),
        institution_ip_share=30,
        registration_number="2025420111000207",
        contract_value=2_400_000,
    ),
    AgreementSpec(
        reference="AGR-QIS-QER-2025-01",
        partnership="QIS-QER-2025-CF",
        title="Contribution of the PET hydrolase patents to Qiantang Enzymatic Recycling",
        kind=AgreementKind.EQUITY_CONTRIBUTION,
        signed_on=datetime.date(2025, 5, 20),
        field_of_use="Enzymatic recycling of PET packaging to monomers",
        territory="Worldwide",
        institution_ip_share=0,
        contract_value=12_000_000,
    ),
    AgreementSpec(
        reference="AGR-LCH-HHB-2025-02",
        partnership="LCH-HHB-2021-RD",
        title="Technology consulting: feasibility of a real-world evidence registry",
        kind=AgreementKind.CONSULTING,
        signed_on=datetime.date(2025, 7, 14),
        expires_on=datetime.date(2025, 12, 31),
        institution_ip_share=0,
        registration_number="2025420102000156",
        contract_value=450_000,
    ),
    AgreementSpec(
        reference="AGR-QIS-GCE-2025-02",
        partnership="QIS-GCE-2020-TT",
        title="Non-exclusive licence: PET hydrolase variants for recycling polyester textiles",
        kind=AgreementKind.LICENCE,
        signed_on=datetime.date(2025, 9, 8),
        expires_on=datetime.date(2035, 9, 7),
        exclusivity=Exclusivity.NON_EXCLUSIVE,
        field_of_use="Enzymatic recycling of polyester textiles",
        territory="China",
        registration_number="2025330106000318",
        contract_value=1_800_000,
        licensee_size=LicenseeSize.SMALL,
        licensee_employees=210,
    ),
    AgreementSpec(
        reference="AGR-QIS-CFB-2026-02",
        partnership="QIS-CFB-2023-PF",
        title="Technology service: high-throughput screening of production strains",
        kind=AgreementKind.SERVICE,
        signed_on=datetime.date(2026, 3, 5),
        expires_on=datetime.date(2027, 3, 4),
        institution_ip_share=0,
        registration_number="2026330106000091",
        contract_value=900_000,
    ),
    # East Lake's spin-off: the CAR-T patent application contributed for
    # equity at its appraised value, and an exclusive licence of the
    # processing bag set and the manufacturing know-how, for a fee.
    AgreementSpec(
        reference="AGR-ELU-LKC-2025-01",
        partnership="ELU-LKC-2025-CF",
        title="Contribution of the armoured CAR-T patent application to Lakecell Therapeutics",
        kind=AgreementKind.EQUITY_CONTRIBUTION,
        signed_on=datetime.date(2025, 4, 28),
        field_of_use="Cell therapy of solid tumours",
        territory="Worldwide",
        institution_ip_share=0,
        contract_value=8_000_000,
    ),
    AgreementSpec(
        reference="AGR-ELU-LKC-2025-02",
        partnership="ELU-LKC-2025-CF",
        title="Exclusive licence: closed CAR-T processing bag set and manufacturing know-how",
        kind=AgreementKind.LICENCE,
        signed_on=datetime.date(2025, 6, 16),
        expires_on=datetime.date(2035, 6, 15),
        exclusivity=Exclusivity.EXCLUSIVE,
        field_of_use="Manufacture of autologous cell therapies",
        territory="China",
        institution_ip_share=0,
        registration_number="2025420111000263",
        contract_value=500_000,
        licensee_size=LicenseeSize.STARTUP,
        licensee_employees=9,
        licensee_formed_for_licence=True,
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
        email=APPROVER_EMAIL,
        full_name="Xu Tao",
        role=Role.CENTRE_STAFF,
        person="xu.tao@qis.example.org",
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
    # An inventor on the demo portfolio (``demo.portfolio_specs``): sees
    # the achievements they made and writes disclosures.
    LoginSpec(
        email=RESEARCHER_EMAIL,
        full_name="Zhang Wei",
        role=Role.RESEARCHER,
        person="zhang.wei@elu.example.org",
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
