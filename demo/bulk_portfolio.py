"""Generated achievements for benchmarks: ``generate_achievements(count=...)``.

It adds achievements referenced ``GEN-A-000001``, ``GEN-A-000002``, ...
owned by the demo institutions (some co-owned), with their inventors, a
link to a project of their institution for about a third, and one patent
family each with one to five applications (CN alone, CN and a utility
model, CN then PCT with US, EP and JP phases), three per achievement on
average. Their docket comes from the same rules as the services'
(``achievements.computations.deadlines``), with the fees paid up to
``DEMO_AS_OF`` (the last one paid kept as history, which the rules read),
the PCT or EP routes not taken let pass, and a few fees and office actions
overdue.

Everything is written with ``bulk_create`` in batches, bypassing the
services: they write one family at a time. Randomness comes from a
generator seeded with a fixed value and the number the run starts from, so
the same runs give the same portfolio.
"""

import datetime
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import reset_queries, transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr

from achievements.choices import (
    AchievementKind,
    AchievementStatus,
    ApplicationKind,
    ApplicationStatus,
    DeadlineState,
    FundingSource,
    Jurisdiction,
)
from achievements.computations import deadlines as rules
from achievements.models import (
    Achievement,
    AchievementOwner,
    Counsel,
    Deadline,
    Inventor,
    OfficeAction,
    PatentApplication,
    PatentFamily,
)
from demo.drafts import DEFAULT_BATCH_SIZE
from demo.specs import DEMO_AS_OF, DEMO_SEED
from partnerships.models import Institution, Person
from projects.models import ResearchProject

GENERATED_REFERENCE_PREFIX = "GEN-A-"
# Share of the generated achievements each demo institution owns.
OWNERSHIP = (("ELU", 40), ("QIS", 30), ("LCH", 15), ("NCG", 15))
CO_OWNED_SHARE = 0.1
PROJECT_LINKED_SHARE = 0.35
# Of the project links, this share goes to another institution's project:
# staff then see the achievement through the project only.
FOREIGN_PROJECT_SHARE = 0.1
# The applications of a family, one route picked at random: three per
# achievement on average, once recent families that have not reached
# their later phases yet are counted.
ROUTES = (
    ("CN", "PCT", "US", "EP"),
    ("CN", "UM"),
    ("CN", "PCT", "US"),
    ("CN",),
    ("CN", "PCT", "US", "EP", "JP"),
    ("CN", "PCT", "US", "EP", "JP"),
)
# A route past its deadline and not taken was let pass, for this reason.
ROUTES_NOT_TAKEN = {
    rules.PCT_FILING: "China only.",
    rules.NATIONAL_PHASE: "No national phase: the licensee needs Europe only.",
    rules.REGIONAL_PHASE: "No European phase: China and the US cover the market.",
}
UNPAID_SHARE = 0.02
OFFICE_ACTION_SHARE = 0.05
PAID_AHEAD = datetime.timedelta(days=21)

SUBJECTS = (
    ("Antibody against", "抗体，靶向"),
    ("Small-molecule inhibitor of", "小分子抑制剂，靶向"),
    ("Engineered strain producing", "工程菌株，生产"),
    ("Detection kit for", "检测试剂盒，用于"),
    ("Enzyme variant converting", "酶突变体，转化"),
    ("Gene-edited line resistant to", "基因编辑品系，抗"),
)
OBJECTS = (
    ("PD-L1", "PD-L1"),
    ("Claudin 18.2", "Claudin 18.2"),
    ("squalene", "角鲨烯"),
    ("HPV", "人乳头瘤病毒"),
    ("ferulic acid", "阿魏酸"),
    ("rice blast", "稻瘟病"),
    ("GLP-1R", "GLP-1受体"),
    ("ergothioneine", "麦角硫因"),
)


@dataclass(frozen=True)
class PortfolioGenerationSummary:
    achievements: int
    applications: int
    deadlines: int
    first_reference: str
    last_reference: str
    seconds: float

    def __str__(self) -> str:
        return (
            f"Generated {self.achievements} achievements ({self.first_reference} to "
            f"{self.last_reference}), {self.applications} patent applications and "
            f"{self.deadlines} deadlines in {self.seconds:.1f} s."
        )


def generated_reference(number: int) -> str:
    return f"{GENERATED_REFERENCE_PREFIX}{number:06d}"


