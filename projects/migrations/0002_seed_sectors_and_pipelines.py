"""Seed the six sectors and each sector's default pipeline of stages.

The figures are reference defaults that staff may edit; valuations start from
them. Each pipeline names where its figures come from. The data is written out
here, not imported, so that this migration keeps doing what it did when it was
first applied.
"""

from decimal import Decimal

from django.db import migrations

SECTORS = [
    # code, English, Chinese
    ("biomedicine", "Biomedicine", "生物医药"),
    ("agriculture", "Agriculture", "生物农业"),
    ("bio_manufacturing", "Bio-manufacturing", "生物制造"),
    ("bio_energy", "Bio-energy", "生物能源"),
    ("environmental", "Environmental protection", "生物环保"),
    ("bio_services", "Bio-services", "生物服务"),
]

BIOMEDICINE_SOURCE = (
    "Clinical phases: BIO, Informa Pharma Intelligence and QLS, 'Clinical "
    "Development Success Rates 2011-2020' (2021): Phase I 52.0%, Phase II "
    "28.9%, Phase III 57.8%, NDA/BLA 90.6%. Discovery and preclinical "
    "probabilities, costs per phase (US$) and durations: Paul S.M. et al., "
    "'How to improve R&D productivity', Nature Reviews Drug Discovery 9, "
    "203-214 (2010). IND filing and GMP scale-up: BioBridge estimates."
)
AGRICULTURE_SOURCE = (
    "Stages follow China's safety evaluation of agricultural GMOs (laboratory, "
    "intermediate trial, environmental release, production trial, biosafety "
    "certificate) and variety registration. Calibrated to Phillips McDougall "
    "(2011) for CropLife International: a new GM trait takes about 13 years "
    "from discovery to market. Probabilities and costs (CNY): BioBridge "
    "estimates."
)
MANUFACTURING_SOURCE = (
    "Scale-up stages of industrial biotechnology (lab, pilot, demonstration, "
    "commercial). Probabilities, durations and costs (CNY): BioBridge "
    "estimates, to be replaced with the centre's own experience."
)
ENVIRONMENTAL_SOURCE = (
    "Stages of environmental technology verification (lab, pilot, field "
    "demonstration, certification, deployment). Figures (CNY): BioBridge "
    "estimates."
)
SERVICES_SOURCE = (
    "Stages of in-vitro diagnostics and other regulated services under NMPA "
    "registration (design control, verification and validation, clinical "
    "evaluation, registration). Figures (CNY): BioBridge estimates."
)

# code, English, Chinese, TRL min, TRL max, probability of success, years,
# typical cost
BIOMEDICINE_STAGES = [
    ("basic_research", "Basic research", "基础研究", 1, 2, "0.80", "1.0", 1_000_000),
    ("lead_discovery", "Lead discovery & optimisation", "先导化合物发现与优化",
     3, 3, "0.6375", "3.5", 12_500_000),
    ("preclinical", "Preclinical (pharmacology, toxicology, CMC)", "临床前研究",
     4, 5, "0.69", "1.0", 5_000_000),
    ("ind_filing", "IND filing", "IND 申报", 5, 5, "0.95", "0.5", 500_000),
    ("phase_1", "Phase I", "I期临床试验", 6, 6, "0.52", "1.5", 15_000_000),
    ("phase_2", "Phase II", "II期临床试验", 7, 7, "0.289", "2.5", 40_000_000),
    ("phase_3", "Phase III", "III期临床试验", 8, 8, "0.578", "2.5", 150_000_000),
    ("registration", "Registration (NDA/BLA)", "上市申请（NDA/BLA）",
     8, 8, "0.906", "1.5", 40_000_000),
    ("gmp_scale_up", "Production scale-up (GMP)", "生产放大（GMP）",
     8, 9, "0.95", "1.0", 20_000_000),
    ("market", "Market", "上市销售", 9, 9, "1", "0", 0),
]
AGRICULTURE_STAGES = [
    ("laboratory_research", "Laboratory research", "实验研究", 1, 3, "0.40", "3.0", 20_000_000),
    ("intermediate_trial", "Intermediate (confined) trial", "中间试验",
     4, 4, "0.70", "1.0", 10_000_000),
    ("environmental_release", "Environmental release trial", "环境释放",
     5, 5, "0.70", "2.0", 30_000_000),
    ("production_trial", "Production trial", "生产性试验", 6, 7, "0.75", "2.0", 50_000_000),
    ("biosafety_certificate", "Biosafety certificate", "安全证书",
     7, 8, "0.85", "1.0", 20_000_000),
    ("variety_registration", "Variety registration", "品种审定",
     8, 8, "0.85", "2.0", 15_000_000),
    ("seed_production", "Seed production", "种子生产", 8, 9, "0.95", "1.0", 30_000_000),
    ("market", "Market", "上市销售", 9, 9, "1", "0", 0),
]
MANUFACTURING_STAGES = [
    ("basic_research", "Basic research", "基础研究", 1, 2, "0.50", "1.5", 3_000_000),
    ("strain_development", "Strain/enzyme development (lab)", "菌种/酶开发（实验室）",
     3, 4, "0.50", "2.0", 8_000_000),
    ("process_development", "Process development", "工艺开发", 4, 5, "0.70", "1.5", 10_000_000),
    ("pilot_scale", "Pilot scale", "中试", 6, 6, "0.70", "1.5", 25_000_000),
    ("demonstration_plant", "Demonstration plant", "示范装置", 7, 7, "0.75", "2.0", 80_000_000),
    ("certification", "Certification", "认证", 8, 8, "0.90", "1.0", 5_000_000),
    ("commercial_production", "Commercial production", "商业化生产",
     8, 9, "0.90", "1.5", 200_000_000),
    ("market", "Market", "上市销售", 9, 9, "1", "0", 0),
]
ENERGY_STAGES = [
    ("basic_research", "Basic research", "基础研究", 1, 2, "0.50", "1.5", 3_000_000),
    ("strain_development", "Strain/enzyme development (lab)", "菌种/酶开发（实验室）",
     3, 4, "0.50", "2.0", 10_000_000),
    ("process_development", "Process development", "工艺开发", 4, 5, "0.65", "2.0", 15_000_000),
    ("pilot_scale", "Pilot scale", "中试", 6, 6, "0.60", "2.0", 40_000_000),
    ("demonstration_plant", "Demonstration plant", "示范装置",
     7, 7, "0.60", "2.5", 150_000_000),
    ("certification", "Certification", "认证", 8, 8, "0.90", "1.0", 5_000_000),
    ("commercial_production", "Commercial production", "商业化生产",
     8, 9, "0.85", "2.0", 500_000_000),
    ("market", "Market", "上市销售", 9, 9, "1", "0", 0),
]
ENVIRONMENTAL_STAGES = [
    ("lab_research", "Lab research", "实验室研究", 1, 3, "0.50", "1.5", 2_000_000),
    ("pilot", "Pilot", "中试", 4, 6, "0.65", "1.5", 8_000_000),
    ("field_demonstration", "Field demonstration", "现场示范", 7, 7, "0.75", "2.0", 20_000_000),
    ("certification", "Certification", "认证", 8, 8, "0.90", "1.0", 3_000_000),
    ("deployment", "Deployment", "推广应用", 9, 9, "1", "0", 0),
]
SERVICES_STAGES = [
    ("feasibility", "Feasibility", "可行性研究", 1, 3, "0.60", "0.5", 1_000_000),
    ("design_development", "Design & development", "设计开发", 4, 5, "0.70", "1.5", 6_000_000),
    ("verification_validation", "Verification & validation", "验证与确认",
     6, 6, "0.80", "1.0", 4_000_000),
    ("clinical_evaluation", "Clinical evaluation", "临床评价", 7, 7, "0.80", "1.5", 8_000_000),
    ("registration", "Registration", "注册申报", 8, 8, "0.85", "1.0", 2_000_000),
    ("production", "Production", "生产", 8, 9, "0.95", "0.5", 5_000_000),
    ("market", "Market", "上市销售", 9, 9, "1", "0", 0),
]

