"""Generated projects for benchmarks: ``generate_projects(count=...)``.

It adds projects coded ``GEN-000001``, ``GEN-000002``, ... under the demo
partnerships, with their partner links and a plausible history each,
written in batches with ``bulk_create``, or with ``COPY`` on PostgreSQL
(``demo.copying``). Randomness comes from a generator
seeded with a fixed value and the code the run starts from, so the same
runs give the same projects.
"""

import dataclasses
import datetime
import multiprocessing
import operator
import os
import random
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from itertools import accumulate, pairwise

from django.db import connection, reset_queries, transaction
from django.db.models import BigIntegerField, Max, Model
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from accounts.models import User
from demo.bulk_money import (
    INVOICE_FIELDS,
    INVOICE_WRITTEN_FIELDS,
    MILESTONE_FIELDS,
    MILESTONE_WRITTEN_FIELDS,
    PAYMENT_FIELDS,
    PAYMENT_WRITTEN_FIELDS,
    VAT_INVOICE_FIELDS,
    VAT_INVOICE_WRITTEN_FIELDS,
    InvoiceNumbers,
    MilestoneDraft,
    MoneyFacts,
    draft_milestones,
    money_facts,
)
from demo.copying import (
    copy_line,
    copy_supported,
    copy_text,
    copy_text_write,
    indexes_and_foreign_keys_set_aside,
    instance_fields,
    reserve_ids,
)
from demo.drafts import (
    COPIED_TRANSITION_FIELDS,
    DEFAULT_BATCH_SIZE,
    PartnershipFacts,
    ProjectDraft,
    insert_projects,
    partnership_facts,
    project_description,
    project_values,
    stage_facts,
)
from demo.history import GATE_EVIDENCE, PAUSES, PlannedTransition, StageFacts, plan_history
from demo.specs import (
    DEMO_AS_OF,
    DEMO_SEED,
    PARTNER_A_EMAIL,
    PARTNER_B_EMAIL,
    PARTNERSHIPS,
    PEOPLE,
    PIPELINE_OF_SECTOR,
    PORTAL_CONTACTS,
    STAFF_EMAIL,
)
from partnerships.choices import PartnershipStatus
from partnerships.models import Institution, Person
from pipelines.choices import SectorCode
from projects.choices import ProjectStatus, TherapeuticArea
from projects.models import (
    Invoice,
    Milestone,
    Payment,
    ResearchProject,
    StageStay,
    StageTransition,
    VatInvoice,
)
from projects.services import (
    rebuild_open_milestone_money,
    rebuild_partner_stage_counts,
    rebuild_portfolio_counts,
    rebuild_received_money,
    rebuild_stage_stays,
)
from projects.services.stays import MOVES_ON, STAGE_MOVES, STAY_COLUMNS
from projects.stay_medians import stay_medians_changed

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
    milestones: int = 0
    invoices: int = 0
    payments: int = 0
    # Where the time went, (phase, seconds) in order: see ``PhaseClock``.
    phases: tuple[tuple[str, float], ...] = ()

    def __str__(self) -> str:
        if not self.projects:
            return "Generated no projects."
        return (
            f"Generated {self.projects} projects ({self.first_code} to {self.last_code}) "
            f"with {self.partner_links} partner links, {self.transitions} stage "
            f"transitions, {self.milestones} milestones, {self.invoices} invoices and "
            f"{self.payments} payments in {self.seconds:.1f} s."
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


def project_random(number: int) -> random.Random:
    """The random stream of generated project ``number``: its own, so that
    a project is the same whichever process drafts it and whatever was
    drafted before it."""
    return random.Random(DEMO_SEED * 100_000_000 + number)


@dataclass(frozen=True)
class Generation:
    """What drafting a generated project needs, read from the database once
    per run: drafting itself reads nothing, so it can run in other
    processes."""

    partnerships: Sequence[PartnershipFacts]
    stages_by_pipeline: Mapping[str, list[StageFacts]]
    stage_weights: Mapping[str, list[float]]
    institution_names: Mapping[int, str]
    investigators: Mapping[int, list[int]]
    money: MoneyFacts
    decided_by_id: int


def generation_facts() -> Generation:
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
    investigators: dict[int, list[int]] = {}
    for person_id, institution_id in (
        Person.objects.filter(email__in=[p.email for p in PEOPLE if p.investigator])
        .order_by("email")
        .values_list("pk", "institution_id")
    ):
        investigators.setdefault(institution_id, []).append(person_id)
    payers = User.objects.filter(
        email__in=[PARTNER_A_EMAIL, PARTNER_B_EMAIL, *(c.email for c in PORTAL_CONTACTS)],
        enterprise__isnull=False,
    ).order_by("email")
    payer_user_ids: dict[int, int] = {}
    for user_id, enterprise_id in payers.values_list("pk", "enterprise_id"):
        payer_user_ids.setdefault(enterprise_id, user_id)
    return Generation(
        partnerships=partnerships,
        stages_by_pipeline=stages_by_pipeline,
        # Early stages are crowded and late ones sparse, as in any portfolio.
        stage_weights={
            code: list(accumulate(0.75**index for index in range(len(stages))))
            for code, stages in stages_by_pipeline.items()
        },
        institution_names=dict(Institution.objects.values_list("pk", "name")),
        investigators=investigators,
        money=money_facts(
            [facts.id for facts in partnerships],
            staff_id=decided_by.pk,
            payer_user_ids=payer_user_ids,
            today=timezone.localdate(),
        ),
        decided_by_id=decided_by.pk,
    )


class PhaseClock:
    """The clock time of a run's phases: ``lap(name)`` adds the time since
    the previous lap to phase ``name``, so phases that alternate (waiting
    for drafted blocks, writing them) add up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._last
        self._last = now


def generate_projects(
    *, count: int, batch_size: int = DEFAULT_BATCH_SIZE, processes: int | None = None
) -> GenerationSummary:
    """Add ``count`` projects under the demo partnerships, each with its
    partner enterprises, a stage-gate history and the milestones, invoices
    and payments its agreement's schedule and history make, for benchmarks.

    Codes continue from the highest generated code, so repeated runs add up.
    Projects are drafted and written ``batch_size`` at a time, which keeps
    memory flat however many are asked for. On PostgreSQL, ``processes``
    processes draft (by default one per CPU for a large run); each project
    draws from its own random stream, so the rows are the same however many
    draft them.
    """
    started = time.perf_counter()
    if count <= 0:
        return GenerationSummary(0, "", "", 0, 0, 0.0)
    clock = PhaseClock()
    with transaction.atomic():
        summary = _generate(count, batch_size, processes, clock)
    clock.lap("commit")
    return dataclasses.replace(
        summary,
        seconds=time.perf_counter() - started,
        phases=tuple(clock.seconds.items()),
    )


def _generate(
    count: int, batch_size: int, processes: int | None, clock: PhaseClock
) -> GenerationSummary:
    generation = generation_facts()
    first_number = last_generated_number() + 1
    numbers = InvoiceNumbers()
    blocks = [
        (start, min(start + batch_size, first_number + count))
        for start in range(first_number, first_number + count, batch_size)
    ]
    totals = _Totals()
    clock.lap("reading the demo's facts")
    with _bulk_load(count, clock):
        if copy_supported():
            if processes is None:
                processes = (os.cpu_count() or 1) if count >= PARALLEL_RUN else 1
            for block in _copy_blocks(generation, blocks, processes):
                clock.lap("waiting for drafted blocks")
                _write_copy_block(block, numbers, totals, clock)
                # With DEBUG on, the connection logs every query; a large
                # run would hold hundreds of megabytes of it by the end.
                reset_queries()
        else:
            for start, stop in blocks:
                generated = [_draft_generated_project(n, generation) for n in range(start, stop)]
                _insert_block(generated, generation, numbers, totals, batch_size)
                reset_queries()
            clock.lap("drafting and writing")
        numbers.save()
        # Inside the load: the summaries' rows, millions at a million
        # projects, are indexed and their foreign keys checked once too,
        # instead of one deferred check per row at the commit.
        _after_generation(clock, stays_written=copy_supported())
    # After the indexes are back: it reads each invoice's payments through
    # theirs (without it, a scan of every payment per invoiced milestone).
    rebuild_open_milestone_money()
    clock.lap("rebuilding the open milestones' money")
    rebuild_received_money()
    clock.lap("rebuilding the money received")
    return GenerationSummary(
        projects=count,
        first_code=generated_code(first_number),
        last_code=generated_code(first_number + count - 1),
        partner_links=totals.links,
        transitions=totals.transitions,
        seconds=0.0,
        milestones=totals.milestones,
        invoices=totals.invoices,
        payments=totals.payments,
    )


# From this many projects on, a PostgreSQL run builds the indexes and checks
# the foreign keys of the tables it fills once at the end, not row by row.
LARGE_RUN = 50_000
# From this many projects on, a PostgreSQL run drafts in one process per CPU
# unless told otherwise: below, starting the processes costs more than it
# saves.
PARALLEL_RUN = 20_000


def _bulk_load(count: int, clock: PhaseClock) -> AbstractContextManager:
    if count < LARGE_RUN or not copy_supported():
        return nullcontext()
    with connection.cursor() as cursor:
        # For this transaction only: the summaries rebuilt inside the load
        # sort and join millions of rows, in memory rather than in
        # temporary files at the default 4 MB; the commit need not wait for
        # the log to reach the disk (a crash loses the run, not the data
        # committed before it).
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
    return indexes_and_foreign_keys_set_aside(
        [
            ResearchProject,
            ResearchProject.partner_enterprises.through,
            StageTransition,
            Milestone,
            Invoice,
            Payment,
            VatInvoice,
            StageStay,
        ],
        lap=clock.lap,
    )


def _after_generation(clock: PhaseClock, *, stays_written: bool) -> None:
    """What must follow the rows written in bulk, inside the same
    transaction: the summaries kept beside the projects and their history,
    which the services keep up to date one decision at a time and a bulk
    load bypasses, are brought up to date here, once per run (the projects'
    stage ranks were drafted with them)."""
    if stays_written:
        # Drafted with their projects (COPY): the medians read them anew.
        stay_medians_changed()
    else:
        rebuild_stage_stays()
        clock.lap("rebuilding the stays")
    rebuild_partner_stage_counts()
    clock.lap("rebuilding the partners' stage counts")
    rebuild_portfolio_counts()
    clock.lap("rebuilding the portfolio counts")


@dataclass(frozen=True, slots=True)
class GeneratedDraft:
    """A generated project's values (by attribute name), its partner
    enterprises, history and money, drafted without the database."""

    values: dict
    partner_ids: tuple[int, ...]
    history: list[PlannedTransition]
    milestones: tuple[MilestoneDraft, ...]


@dataclass
class _Totals:
    links: int = 0
    transitions: int = 0
    milestones: int = 0
    invoices: int = 0
    payments: int = 0


# --- Writing with bulk_create (SQLite) --------------------------------------


def _attnames(model: type[Model], names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).attname for name in names]


def _insert_block(
    generated: Sequence[GeneratedDraft],
    generation: Generation,
    numbers: InvoiceNumbers,
    totals: _Totals,
    batch_size: int,
) -> None:
    drafts = [
        ProjectDraft(
            project=ResearchProject(**draft.values),
            partner_ids=draft.partner_ids,
            history=draft.history,
        )
        for draft in generated
    ]
    _projects, links, transitions = insert_projects(
        drafts, decided_by_id=generation.decided_by_id, batch_size=batch_size
    )
    totals.links += links
    totals.transitions += transitions
    pairs = [
        (draft.project.pk, milestone)
        for draft, drafted in zip(drafts, generated, strict=True)
        for milestone in drafted.milestones
    ]
    milestone_names = _attnames(Milestone, MILESTONE_FIELDS)
    milestones = [
        Milestone(
            project_id=project_id, **dict(zip(milestone_names, draft.milestone, strict=True))
        )
        for project_id, draft in pairs
    ]
    Milestone.objects.bulk_create(milestones, batch_size=batch_size)
    invoice_names = _attnames(Invoice, INVOICE_FIELDS)
    billed = [
        (m, draft) for m, (_id, draft) in zip(milestones, pairs, strict=True) if draft.invoice
    ]
    invoices = [
        Invoice(
            number=numbers.draw(draft.invoice_prefix),
            milestone_id=milestone.pk,
            **dict(zip(invoice_names, draft.invoice, strict=True)),
        )
        for milestone, draft in billed
    ]
    Invoice.objects.bulk_create(invoices, batch_size=batch_size)
    payment_names = _attnames(Payment, PAYMENT_FIELDS)
    payments = [
        Payment(invoice_id=invoice.pk, **dict(zip(payment_names, payment, strict=True)))
        for invoice, (_m, draft) in zip(invoices, billed, strict=True)
        for payment in draft.payments
    ]
    Payment.objects.bulk_create(payments, batch_size=batch_size)
    vat_names = _attnames(VatInvoice, VAT_INVOICE_FIELDS)
    VatInvoice.objects.bulk_create(
        [
            VatInvoice(
                invoice_id=invoice.pk, **dict(zip(vat_names, draft.vat_invoice, strict=True))
            )
            for invoice, (_m, draft) in zip(invoices, billed, strict=True)
            if draft.vat_invoice
        ],
        batch_size=batch_size,
    )
    totals.milestones += len(milestones)
    totals.invoices += len(invoices)
    totals.payments += len(payments)


# --- Writing with COPY (PostgreSQL), drafted in several processes -----------


@dataclass(frozen=True, slots=True)
class _InvoiceText:
    """A drafted invoice as COPY text, with its payments and VAT invoice:
    the lines lack the invoice's key, number and milestone, which are drawn
    when it is written."""

    milestone: int  # its milestone's index in the block
    prefix: str
    invoice: str
    payments: tuple[str, ...]
    vat_invoice: str | None


@dataclass
class _CopyBlock:
    """A block of drafted projects as COPY text, and their money as COPY
    text less the keys: the keys of the money rows and the invoice numbers
    are drawn when they are written, in order, and put in front."""

    projects: bytes
    links: bytes
    transitions: bytes
    link_count: int
    transition_count: int
    stays: bytes
    # A line per milestone, without its key.
    milestones: list[str]
    invoices: list[_InvoiceText]


# What the drafting processes draft from: set before they start, inherited.
_GENERATION: Generation | None = None


def _copy_blocks(
    generation: Generation, blocks: Sequence[tuple[int, int]], processes: int
) -> Iterator[_CopyBlock]:
    """The blocks drafted, in order: here if ``processes`` is 1, otherwise
    by that many processes forked from this one, a few blocks ahead of the
    writing (which bounds the memory they hold)."""
    global _GENERATION
    _GENERATION = generation
    ids = reserve_ids(ResearchProject, sum(stop - start for start, stop in blocks))
    tasks = []
    taken = 0
    for start, stop in blocks:
        tasks.append((start, stop, ids[taken : taken + stop - start]))
        taken += stop - start
    try:
        if processes <= 1:
            yield from (_copy_block(*task) for task in tasks)
            return
        # Forked, the processes inherit the facts and no connection is
        # opened or used in them; they exit without closing what they
        # inherited.
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pending: deque = deque()
            for task in tasks:
                pending.append(pool.apply_async(_copy_block, task))
                if len(pending) > 2 * processes:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _GENERATION = None


PROJECT_FIELDS = instance_fields(ResearchProject, with_pk=True)
PROJECT_COLUMNS = tuple(field.column for field in PROJECT_FIELDS)


def _copy_block(start: int, stop: int, ids: Sequence[int]) -> _CopyBlock:
    generation = _GENERATION
    drafts = [_draft_generated_project(number, generation) for number in range(start, stop)]
    links = [
        (pk, enterprise)
        for draft, pk in zip(drafts, ids, strict=True)
        for enterprise in draft.partner_ids
    ]
    # Stamped on every row: formatted once.
    stamp = timezone.now().isoformat()
    # Rows straight from the values, as copy_instances would write the
    # instances: making a model instance per project would cost a third of
    # the drafting.
    defaults = {field.attname: field.get_default() for field in PROJECT_FIELDS}
    stamps = {
        field.attname: stamp
        for field in PROJECT_FIELDS
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    }
    row_of = operator.itemgetter(*(field.attname for field in PROJECT_FIELDS))
    projects = [
        row_of({**defaults, **draft.values, **stamps, "id": pk})
        for draft, pk in zip(drafts, ids, strict=True)
    ]
    transitions = [
        (
            pk,
            planned.kind,
            planned.from_stage.id if planned.from_stage else None,
            planned.to_stage.id,
            planned.from_status,
            planned.to_status,
            generation.decided_by_id,
            planned.decided_at,
            planned.rationale,
            stamp,
        )
        for draft, pk in zip(drafts, ids, strict=True)
        for planned in draft.history
    ]
    # The money as text here too, where the drafting runs in parallel:
    # values made into rows in the writing process cost it more than the
    # text, and passing them between processes costs more than the text.
    milestones: list[str] = []
    invoices: list[_InvoiceText] = []
    for draft, pk in zip(drafts, ids, strict=True):
        for milestone in draft.milestones:
            if milestone.invoice:
                invoices.append(
                    _InvoiceText(
                        milestone=len(milestones),
                        prefix=milestone.invoice_prefix,
                        invoice=copy_line((stamp, *milestone.invoice)),
                        payments=tuple(
                            copy_line((stamp, *payment)) for payment in milestone.payments
                        ),
                        vat_invoice=(
                            copy_line((stamp, *milestone.vat_invoice))
                            if milestone.vat_invoice
                            else None
                        ),
                    )
                )
            milestones.append(copy_line((pk, stamp, stamp, *milestone.milestone)))
    # The stays too, which a rebuild from the history would write in the
    # database at the end of the load, in one process.
    modes = {facts.id: facts.mode for facts in generation.partnerships}
    stays = [
        line
        for draft, pk in zip(drafts, ids, strict=True)
        for line in _stay_lines(pk, draft.values, draft.history, modes)
    ]
    return _CopyBlock(
        projects=copy_text(projects),
        links=copy_text(links),
        transitions=copy_text(transitions),
        link_count=len(links),
        transition_count=len(transitions),
        stays="".join(stays).encode(),
        milestones=milestones,
        invoices=invoices,
    )


def _stay_lines(
    pk: int, values: Mapping, history: Sequence[PlannedTransition], modes: Mapping[int, str]
) -> Iterator[str]:
    """The project's stays as COPY text: those ``rebuild_stage_stays``
    writes from its transitions (``projects.services.stays``), each move
    into a stage with the next move into one, kept when that move went on.
    A planned history's moves are in the order of their days."""
    moves = [planned for planned in history if planned.kind in STAGE_MOVES]
    partnership_id = values["partnership_id"]
    for entered, left in pairwise(moves):
        if left.kind not in MOVES_ON:
            continue
        # As the database subtracts them: in absolute time, then whole
        # days and the rest.
        duration = left.decided_at.astimezone(datetime.UTC) - entered.decided_at.astimezone(
            datetime.UTC
        )
        yield (
            copy_line(
                (
                    pk,
                    entered.to_stage.id,
                    modes.get(partnership_id, ""),
                    entered.to_stage.position,
                    values["lead_institution_id"],
                    values["joint_centre_id"],
                    partnership_id,
                    entered.decided_at,
                    left.decided_at,
                    f"{duration.days} days {duration.seconds} seconds",
                )
            )
            + "\n"
        )


def _columns(model: type[Model], names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


def _write_copy_block(
    block: _CopyBlock, numbers: InvoiceNumbers, totals: _Totals, clock: PhaseClock
) -> None:
    partner_field = ResearchProject._meta.get_field("partner_enterprises")
    copy_text_write(ResearchProject._meta.db_table, PROJECT_COLUMNS, block.projects)
    copy_text_write(
        partner_field.remote_field.through._meta.db_table,
        [partner_field.m2m_column_name(), partner_field.m2m_reverse_name()],
        block.links,
    )
    copy_text_write(
        StageTransition._meta.db_table,
        _columns(StageTransition, COPIED_TRANSITION_FIELDS),
        block.transitions,
    )
    copy_text_write(StageStay._meta.db_table, STAY_COLUMNS, block.stays)
    totals.links += block.link_count
    totals.transitions += block.transition_count
    clock.lap("writing projects, links, transitions and stays")

    milestone_ids = reserve_ids(Milestone, len(block.milestones))
    copy_text_write(
        Milestone._meta.db_table,
        _columns(Milestone, (*MILESTONE_WRITTEN_FIELDS, *MILESTONE_FIELDS)),
        "".join(
            f"{milestone_id}\t{line}\n"
            for milestone_id, line in zip(milestone_ids, block.milestones, strict=True)
        ).encode(),
    )
    invoice_ids = reserve_ids(Invoice, len(block.invoices))
    invoices, payment_lines, vat_invoices = [], [], []
    for invoice_id, text in zip(invoice_ids, block.invoices, strict=True):
        number = copy_line((numbers.draw(text.prefix),))
        invoices.append(
            f"{invoice_id}\t{number}\t{milestone_ids[text.milestone]}\t{text.invoice}\n"
        )
        payment_lines.extend(f"{invoice_id}\t{line}\n" for line in text.payments)
        if text.vat_invoice is not None:
            vat_invoices.append(f"{invoice_id}\t{text.vat_invoice}\n")
    copy_text_write(
        Invoice._meta.db_table,
        _columns(Invoice, (*INVOICE_WRITTEN_FIELDS, *INVOICE_FIELDS)),
        "".join(invoices).encode(),
    )
    copy_text_write(
        Payment._meta.db_table,
        _columns(Payment, (*PAYMENT_WRITTEN_FIELDS[1:], *PAYMENT_FIELDS)),
        "".join(payment_lines).encode(),
    )
    copy_text_write(
        VatInvoice._meta.db_table,
        _columns(VatInvoice, (*VAT_INVOICE_WRITTEN_FIELDS[1:], *VAT_INVOICE_FIELDS)),
        "".join(vat_invoices).encode(),
    )
    payments = len(payment_lines)
    totals.milestones += len(milestone_ids)
    totals.invoices += len(invoice_ids)
    totals.payments += payments
    clock.lap("writing the money rows")


# --- Drafting -----------------------------------------------------------------


def _draft_generated_project(number: int, generation: Generation) -> GeneratedDraft:
    rng = project_random(number)
    partnership = rng.choice(generation.partnerships)
    sector = rng.choice(partnership.sector_codes or tuple(PIPELINE_OF_SECTOR))
    pipeline_code = PIPELINE_OF_SECTOR[sector]
    stages = generation.stages_by_pipeline[pipeline_code]
    reach = rng.choices(range(len(stages)), cum_weights=generation.stage_weights[pipeline_code])[0]
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
    candidates = generation.investigators.get(lead_institution_id)
    code = generated_code(number)
    values = project_values(
        code=code,
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
        description=project_description(
            partnership, generation.institution_names[lead_institution_id]
        ),
        rng=rng,
    )
    milestones = draft_milestones(
        code=code,
        number=number,
        partnership_id=partnership.id,
        agreement_id=partnership.agreement_id,
        pipeline_code=pipeline_code,
        status=status,
        history=history,
        rng=rng,
        facts=generation.money,
    )
    return GeneratedDraft(
        values=values, partner_ids=partner_ids, history=history, milestones=milestones
    )
