"""Writes to the partnership directory, partnerships, agreements and their
terms. Every front door (staff UI, API, admin actions, tasks) calls these
functions; none repeats their rules.

Who may write:
- the directory (institutions, enterprises, people, joint centres):
  research-centre staff and superusers;
- partnerships: superusers and the staff of the partnership's institution or
  joint centre;
- agreements and their terms: superusers and the staff who act for the
  agreement's research party.
Partners never write here. A refusal raises ``core.errors.PermissionDenied``
(403 in the API); invalid values raise Django's ``ValidationError`` from
``full_clean`` (400 with field errors).

Cost shares and royalty tiers are replaced as a whole by
``cost_shares_set`` and ``royalty_tiers_set`` (``terms.py``). Every change
is announced with an event of ``partnerships.events``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import has_full_access, is_centre_staff_user
from core.dates import BUSINESS, TERM_END, date_check
from core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from core.events import publish
from core.i18n import Localized, Message, Money, field_names
from core.money import Currency
from core.writable import WritableFields

from ..choices import LICENSEE_SIZE_OF_ENTERPRISE, PartnershipStatus
from ..events import (
    AgreementCreated,
    AgreementTermsChanged,
    AgreementUpdated,
    PartnershipModeChanged,
)
from ..models import (
    Agreement,
    Enterprise,
    FailureClause,
    Institution,
    JointCentre,
    JointCentreParty,
    MilestoneScheduleItem,
    Partnership,
    Person,
)
from ..selectors import acts_for_research_party, staff_works_for_research_party


class PartnershipError(DomainError):
    code = "partnership_refused"


# Codes and references appear in invoice numbers and documents: they are
# chosen once, at creation. The order is the order forms show the fields in.
INSTITUTION_FIELDS = WritableFields(
    fields=(
        "code",
        "name",
        "name_zh",
        "kind",
        "country",
        "region",
        "city",
        "website",
        "fiscal_year_start_month",
        "unified_social_credit_code",
        "registered_address",
        "bank_name",
        "bank_branch",
        "bank_account_number",
    ),
    fixed=("code",),
)
ENTERPRISE_FIELDS = WritableFields(
    fields=(
        "code",
        "name",
        "name_zh",
        "size",
        "sectors",
        "founded_on",
        "dissolved_on",
        "country",
        "region",
        "city",
        "website",
        "unified_social_credit_code",
        "registered_address",
    ),
    fixed=("code",),
    relations=("sectors",),
)
PERSON_FIELDS = WritableFields(
    fields=("full_name", "name_zh", "job_title", "email", "phone", "institution", "enterprise")
)
# A centre's parties (host institutions, lead enterprises) are rows of their
# own, given as a whole like the many-to-many relations.
JOINT_CENTRE_FIELDS = WritableFields(
    fields=(
        "code",
        "name",
        "name_zh",
        "established_on",
        "parties",
        "focus_sectors",
        "governance_contacts",
        "description",
    ),
    fixed=("code",),
    relations=("parties", "focus_sectors", "governance_contacts"),
)
PARTNERSHIP_FIELDS = WritableFields(
    fields=(
        "code",
        "title",
        "mode",
        "status",
        "institution",
        "joint_centre",
        "enterprise",
        "started_on",
        "ended_on",
        "description",
    ),
    fixed=("code",),
)
PARTNERSHIP_PARTIES = {"institution", "joint_centre", "enterprise"}
AGREEMENT_FIELDS = WritableFields(
    fields=(
        "partnership",
        "reference",
        "title",
        "kind",
        "status",
        "signed_on",
        "effective_on",
        "expires_on",
        "terminated_on",
        "exclusivity",
        "registration_number",
        "contract_value",
        "licensee_size",
        "licensee_employees",
        "licensee_formed_for_licence",
        "field_of_use",
        "territory",
        "institution_ip_share",
        "currency",
    ),
    fixed=("partnership", "reference"),
)
# The payment terms of an agreement (DESIGN §5), edited on the terms page.
PAYMENT_TERMS_FIELDS = WritableFields(
    fields=(
        "upfront_amount",
        "upfront_due_on",
        "annual_licence_fee",
        "annual_maintenance_fee",
        "royalty_basis",
        "royalty_term_years",
        "minimum_annual_royalty",
        "sublicense_income_share",
        "equity_share",
        "royalty_reporting",
        "royalty_report_due_days",
        "sales_breakdown_required",
    )
)
# What happens when the term ends, edited on the terms page beside the
# payment terms.
RENEWAL_TERMS_FIELDS = WritableFields(
    fields=("renewal", "renewal_notice_days", "renewal_term_months")
)
_AGREEMENT_COLUMNS = (
    AGREEMENT_FIELDS.columns | PAYMENT_TERMS_FIELDS.columns | RENEWAL_TERMS_FIELDS.columns
)
FAILURE_CLAUSE_FIELDS = WritableFields(
    fields=(
        "stage",
        "sunk_costs_borne_by",
        "ip_reverts_to_institution",
        "break_fee",
        "break_fee_payer",
        "notes",
    )
)
SCHEDULE_ITEM_FIELDS = WritableFields(
    fields=(
        "position",
        "name",
        "kind",
        "amount",
        "trigger_stage",
        "trigger_event",
        "due_offset_days",
    )
)

PARTNERSHIP_TRANSITIONS = {
    PartnershipStatus.NEGOTIATING: {PartnershipStatus.ACTIVE, PartnershipStatus.ENDED},
    PartnershipStatus.ACTIVE: {PartnershipStatus.ENDED},
    PartnershipStatus.ENDED: set(),
}
AGREEMENT_TRANSITIONS = {
    Agreement.Status.DRAFT: {Agreement.Status.SIGNED, Agreement.Status.TERMINATED},
    Agreement.Status.SIGNED: {Agreement.Status.TERMINATED},
    Agreement.Status.TERMINATED: set(),
}
AGREEMENT_INITIAL_STATUSES = {Agreement.Status.DRAFT, Agreement.Status.SIGNED}


# --- Shared rules -------------------------------------------------------------


def _require_directory_editor(by) -> None:
    if not (has_full_access(by) or is_centre_staff_user(by)):
        raise PermissionDenied(_("Only research-centre staff edit the directory."))


def _require_agreement_editor(agreement: Agreement, by) -> None:
    if not acts_for_research_party(by, agreement) or getattr(by, "is_partner", False):
        raise PermissionDenied(
            _("Only the staff of the agreement's research party edit the agreement.")
        )


def _require_research_party_staff(partnership: Partnership, by) -> None:
    if not staff_works_for_research_party(
        by, institution=partnership.institution, joint_centre=partnership.joint_centre
    ):
        raise PermissionDenied(
            _("Only the staff of the partnership's institution or joint centre edit it.")
        )


def _refuse_unknown(changes: dict, editable: Iterable[str]) -> None:
    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise PartnershipError(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="not_editable",
            field=unknown[0],
        )


def _apply(instance: models.Model, changes: dict) -> dict:
    """Set ``changes`` on ``instance``; return ``{field: [before, after]}``
    for the fields whose value changed."""
    changed = {}
    for field, value in changes.items():
        before = getattr(instance, field)
        if before != value:
            changed[field] = [before, value]
        setattr(instance, field, value)
    return changed


def _insert(instance: models.Model) -> None:
    """Save a new, validated row. If another request took its code in the
    meantime, the database refuses it; validating again names the field."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        _validate(instance)
        raise