PIPELINES = [
    # code, sector, English, Chinese, source, currency, stages
    ("BIOMED-DRUG", "biomedicine", "Drugs and biologics", "药物与生物制品",
     BIOMEDICINE_SOURCE, "USD", BIOMEDICINE_STAGES),
    ("AGRI-GMO", "agriculture", "GM traits, biopesticides and veterinary products",
     "转基因性状、生物农药与兽用生物制品", AGRICULTURE_SOURCE, "CNY", AGRICULTURE_STAGES),
    ("BIOMFG", "bio_manufacturing", "Bio-manufacturing scale-up", "生物制造放大",
     MANUFACTURING_SOURCE, "CNY", MANUFACTURING_STAGES),
    ("BIOENERGY", "bio_energy", "Bio-energy scale-up", "生物能源放大",
     MANUFACTURING_SOURCE, "CNY", ENERGY_STAGES),
    ("ENV", "environmental", "Environmental technology", "环保技术",
     ENVIRONMENTAL_SOURCE, "CNY", ENVIRONMENTAL_STAGES),
    ("BIOSERV-IVD", "bio_services", "Diagnostics and bio-services", "诊断与生物服务",
     SERVICES_SOURCE, "CNY", SERVICES_STAGES),
]


def _reference_model(apps, name):
    # The models moved to the pipelines app later (pipelines 0001); the test
    # suite calls seed() with the live registry, where they live there now.
    try:
        return apps.get_model("pipelines", name)
    except LookupError:
        return apps.get_model("projects", name)


def seed(apps, schema_editor):
    Sector = _reference_model(apps, "Sector")
    Pipeline = _reference_model(apps, "Pipeline")
    StageDefinition = _reference_model(apps, "StageDefinition")
    for position, (code, name, name_zh) in enumerate(SECTORS, start=1):
        Sector.objects.update_or_create(
            code=code, defaults={"name": name, "name_zh": name_zh, "position": position}
        )
    for code, sector_code, name, name_zh, source, currency, stages in PIPELINES:
        pipeline, _ = Pipeline.objects.update_or_create(
            code=code,
            defaults={
                "sector": Sector.objects.get(code=sector_code),
                "name": name,
                "name_zh": name_zh,
                "source": source,
            },
        )
        for position, stage in enumerate(stages, start=1):
            stage_code, stage_name, stage_zh, trl_min, trl_max, probability, years, cost = stage
            StageDefinition.objects.update_or_create(
                pipeline=pipeline,
                code=stage_code,
                defaults={
                    "position": position,
                    "name": stage_name,
                    "name_zh": stage_zh,
                    "trl_min": trl_min,
                    "trl_max": trl_max,
                    "default_success_probability": Decimal(probability),
                    "typical_years": Decimal(years),
                    "typical_cost": Decimal(cost),
                    "typical_cost_currency": currency,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
