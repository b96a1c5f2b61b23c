"""What China's annual report counts and no deal record holds: staff on
part-time commercialisation work (兼职从事成果转化) or on leave to start a
business (离岗创业), item 4c, and the R&D institutions, technology transfer
offices and service platforms an institution built alone (自建) or with
others (共建), item 4a.

Only staff of the institution (and superusers) record them; every refusal
is a coded ``MobilityError`` at the field at fault, and nothing is saved."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.dates import BUSINESS, PAST, date_check
from core.errors import DomainError, InvalidInput
from core.i18n import localized_name
from partnerships.models import Enterprise, Institution, Person
from reports.choices import EntityBuilt, EntityKind, MobilityKind
from reports.models import StaffMobility, TransferEntity
from reports.selectors import report_institutions_visible_to

MOBILITY_FIELDS = ("person", "kind", "enterprise", "starts_on", "ends_on", "notes")
ENTITY_FIELDS = (
    "name",
    "kind",
    "built",
    "established_on",
    "closed_on",
    "technology_managers",
)


class MobilityError(DomainError):
    code = "mobility_refused"


def may_record_for(user, institution: Institution) -> bool:
    """Staff of the institution (and superusers) record its staff mobility
    and its entities."""
    return report_institutions_visible_to(user).filter(pk=institution.pk).exists()


def _require_staff(user, institution: Institution) -> None:
    if not may_record_for(user, institution):
        raise MobilityError(
            _("Only staff of %(institution)s record its staff and entities.")
            % {"institution": localized_name(institution)},
            code="not_institution_staff",
        )


def _unknown(values: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise InvalidInput(
            {field: [_("This field cannot be changed.")] for field in sorted(unknown)}
        )


def _save(record):
    """The model's own checks (lengths, choices, constraints) as a coded
    refusal rather than a database error."""
    try:
        record.full_clean()
    except ValidationError as error:
        raise InvalidInput(error.message_dict) from error
    record.save()
    return record


# Staff mobility ------------------------------------------------------------


def _check_mobility(record: StaffMobility) -> None:
    if record.kind not in MobilityKind.values:
        raise MobilityError(
            _("Choose part-time work or leave."), code="invalid_kind", field="kind"
        )
    if record.person.institution_id != record.institution_id:
        raise MobilityError(
            _("%(person)s is not on the staff of %(institution)s.")
            % {
                "person": record.person.full_name,
                "institution": localized_name(record.institution),
            },
            code="person_not_of_institution",
            field="person",
        )
    date_check(record.starts_on, field="starts_on", bounds=BUSINESS)
    date_check(record.ends_on, field="ends_on", bounds=BUSINESS)
    if record.ends_on is not None and record.ends_on < record.starts_on:
        raise MobilityError(
            _("A period ends on or after its first day."),
            code="period_unordered",
            field="ends_on",
        )
    # Lock the person: two requests may record overlapping periods at once.
    Person.objects.select_for_update().filter(pk=record.person_id).first()
    overlapping = StaffMobility.objects.filter(
        person_id=record.person_id, kind=record.kind
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=record.starts_on))
    if record.ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=record.ends_on)
    if record.pk:
        overlapping = overlapping.exclude(pk=record.pk)
    other = overlapping.order_by("starts_on").first()
    if other is not None:
        raise MobilityError(
            _(
                "%(person)s already has a period of the same kind from %(start)s that "
                "overlaps this one."
            )
            % {
                "person": record.person.full_name,
                "start": date_format(other.starts_on, "SHORT_DATE_FORMAT"),
            },
            code="period_overlaps",
            field="starts_on",
        )


@transaction.atomic
def create_mobility(
    user,
    *,
    institution: Institution,
    person: Person,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    enterprise: Enterprise | None = None,
    notes: str = "",
) -> StaffMobility:
    """A period of part-time work or leave of a member of the institution's
    staff; none of the same kind of the same person may overlap it."""
    _require_staff(user, institution)
    record = StaffMobility(
        institution=institution,
        person=person,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        enterprise=enterprise,
        notes=notes or "",
    )
    _check_mobility(record)
    return _save(record)


@transaction.atomic
def update_mobility(user, record: StaffMobility, **changes) -> StaffMobility:
    """Change a period; the institution stays."""
    _unknown(changes, MOBILITY_FIELDS)
    record = StaffMobility.objects.select_for_update().get(pk=record.pk)
    _require_staff(user, record.institution)
    for field, value in changes.items():
        setattr(record, field, "" if field == "notes" and value is None else value)
    _check_mobility(record)
    return _save(record)


@transaction.atomic
def delete_mobility(user, record: StaffMobility) -> None:
    _require_staff(user, record.institution)
    record.delete()


# R&D and transfer entities --------------------------------------------------


def _check_entity(record: TransferEntity) -> None:
    if not (record.name or "").strip():
        raise MobilityError(_("Enter the entity's name."), code="blank_name", field="name")
    if record.kind not in EntityKind.values:
        raise MobilityError(_("Choose the kind of entity."), code="invalid_kind", field="kind")
    if record.built not in EntityBuilt.values:
        raise MobilityError(
            _("Choose built alone or built jointly."), code="invalid_built", field="built"
        )
    date_check(record.established_on, field="established_on", bounds=PAST)
    date_check(record.closed_on, field="closed_on", bounds=BUSINESS)
    if record.closed_on is not None and record.closed_on < record.established_on:
        raise MobilityError(
            _("An entity cannot close before it is established."),
            code="period_unordered",
            field="closed_on",
        )
    if record.technology_managers is not None and record.technology_managers < 0:
        raise MobilityError(
            _("Technology managers are 0 or more."),
            code="invalid_number",
            field="technology_managers",
        )


@transaction.atomic
def create_entity(
    user,
    *,
    institution: Institution,
    name: str,
    kind: str,
    built: str,
    established_on: date,
    closed_on: date | None = None,
    technology_managers: int | None = None,
) -> TransferEntity:
    """An R&D institution, transfer office or service platform the
    institution built alone or jointly."""
    _require_staff(user, institution)
    record = TransferEntity(
        institution=institution,
        name=(name or "").strip(),
        kind=kind,
        built=built,
        established_on=established_on,
        closed_on=closed_on,
        technology_managers=technology_managers,
    )
    _check_entity(record)
    return _save(record)


@transaction.atomic
def update_entity(user, record: TransferEntity, **changes) -> TransferEntity:
    """Change an entity; the institution stays."""
    _unknown(changes, ENTITY_FIELDS)
    record = TransferEntity.objects.select_for_update().get(pk=record.pk)
    _require_staff(user, record.institution)
    for field, value in changes.items():
        setattr(record, field, (value or "").strip() if field == "name" else value)
    _check_entity(record)
    return _save(record)


@transaction.atomic
def delete_entity(user, record: TransferEntity) -> None:
    _require_staff(user, record.institution)
    record.delete()
