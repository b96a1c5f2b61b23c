"""Invention disclosures: a researcher writes one and names the inventors,
each inventor confirms, the researcher submits it, and the office accepts it
as an achievement or returns it for changes."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import has_full_access, is_centre_staff_user, is_researcher_user
from core.errors import DomainError, PermissionDenied
from core.events import publish
from core.i18n import Message
from core.text import text_input
from core.writable import WritableFields
from partnerships.models import Person
from projects.selectors import projects_visible_to

from ..choices import DisclosureStatus
from ..events import DisclosureConverted, DisclosureReturned, DisclosureSubmitted
from ..models import Achievement, AchievementOwner, Disclosure, DisclosureInventor, Inventor
from ..selectors import disclosures_visible_to
from .achievements import achievement_record, next_reference
from .shares import InventorInput, people_once, shares_check

DISCLOSURE_FIELDS = WritableFields(
    fields=(
        "title",
        "title_zh",
        "kind",
        "summary",
        "institution",
        "funding_source",
        "funding_reference",
        "project",
        "trl",
        "prior_disclosures",
        "planned_publications",
        "materials_received",
    ),
)
EDITABLE_STATUSES = frozenset({DisclosureStatus.DRAFT, DisclosureStatus.RETURNED})
TEXT_FIELDS = (
    "title",
    "title_zh",
    "summary",
    "funding_reference",
    "prior_disclosures",
    "planned_publications",
    "materials_received",
)


class DisclosureError(DomainError):
    code = "invalid_disclosure"


def _researcher_person(by) -> Person:
    person = Person.objects.filter(user=by).first()
    if not is_researcher_user(by) or person is None:
        raise PermissionDenied(_("Only researchers disclose achievements."))
    return person


def _clean(fields: dict, by) -> dict:
    for name in TEXT_FIELDS:
        if name in fields:
            fields[name] = text_input(
                fields[name],
                model=Disclosure,
                field=name,
                required={
                    "title": _("Give the achievement a title."),
                    "summary": _("Say what you made and what it is good for."),
                }.get(name),
                error_class=DisclosureError,
            )
    project = fields.get("project")
    if project is not None and not (
        projects_visible_to(by).filter(pk=project.pk).exists()
        or project.lead_institution_id == getattr(fields.get("institution"), "pk", None)
    ):
        raise DisclosureError(
            _("Choose a project of your institution."), code="invalid_project", field="project"
        )
    return fields


def _write_inventors(disclosure, inventors: Sequence[InventorInput], by):
    people_once((inventor.person for inventor in inventors), field="inventors")
    kept = {row.person_id: row for row in disclosure.inventors.filter(confirmed_at__isnull=False)}
    disclosure.inventors.all().delete()
    now = timezone.now()
    rows = []
    for inventor in inventors:
        confirmed = kept.get(inventor.person.pk)
        unchanged = confirmed is not None and (
            confirmed.contribution_percent == inventor.contribution_percent
        )
        # Whoever writes the disclosure confirms their own part; a changed
        # share must be confirmed again.
        if inventor.person.user_id == by.pk:
            confirmed_at, confirmed_by = now, by
        elif unchanged:
            confirmed_at, confirmed_by = confirmed.confirmed_at, confirmed.confirmed_by
        else:
            confirmed_at, confirmed_by = None, None
        rows.append(
            DisclosureInventor(
                disclosure=disclosure,
                person=inventor.person,
                contribution_percent=inventor.contribution_percent,
                department=inventor.department.strip(),
                confirmed_at=confirmed_at,
                confirmed_by=confirmed_by,
            )
        )
    DisclosureInventor.objects.bulk_create(rows)


@transaction.atomic
def disclosure_create(*, by, inventors: Sequence[InventorInput], **fields) -> Disclosure:
    """A researcher's draft disclosure. They are one of its inventors."""
    person = _researcher_person(by)
    unknown = set(fields) - set(DISCLOSURE_FIELDS.all)
    if unknown:
        raise DisclosureError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    inventors = list(inventors)
    if inventors and all(inventor.person.pk != person.pk for inventor in inventors):
        raise DisclosureError(
            _("Name yourself among the inventors."),
            code="submitter_not_inventor",
            field="inventors",
        )
    fields = _clean(dict(fields), by)
    disclosure = Disclosure(submitted_by=by, **fields)
    disclosure.full_clean(exclude=["achievement"])
    disclosure.save()
    _write_inventors(disclosure, inventors, by)
    return disclosure


def _editable_by_submitter(disclosure: Disclosure, by) -> Disclosure:
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.submitted_by_id != by.pk:
        raise PermissionDenied(_("Only the researcher who wrote the disclosure changes it."))
    if disclosure.status not in EDITABLE_STATUSES:
        raise DisclosureError(
            _("The disclosure is with the office: it changes only when returned."),
            code="disclosure_not_editable",
        )
    return disclosure


@transaction.atomic
def disclosure_update(
    *, disclosure: Disclosure, by, inventors: Sequence[InventorInput] | None = None, **changes
) -> Disclosure:
    disclosure = _editable_by_submitter(disclosure, by)
    unknown = set(changes) - DISCLOSURE_FIELDS.columns
    if unknown:
        raise DisclosureError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    changes = _clean({**{"institution": disclosure.institution}, **changes}, by)
    for name, value in changes.items():
        setattr(disclosure, name, value)
    disclosure.full_clean(exclude=["achievement"])
    disclosure.save()
    if inventors is not None:
        _write_inventors(disclosure, list(inventors), by)
    return disclosure


