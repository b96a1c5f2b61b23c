"""Writing achievements: their particulars, owners and inventors, the
office's assessment and decision, and the agreements that transfer them."""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import has_full_access, is_centre_staff_user, staff_institution_ids
from core.dates import PAST, date_check
from core.errors import DomainError, PermissionDenied
from core.events import publish
from core.i18n import Listing, Message, field_names
from core.text import text_input
from core.writable import WritableFields
from partnerships.models import Agreement
from partnerships.selectors import agreements_visible_to
from projects.activity import activity_record
from projects.selectors import projects_visible_to

from ..choices import DECISIONS, AchievementStatus, TransferMode
from ..events import AchievementStatusChanged
from ..models import Achievement, AchievementAgreement, AchievementOwner, Inventor
from ..selectors import may_manage_achievement
from .shares import HUNDRED, InventorInput, OwnerInput, people_once, shares_check

ACHIEVEMENT_FIELDS = WritableFields(
    fields=(
        "reference",
        "title",
        "title_zh",
        "kind",
        "summary",
        "funding_source",
        "funding_reference",
        "disclosed_on",
        "trl",
        "projects",
    ),
    fixed=("reference",),
    relations=("projects",),
)


class AchievementError(DomainError):
    code = "invalid_achievement"


def achievement_record(*, achievement: Achievement, by, verb: str, summary, changes=None):
    """A line in the achievement's history (never shown to partners)."""
    return activity_record(
        actor=by,
        verb=verb,
        target=achievement,
        summary=summary,
        changes=changes,
        is_internal=True,
    )