# The field a broken constraint is about, so that the API and forms show the
# error next to it. Constraints over several fields alike stay non-field
# errors.
CONSTRAINT_FIELDS = {
    "enterprise_uscc_unique": "unified_social_credit_code",
    "institution_uscc_unique": "unified_social_credit_code",
    "centre_party_commitment_non_negative": "annual_funding_commitment",
    "centre_party_commitment_years_in_order": "commitment_to_year",
    "partnership_dates_in_order": "ended_on",
    "partnership_joint_centre_mode_names_centre": "joint_centre",
    "agreement_ip_share_is_percentage": "institution_ip_share",
    "agreement_term_in_order": "expires_on",
    "agreement_signed_has_date": "signed_on",
    "agreement_renewal_has_notice_and_term": "renewal",
    "failure_clause_unique_per_stage": "stage",
    "failure_clause_break_fee_non_negative": "break_fee",
    "schedule_item_amount_positive": "amount",
}


def _validate(instance: models.Model) -> None:
    """``full_clean``, with each broken constraint reported on its field."""
    errors: dict[str, list] = {}
    try:
        instance.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for constraint in instance._meta.constraints:
        try:
            constraint.validate(type(instance), instance, exclude=set(errors))
        except ValidationError as error:
            field = CONSTRAINT_FIELDS.get(constraint.name, NON_FIELD_ERRORS)
            errors.setdefault(field, []).extend(error.messages)
    if errors:
        raise ValidationError(errors)