def last_generated_number() -> int:
    start = len(GENERATED_REFERENCE_PREFIX) + 1
    last = Achievement.objects.filter(reference__startswith=GENERATED_REFERENCE_PREFIX).aggregate(
        last=Max(Cast(Substr("reference", start), BigIntegerField()))
    )["last"]
    return last or 0


@dataclass
class _World:
    institutions: list[tuple[int, int]]  # (id, weight)
    people: dict[int, list[int]]  # institution id -> person ids
    projects: dict[int, list[int]]  # institution id -> project ids
    counsel: list[int]

    @classmethod
    def load(cls) -> "_World":
        codes = dict(OWNERSHIP)
        institutions = [
            (pk, codes[code])
            for pk, code in Institution.objects.filter(code__in=codes).values_list("id", "code")
        ]
        if not institutions:
            raise ValueError("Load the demo data first: the demo institutions are missing.")
        people, projects = {}, {}
        for pk, _weight in institutions:
            people[pk] = list(
                Person.objects.filter(institution_id=pk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            projects[pk] = list(
                ResearchProject.objects.filter(lead_institution_id=pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:500]
            )
        counsel = list(Counsel.objects.order_by("pk").values_list("pk", flat=True))
        if not counsel:
            counsel = [Counsel.objects.create(name="Generated Patent Agency", kind="firm").pk]
        return cls(institutions, people, projects, counsel)


@transaction.atomic
def generate_achievements(
    *, count: int, batch_size: int = DEFAULT_BATCH_SIZE, as_of: datetime.date = DEMO_AS_OF
) -> PortfolioGenerationSummary:
    """Add ``count`` generated achievements with their patents and docket,
    numbered after the last generated one."""
    started = time.perf_counter()
    world = _World.load()
    first_number = last_generated_number() + 1
    applications = deadlines = 0
    for batch_start in range(first_number, first_number + count, batch_size):
        batch_end = min(batch_start + batch_size, first_number + count)
        rng = random.Random(f"{DEMO_SEED}:achievements:{batch_start}")
        written = _write_batch(range(batch_start, batch_end), world, rng, as_of)
        applications += written[0]
        deadlines += written[1]
        # With DEBUG on, the connection logs every query.
        reset_queries()
    return PortfolioGenerationSummary(
        achievements=count,
        applications=applications,
        deadlines=deadlines,
        first_reference=generated_reference(first_number),
        last_reference=generated_reference(first_number + count - 1),
        seconds=time.perf_counter() - started,
    )


@dataclass
class _App:
    """An application being drafted, with a number local to its batch for
    the rules until the database gives it an id."""

    local_id: int
    row: PatentApplication
    parent_local_id: int | None = None
    action: OfficeAction | None = None


def _write_batch(numbers: Sequence[int], world: _World, rng, as_of) -> tuple[int, int]:
    weights = [weight for _pk, weight in world.institutions]
    achievements, owners_of = [], []
    for number in numbers:
        disclosed = as_of - datetime.timedelta(days=rng.randint(200, 20 * 365))
        subject, obj = rng.choice(SUBJECTS), rng.choice(OBJECTS)
        achievements.append(
            Achievement(
                reference=generated_reference(number),
                title=f"{subject[0]} {obj[0]} ({number})",
                title_zh=f"{subject[1]}{obj[1]}（{number}）",
                kind=AchievementKind.INVENTION,
                status=AchievementStatus.PROTECT,
                funding_source=rng.choice(FundingSource.values),
                disclosed_on=disclosed,
                decided_on=disclosed + datetime.timedelta(days=30),
                trl=rng.randint(2, 8),
            )
        )
        owner = rng.choices(world.institutions, weights)[0][0]
        co_owner = None
        if rng.random() < CO_OWNED_SHARE:
            others = [pk for pk, _w in world.institutions if pk != owner]
            co_owner = rng.choice(others) if others else None
        owners_of.append((owner, co_owner))
    Achievement.objects.bulk_create(achievements)

    owners, inventors, links = [], [], []
    families = []
    for achievement, (owner, co_owner) in zip(achievements, owners_of, strict=True):
        if co_owner:
            owners.append(
                AchievementOwner(
                    achievement=achievement, institution_id=owner, share_percent=Decimal(60)
                )
            )
            owners.append(
                AchievementOwner(
                    achievement=achievement, institution_id=co_owner, share_percent=Decimal(40)
                )
            )
        else:
            owners.append(
                AchievementOwner(
                    achievement=achievement, institution_id=owner, share_percent=Decimal(100)
                )
            )
        people = world.people.get(owner) or []
        if people:
            inventors.append(
                Inventor(
                    achievement=achievement,
                    person_id=rng.choice(people),
                    contribution_percent=Decimal(100),
                )
            )
        if rng.random() < PROJECT_LINKED_SHARE:
            lead = owner
            if rng.random() < FOREIGN_PROJECT_SHARE:
                lead = rng.choice(world.institutions)[0]
            if world.projects.get(lead):
                links.append(
                    Achievement.projects.through(
                        achievement_id=achievement.pk,
                        researchproject_id=rng.choice(world.projects[lead]),
                    )
                )
        families.append(
            PatentFamily(
                achievement=achievement,
                title=achievement.title[:300],
                priority_date=achievement.disclosed_on
                + datetime.timedelta(days=rng.randint(10, 90)),
            )
        )
    AchievementOwner.objects.bulk_create(owners)
    Inventor.objects.bulk_create(inventors)
    Achievement.projects.through.objects.bulk_create(links)

    drafted = [_draft_applications(family, world, rng, as_of) for family in families]
    for family, apps in zip(families, drafted, strict=True):
        family.expires_on = rules.family_expiry(_facts(family, apps))
    PatentFamily.objects.bulk_create(families)
    for family, apps in zip(families, drafted, strict=True):
        for app in apps:
            app.row.family = family
    # Parents first, so that the phases can name them.
    by_local = {app.local_id: app for apps in drafted for app in apps}
    roots = [app.row for app in by_local.values() if app.parent_local_id is None]
    PatentApplication.objects.bulk_create(roots)
    children = []
    for app in by_local.values():
        if app.parent_local_id is not None:
            app.row.parent = by_local[app.parent_local_id].row
            children.append(app.row)
    PatentApplication.objects.bulk_create(children)
    actions = []
    for app in by_local.values():
        if app.action is not None:
            app.action.application = app.row
            actions.append(app.action)
    OfficeAction.objects.bulk_create(actions)

    rows = []
    for family, apps in zip(families, drafted, strict=True):
        rows.extend(_deadlines(family, apps, rng, as_of))
    Deadline.objects.bulk_create(rows, batch_size=5000)
    return len(by_local), len(rows)


_local_ids = iter(range(1, 1 << 62))


def _draft_applications(family: PatentFamily, world: _World, rng, as_of) -> list[_App]:
    priority = family.priority_date
    route = ROUTES[rng.randrange(len(ROUTES))]
    counsel = rng.choice(world.counsel)
    apps: list[_App] = []
    pct = None
    for office in route:
        if office in {"CN", "UM"}:
            filed = priority
            kind = ApplicationKind.UTILITY_MODEL if office == "UM" else ApplicationKind.INVENTION
            jurisdiction, parent = Jurisdiction.CN, None
            grant_after = 240 if office == "UM" else rng.randint(700, 1400)
        elif office == "PCT":
            filed = rules.add_months(priority, 12) - datetime.timedelta(days=rng.randint(1, 20))
            kind, jurisdiction, parent, grant_after = (
                ApplicationKind.PCT_INTERNATIONAL,
                Jurisdiction.PCT,
                None,
                None,
            )
        else:
            if pct is None:
                continue
            months = rules.EP_REGIONAL_PHASE_MONTHS if office == "EP" else 30
            filed = rules.add_months(priority, months) - datetime.timedelta(
                days=rng.randint(1, 20)
            )
            kind = (
                ApplicationKind.REGIONAL_PHASE
                if office == "EP"
                else ApplicationKind.NATIONAL_PHASE
            )
            jurisdiction, parent = office, pct
            grant_after = rng.randint(900, 1800)
        if filed > as_of:
            break
        row = PatentApplication(
            jurisdiction=jurisdiction,
            kind=kind,
            filed_on=filed,
            status=ApplicationStatus.FILED,
            counsel_id=counsel,
        )
        app = _App(next(_local_ids), row, parent.local_id if parent else None)
        if grant_after is not None and filed + datetime.timedelta(days=grant_after) <= as_of:
            row.status = ApplicationStatus.GRANTED
            row.granted_on = filed + datetime.timedelta(days=grant_after)
        elif kind == ApplicationKind.PCT_INTERNATIONAL:
            row.status = ApplicationStatus.PUBLISHED
        elif rng.random() < OFFICE_ACTION_SHARE:
            received = as_of - datetime.timedelta(days=rng.randint(10, 150))
            if received > filed:
                row.status = ApplicationStatus.OFFICE_ACTION
                app.action = OfficeAction(
                    received_on=received, term_months=4, description="Examination opinion"
                )
        else:
            row.status = ApplicationStatus.EXAMINATION
        apps.append(app)
        if office == "PCT":
            pct = app
    # A family whose term has run out has expired.
    for app in apps:
        if app.row.kind != ApplicationKind.PCT_INTERNATIONAL:
            years = 10 if app.row.kind == ApplicationKind.UTILITY_MODEL else 20
            start = app.row.filed_on if app.parent_local_id is None else pct.row.filed_on
            if rules.add_months(start, 12 * years) < as_of:
                app.row.status = ApplicationStatus.EXPIRED
    return apps


def _facts(family: PatentFamily, apps: list[_App], with_ids: bool = False) -> rules.FamilyFacts:
    def ident(app):
        return app.row.pk if with_ids else app.local_id

    by_local = {app.local_id: app for app in apps}
    return rules.FamilyFacts(
        priority_date=family.priority_date,
        applications=tuple(
            rules.ApplicationFacts(
                id=ident(app),
                jurisdiction=app.row.jurisdiction,
                kind=app.row.kind,
                status=app.row.status,
                filed_on=app.row.filed_on,
                granted_on=app.row.granted_on,
                parent_id=ident(by_local[app.parent_local_id]) if app.parent_local_id else None,
                office_actions=(
                    (
                        rules.OfficeActionFacts(
                            id=app.action.pk if with_ids else 0,
                            received_on=app.action.received_on,
                            term_months=app.action.term_months,
                        ),
                    )
                    if app.action is not None
                    else ()
                ),
            )
            for app in apps
        ),
    )


def _deadlines(family: PatentFamily, apps: list[_App], rng, as_of) -> list[Deadline]:
    """The family's docket as the rules give it, with each application's
    fees paid up to ``as_of`` (bar a few left unpaid), the last one paid
    kept as the history the rules read."""
    facts = _facts(family, apps, with_ids=True)
    by_id = {application.id: application for application in facts.applications}
    annuity, maintenance, history = {}, {}, []
    for application in facts.applications:
        if not application.is_alive:
            continue
        filed_on = rules.effective_filing_date(application, by_id)
        for paid, next_fee in (
            (annuity, lambda closed, a=application, f=filed_on: rules._annuity(a, f, closed)),
            (maintenance, lambda closed, a=application: rules._maintenance_fee(a, closed)),
        ):
            last = None
            while True:
                due = next(iter(next_fee(paid.get(application.id, 0))), None)
                if due is None or due.due_on >= as_of:
                    break
                recent = due.due_on >= as_of - datetime.timedelta(days=150)
                if recent and rng.random() < UNPAID_SHARE:
                    break
                paid[application.id], last = due.sequence, due
            if last is not None:
                history.append(last)
    rows = []
    for due in history:
        rows.append(_row(family, due, DeadlineState.DONE, done_on=due.due_on - PAID_AHEAD))
    for due in rules.family_deadlines(facts, rules.Closed(annuity, maintenance)):
        if due.done_on is None and due.due_on < as_of and due.kind in ROUTES_NOT_TAKEN:
            reason = ROUTES_NOT_TAKEN[due.kind]
            rows.append(_row(family, due, DeadlineState.WAIVED, reason=reason))
        elif due.done_on is not None:
            rows.append(_row(family, due, DeadlineState.DONE, done_on=due.done_on))
        else:
            rows.append(_row(family, due, DeadlineState.OPEN))
    return rows


def _row(family, due, state, *, done_on=None, reason="") -> Deadline:
    return Deadline(
        family=family,
        achievement_id=family.achievement_id,
        application_id=due.application_id,
        office_action_id=due.office_action_id,
        kind=due.kind,
        sequence=due.sequence,
        due_on=due.due_on,
        grace_until=due.grace_until,
        state=state,
        done_on=done_on,
        waived_reason=reason,
    )