def next_reference(year: int) -> str:
    prefix = f"ACH-{year}-"
    last = (
        Achievement.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = (
        int(last.removeprefix(prefix)) + 1 if last and last.removeprefix(prefix).isdigit() else 1
    )
    return f"{prefix}{number:04d}"


def _refuse_unless_staff(by):
    if not (has_full_access(by) or is_centre_staff_user(by)):
        raise PermissionDenied(_("Only the office's staff manage achievements."))


def refuse_unless_manager(by, achievement):
    if not may_manage_achievement(by, achievement):
        raise PermissionDenied(
            _("Only the staff of an institution that owns the achievement manage it.")
        )


def _check_owners(by, owners: Sequence[OwnerInput]):
    shares_check((owner.share_percent for owner in owners), field="owners", what=_("owner"))
    seen = set()
    for index, owner in enumerate(owners):
        if (owner.institution is None) == (owner.enterprise is None):
            raise AchievementError(
                _("An owner is an institution or an enterprise."),
                code="invalid_owner",
                field=f"owners.{index}",
            )
        key = (type(owner.party).__name__, owner.party.pk)
        if key in seen:
            raise AchievementError(
                _("%(owner)s is named twice.") % {"owner": owner.party},
                code="duplicate_owner",
                field=f"owners.{index}",
            )
        seen.add(key)
    if has_full_access(by):
        return
    own = set(staff_institution_ids(by).values_list("id", flat=True))
    if not any(owner.institution is not None and owner.institution.pk in own for owner in owners):
        raise PermissionDenied(
            _("One of the owners must be an institution you work for."), field="owners"
        )


def _check_inventors(inventors: Sequence[InventorInput]):
    shares_check(
        (inventor.contribution_percent for inventor in inventors),
        field="inventors",
        what=_("inventor"),
    )
    people_once((inventor.person for inventor in inventors), field="inventors")


def _check_projects(by, projects):
    if not projects:
        return
    visible = set(
        projects_visible_to(by)
        .filter(pk__in=[p.pk for p in projects])
        .values_list("pk", flat=True)
    )
    for index, project in enumerate(projects):
        if project.pk not in visible:
            raise AchievementError(
                _("Choose a project you work on."),
                code="invalid_project",
                field=f"projects.{index}",
            )


def _clean_fields(fields: dict) -> dict:
    for name in ("title", "summary", "funding_reference", "title_zh"):
        if name in fields:
            fields[name] = text_input(
                fields[name],
                model=Achievement,
                field=name,
                required=_("Give the achievement a title.") if name == "title" else None,
                error_class=AchievementError,
            )
    if "disclosed_on" in fields:
        date_check(fields["disclosed_on"], field="disclosed_on", bounds=PAST)
    return fields


def _write_owners(achievement, owners: Sequence[OwnerInput]):
    achievement.owners.all().delete()
    AchievementOwner.objects.bulk_create(
        AchievementOwner(
            achievement=achievement,
            institution=owner.institution,
            enterprise=owner.enterprise,
            share_percent=owner.share_percent,
        )
        for owner in owners
    )


def _write_inventors(achievement, inventors: Sequence[InventorInput]):
    achievement.inventors.all().delete()
    Inventor.objects.bulk_create(
        Inventor(
            achievement=achievement,
            person=inventor.person,
            contribution_percent=inventor.contribution_percent,
            department=inventor.department.strip(),
        )
        for inventor in inventors
    )


@transaction.atomic
def achievement_create(
    *,
    by,
    owners: Sequence[OwnerInput],
    inventors: Sequence[InventorInput],
    projects: Iterable = (),
    **fields,
) -> Achievement:
    """Record an achievement with its owners (shares adding up to 100 %) and
    its inventors (contributions adding up to 100 %)."""
    _refuse_unless_staff(by)
    unknown = set(fields) - set(ACHIEVEMENT_FIELDS.all)
    if unknown:
        raise AchievementError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    owners, inventors, projects = list(owners), list(inventors), list(projects)
    _check_owners(by, owners)
    _check_inventors(inventors)
    _check_projects(by, projects)
    fields = _clean_fields(dict(fields))
    if not fields.get("reference"):
        fields["reference"] = next_reference(timezone.localdate().year)
    elif Achievement.objects.filter(reference__iexact=fields["reference"]).exists():
        raise AchievementError(
            _("An achievement with this reference exists."),
            code="duplicate_reference",
            field="reference",
        )
    achievement = Achievement(**fields)
    achievement.full_clean(exclude=["projects"])
    achievement.save()
    _write_owners(achievement, owners)
    _write_inventors(achievement, inventors)
    achievement.projects.set(projects)
    achievement_record(
        achievement=achievement,
        by=by,
        verb="achievement.created",
        summary=Message(
            gettext_lazy("Achievement %(reference)s recorded."), reference=achievement.reference
        ),
    )
    return achievement


@transaction.atomic
def achievement_update(
    *,
    achievement: Achievement,
    by,
    owners: Sequence[OwnerInput] | None = None,
    inventors: Sequence[InventorInput] | None = None,
    projects: Iterable | None = None,
    **changes,
) -> Achievement:
    unknown = set(changes) - ACHIEVEMENT_FIELDS.columns
    if unknown:
        raise AchievementError(
            _("These fields cannot change: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    refuse_unless_manager(by, achievement)
    changes = _clean_fields(dict(changes))
    before = {name: getattr(achievement, name) for name in changes}
    for name, value in changes.items():
        setattr(achievement, name, value)
    achievement.full_clean(exclude=["projects"])
    changed = {
        name: [before[name], value] for name, value in changes.items() if before[name] != value
    }
    if owners is not None:
        owners = list(owners)
        _check_owners(by, owners)
        _write_owners(achievement, owners)
        changed["owners"] = [str(owner.party) for owner in owners]
    if inventors is not None:
        inventors = list(inventors)
        _check_inventors(inventors)
        _write_inventors(achievement, inventors)
        changed["inventors"] = [str(inventor.person) for inventor in inventors]
    if projects is not None:
        projects = list(projects)
        _check_projects(by, projects)
        achievement.projects.set(projects)
    achievement.save()
    if changed:
        labels = list(field_names(Achievement, set(changed) - {"owners", "inventors"}).values)
        labels += [
            model._meta.verbose_name_plural
            for name, model in (("owners", AchievementOwner), ("inventors", Inventor))
            if name in changed
        ]
        achievement_record(
            achievement=achievement,
            by=by,
            verb="achievement.updated",
            summary=Message(gettext_lazy("Details changed: %(fields)s."), fields=Listing(labels)),
            changes=changed,
        )
    return achievement


def _set_status(achievement, *, by, status, verb, summary, changes=None):
    previous = achievement.status
    achievement.status = status
    achievement.save()
    achievement_record(achievement=achievement, by=by, verb=verb, summary=summary, changes=changes)
    publish(AchievementStatusChanged(achievement=achievement, previous_status=previous, by=by))
    return achievement


@transaction.atomic
def achievement_assess(*, achievement: Achievement, by, notes: str = "") -> Achievement:
    """Open the assessment of a disclosed achievement (or add to its notes)."""
    achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    refuse_unless_manager(by, achievement)
    if achievement.status not in {AchievementStatus.DISCLOSED, AchievementStatus.UNDER_ASSESSMENT}:
        raise AchievementError(
            _("The office has decided on this achievement already."), code="already_decided"
        )
    achievement.assessment_notes = (
        text_input(
            notes, model=Achievement, field="assessment_notes", error_class=AchievementError
        )
        or achievement.assessment_notes
    )
    if achievement.status == AchievementStatus.UNDER_ASSESSMENT:
        achievement.save()
        return achievement
    return _set_status(
        achievement,
        by=by,
        status=AchievementStatus.UNDER_ASSESSMENT,
        verb="achievement.assessment_started",
        summary=Message(gettext_lazy("Assessment started.")),
    )


@transaction.atomic
def achievement_decide(
    *, achievement: Achievement, by, decision: str, rationale: str, decided_on: date | None = None
) -> Achievement:
    """The office's decision: protect, publish, release to the inventors or
    abandon, with its rationale. A decision may be revisited (a published
    achievement protected after all), each in the history."""
    achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    refuse_unless_manager(by, achievement)
    if decision not in DECISIONS:
        raise AchievementError(
            _("Decide to protect, publish, release or abandon."),
            code="invalid_decision",
            field="decision",
        )
    rationale = text_input(
        rationale,
        model=Achievement,
        field="decision_rationale",
        required=_("Give the reasons for the decision."),
        error_class=AchievementError,
        name="rationale",
    )
    decided_on = decided_on or timezone.localdate()
    date_check(decided_on, field="decided_on", bounds=PAST)
    if decided_on < achievement.disclosed_on:
        raise AchievementError(
            _("A decision comes on or after the disclosure."),
            code="decided_before_disclosure",
            field="decided_on",
        )
    if decision == achievement.status:
        raise AchievementError(
            _("That is the decision already."), code="same_decision", field="decision"
        )
    achievement.decision_rationale = rationale
    achievement.decided_on = decided_on
    achievement.decided_by = by
    return _set_status(
        achievement,
        by=by,
        status=decision,
        verb="achievement.decided",
        summary=Message(
            gettext_lazy("Decision: %(decision)s."),
            decision=AchievementStatus(decision).label,
        ),
        changes={"rationale": rationale},
    )


@transaction.atomic
def achievement_agreement_link(
    *,
    achievement: Achievement,
    agreement: Agreement,
    mode: str,
    by,
    income_share_percent: Decimal = HUNDRED,
) -> AchievementAgreement:
    """Name an agreement that licenses, assigns or contributes the
    achievement. The achievements of one agreement share its income: their
    shares add up to at most 100 %."""
    achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    refuse_unless_manager(by, achievement)
    if not agreements_visible_to(by).filter(pk=agreement.pk).exists():
        raise AchievementError(
            _("Choose an agreement of your institutions."),
            code="invalid_agreement",
            field="agreement",
        )
    if mode not in TransferMode.values:
        raise AchievementError(_("Choose how the agreement transfers it."), field="mode")
    shares_taken = (
        AchievementAgreement.objects.select_for_update()
        .filter(agreement=agreement)
        .exclude(achievement=achievement)
        .aggregate(total=Sum("income_share_percent"))["total"]
        or 0
    )
    income_share_percent = Decimal(income_share_percent)
    if income_share_percent <= 0 or income_share_percent > HUNDRED:
        raise AchievementError(
            _("A share is more than 0 and at most 100 %."),
            code="share_out_of_range",
            field="income_share_percent",
        )
    if shares_taken + income_share_percent > HUNDRED:
        raise AchievementError(
            _(
                "The agreement's other achievements take %(taken)s %% of its income: "
                "at most %(left)s %% is left."
            )
            % {"taken": f"{shares_taken:f}", "left": f"{HUNDRED - shares_taken:f}"},
            code="agreement_shares_over_100",
            field="income_share_percent",
        )
    link, _created = AchievementAgreement.objects.update_or_create(
        achievement=achievement,
        agreement=agreement,
        defaults={"mode": mode, "income_share_percent": income_share_percent},
    )
    achievement_record(
        achievement=achievement,
        by=by,
        verb="achievement.agreement_linked",
        summary=Message(
            gettext_lazy("%(mode)s under agreement %(agreement)s."),
            mode=TransferMode(mode).label,
            agreement=agreement.reference,
        ),
    )
    return link


@transaction.atomic
def achievement_agreement_unlink(*, link: AchievementAgreement, by) -> None:
    refuse_unless_manager(by, link.achievement)
    achievement_record(
        achievement=link.achievement,
        by=by,
        verb="achievement.agreement_unlinked",
        summary=Message(
            gettext_lazy("No longer transferred under agreement %(agreement)s."),
            agreement=link.agreement.reference,
        ),
    )
    link.delete()