# The bounds of each date these services write (core.dates).
DATE_BOUNDS = {
    JointCentre: {"established_on": BUSINESS},
    Partnership: {"started_on": BUSINESS, "ended_on": TERM_END},
    Agreement: {
        "signed_on": BUSINESS,
        "effective_on": BUSINESS,
        "expires_on": TERM_END,
        "terminated_on": BUSINESS,
        "upfront_due_on": BUSINESS,
    },
}


def _check_dates(instance: models.Model, written: Iterable[str]) -> None:
    """The dates written to ``instance`` within their bounds. Only those
    written: a record kept from before the bounds can still be edited."""
    bounds = DATE_BOUNDS[type(instance)]
    for field in written:
        if field in bounds:
            date_check(getattr(instance, field), field=field, bounds=bounds[field])


def _check_transition(transitions: dict, before: str, after: str) -> None:
    if before != after and after not in transitions[before]:
        raise TransitionNotAllowed(
            _("The status cannot change from %(before)s to %(after)s.")
            % {"before": before, "after": after},
            code="status_not_allowed",
        )


# --- Directory ----------------------------------------------------------------


@transaction.atomic
def institution_create(*, by, code: str, name: str, kind: str, **details) -> Institution:
    _require_directory_editor(by)
    _refuse_unknown(details, INSTITUTION_FIELDS.columns)
    institution = Institution(code=code, name=name, kind=kind, **details)
    _validate(institution)
    _insert(institution)
    return institution


@transaction.atomic
def institution_update(*, institution: Institution, by, **changes) -> Institution:
    _require_directory_editor(by)
    _refuse_unknown(changes, INSTITUTION_FIELDS.columns)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    _apply(institution, changes)
    _validate(institution)
    institution.save()
    return institution


@transaction.atomic
def enterprise_create(
    *, by, code: str, name: str, size: str, sectors: Iterable = (), **details
) -> Enterprise:
    _require_directory_editor(by)
    _refuse_unknown(details, ENTERPRISE_FIELDS.columns)
    enterprise = Enterprise(code=code, name=name, size=size, **details)
    _validate(enterprise)
    _insert(enterprise)
    enterprise.sectors.set(sectors)
    return enterprise


@transaction.atomic
def enterprise_update(
    *, enterprise: Enterprise, by, sectors: Iterable | None = None, **changes
) -> Enterprise:
    _require_directory_editor(by)
    _refuse_unknown(changes, ENTERPRISE_FIELDS.columns)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _apply(enterprise, changes)
    _validate(enterprise)
    enterprise.save()
    if sectors is not None:
        enterprise.sectors.set(sectors)
    return enterprise


