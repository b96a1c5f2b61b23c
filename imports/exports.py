"""Exporting to the import templates: every record of each kind a user may
see, in exactly the columns of the kind's template — the same headers, codes
and natural keys for references, ISO dates, choice codes — so that the file
imports again as it is. One workbook with a sheet per kind, in the order a
workbook is imported in, or a CSV per kind.

What the importer cannot write is left out, row by row, and counted in
``Export.skipped`` (see docs/imports.md, "Export and round trip"):
milestones that are disputed, cancelled or waived; royalty reports that are
queried, true-ups of the minimum royalty, or of an agreement that asks for
sales by product and territory (sales lines are not imported); patent
applications without a number. Royalty reports invoiced or paid are exported as accepted, the
furthest state an import records.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone, translation

from achievements.models import AchievementOwner, Inventor
from achievements.selectors import achievements_visible_to, patent_applications_visible_to
from partnerships.models import CostShare, MilestoneScheduleItem
from partnerships.selectors import (
    agreements_visible_to,
    enterprises_visible_to,
    institutions_visible_to,
    partnerships_visible_to,
    people_visible_to,
)
from projects.choices import RoyaltyReportKind, RoyaltyReportStatus, TransitionKind
from projects.models import Payment, StageTransition
from projects.selectors import (
    milestones_visible_to,
    projects_visible_to,
    royalty_reports_visible_to,
)
from projects.services import IMPORTABLE_MILESTONE_STATUSES

from .kinds import KIND_ORDER, KINDS, Kind

# The transitions that enter a stage: a stage history lists these.
ENTERING = (TransitionKind.START, TransitionKind.ADVANCE, TransitionKind.SKIP)


def cell(value):
    """A value as the importer reads it back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return timezone.localtime(value).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, int | float | str):
        return value
    # A country and the like: written as its code.
    return str(value)


def _listed(items) -> str:
    return "; ".join(":".join(str(cell(part)) for part in item) for item in items)


def _code(obj, attribute="code"):
    return getattr(obj, attribute) if obj is not None else None


# --- Records and their special cells, kind by kind ---------------------------------------


def _institutions(user):
    return institutions_visible_to(user).order_by("code"), {}


def _enterprises(user):
    return enterprises_visible_to(user).order_by("code"), {}


def _people(user):
    rows = people_visible_to(user).select_related("institution", "enterprise")
    return rows.order_by("full_name", "pk"), {
        "institution": lambda p: _code(p.institution),
        "enterprise": lambda p: _code(p.enterprise),
    }


def _partnerships(user):
    rows = partnerships_visible_to(user).select_related(
        "enterprise", "institution", "joint_centre"
    )
    return rows.order_by("code"), {
        "enterprise": lambda p: p.enterprise.code,
        "institution": lambda p: _code(p.institution),
        "joint_centre": lambda p: _code(p.joint_centre),
    }


def _agreements(user):
    rows = (
        agreements_visible_to(user)
        .select_related("partnership")
        .prefetch_related(
            "royalty_tiers",
            Prefetch(
                "cost_shares",
                queryset=CostShare.objects.select_related("first_stage__pipeline", "last_stage"),
            ),
            Prefetch(
                "milestone_schedule",
                queryset=MilestoneScheduleItem.objects.select_related("trigger_stage__pipeline"),
            ),
        )
    )

    def tiers(agreement):
        ordered = sorted(agreement.royalty_tiers.all(), key=lambda t: t.lower_bound)
        return _listed((t.lower_bound, t.rate_percent) for t in ordered) or None

    def shares(agreement):
        ordered = sorted(
            agreement.cost_shares.all(),
            key=lambda s: (
                s.first_stage.pipeline.code,
                s.first_stage.position,
                s.last_stage.position,
                s.party,
            ),
        )
        return (
            _listed(
                (
                    s.first_stage.pipeline.code,
                    s.first_stage.code,
                    s.last_stage.code,
                    s.party,
                    s.percent,
                )
                for s in ordered
            )
            or None
        )

    def schedule(agreement):
        items = []
        for item in sorted(agreement.milestone_schedule.all(), key=lambda i: i.pk):
            parts = [item.name, item.kind, item.amount]
            if item.trigger_stage_id:
                stage = item.trigger_stage
                parts.append(f"{stage.pipeline.code}/{stage.code}")
            items.append(parts)
        return _listed(items) or None

    return rows.order_by("reference"), {
        "partnership": lambda a: a.partnership.code,
        "royalty_tiers": tiers,
        "cost_shares": shares,
        "milestone_schedule": schedule,
    }


