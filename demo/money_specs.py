"""The demo's money as data: the terms of every demo agreement, where each
milestone of the demo projects stands, the royalty reports the licensees
file and the costs each party spent. ``demo.money`` writes them through the
services.
"""

import datetime
from dataclasses import dataclass

from demo.specs import DEMO_AS_OF, PARTNER_A_EMAIL, PARTNER_B_EMAIL
from partnerships.choices import (
    MilestoneKind,
    Party,
    RoyaltyBasis,
    RoyaltyReporting,
    SunkCostBearer,
)
from projects.choices import MilestoneStatus, RoyaltyReportStatus

# --- The terms of every agreement ---------------------------------------

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
    # Due on each anniversary of the effective date (of signing).
    annual_licence_fee: int = 0
    annual_maintenance_fee: int = 0
    schedule: tuple[ScheduleItemSpec, ...] = ()
    # (annual net sales above, rate in percent)
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
        annual_licence_fee=300_000,
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


# --- Where each milestone stands ----------------------------------------

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


# --- Royalty reports ----------------------------------------------------


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


# --- Cost entries -------------------------------------------------------


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
