"""Patent families, their applications in each office, office actions and
the money spent on protection. Every change to a family's facts refreshes
its docket (``deadlines_refresh``)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import has_full_access, is_centre_staff_user
from core.dates import PAST, TERM_END, date_check
from core.errors import DomainError, PermissionDenied
from core.events import publish
from core.i18n import Message, Money
from core.money import Currency, quantize_money
from core.text import text_input
from core.writable import WritableFields

from ..choices import (
    CHILD_KINDS,
    PHASE_KINDS,
    ApplicationKind,
    ApplicationStatus,
    IpCostKind,
    Jurisdiction,
)
from ..events import PatentApplicationStatusChanged
from ..models import Achievement, Counsel, IpCost, OfficeAction, PatentApplication, PatentFamily
from .achievements import achievement_record, refuse_unless_manager
from .docket import deadlines_refresh

FAMILY_FIELDS = WritableFields(
    fields=("achievement", "title", "priority_date"), fixed=("achievement",)
)
APPLICATION_FIELDS = WritableFields(
    fields=(
        "family",
        "jurisdiction",
        "office",
        "kind",
        "parent",
        "application_number",
        "filed_on",
        "publication_number",
        "published_on",
        "grant_number",
        "granted_on",
        "status",
        "counsel",
        "expires_on",
    ),
    fixed=("family",),
)
OFFICE_ACTION_FIELDS = WritableFields(
    fields=("application", "received_on", "term_months", "description", "responded_on"),
    fixed=("application",),
)
COST_FIELDS = WritableFields(
    fields=(
        "achievement",
        "application",
        "kind",
        "amount",
        "currency",
        "incurred_on",
        "counsel",
        "invoice_reference",
        "description",
    ),
)
COUNSEL_FIELDS = WritableFields(fields=("name", "name_zh", "kind", "email"))


class PatentError(DomainError):
    code = "invalid_patent"


def _unknown(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise PatentError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )


# --- Counsel -----------------------------------------------------------------


@transaction.atomic
def counsel_create(*, by, **fields) -> Counsel:
    if not (has_full_access(by) or is_centre_staff_user(by)):
        raise PermissionDenied(_("Only the office's staff keep the counsel directory."))
    _unknown(fields, COUNSEL_FIELDS.all)
    fields["name"] = text_input(
        fields.get("name"),
        model=Counsel,
        field="name",
        required=_("Name the firm or attorney."),
        error_class=PatentError,
    )
    if Counsel.objects.filter(name__iexact=fields["name"]).exists():
        raise PatentError(
            _("Counsel with this name exists."), code="duplicate_counsel", field="name"
        )
    counsel = Counsel(**fields)
    counsel.full_clean()
    counsel.save()
    return counsel


# --- Families ------------------------------------------------------------------


@transaction.atomic
def family_create(
    *, achievement: Achievement, by, title: str, priority_date: date | None = None
) -> PatentFamily:
    refuse_unless_manager(by, achievement)
    title = text_input(
        title,
        model=PatentFamily,
        field="title",
        required=_("Give the family a title."),
        error_class=PatentError,
    )
    date_check(priority_date, field="priority_date", bounds=PAST)
    family = PatentFamily.objects.create(
        achievement=achievement, title=title, priority_date=priority_date
    )
    achievement_record(
        achievement=achievement,
        by=by,
        verb="patent_family.created",
        summary=Message(gettext_lazy("Patent family “%(title)s” opened."), title=title),
    )
    deadlines_refresh(family)
    return family


@transaction.atomic
def family_update(*, family: PatentFamily, by, **changes) -> PatentFamily:
    _unknown(changes, FAMILY_FIELDS.editable)
    family = PatentFamily.objects.select_for_update().get(pk=family.pk)
    refuse_unless_manager(by, family.achievement)
    if "title" in changes:
        family.title = text_input(
            changes["title"],
            model=PatentFamily,
            field="title",
            required=_("Give the family a title."),
            error_class=PatentError,
        )
    if "priority_date" in changes:
        date_check(changes["priority_date"], field="priority_date", bounds=PAST)
        family.priority_date = changes["priority_date"]
        earlier = (
            family.applications.filter(filed_on__lt=family.priority_date).first()
            if (family.priority_date)
            else None
        )
        if earlier is not None:
            raise PatentError(
                _("%(application)s was filed before this priority date.")
                % {"application": earlier},
                code="filed_before_priority",
                field="priority_date",
            )
    family.save()
    deadlines_refresh(family)
    return family


# --- Applications --------------------------------------------------------------


def _check_application(application: PatentApplication) -> None:
    """The rules of an application's dates, kind and numbers; every refusal
    with its code and field."""
    family = application.family
    if application.jurisdiction == Jurisdiction.OTHER and not application.office.strip():
        raise PatentError(
            _("Name the office, e.g. AU or IN."), code="office_required", field="office"
        )
    if application.jurisdiction != Jurisdiction.OTHER:
        application.office = ""
    if (application.kind == ApplicationKind.PCT_INTERNATIONAL) != (
        application.jurisdiction == Jurisdiction.PCT
    ):
        raise PatentError(
            _("A PCT international application is filed in the PCT jurisdiction, and only it."),
            code="pct_kind_mismatch",
            field="kind",
        )
    for name in ("filed_on", "published_on", "granted_on"):
        date_check(getattr(application, name), field=name, bounds=PAST)
    date_check(application.expires_on, field="expires_on", bounds=TERM_END)
    if (
        family.priority_date
        and application.filed_on
        and application.filed_on < family.priority_date
    ):
        raise PatentError(
            _("An application is filed on or after the family's priority date (%(date)s).")
            % {"date": family.priority_date.isoformat()},
            code="filed_before_priority",
            field="filed_on",
        )
    if application.published_on and (
        not application.filed_on or application.published_on < application.filed_on
    ):
        raise PatentError(
            _("An application is published on or after its filing date."),
            code="published_before_filing",
            field="published_on",
        )
    if application.granted_on and (
        not application.filed_on or application.granted_on < application.filed_on
    ):
        raise PatentError(
            _("A patent is granted on or after its filing date."),
            code="granted_before_filing",
            field="granted_on",
        )
    if application.status == ApplicationStatus.GRANTED and not application.granted_on:
        raise PatentError(
            _("Give the date of grant."), code="grant_date_required", field="granted_on"
        )
    if application.status not in {ApplicationStatus.DRAFTING} and not application.filed_on:
        raise PatentError(
            _("Give the filing date: the application is past drafting."),
            code="filing_date_required",
            field="filed_on",
        )
    parent = application.parent
    if parent is not None and parent.family_id != family.pk:
        raise PatentError(
            _("The parent application is in another family."),
            code="parent_in_other_family",
            field="parent",
        )
    if parent is not None and application.pk and parent.pk == application.pk:
        raise PatentError(_("An application is not its own parent."), field="parent")
    if application.kind in PHASE_KINDS:
        pct_parent = parent is not None and parent.kind == ApplicationKind.PCT_INTERNATIONAL
        if not pct_parent and not family.priority_date:
            raise PatentError(
                _(
                    "A national or regional phase enters from a PCT application: choose it, "
                    "or give the family's priority date."
                ),
                code="phase_without_pct",
                field="parent",
            )
        if parent is not None and not pct_parent:
            raise PatentError(
                _("A national or regional phase enters from a PCT application."),
                code="phase_without_pct",
                field="parent",
            )
    if application.kind in CHILD_KINDS and parent is None:
        raise PatentError(
            _("A continuation or divisional continues an earlier application: choose it."),
            code="parent_required",
            field="parent",
        )
    number = application.application_number.strip()
    application.application_number = number
    if number:
        duplicate = PatentApplication.objects.filter(
            jurisdiction=application.jurisdiction,
            office=application.office,
            application_number__iexact=number,
        ).exclude(pk=application.pk)
        if duplicate.exists():
            raise PatentError(
                _("An application with this number exists in this jurisdiction."),
                code="duplicate_application_number",
                field="application_number",
            )


def _application_text(fields: dict) -> dict:
    for name in ("office", "application_number", "publication_number", "grant_number"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    return fields


@transaction.atomic
def application_create(*, by, family: PatentFamily, **fields) -> PatentApplication:
    _unknown(fields, APPLICATION_FIELDS.editable)
    family = PatentFamily.objects.select_for_update().get(pk=family.pk)
    refuse_unless_manager(by, family.achievement)
    application = PatentApplication(family=family, **_application_text(fields))
    _check_application(application)
    application.full_clean()
    application.save()
    achievement_record(
        achievement=family.achievement,
        by=by,
        verb="patent_application.created",
        summary=Message(
            gettext_lazy("Application %(application)s added to “%(family)s”."),
            application=str(application),
            family=family.title,
        ),
    )
    deadlines_refresh(family)
    return application


@transaction.atomic
def application_update(*, application: PatentApplication, by, **changes) -> PatentApplication:
    _unknown(changes, APPLICATION_FIELDS.editable)
    application = (
        PatentApplication.objects.select_for_update()
        .select_related("family__achievement")
        .get(pk=application.pk)
    )
    refuse_unless_manager(by, application.family.achievement)
    previous_status = application.status
    for name, value in _application_text(changes).items():
        setattr(application, name, value)
    _check_application(application)
    application.full_clean()
    application.save()
    if application.status != previous_status:
        achievement_record(
            achievement=application.family.achievement,
            by=by,
            verb="patent_application.status_changed",
            summary=Message(
                gettext_lazy("%(application)s: %(status)s."),
                application=str(application),
                status=ApplicationStatus(application.status).label,
            ),
            changes={"status": [previous_status, application.status]},
        )
        publish(
            PatentApplicationStatusChanged(
                application=application, previous_status=previous_status, by=by
            )
        )
    deadlines_refresh(application.family)
    return application


# --- Office actions --------------------------------------------------------------


@transaction.atomic
def office_action_record(
    *,
    application: PatentApplication,
    by,
    received_on: date,
    term_months: int,
    description: str = "",
) -> OfficeAction:
    """An office action received: its response goes onto the docket, and the
    application is in office action."""
    application = (
        PatentApplication.objects.select_for_update()
        .select_related("family__achievement")
        .get(pk=application.pk)
    )
    refuse_unless_manager(by, application.family.achievement)
    date_check(received_on, field="received_on", bounds=PAST)
    if application.filed_on is None or received_on < application.filed_on:
        raise PatentError(
            _("An office action comes after the filing."),
            code="action_before_filing",
            field="received_on",
        )
    action = OfficeAction(
        application=application,
        received_on=received_on,
        term_months=term_months,
        description=text_input(
            description, model=OfficeAction, field="description", error_class=PatentError
        ),
    )
    action.full_clean()
    action.save()
    if application.status in {
        ApplicationStatus.FILED,
        ApplicationStatus.PUBLISHED,
        ApplicationStatus.EXAMINATION,
    }:
        application_update(application=application, by=by, status=ApplicationStatus.OFFICE_ACTION)
    else:
        deadlines_refresh(application.family)
    return action


@transaction.atomic
def office_action_respond(*, action: OfficeAction, by, responded_on: date | None = None):
    action = (
        OfficeAction.objects.select_for_update()
        .select_related("application__family__achievement")
        .get(pk=action.pk)
    )
    application = action.application
    refuse_unless_manager(by, application.family.achievement)
    if action.responded_on is not None:
        raise PatentError(_("The response is recorded already."), code="already_responded")
    responded_on = responded_on or timezone.localdate()
    date_check(responded_on, field="responded_on", bounds=PAST)
    if responded_on < action.received_on:
        raise PatentError(
            _("A response comes on or after the action."),
            code="responded_before_action",
            field="responded_on",
        )
    action.responded_on = responded_on
    action.save()
    achievement_record(
        achievement=application.family.achievement,
        by=by,
        verb="office_action.responded",
        summary=Message(
            gettext_lazy(
                "Response filed to the office action of %(received_on)s on %(application)s."
            ),
            received_on=action.received_on,
            application=str(application),
        ),
    )
    if application.status == ApplicationStatus.OFFICE_ACTION and not (
        application.office_actions.filter(responded_on__isnull=True).exists()
    ):
        application_update(application=application, by=by, status=ApplicationStatus.EXAMINATION)
    else:
        deadlines_refresh(application.family)
    return action


# --- Costs -----------------------------------------------------------------------


@transaction.atomic
def ip_cost_record(
    *,
    achievement: Achievement,
    by,
    kind: str,
    amount: Decimal,
    currency: str,
    incurred_on: date,
    description: str,
    application: PatentApplication | None = None,
    counsel: Counsel | None = None,
    invoice_reference: str = "",
) -> IpCost:
    """Money spent on the achievement: an official fee, counsel's invoice…"""
    refuse_unless_manager(by, achievement)
    if application is not None and application.family.achievement_id != achievement.pk:
        raise PatentError(
            _("The application belongs to another achievement."),
            code="application_of_other_achievement",
            field="application",
        )
    if kind not in IpCostKind.values:
        raise PatentError(_("Choose what the money was for."), field="kind")
    if currency not in Currency.values:
        raise PatentError(_("Unknown currency."), field="currency")
    amount = quantize_money(amount, currency)
    if amount <= 0:
        raise PatentError(_("A cost is a positive amount."), code="invalid_amount", field="amount")
    date_check(incurred_on, field="incurred_on", bounds=PAST)
    cost = IpCost(
        achievement=achievement,
        application=application,
        kind=kind,
        amount=amount,
        currency=currency,
        incurred_on=incurred_on,
        counsel=counsel,
        invoice_reference=(invoice_reference or "").strip(),
        description=text_input(
            description,
            model=IpCost,
            field="description",
            required=_("Say what the money was spent on."),
            error_class=PatentError,
        ),
        recorded_by=by,
    )
    cost.full_clean()
    cost.save()
    achievement_record(
        achievement=achievement,
        by=by,
        verb="ip_cost.recorded",
        summary=Message(
            gettext_lazy("%(kind)s of %(amount)s recorded."),
            kind=IpCostKind(kind).label,
            amount=Money(amount, currency),
        ),
    )
    return cost