def _projects(user):
    transitions = StageTransition.objects.filter(kind__in=ENTERING).select_related("to_stage")
    rows = (
        projects_visible_to(user)
        .select_related(
            "current_stage__pipeline",
            "lead_institution",
            "principal_investigator",
            "joint_centre",
            "partnership",
            "agreement",
        )
        .prefetch_related(
            Prefetch("transitions", queryset=transitions, to_attr="entering_transitions")
        )
    )

    def history(project):
        ordered = sorted(project.entering_transitions, key=lambda t: (t.decided_at, t.pk))
        return _listed((t.to_stage.code, t.decided_at) for t in ordered) or None

    return rows.order_by("code"), {
        "pipeline": lambda p: p.current_stage.pipeline.code,
        "current_stage": lambda p: p.current_stage.code,
        "lead_institution": lambda p: p.lead_institution.code,
        "principal_investigator": lambda p: _code(p.principal_investigator, "full_name"),
        "joint_centre": lambda p: _code(p.joint_centre),
        "partnership": lambda p: _code(p.partnership),
        "agreement": lambda p: _code(p.agreement, "reference"),
        "stage_history": history,
    }


def _milestones(user):
    rows = (
        milestones_visible_to(user)
        .filter(status__in=IMPORTABLE_MILESTONE_STATUSES)
        .select_related("project", "agreement", "trigger_stage", "invoice")
        .prefetch_related(
            Prefetch("invoice__payments", queryset=Payment.objects.order_by("paid_on", "pk"))
        )
    )

    def invoice(milestone):
        return getattr(milestone, "invoice", None)

    def payments(milestone):
        found = invoice(milestone)
        return list(found.payments.all()) if found is not None else []

    def paid_amount(milestone):
        paid = payments(milestone)
        return sum((p.amount for p in paid), Decimal(0)) if paid else None

    def last_payment(milestone, attribute):
        paid = payments(milestone)
        return getattr(paid[-1], attribute) if paid else None

    return rows.order_by("project__code", "pk"), {
        "project": lambda m: m.project.code,
        "agreement": lambda m: m.agreement.reference,
        "trigger_stage": lambda m: _code(m.trigger_stage),
        "claimed_on": lambda m: m.claimed_at,
        "verified_on": lambda m: m.verified_at,
        "invoice_number": lambda m: _code(invoice(m), "number"),
        "invoiced_on": lambda m: _code(invoice(m), "issued_on"),
        "paid_amount": paid_amount,
        "paid_on": lambda m: last_payment(m, "paid_on"),
        "payment_reference": lambda m: last_payment(m, "reference"),
    }


ACCEPTED_OR_LATER = (
    RoyaltyReportStatus.ACCEPTED,
    RoyaltyReportStatus.INVOICED,
    RoyaltyReportStatus.PARTIALLY_PAID,
    RoyaltyReportStatus.PAID,
)


# Net-sales reports the importer can write: not queried, and of an agreement
# that does not ask for the sales by product and territory (the sales lines
# are not imported).
IMPORTABLE_REPORTS = Q(
    kind=RoyaltyReportKind.SALES,
    status__in=(RoyaltyReportStatus.SUBMITTED, *ACCEPTED_OR_LATER),
    agreement__sales_breakdown_required=False,
)


def _royalty_reports(user):
    rows = (
        royalty_reports_visible_to(user)
        .filter(IMPORTABLE_REPORTS)
        .select_related("agreement", "project")
    )

    def status(report):
        if report.status in ACCEPTED_OR_LATER:
            return RoyaltyReportStatus.ACCEPTED.value
        return report.status

    return rows.order_by("agreement__reference", "period_start", "pk"), {
        "agreement": lambda r: r.agreement.reference,
        "project": lambda r: _code(r.project),
        "status": status,
    }