@transaction.atomic
def person_create(*, by, full_name: str, **details) -> Person:
    """A contact of an institution or an enterprise (exactly one of them).
    Linking a user account is done by an administrator."""
    _require_directory_editor(by)
    _refuse_unknown(details, PERSON_FIELDS.columns)
    person = Person(full_name=full_name, **details)
    _validate(person)
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, by, **changes) -> Person:
    _require_directory_editor(by)
    _refuse_unknown(changes, PERSON_FIELDS.columns)
    person = Person.objects.select_for_update().get(pk=person.pk)
    _apply(person, changes)
    _validate(person)
    person.save()
    return person


@dataclass(frozen=True)
class CentrePartyInput:
    """A host institution or lead enterprise of a joint centre (exactly one
    of the two), with its yearly funding commitment."""

    institution: Institution | None = None
    enterprise: Enterprise | None = None
    annual_funding_commitment: Decimal = Decimal(0)
    currency: str = Currency.CNY
    commitment_from_year: int | None = None
    commitment_to_year: int | None = None

    @property
    def key(self) -> tuple[int | None, int | None]:
        return (
            self.institution.pk if self.institution else None,
            self.enterprise.pk if self.enterprise else None,
        )


def _validate_centre_parties(parties: list[CentrePartyInput]) -> None:
    """A centre is co-built: at least one host institution and one lead
    enterprise, each named once."""
    seen = set()
    for index, party in enumerate(parties):
        if (party.institution is None) == (party.enterprise is None):
            raise ValidationError(
                {
                    f"parties.{index}": _(
                        "A party is either a host institution or a lead enterprise."
                    )
                }
            )
        if party.key in seen:
            raise ValidationError(
                {
                    f"parties.{index}": _("%(party)s is named twice.")
                    % {"party": party.institution or party.enterprise}
                }
            )
        seen.add(party.key)
    if not any(party.institution for party in parties):
        raise ValidationError({"parties": _("A joint centre has at least one host institution.")})
    if not any(party.enterprise for party in parties):
        raise ValidationError({"parties": _("A joint centre has at least one lead enterprise.")})


def _centre_parties_set(centre: JointCentre, parties: list[CentrePartyInput]) -> None:
    """Make ``parties`` the centre's parties: rows of parties that stay are
    updated in place, the others removed or added."""
    _validate_centre_parties(parties)
    existing = {(row.institution_id, row.enterprise_id): row for row in centre.parties.all()}
    keep = []
    for index, party in enumerate(parties):
        row = existing.get(party.key) or JointCentreParty(centre=centre)
        row.institution = party.institution
        row.enterprise = party.enterprise
        row.annual_funding_commitment = party.annual_funding_commitment
        row.currency = party.currency
        row.commitment_from_year = party.commitment_from_year
        row.commitment_to_year = party.commitment_to_year
        try:
            _validate(row)
        except ValidationError as error:
            raise ValidationError(
                {
                    (
                        f"parties.{index}"
                        if field == NON_FIELD_ERRORS
                        else f"parties.{index}.{field}"
                    ): messages
                    for field, messages in error.message_dict.items()
                }
            ) from error
        keep.append(row)
    kept_ids = [row.pk for row in keep if row.pk]
    centre.parties.exclude(pk__in=kept_ids).delete()
    for row in keep:
        row.save()


@transaction.atomic
def joint_centre_create(
    *,
    by,
    code: str,
    name: str,
    established_on,
    parties: list[CentrePartyInput],
    focus_sectors: Iterable = (),
    governance_contacts: Iterable = (),
    **details,
) -> JointCentre:
    """Register a joint centre with its host institutions and lead
    enterprises and what each commits per year."""
    _require_directory_editor(by)
    _refuse_unknown(details, JOINT_CENTRE_FIELDS.columns)
    centre = JointCentre(code=code, name=name, established_on=established_on, **details)
    _validate(centre)
    _check_dates(centre, ["established_on"])
    _validate_centre_parties(parties)
    _insert(centre)
    _centre_parties_set(centre, parties)
    centre.focus_sectors.set(focus_sectors)
    centre.governance_contacts.set(governance_contacts)
    return centre