@transaction.atomic
def disclosure_confirm(*, disclosure: Disclosure, by, person: Person | None = None) -> None:
    """An inventor confirms their part and share; staff may record the
    confirmation of an inventor who has no account (``person``)."""
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.status in {DisclosureStatus.CONVERTED, DisclosureStatus.WITHDRAWN}:
        raise DisclosureError(_("The disclosure is closed."), code="disclosure_closed")
    if person is None:
        rows = disclosure.inventors.filter(person__user=by)
    elif has_full_access(by) or is_centre_staff_user(by):
        rows = disclosure.inventors.filter(person=person)
    else:
        raise PermissionDenied(_("Each inventor confirms for themselves."))
    if not rows.exists():
        raise DisclosureError(
            _("Only the disclosure's inventors confirm it."), code="not_an_inventor"
        )
    rows.update(confirmed_at=timezone.now(), confirmed_by=by)


@transaction.atomic
def disclosure_submit(*, disclosure: Disclosure, by) -> Disclosure:
    """Send the disclosure to the office: the inventors' contributions add up
    to 100 %."""
    disclosure = _editable_by_submitter(disclosure, by)
    inventors = list(disclosure.inventors.all())
    shares_check(
        (inventor.contribution_percent for inventor in inventors),
        field="inventors",
        what=_("inventor"),
    )
    disclosure.status = DisclosureStatus.SUBMITTED
    disclosure.submitted_at = timezone.now()
    disclosure.save()
    publish(DisclosureSubmitted(disclosure=disclosure, by=by))
    return disclosure


@transaction.atomic
def disclosure_withdraw(*, disclosure: Disclosure, by) -> Disclosure:
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.submitted_by_id != by.pk:
        raise PermissionDenied(_("Only the researcher who wrote the disclosure withdraws it."))
    if disclosure.status in {DisclosureStatus.CONVERTED, DisclosureStatus.WITHDRAWN}:
        raise DisclosureError(_("The disclosure is closed."), code="disclosure_closed")
    disclosure.status = DisclosureStatus.WITHDRAWN
    disclosure.save()
    return disclosure


def _reviewable(disclosure: Disclosure, by) -> Disclosure:
    if not (has_full_access(by) or is_centre_staff_user(by)):
        raise PermissionDenied(_("The office's staff review disclosures."))
    disclosure = disclosures_visible_to(by).select_for_update().get(pk=disclosure.pk)
    if disclosure.status != DisclosureStatus.SUBMITTED:
        raise DisclosureError(
            _("Only a submitted disclosure is reviewed."), code="disclosure_not_submitted"
        )
    return disclosure


@transaction.atomic
def disclosure_return(*, disclosure: Disclosure, by, note: str) -> Disclosure:
    """Send the disclosure back to the researcher with what to change."""
    disclosure = _reviewable(disclosure, by)
    disclosure.review_note = text_input(
        note,
        model=Disclosure,
        field="review_note",
        required=_("Say what the researcher should change."),
        error_class=DisclosureError,
        name="note",
    )
    disclosure.reviewed_by = by
    disclosure.status = DisclosureStatus.RETURNED
    disclosure.save()
    publish(DisclosureReturned(disclosure=disclosure, by=by))
    return disclosure


@transaction.atomic
def disclosure_convert(*, disclosure: Disclosure, by, reference: str = "") -> Achievement:
    """Accept a submitted disclosure as an achievement of its institution,
    with its inventors, once every inventor has confirmed."""
    disclosure = _reviewable(disclosure, by)
    inventors = list(disclosure.inventors.select_related("person"))
    unconfirmed = [str(inventor.person) for inventor in inventors if inventor.confirmed_at is None]
    if unconfirmed:
        raise DisclosureError(
            _("Waiting for the confirmation of: %(names)s.") % {"names": ", ".join(unconfirmed)},
            code="inventors_unconfirmed",
            field="inventors",
        )
    reference = reference.strip() or next_reference(timezone.localdate().year)
    if Achievement.objects.filter(reference__iexact=reference).exists():
        raise DisclosureError(
            _("An achievement with this reference exists."),
            code="duplicate_reference",
            field="reference",
        )
    achievement = Achievement(
        reference=reference,
        title=disclosure.title,
        title_zh=disclosure.title_zh,
        kind=disclosure.kind,
        summary=disclosure.summary,
        funding_source=disclosure.funding_source,
        funding_reference=disclosure.funding_reference,
        disclosed_on=timezone.localdate(disclosure.submitted_at),
        trl=disclosure.trl,
    )
    achievement.full_clean(exclude=["projects"])
    achievement.save()
    AchievementOwner.objects.create(
        achievement=achievement, institution=disclosure.institution, share_percent=100
    )
    Inventor.objects.bulk_create(
        Inventor(
            achievement=achievement,
            person=inventor.person,
            contribution_percent=inventor.contribution_percent,
            department=inventor.department,
        )
        for inventor in inventors
    )
    if disclosure.project_id:
        achievement.projects.add(disclosure.project_id)
    disclosure.achievement = achievement
    disclosure.status = DisclosureStatus.CONVERTED
    disclosure.reviewed_by = by
    disclosure.save()
    achievement_record(
        achievement=achievement,
        by=by,
        verb="achievement.created",
        summary=Message(
            gettext_lazy("Accepted from the disclosure of %(researcher)s as %(reference)s."),
            researcher=str(disclosure.submitted_by),
            reference=reference,
        ),
    )
    publish(DisclosureConverted(disclosure=disclosure, achievement=achievement, by=by))
    return achievement
