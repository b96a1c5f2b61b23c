"""Generated projects for benchmarks: ``generate_projects(count=...)``.

It adds projects coded ``GEN-000001``, ``GEN-000002``, ... under the demo
partnerships, with their partner links and a plausible history each,
written in batches with ``bulk_create``, or with ``COPY`` on PostgreSQL
(``demo.copying``). Randomness comes from a generator
seeded with a fixed value and the code the run starts from, so the same
runs give the same projects.
"""

import datetime
import random
import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from itertools import accumulate

from django.db import reset_queries, transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr

from accounts.models import User
from demo.copying import copy_supported, indexes_and_foreign_keys_set_aside
from demo.drafts import (
    DEFAULT_BATCH_SIZE,
    PartnershipFacts,
    ProjectDraft,
    insert_projects,
    new_project,
    partnership_facts,
    project_description,
    stage_facts,
)
from demo.history import GATE_EVIDENCE, PAUSES, StageFacts, plan_history
from demo.specs import DEMO_AS_OF, DEMO_SEED, PARTNERSHIPS, PEOPLE, PIPELINE_OF_SECTOR, STAFF_EMAIL
from partnerships.choices import PartnershipStatus
from partnerships.models import Institution, Person
from pipelines.choices import SectorCode
from projects.choices import ProjectStatus, TherapeuticArea
from projects.models import ResearchProject, StageTransition
from projects.services import (
    rebuild_partner_stage_counts,
    rebuild_portfolio_counts,
    rebuild_stage_stays,
)

GENERATED_CODE_PREFIX = "GEN-"

# Why a generated project that stopped was terminated.
GENERATED_TERMINATIONS = (
    "Gate review failed: efficacy below the go/no-go threshold.",
    "The partner withdrew its funding after a portfolio review.",
    "Freedom to operate is blocked by a third-party patent.",
    "Cost of goods too high for the target market.",
)

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
        for facts in partnership_facts([spec.code for spec in PARTNERSHIPS]).values()
        if facts.status != PartnershipStatus.ENDED
    ]
    decided_by = User.objects.filter(email__iexact=STAFF_EMAIL).first()
    if not partnerships or decided_by is None:
        raise ValueError("Load the demo data first: generated projects use its partnerships.")
    partnerships.sort(key=lambda facts: facts.code)
    stages_by_pipeline = stage_facts()
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
    with _bulk_load(count):
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
    _after_generation()
    return GenerationSummary(
        projects=count,
        first_code=generated_code(first_number),
        last_code=generated_code(first_number + count - 1),
        partner_links=links,
        transitions=transitions,
        seconds=time.perf_counter() - started,
    )


# From this many projects on, a PostgreSQL run builds the indexes and checks
# the foreign keys of the tables it fills once at the end, not row by row.
LARGE_RUN = 50_000


def _bulk_load(count: int) -> AbstractContextManager:
    if count < LARGE_RUN or not copy_supported():
        return nullcontext()
    return indexes_and_foreign_keys_set_aside(
        [
            ResearchProject,
            ResearchProject.partner_enterprises.through,
            StageTransition,
        ]
    )


def _after_generation() -> None:
    """What must follow the rows written in bulk, inside the same
    transaction: the summaries kept beside the projects and their history,
    which the services keep up to date one decision at a time and a bulk
    load bypasses, are brought up to date here, once per run (the projects'
    stage ranks were drafted with them)."""
    rebuild_stage_stays()
    rebuild_partner_stage_counts()
    rebuild_portfolio_counts()


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
    project = new_project(
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
        description=project_description(partnership, institution_names[lead_institution_id]),
        rng=rng,
    )
    return ProjectDraft(project=project, partner_ids=partner_ids, history=history)