@transaction.atomic
def joint_centre_update(
    *,
    centre: JointCentre,
    by,
    parties: list[CentrePartyInput] | None = None,
    focus_sectors: Iterable | None = None,
    governance_contacts: Iterable | None = None,
    **changes,
) -> JointCentre:
    """Change a joint centre; ``parties``, when given, replaces the list of
    its parties."""
    _require_directory_editor(by)
    _refuse_unknown(changes, JOINT_CENTRE_FIELDS.columns)
    # Lock the centre: two editors replacing its parties at once would
    # otherwise mix their lists.
    centre = JointCentre.objects.select_for_update().get(pk=centre.pk)
    _apply(centre, changes)
    _validate(centre)
    _check_dates(centre, changes)
    centre.save()
    if parties is not None:
        _centre_parties_set(centre, parties)
    if focus_sectors is not None:
        centre.focus_sectors.set(focus_sectors)
    if governance_contacts is not None:
        centre.governance_contacts.set(governance_contacts)
    return centre


# --- Partnerships -------------------------------------------------------------


@transaction.atomic
def partnership_create(
    *, by, code: str, title: str, mode: str, enterprise: Enterprise, started_on, **details
) -> Partnership:
    """Open a partnership between an institution (or a joint centre) the
    user works for and an enterprise."""
    _refuse_unknown(details, PARTNERSHIP_FIELDS.columns)
    partnership = Partnership(
        code=code, title=title, mode=mode, enterprise=enterprise, started_on=started_on, **details
    )
    _require_research_party_staff(partnership, by)
    _validate(partnership)
    _check_dates(partnership, ["started_on", *details])
    _insert(partnership)
    return partnership


@transaction.atomic
def partnership_update(*, partnership: Partnership, by, **changes) -> Partnership:
    """Change a partnership. Its parties are fixed once it has an
    agreement; its status moves forward only (negotiating → active →
    ended)."""
    _refuse_unknown(changes, PARTNERSHIP_FIELDS.columns)
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _require_research_party_staff(partnership, by)
    status_before = partnership.status
    changed = _apply(partnership, changes)
    if PARTNERSHIP_PARTIES & set(changed):
        if partnership.agreements.exists():
            raise PartnershipError(
                _("The parties of a partnership with agreements cannot change."),
                code="parties_fixed",
            )
        # The user must also work for the new research party.
        _require_research_party_staff(partnership, by)
    _check_transition(PARTNERSHIP_TRANSITIONS, status_before, partnership.status)
    _validate(partnership)
    _check_dates(partnership, changes)
    partnership.save()
    if "mode" in changed:
        publish(PartnershipModeChanged(partnership=partnership, by=by))
    return partnership


# --- Agreements -----------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *, by, partnership: Partnership, reference: str, title: str, kind: str, **terms
) -> Agreement:
    """Record a contract under a partnership, with its scope and payment
    terms. Schedules, clauses, shares and tiers are added afterwards."""
    _refuse_unknown(terms, _AGREEMENT_COLUMNS)
    # Lock the partnership: its parties must not change while the
    # agreement is written.
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    agreement = Agreement(
        partnership=partnership, reference=reference, title=title, kind=kind, **terms
    )
    _require_agreement_editor(agreement, by)
    if agreement.status not in AGREEMENT_INITIAL_STATUSES:
        raise PartnershipError(
            _("A new agreement is a draft or signed."), code="invalid_status", field="status"
        )
    _snapshot_licensee(agreement)
    _validate(agreement)
    _check_dates(agreement, terms)
    _insert(agreement)
    publish(
        AgreementCreated(
            agreement=agreement,
            by=by,
            verb="agreement.created",
            summary=Message(
                gettext_lazy("Agreement %(reference)s recorded."), reference=agreement.reference
            ),
            changes={"status": agreement.status, "kind": agreement.kind, **terms},
        )
    )
    return agreement