def _achievements(user):
    rows = achievements_visible_to(user).prefetch_related(
        Prefetch(
            "owners",
            queryset=AchievementOwner.objects.select_related("institution", "enterprise"),
        ),
        Prefetch("inventors", queryset=Inventor.objects.select_related("person")),
        "projects",
    )

    def owners(achievement):
        ordered = sorted(achievement.owners.all(), key=lambda o: o.pk)
        return _listed(((o.institution or o.enterprise).code, o.share_percent) for o in ordered)

    def inventors(achievement):
        ordered = sorted(achievement.inventors.all(), key=lambda i: i.pk)
        return _listed((i.person.full_name, i.contribution_percent) for i in ordered)

    def projects(achievement):
        return "; ".join(sorted(p.code for p in achievement.projects.all())) or None

    return rows.order_by("reference"), {
        "owners": owners,
        "inventors": inventors,
        "projects": projects,
    }


def _patent_applications(user):
    rows = (
        patent_applications_visible_to(user)
        .exclude(application_number="")
        .select_related("family__achievement", "parent")
    )
    # A parent is imported before its continuations: applications in the
    # order they were recorded.
    return rows.order_by("pk"), {
        "achievement": lambda a: a.family.achievement.reference,
        "family": lambda a: a.family.title,
        "priority_date": lambda a: a.family.priority_date,
        "parent": lambda a: _code(a.parent, "application_number"),
    }


RECORDS = {
    "institutions": _institutions,
    "enterprises": _enterprises,
    "people": _people,
    "partnerships": _partnerships,
    "agreements": _agreements,
    "projects": _projects,
    "milestones": _milestones,
    "royalty_reports": _royalty_reports,
    "achievements": _achievements,
    "patent_applications": _patent_applications,
}


# --- Sheets ---------------------------------------------------------------------------


@dataclass
class Sheet:
    kind: Kind
    header: list[str]
    rows: list[list] = field(default_factory=list)


def header_of(kind: Kind, language: str) -> list[str]:
    """The template's headers: each column's label, ``*`` when required."""
    return [
        column.label_in(language) + (" *" if column.required else "")
        for column in kind.all_columns
    ]


def sheet_of(kind: Kind, user, language: str = "en") -> Sheet:
    records, special = RECORDS[kind.name](user)
    sheet = Sheet(kind, header_of(kind, language))
    for record in records:
        sheet.rows.append(
            [
                cell(
                    special[column.key](record)
                    if column.key in special
                    else getattr(record, column.key)
                )
                for column in kind.all_columns
            ]
        )
    return sheet


def export_sheets(user, language: str = "en") -> list[Sheet]:
    """Every kind's sheet, in the order a workbook is imported in."""
    return [sheet_of(KINDS[name], user, language) for name in KIND_ORDER]


def skipped_counts(user) -> Counter:
    """What an export leaves out because the importer cannot write it."""
    counts = Counter()
    counts["milestones"] = (
        milestones_visible_to(user).exclude(status__in=IMPORTABLE_MILESTONE_STATUSES).count()
    )
    counts["royalty_reports"] = (
        royalty_reports_visible_to(user).exclude(IMPORTABLE_REPORTS).count()
    )
    counts["patent_applications"] = (
        patent_applications_visible_to(user).filter(application_number="").count()
    )
    return counts


def export_workbook(user, language: str = "en") -> bytes:
    """One workbook, a sheet per kind named as the importer names it."""
    # Imported here: openpyxl takes a while to load, and only downloads need it.
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    for sheet in export_sheets(user, language):
        out = workbook.create_sheet(sheet.kind.label_in(language)[:31])
        header = []
        for title in sheet.header:
            head = openpyxl.cell.WriteOnlyCell(out, value=title)
            head.font = Font(bold=title.endswith("*"))
            header.append(head)
        out.append(header)
        for row in sheet.rows:
            out.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(kind: str, user, language: str = "en") -> str:
    """One kind's records as the kind's CSV template."""
    with translation.override(language):
        sheet = sheet_of(KINDS[kind], user, language)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(sheet.header)
    writer.writerows(sheet.rows)
    return buffer.getvalue()
