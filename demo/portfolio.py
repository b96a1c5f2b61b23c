"""The demo's IP portfolio: ``seed_portfolio()``, part of ``seed_demo()``.

It writes ``demo.portfolio_specs`` through the achievements' services,
acting as the office's staff: achievements with their owners and inventors,
the assessment and decision, patent families and applications (each one
refreshing the docket with ``deadlines_refresh``), office actions and their
responses, annuities and maintenance fees paid up to a day, a PCT route let
pass, a lapsed patent, the costs and the agreements that transfer them. The
researcher login writes its own disclosures, which staff return or leave
waiting.

An achievement or disclosure that exists already is left as it is: its
docket and history may have moved on since it was seeded.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import User
from achievements.choices import ApplicationStatus, DeadlineKind, DeadlineState
from achievements.models import Achievement, Counsel, Deadline, Disclosure, PatentApplication
from achievements.services import (
    InventorInput,
    OwnerInput,
    achievement_agreement_link,
    achievement_assess,
    achievement_create,
    achievement_decide,
    application_create,
    application_update,
    counsel_create,
    deadline_complete,
    deadline_waive,
    disclosure_confirm,
    disclosure_create,
    disclosure_return,
    disclosure_submit,
    family_create,
    ip_cost_record,
    office_action_record,
    office_action_respond,
)
from demo.portfolio_specs import (
    ACHIEVEMENTS,
    COUNSEL,
    DISCLOSURES,
    AchievementSpec,
    ApplicationSpec,
    DisclosureSpec,
    FamilySpec,
)
from demo.specs import DEMO_AS_OF
from partnerships.models import Agreement, Enterprise, Institution, Person
from projects.models import ResearchProject

# Fees are paid a few weeks before they fall due.
PAID_AHEAD = datetime.timedelta(days=21)
RENEWAL_KINDS = (DeadlineKind.ANNUITY, DeadlineKind.MAINTENANCE_FEE)


@dataclass(frozen=True)
class PortfolioSummary:
    achievements: int
    achievements_created: int
    applications: int
    open_deadlines: int
    disclosures: int

    def __str__(self) -> str:
        return (
            f"{self.achievements} achievements ({self.achievements_created} new, "
            f"{self.applications} patent applications, {self.open_deadlines} open deadlines, "
            f"{self.disclosures} disclosures)"
        )


def seed_portfolio(*, staff: User, researcher: User) -> PortfolioSummary:
    """Write the demo portfolio that is not there yet, as ``staff``; the
    disclosures as ``researcher``."""
    counsel = _counsel(staff)
    existing = set(
        Achievement.objects.filter(
            reference__in=[spec.reference for spec in ACHIEVEMENTS]
        ).values_list("reference", flat=True)
    )
    directory = _Directory.load()
    created = 0
    for spec in ACHIEVEMENTS:
        if spec.reference not in existing:
            _achievement(spec, staff, counsel, directory)
            created += 1
    for spec in DISCLOSURES:
        _disclosure(spec, staff, researcher, directory)
    references = [spec.reference for spec in ACHIEVEMENTS]
    return PortfolioSummary(
        achievements=len(ACHIEVEMENTS),
        achievements_created=created,
        applications=PatentApplication.objects.filter(
            family__achievement__reference__in=references
        ).count(),
        open_deadlines=Deadline.objects.filter(
            achievement__reference__in=references, state=DeadlineState.OPEN
        ).count(),
        disclosures=Disclosure.objects.filter(submitted_by=researcher).count(),
    )


@dataclass
class _Directory:
    institutions: Mapping[str, Institution]
    enterprises: Mapping[str, Enterprise]
    people: Mapping[str, Person]
    projects: Mapping[str, ResearchProject]
    agreements: Mapping[str, Agreement]

    @classmethod
    def load(cls) -> "_Directory":
        return cls(
            institutions={i.code: i for i in Institution.objects.all()},
            enterprises={e.code: e for e in Enterprise.objects.all()},
            people={p.email: p for p in Person.objects.all()},
            projects={p.code: p for p in ResearchProject.objects.exclude(code__startswith="GEN-")},
            agreements={a.reference: a for a in Agreement.objects.all()},
        )

    def owner(self, code: str, share: str) -> OwnerInput:
        if code in self.institutions:
            return OwnerInput(share_percent=Decimal(share), institution=self.institutions[code])
        return OwnerInput(share_percent=Decimal(share), enterprise=self.enterprises[code])

    def inventors(self, rows) -> list[InventorInput]:
        return [
            InventorInput(
                person=self.people[email], contribution_percent=Decimal(share), department=lab
            )
            for email, share, lab in rows
        ]


def _counsel(staff: User) -> dict[str, Counsel]:
    found = {c.name: c for c in Counsel.objects.filter(name__in=[s.name for s in COUNSEL])}
    for spec in COUNSEL:
        if spec.name not in found:
            found[spec.name] = counsel_create(
                by=staff, name=spec.name, name_zh=spec.name_zh, kind=spec.kind, email=spec.email
            )
    return found


def _achievement(
    spec: AchievementSpec, staff: User, counsel: Mapping[str, Counsel], directory: _Directory
) -> Achievement:
    achievement = achievement_create(
        by=staff,
        owners=[directory.owner(code, share) for code, share in spec.owners],
        inventors=directory.inventors(spec.inventors),
        projects=[directory.projects[code] for code in spec.projects],
        reference=spec.reference,
        title=spec.title,
        title_zh=spec.title_zh,
        kind=spec.kind,
        summary=spec.summary,
        funding_source=spec.funding_source,
        funding_reference=spec.funding_reference,
        disclosed_on=spec.disclosed_on,
        trl=spec.trl,
    )
    achievement = achievement_assess(
        achievement=achievement, by=staff, notes=spec.assessment_notes
    )
    if spec.decision:
        achievement = achievement_decide(
            achievement=achievement,
            by=staff,
            decision=spec.decision,
            rationale=spec.rationale,
            decided_on=spec.decided_on,
        )
    applications = {}
    for family_spec in spec.families:
        applications.update(_family(achievement, family_spec, staff, counsel))
    for cost in spec.costs:
        ip_cost_record(
            achievement=achievement,
            by=staff,
            kind=cost.kind,
            amount=Decimal(cost.amount),
            currency=cost.currency,
            incurred_on=cost.incurred_on,
            description=cost.description,
            application=applications.get(cost.application),
            counsel=counsel.get(cost.counsel),
            invoice_reference=cost.invoice_reference,
        )
    for link in spec.links:
        achievement_agreement_link(
            achievement=achievement,
            agreement=directory.agreements[link.agreement],
            mode=link.mode,
            by=staff,
            income_share_percent=Decimal(link.income_share_percent),
        )
    return achievement


def _family(
    achievement: Achievement, spec: FamilySpec, staff: User, counsel: Mapping[str, Counsel]
) -> dict[str, PatentApplication]:
    family = family_create(
        achievement=achievement, by=staff, title=spec.title, priority_date=spec.priority_date
    )
    applications: dict[str, PatentApplication] = {}
    for app in spec.applications:
        applications[app.key] = application_create(
            by=staff,
            family=family,
            jurisdiction=app.jurisdiction,
            kind=app.kind,
            parent=applications.get(app.parent),
            application_number=app.application_number,
            filed_on=app.filed_on,
            publication_number=app.publication_number,
            published_on=app.published_on,
            grant_number=app.grant_number,
            granted_on=app.granted_on,
            status=app.status,
            counsel=counsel[app.counsel],
        )
    if spec.no_pct_because:
        pct_filing = family.deadlines.filter(
            kind=DeadlineKind.PCT_FILING, state=DeadlineState.OPEN
        ).first()
        if pct_filing is not None:
            deadline_waive(deadline=pct_filing, by=staff, reason=spec.no_pct_because)
    for app in spec.applications:
        _prosecute(applications[app.key], app, staff)
    return applications


def _prosecute(application: PatentApplication, spec: ApplicationSpec, staff: User) -> None:
    """What happened to the application after filing: office actions and
    responses, fees paid, and a fee let pass."""
    for action_spec in spec.office_actions:
        action = office_action_record(
            application=application,
            by=staff,
            received_on=action_spec.received_on,
            term_months=action_spec.term_months,
            description=action_spec.description,
        )
        if action_spec.responded_on:
            office_action_respond(action=action, by=staff, responded_on=action_spec.responded_on)
    paid_until = spec.paid_until or DEMO_AS_OF
    while True:
        due = (
            application.deadlines.filter(
                kind__in=RENEWAL_KINDS, state=DeadlineState.OPEN, due_on__lt=paid_until
            )
            .order_by("due_on")
            .first()
        )
        if due is None:
            break
        deadline_complete(deadline=due, by=staff, done_on=due.due_on - PAID_AHEAD)
    if spec.lapsed_because:
        due = application.deadlines.filter(
            kind__in=RENEWAL_KINDS, state=DeadlineState.OPEN
        ).first()
        if due is not None:
            deadline_waive(deadline=due, by=staff, reason=spec.lapsed_because)
        application_update(application=application, by=staff, status=ApplicationStatus.LAPSED)


def _disclosure(
    spec: DisclosureSpec, staff: User, researcher: User, directory: _Directory
) -> Disclosure | None:
    if Disclosure.objects.filter(submitted_by=researcher, title=spec.title).exists():
        return None
    person = Person.objects.get(user=researcher)
    disclosure = disclosure_create(
        by=researcher,
        inventors=directory.inventors(spec.inventors),
        title=spec.title,
        title_zh=spec.title_zh,
        kind=spec.kind,
        summary=spec.summary,
        institution=person.institution,
        funding_source=spec.funding_source,
        funding_reference=spec.funding_reference,
        project=directory.projects.get(spec.project),
        prior_disclosures=spec.prior_disclosures,
        planned_publications=spec.planned_publications,
        materials_received=spec.materials_received,
    )
    for email in spec.confirmed_by:
        disclosure_confirm(disclosure=disclosure, by=staff, person=directory.people[email])
    if spec.status in {"submitted", "returned"}:
        disclosure = disclosure_submit(disclosure=disclosure, by=researcher)
    if spec.status == "returned":
        disclosure = disclosure_return(disclosure=disclosure, by=staff, note=spec.review_note)
    return disclosure