@transaction.atomic
def agreement_update(*, agreement: Agreement, by, **changes) -> Agreement:
    """Change an agreement's particulars, payment and renewal terms. Its status moves
    forward only (draft → signed → terminated)."""
    _refuse_unknown(changes, _AGREEMENT_COLUMNS)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_agreement_editor(agreement, by)
    status_before = agreement.status
    changed = _apply(agreement, changes)
    _check_transition(AGREEMENT_TRANSITIONS, status_before, agreement.status)
    if status_before != agreement.status and _snapshot_licensee(agreement):
        changed["licensee_size"] = ["", agreement.licensee_size]
    _validate(agreement)
    _check_dates(agreement, changes)
    agreement.save()
    if changed:
        publish(
            AgreementUpdated(
                agreement=agreement,
                by=by,
                verb="agreement.updated",
                summary=Message(
                    gettext_lazy("Agreement %(reference)s changed: %(fields)s."),
                    reference=agreement.reference,
                    fields=field_names(Agreement, changed),
                ),
                changes=changed,
            )
        )
    return agreement


def _snapshot_licensee(agreement: Agreement) -> bool:
    """On signing, the licensee's size as the enterprise records it, unless
    staff stated it: the annual reports classify a licence by the
    licensee's size when it was signed. True if it was copied."""
    if agreement.status != Agreement.Status.SIGNED or agreement.licensee_size:
        return False
    size = agreement.partnership.enterprise.size
    agreement.licensee_size = LICENSEE_SIZE_OF_ENTERPRISE.get(size, "")
    return bool(agreement.licensee_size)


def _locked_agreement(agreement: Agreement, by) -> Agreement:
    """The agreement, locked: edits of its terms are serialised per
    agreement, as cost_shares_set and royalty_tiers_set do."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_agreement_editor(agreement, by)
    return agreement


def _record_terms(
    by, agreement: Agreement, verb: str, summary: Message | str, changes: dict
) -> None:
    publish(
        AgreementTermsChanged(
            agreement=agreement, by=by, verb=verb, summary=summary, changes=changes
        )
    )


def _values(instance: models.Model, fields: Iterable[str]) -> dict:
    return {field: getattr(instance, field) for field in sorted(fields)}


# --- Failure clauses --------------------------------------------------------------


@transaction.atomic
def failure_clause_create(
    *, agreement: Agreement, by, stage, ip_reverts_to_institution: bool, **details
) -> FailureClause:
    """What happens if a project under the agreement ends at ``stage``; one
    clause per stage."""
    _refuse_unknown(details, FAILURE_CLAUSE_FIELDS.editable)
    agreement = _locked_agreement(agreement, by)
    clause = FailureClause(
        agreement=agreement,
        stage=stage,
        ip_reverts_to_institution=ip_reverts_to_institution,
        **details,
    )
    _validate(clause)
    clause.save()
    _record_terms(
        by,
        agreement,
        "terms.failure_clause_added",
        Message(
            gettext_lazy("Failure clause at %(stage)s added to %(reference)s."),
            stage=Localized(clause.stage),
            reference=agreement.reference,
        ),
        {"clause": clause.pk, **_values(clause, FAILURE_CLAUSE_FIELDS.editable)},
    )
    return clause


@transaction.atomic
def failure_clause_update(*, clause: FailureClause, by, **changes) -> FailureClause:
    _refuse_unknown(changes, FAILURE_CLAUSE_FIELDS.editable)
    agreement = _locked_agreement(clause.agreement, by)
    clause = FailureClause.objects.select_for_update().get(pk=clause.pk, agreement=agreement)
    changed = _apply(clause, changes)
    _validate(clause)
    clause.save()
    if changed:
        _record_terms(
            by,
            agreement,
            "terms.failure_clause_changed",
            Message(
                gettext_lazy("Failure clause at %(stage)s of %(reference)s changed: %(fields)s."),
                stage=Localized(clause.stage),
                reference=agreement.reference,
                fields=field_names(FailureClause, changed),
            ),
            {"clause": clause.pk, **changed},
        )
    return clause


@transaction.atomic
def failure_clause_delete(*, clause: FailureClause, by) -> None:
    agreement = _locked_agreement(clause.agreement, by)
    clause = FailureClause.objects.select_for_update().get(pk=clause.pk, agreement=agreement)
    before = {"clause": clause.pk, **_values(clause, FAILURE_CLAUSE_FIELDS.editable)}
    stage_name = Localized(clause.stage)
    clause.delete()
    _record_terms(
        by,
        agreement,
        "terms.failure_clause_removed",
        Message(
            gettext_lazy("Failure clause at %(stage)s removed from %(reference)s."),
            stage=stage_name,
            reference=agreement.reference,
        ),
        before,
    )


# --- Milestone schedule -------------------------------------------------------------


@transaction.atomic
def milestone_schedule_item_create(
    *,
    agreement: Agreement,
    by,
    name: str,
    kind: str,
    amount: Decimal,
    position: int | None = None,
    **details,
) -> MilestoneScheduleItem:
    """A milestone payment the agreement promises, triggered by entering a
    stage or by an event. Without a position it goes last."""
    _refuse_unknown(details, SCHEDULE_ITEM_FIELDS.editable)
    agreement = _locked_agreement(agreement, by)
    if position is None:
        last = agreement.milestone_schedule.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    item = MilestoneScheduleItem(
        agreement=agreement, name=name, kind=kind, amount=amount, position=position, **details
    )
    _validate(item)
    item.save()
    _record_terms(
        by,
        agreement,
        "terms.milestone_scheduled",
        Message(
            gettext_lazy(
                "Milestone payment %(name)s of %(amount)s %(currency)s added to %(reference)s."
            ),
            name=item.name,
            amount=Money(item.amount, agreement.currency, code=False),
            currency=agreement.currency,
            reference=agreement.reference,
        ),
        {"item": item.pk, **_values(item, SCHEDULE_ITEM_FIELDS.editable)},
    )
    return item


@transaction.atomic
def milestone_schedule_item_update(
    *, item: MilestoneScheduleItem, by, **changes
) -> MilestoneScheduleItem:
    """Change a scheduled milestone payment. Milestones already created from
    it for projects keep their own amounts and dates."""
    _refuse_unknown(changes, SCHEDULE_ITEM_FIELDS.editable)
    agreement = _locked_agreement(item.agreement, by)
    item = MilestoneScheduleItem.objects.select_for_update().get(pk=item.pk, agreement=agreement)
    changed = _apply(item, changes)
    _validate(item)
    item.save()
    if changed:
        _record_terms(
            by,
            agreement,
            "terms.milestone_schedule_changed",
            Message(
                gettext_lazy("Milestone payment %(name)s of %(reference)s changed: %(fields)s."),
                name=item.name,
                reference=agreement.reference,
                fields=field_names(MilestoneScheduleItem, changed),
            ),
            {"item": item.pk, **changed},
        )
    return item


@transaction.atomic
def milestone_schedule_item_delete(*, item: MilestoneScheduleItem, by) -> None:
    agreement = _locked_agreement(item.agreement, by)
    item = MilestoneScheduleItem.objects.select_for_update().get(pk=item.pk, agreement=agreement)
    before = {"item": item.pk, **_values(item, SCHEDULE_ITEM_FIELDS.editable)}
    name = item.name
    item.delete()
    _record_terms(
        by,
        agreement,
        "terms.milestone_unscheduled",
        Message(
            gettext_lazy("Milestone payment %(name)s removed from %(reference)s."),
            name=name,
            reference=agreement.reference,
        ),
        before,
    )
