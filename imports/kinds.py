"""What can be imported, kind by kind: the columns of each kind, its
natural key, and how a row is written — always through the owning app's
services, which check every rule and record every audit entry.

A column is named by its key (``lead_institution``), or by the label of the
model field it fills, in English or Chinese (the template's headers). A
reference column holds the natural key of another record: a code, a USCC,
an agreement's reference.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from achievements import services as achievement_services
from achievements.models import Achievement, PatentApplication, PatentFamily
from core.errors import DomainError
from core.money import Currency
from partnerships import services as partnership_services
from partnerships.choices import EnterpriseSize, InstitutionKind, MilestoneKind, Party
from partnerships.computations.royalties import Tier
from partnerships.models import (
    Agreement,
    Enterprise,
    Institution,
    JointCentre,
    Partnership,
    Person,
)
from partnerships.selectors import acts_for_research_party
from pipelines.models import StageDefinition
from projects import services as project_services
from projects.choices import ProjectStatus, RoyaltyReportStatus, TherapeuticArea
from projects.models import Milestone, ResearchProject, RoyaltyReport

from . import values
from .values import CellError


def normalize(header: str) -> str:
    """A header as compared: no case, no surrounding blanks or asterisks."""
    return " ".join(str(header).replace("*", " ").split()).casefold()


# --- Columns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a kind. ``parse`` turns a non-empty cell into the value
    the service takes; an empty cell is ``empty``."""

    key: str
    label: object
    parse: Callable = values.text
    required: bool = False
    empty: object = ""
    choices: tuple = ()
    help: object = ""

    def names(self) -> set[str]:
        """The headers that name this column."""
        names = {normalize(self.key)}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.add(normalize(str(self.label)))
        return names

    def label_in(self, language: str) -> str:
        with translation.override(language):
            return str(self.label)


def _label(model, name):
    return model._meta.get_field(name).verbose_name


def text_column(model, name, *, key=None, required=False, **extra) -> Column:
    return Column(key or name, _label(model, name), values.text, required, **extra)


def _listing(choices) -> str:
    """The choices as a reader of the current language names them."""
    return _(", ").join(str(label) for _code, label in choices)


def choice_column(model, name, choices, *, key=None, required=False, empty="") -> Column:
    lookup = {}
    for code, label in choices:
        lookup[normalize(code)] = code
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[normalize(str(label))] = code

    def parse(value):
        found = lookup.get(normalize(values.text(value)))
        if found is None:
            raise CellError(
                _("%(value)s is not one of: %(choices)s.")
                % {"value": values.text(value), "choices": _listing(choices)},
                code="invalid_choice",
            )
        return found

    return Column(
        key or name, _label(model, name), parse, required, empty=empty, choices=tuple(choices)
    )


def date_column(model, name, *, key=None, required=False) -> Column:
    return Column(key or name, _label(model, name), values.parse_date, required, empty=None)


def decimal_column(model, name, *, key=None, required=False, empty=None) -> Column:
    return Column(key or name, _label(model, name), values.parse_decimal, required, empty=empty)


def int_column(model, name, *, key=None, required=False, empty=None) -> Column:
    return Column(key or name, _label(model, name), values.parse_int, required, empty=empty)


def reference_column(
    model, name, target, lookup: str, *, key=None, required=False, label=None
) -> Column:
    """A column naming another record by its natural key."""

    def parse(value):
        natural = values.text(value)
        found = target.objects.filter(**{lookup: natural}).first()
        if found is None:
            raise CellError(
                _("No %(model)s has %(field)s %(value)s.")
                % {
                    "model": target._meta.verbose_name,
                    "field": target._meta.get_field(lookup.split("__")[0]).verbose_name,
                    "value": natural,
                },
                code="not_found",
            )
        return found

    return Column(
        key or name, label or _label(model, name), parse, required, empty=None, help=lookup
    )


CURRENCY_CHOICES = tuple(Currency.choices)


def field_column(model, name, *, required=False) -> Column:
    """A column for a model field, parsed by the field's type."""
    field = model._meta.get_field(name)
    if field.choices:
        return choice_column(model, name, field.choices, required=required)
    if isinstance(field, models.DateField):
        return date_column(model, name, required=required)
    if isinstance(field, models.DecimalField):
        return decimal_column(model, name, required=required)
    if isinstance(field, models.IntegerField):
        return int_column(model, name, required=required)
    if isinstance(field, models.BooleanField):
        return Column(name, _label(model, name), values.parse_bool, required, empty=None)
    return text_column(model, name, required=required)


# --- Kinds ---------------------------------------------------------------------------


class Kind:
    """One kind of record an office imports."""

    name: str = ""
    label = ""
    model: type[models.Model]
    # The columns that identify a record again on a second import.
    key: tuple[str, ...] = ()
    # The column a service's field is reported on, where they differ.
    field_columns: dict[str, str] = {}

    def columns(self) -> tuple[Column, ...]:
        raise NotImplementedError

    def label_in(self, language: str) -> str:
        with translation.override(language):
            return str(self.label)

    @cached_property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns()

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.all_columns}

    def find(self, row: dict):
        """The record the row updates, or None for a new one."""
        raise NotImplementedError

    def write(self, row: dict, existing, by):
        """Create or update through the services; return the record."""
        raise NotImplementedError

    @staticmethod
    def details(row: dict, keys) -> dict:
        """The optional fields the row states (an empty cell leaves a field
        as it is)."""
        return {key: row[key] for key in keys if key in row and row[key] not in (None, "")}


class InstitutionKind_(Kind):
    name = "institutions"
    label = gettext_lazy("Institutions")
    model = Institution
    key = ("code",)
    FIELDS = ("name_zh", "country", "region", "city", "website", "fiscal_year_start_month")
    FIELDS += ("unified_social_credit_code", "registered_address", "bank_name", "bank_branch")
    FIELDS += ("bank_account_number",)

    def columns(self):
        return (
            text_column(Institution, "code", required=True),
            text_column(Institution, "name", required=True),
            choice_column(Institution, "kind", InstitutionKind.choices, required=True),
            *(
                int_column(Institution, name)
                if name == "fiscal_year_start_month"
                else text_column(Institution, name)
                for name in self.FIELDS
            ),
        )

    def find(self, row):
        return Institution.objects.filter(code=row["code"]).first()

    def write(self, row, existing, by):
        details = self.details(row, self.FIELDS)
        if existing is None:
            return partnership_services.institution_create(
                by=by, code=row["code"], name=row["name"], kind=row["kind"], **details
            )
        return partnership_services.institution_update(
            institution=existing, by=by, name=row["name"], kind=row["kind"], **details
        )


class EnterpriseKind(Kind):
    name = "enterprises"
    label = gettext_lazy("Enterprises")
    model = Enterprise
    key = ("code",)
    FIELDS = ("name_zh", "founded_on", "dissolved_on", "country", "region", "city", "website")
    FIELDS += ("unified_social_credit_code", "registered_address")

    def columns(self):
        return (
            text_column(Enterprise, "code", required=True),
            text_column(Enterprise, "name", required=True),
            choice_column(Enterprise, "size", EnterpriseSize.choices, required=True),
            *(
                date_column(Enterprise, name)
                if name.endswith("_on")
                else text_column(Enterprise, name)
                for name in self.FIELDS
            ),
        )

    def find(self, row):
        found = Enterprise.objects.filter(code=row["code"]).first()
        uscc = row.get("unified_social_credit_code")
        if found is None and uscc:
            found = Enterprise.objects.filter(unified_social_credit_code=uscc).first()
        return found

    def write(self, row, existing, by):
        details = self.details(row, self.FIELDS)
        if existing is None:
            return partnership_services.enterprise_create(
                by=by, code=row["code"], name=row["name"], size=row["size"], **details
            )
        return partnership_services.enterprise_update(
            enterprise=existing, by=by, name=row["name"], size=row["size"], **details
        )


class PersonKind(Kind):
    name = "people"
    label = gettext_lazy("People")
    model = Person
    key = ("full_name", "institution", "enterprise")
    FIELDS = ("name_zh", "job_title", "email", "phone")

    def columns(self):
        return (
            text_column(Person, "full_name", required=True),
            reference_column(Person, "institution", Institution, "code"),
            reference_column(Person, "enterprise", Enterprise, "code"),
            *(text_column(Person, name) for name in self.FIELDS),
        )

    def find(self, row):
        return Person.objects.filter(
            full_name=row["full_name"],
            institution=row.get("institution"),
            enterprise=row.get("enterprise"),
        ).first()

    def write(self, row, existing, by):
        details = self.details(row, self.FIELDS)
        organisation = {
            "institution": row.get("institution"),
            "enterprise": row.get("enterprise"),
        }
        if existing is None:
            return partnership_services.person_create(
                by=by, full_name=row["full_name"], **organisation, **details
            )
        return partnership_services.person_update(person=existing, by=by, **details)


def parse_stage_history(value) -> list[tuple[str, object]]:
    """``DISCOVERY:2019-03-01; PRECLINICAL:2021/5/4``: the codes of the
    stages entered, each with its date, oldest first."""
    entries = []
    for part in values.text(value).replace("；", ";").split(";"):
        if not part.strip():
            continue
        code, sep, day = part.replace("：", ":").partition(":")
        if not sep or not code.strip():
            raise CellError(
                _("Write the history as STAGE:date; STAGE:date, oldest first."),
                code="invalid_history",
            )
        entries.append((code.strip(), values.parse_date(day.strip())))
    return entries


class ProjectKind(Kind):
    name = "projects"
    label = gettext_lazy("Research projects")
    model = ResearchProject
    key = ("code",)
    field_columns = {"started_on": "stage_history", "current_stage": "current_stage"}
    FIELDS = ("title_zh", "principal_investigator", "joint_centre", "partnership", "agreement")
    FIELDS += ("therapeutic_area", "budget", "currency", "description")

    def columns(self):
        P = ResearchProject
        return (
            text_column(P, "code", required=True),
            text_column(P, "title", required=True),
            Column(
                "pipeline",
                gettext_lazy("pipeline"),
                required=True,
                help=gettext_lazy("The pipeline's code."),
            ),
            Column(
                "current_stage",
                _label(P, "current_stage"),
                required=True,
                help=gettext_lazy("The stage's code."),
            ),
            choice_column(P, "status", ProjectStatus.choices, empty=ProjectStatus.ACTIVE),
            reference_column(P, "lead_institution", Institution, "code", required=True),
            int_column(P, "trl", required=True),
            date_column(P, "start_date", required=True),
            text_column(P, "title_zh"),
            Column(
                "principal_investigator",
                _label(P, "principal_investigator"),
                help=gettext_lazy("The person's full name."),
                empty=None,
            ),
            reference_column(P, "joint_centre", JointCentre, "code"),
            reference_column(P, "partnership", Partnership, "code"),
            reference_column(P, "agreement", Agreement, "reference"),
            choice_column(P, "therapeutic_area", TherapeuticArea.choices),
            decimal_column(P, "budget"),
            choice_column(P, "currency", CURRENCY_CHOICES),
            text_column(P, "description"),
            Column(
                "stage_history",
                gettext_lazy("stage history"),
                parse_stage_history,
                empty=None,
                help=gettext_lazy("STAGE:date; STAGE:date, oldest first"),
            ),
        )

    def find(self, row):
        return ResearchProject.objects.filter(code=row["code"]).first()

    def _stage(self, pipeline: str, code: str, column: str) -> StageDefinition:
        stage = (
            StageDefinition.objects.select_related("pipeline")
            .filter(pipeline__code=pipeline, code=code)
            .first()
        )
        if stage is None:
            raise RowError(
                column,
                code,
                _("The pipeline %(pipeline)s has no stage %(stage)s.")
                % {"pipeline": pipeline, "stage": code},
                "not_found",
            )
        return stage

    def _person(self, row):
        name = row.get("principal_investigator")
        if not name:
            return None
        person = (
            Person.objects.filter(full_name=name, institution=row["lead_institution"]).first()
            or Person.objects.filter(full_name=name).first()
        )
        if person is None:
            raise RowError(
                "principal_investigator",
                name,
                _("No person is named %(name)s.") % {"name": name},
                "not_found",
            )
        return person

    def write(self, row, existing, by):
        current = self._stage(row["pipeline"], row["current_stage"], "current_stage")
        history = None
        if row.get("stage_history"):
            history = [
                project_services.StageEntry(
                    stage=self._stage(row["pipeline"], code, "stage_history"), entered_on=day
                )
                for code, day in row["stage_history"]
            ]
        particulars = self.details(row, self.FIELDS) | {
            "title": row["title"],
            "lead_institution": row["lead_institution"],
            "trl": row["trl"],
            "start_date": row["start_date"],
        }
        if "principal_investigator" in particulars:
            particulars["principal_investigator"] = self._person(row)
        status = row.get("status") or ProjectStatus.ACTIVE
        if existing is None:
            first = history[0] if history else None
            project = ResearchProject(
                code=row["code"],
                current_stage=first.stage if first else current,
                status=ProjectStatus.ACTIVE if first else status,
                **particulars,
            )
            project = project_services.project_register(
                project=project,
                by=by,
                rationale=_("Imported."),
                started_on=first.entered_on if first else None,
            )
        else:
            project = existing
        if history is not None:
            project_services.project_history_import(
                project=project, entries=history, by=by, status=status
            )
            project.refresh_from_db()
        if (project.current_stage_id, project.status) != (current.pk, status):
            raise RowError(
                "current_stage",
                row["current_stage"],
                _(
                    "The project is %(status)s at %(stage)s in BioBridge; its stage and "
                    "status move by stage-gate decisions or a stage history, not by this "
                    "column."
                )
                % {"status": project.status, "stage": project.current_stage.code},
                "stage_conflict",
            )
        if existing is not None:
            project = project_services.project_update(project=existing, by=by, **particulars)
        return project


class MilestoneKind_(Kind):
    name = "milestones"
    label = gettext_lazy("Milestones")
    model = Milestone
    key = ("project", "name")

    def columns(self):
        M = Milestone
        return (
            reference_column(M, "project", ResearchProject, "code", required=True),
            text_column(M, "name", required=True),
            reference_column(M, "agreement", Agreement, "reference", required=True),
            choice_column(M, "kind", MilestoneKind.choices, required=True),
            decimal_column(M, "amount", required=True),
            choice_column(M, "currency", CURRENCY_CHOICES, required=True),
            choice_column(
                M,
                "status",
                [(s.value, s.label) for s in project_services.IMPORTABLE_MILESTONE_STATUSES],
                empty="planned",
            ),
            Column(
                "trigger_stage",
                _label(M, "trigger_stage"),
                help=gettext_lazy("The stage's code, in the project's pipeline."),
            ),
            text_column(M, "trigger_event"),
            date_column(M, "due_date"),
            date_column(M, "claimed_at", key="claimed_on"),
            date_column(M, "verified_at", key="verified_on"),
            Column("invoice_number", gettext_lazy("invoice number")),
            Column(
                "invoiced_on",
                gettext_lazy("invoiced on"),
                values.parse_date,
                empty=None,
            ),
            Column("paid_amount", gettext_lazy("amount paid"), values.parse_decimal, empty=None),
            Column("paid_on", gettext_lazy("paid on"), values.parse_date, empty=None),
            Column("payment_reference", gettext_lazy("payment reference")),
        )

    def find(self, row):
        return Milestone.objects.filter(project=row["project"], name=row["name"]).first()

    def write(self, row, existing, by):
        project = row["project"]
        trigger_stage = None
        if row.get("trigger_stage"):
            trigger_stage = StageDefinition.objects.filter(
                pipeline=project.current_stage.pipeline_id, code=row["trigger_stage"]
            ).first()
            if trigger_stage is None:
                raise RowError(
                    "trigger_stage",
                    row["trigger_stage"],
                    _("The project's pipeline has no stage %(stage)s.")
                    % {"stage": row["trigger_stage"]},
                    "not_found",
                )
        record = project_services.MilestoneRecord(
            name=row["name"],
            kind=row["kind"],
            amount=row["amount"],
            currency=row["currency"],
            status=row.get("status") or "planned",
            trigger_stage=trigger_stage,
            trigger_event=row.get("trigger_event") or "",
            due_date=row.get("due_date"),
            claimed_on=row.get("claimed_on"),
            verified_on=row.get("verified_on"),
            invoice_number=row.get("invoice_number") or "",
            invoiced_on=row.get("invoiced_on"),
            paid_amount=row.get("paid_amount"),
            paid_on=row.get("paid_on"),
            payment_reference=row.get("payment_reference") or "",
        )
        return project_services.milestone_history_import(
            project=project, agreement=row["agreement"], record=record, by=by, milestone=existing
        )


class PartnershipKind(Kind):
    name = "partnerships"
    label = gettext_lazy("Partnerships")
    model = Partnership
    key = ("code",)
    FIELDS = ("status", "institution", "joint_centre", "ended_on", "description")

    def columns(self):
        P = Partnership
        return (
            text_column(P, "code", required=True),
            text_column(P, "title", required=True),
            field_column(P, "mode", required=True),
            reference_column(P, "enterprise", Enterprise, "code", required=True),
            date_column(P, "started_on", required=True),
            field_column(P, "status"),
            reference_column(P, "institution", Institution, "code"),
            reference_column(P, "joint_centre", JointCentre, "code"),
            date_column(P, "ended_on"),
            text_column(P, "description"),
        )

    def find(self, row):
        return Partnership.objects.filter(code=row["code"]).first()

    def write(self, row, existing, by):
        details = self.details(row, self.FIELDS)
        particulars = {
            "title": row["title"],
            "mode": row["mode"],
            "enterprise": row["enterprise"],
            "started_on": row["started_on"],
        }
        if existing is None:
            return partnership_services.partnership_create(
                by=by, code=row["code"], **particulars, **details
            )
        return partnership_services.partnership_update(
            partnership=existing, by=by, **particulars, **details
        )


def _split(value) -> list[list[str]]:
    """``a:b:c; d:e:f`` as ``[[a, b, c], [d, e, f]]`` (full-width
    punctuation too)."""
    raw = values.text(value).replace("；", ";").replace("：", ":")
    return [[part.strip() for part in item.split(":")] for item in raw.split(";") if item.strip()]


def parse_tiers(value):
    """``0:5; 10000000:3``: each tier's lower bound of sales and its rate
    in percent."""
    tiers = []
    for parts in _split(value):
        if len(parts) != 2:
            raise CellError(
                _("Write the tiers as lower bound:rate; lower bound:rate, e.g. 0:5; 10000000:3."),
                code="invalid_tiers",
            )
        tiers.append(
            Tier(
                lower_bound=values.parse_decimal(parts[0]),
                rate_percent=values.parse_decimal(parts[1]),
            )
        )
    return tiers


def parse_cost_shares(value):
    """``PIPELINE:first stage:last stage:party:percent; …``."""
    shares = []
    for parts in _split(value):
        if len(parts) != 5:
            raise CellError(
                _(
                    "Write each cost share as pipeline:first stage:last stage:party:percent, "
                    "separated by semicolons."
                ),
                code="invalid_cost_shares",
            )
        pipeline, first, last, party, percent = parts
        stages = {
            stage.code: stage
            for stage in StageDefinition.objects.filter(
                pipeline__code=pipeline, code__in=[first, last]
            )
        }
        for code in (first, last):
            if code not in stages:
                raise CellError(
                    _("The pipeline %(pipeline)s has no stage %(stage)s.")
                    % {"pipeline": pipeline, "stage": code},
                    code="not_found",
                )
        if party not in Party.values:
            raise CellError(
                _("%(value)s is not one of: %(choices)s.")
                % {"value": party, "choices": _listing(Party.choices)},
                code="invalid_choice",
            )
        shares.append(
            partnership_services.CostShareInput(
                first_stage=stages[first],
                last_stage=stages[last],
                party=party,
                percent=values.parse_decimal(percent),
            )
        )
    return shares


def parse_schedule(value):
    """``name:kind:amount[:PIPELINE/stage]; …``: the milestone payments the
    agreement promises, each triggered by entering a stage or by an event."""
    items = []
    for parts in _split(value):
        if len(parts) not in (3, 4):
            raise CellError(
                _(
                    "Write each milestone payment as name:kind:amount, or "
                    "name:kind:amount:pipeline/stage, separated by semicolons."
                ),
                code="invalid_schedule",
            )
        name, kind, amount = parts[:3]
        if kind not in MilestoneKind.values:
            raise CellError(
                _("%(value)s is not one of: %(choices)s.")
                % {"value": kind, "choices": _listing(MilestoneKind.choices)},
                code="invalid_choice",
            )
        item = {"name": name, "kind": kind, "amount": values.parse_decimal(amount)}
        if len(parts) == 4:
            pipeline, _slash, stage_code = parts[3].partition("/")
            stage = StageDefinition.objects.filter(
                pipeline__code=pipeline, code=stage_code
            ).first()
            if stage is None:
                raise CellError(
                    _("The pipeline %(pipeline)s has no stage %(stage)s.")
                    % {"pipeline": pipeline, "stage": stage_code},
                    code="not_found",
                )
            item["trigger_stage"] = stage
        else:
            item["trigger_event"] = name
        items.append(item)
    return items


@contextmanager
def _on_column(column: str, row: dict):
    """A service's refusal of what one cell holds, reported on that cell
    (a refusal of the user stays what it is)."""
    try:
        yield
    except DomainError as error:
        if error.code == "permission_denied":
            raise
        raw = row.get("__raw__", {}).get(column, "")
        raise RowError(column, raw, error.message, error.code) from error
    except ValidationError as error:
        raw = row.get("__raw__", {}).get(column, "")
        raise RowError(column, raw, " ".join(error.messages), "invalid") from error


class AgreementKind_(Kind):
    """Agreements with their terms: payment terms as columns, the royalty
    tiers, cost shares and milestone schedule each in a cell."""

    name = "agreements"
    label = gettext_lazy("Agreements")
    model = Agreement
    key = ("reference",)
    field_columns = {"first_stage": "cost_shares", "tiers": "royalty_tiers"}
    FIELDS = (
        "status", "signed_on", "effective_on", "expires_on", "terminated_on", "exclusivity",
        "registration_number", "contract_value", "currency", "licensee_size",
        "licensee_employees", "licensee_formed_for_licence", "field_of_use", "territory",
        "institution_ip_share", "upfront_amount", "upfront_due_on", "annual_licence_fee",
        "annual_maintenance_fee", "royalty_basis", "royalty_term_years",
        "minimum_annual_royalty", "sublicense_income_share", "equity_share",
        "royalty_reporting", "royalty_report_due_days", "sales_breakdown_required", "renewal",
        "renewal_notice_days", "renewal_term_months",
    )  # fmt: skip

    def columns(self):
        A = Agreement
        return (
            reference_column(A, "partnership", Partnership, "code", required=True),
            text_column(A, "reference", required=True),
            text_column(A, "title", required=True),
            field_column(A, "kind", required=True),
            *(field_column(A, name) for name in self.FIELDS),
            Column(
                "royalty_tiers",
                gettext_lazy("royalty tiers"),
                parse_tiers,
                empty=None,
                help=gettext_lazy("lower bound:rate %; …, e.g. 0:5; 10000000:3"),
            ),
            Column(
                "cost_shares",
                gettext_lazy("cost shares"),
                parse_cost_shares,
                empty=None,
                help=gettext_lazy(
                    "pipeline:first stage:last stage:party:percent; …, e.g. "
                    "BIOMED-DRUG:basic_research:preclinical:research:60"
                ),
            ),
            Column(
                "milestone_schedule",
                gettext_lazy("milestone schedule"),
                parse_schedule,
                empty=None,
                help=gettext_lazy(
                    "name:kind:amount[:pipeline/stage]; …, e.g. "
                    "IND filed:regulatory:500000:BIOMED-DRUG/ind_filing"
                ),
            ),
        )

    def find(self, row):
        return Agreement.objects.filter(reference=row["reference"]).first()

    def write(self, row, existing, by):
        details = self.details(row, self.FIELDS)
        particulars = {"title": row["title"], "kind": row["kind"]}
        if existing is None:
            # An agreement that ended before BioBridge is recorded as signed
            # and then terminated, as it happened: a new agreement is a
            # draft or signed.
            ending = {}
            if details.get("status") == Agreement.Status.TERMINATED:
                ending = {"status": details.pop("status")}
                if "terminated_on" in details:
                    ending["terminated_on"] = details.pop("terminated_on")
                details["status"] = Agreement.Status.SIGNED
            agreement = partnership_services.agreement_create(
                by=by,
                partnership=row["partnership"],
                reference=row["reference"],
                **particulars,
                **details,
            )
            if ending:
                agreement = partnership_services.agreement_update(
                    agreement=agreement, by=by, **ending
                )
        else:
            if existing.partnership_id != row["partnership"].pk:
                raise RowError(
                    "partnership",
                    row["partnership"].code,
                    _("An agreement's partnership is chosen once."),
                    "not_editable",
                )
            agreement = partnership_services.agreement_update(
                agreement=existing, by=by, **particulars, **details
            )
        tiers = row.get("royalty_tiers")
        if tiers is not None:
            stored = [
                (tier.lower_bound, tier.rate_percent)
                for tier in agreement.royalty_tiers.order_by("lower_bound")
            ]
            wanted = sorted((tier.lower_bound, tier.rate_percent) for tier in tiers)
            if stored != wanted:
                with _on_column("royalty_tiers", row):
                    partnership_services.royalty_tiers_set(agreement=agreement, tiers=tiers, by=by)
        shares = row.get("cost_shares")
        if shares is not None:
            stored = sorted(
                (s.first_stage_id, s.last_stage_id, s.party, s.percent)
                for s in agreement.cost_shares.all()
            )
            wanted = sorted(
                (s.first_stage.pk, s.last_stage.pk, s.party, s.percent) for s in shares
            )
            if stored != wanted:
                with _on_column("cost_shares", row):
                    partnership_services.cost_shares_set(agreement=agreement, shares=shares, by=by)
        schedule = row.get("milestone_schedule")
        if schedule:
            # Payments already scheduled are kept as they are; the file adds
            # the ones the agreement does not have yet, by name.
            scheduled = set(agreement.milestone_schedule.values_list("name", flat=True))
            for item in schedule:
                if item["name"] not in scheduled:
                    with _on_column("milestone_schedule", row):
                        partnership_services.milestone_schedule_item_create(
                            agreement=agreement, by=by, **item
                        )
        return agreement


class RoyaltyReportKind_(Kind):
    """Royalty reports of past periods, as submitted or accepted. The
    royalty due is computed from the agreement's tiers, as for any report."""

    name = "royalty_reports"
    label = gettext_lazy("Royalty reports")
    model = RoyaltyReport
    key = ("agreement", "period_start", "period_end")
    STATUSES = ("submitted", "accepted")

    def columns(self):
        R = RoyaltyReport
        return (
            reference_column(R, "agreement", Agreement, "reference", required=True),
            date_column(R, "period_start", required=True),
            date_column(R, "period_end", required=True),
            decimal_column(R, "net_sales", required=True),
            decimal_column(R, "sublicense_income"),
            choice_column(
                R,
                "status",
                [(c, label) for c, label in RoyaltyReportStatus.choices if c in self.STATUSES],
                empty="submitted",
            ),
            reference_column(R, "project", ResearchProject, "code"),
            text_column(R, "note"),
        )

    def find(self, row):
        return RoyaltyReport.objects.filter(
            agreement=row["agreement"],
            kind="sales",
            period_start=row["period_start"],
            period_end=row["period_end"],
        ).first()

    def write(self, row, existing, by):
        if existing is None:
            report = project_services.royalty_report_submit(
                agreement=row["agreement"],
                by=by,
                period_start=row["period_start"],
                period_end=row["period_end"],
                net_sales=row["net_sales"],
                sublicense_income=row.get("sublicense_income") or Decimal(0),
                project=row.get("project"),
                note=row.get("note") or "",
            )
        else:
            if not acts_for_research_party(by, existing.agreement):
                raise RowError(
                    "agreement",
                    existing.agreement.reference,
                    _("Only the licensor's staff import its royalty reports."),
                    "permission_denied",
                )
            report = existing
            if report.net_sales != row["net_sales"]:
                raise RowError(
                    "net_sales",
                    row["__raw__"].get("net_sales", ""),
                    _(
                        "A report for this period is recorded with net sales of %(sales)s; "
                        "it is corrected in BioBridge, not by an import."
                    )
                    % {"sales": report.net_sales},
                    "report_conflict",
                )
        if row.get("status") == "accepted" and report.status == "submitted":
            project_services.royalty_report_accept(report=report, by=by)
        return report


def parse_owners(value):
    """``INST:60; ENT:40``: owners by the code of their institution (or, if
    no institution has it, their enterprise) and their share in percent."""
    owners = []
    for parts in _split(value):
        if len(parts) != 2:
            raise CellError(
                _("Write the owners as code:share; code:share, e.g. TSU:60; ENT1:40."),
                code="invalid_owners",
            )
        code, share = parts
        institution = Institution.objects.filter(code=code).first()
        enterprise = None if institution else Enterprise.objects.filter(code=code).first()
        if institution is None and enterprise is None:
            raise CellError(
                _("No institution or enterprise has the code %(code)s.") % {"code": code},
                code="not_found",
            )
        owners.append(
            achievement_services.OwnerInput(
                share_percent=values.parse_decimal(share),
                institution=institution,
                enterprise=enterprise,
            )
        )
    return owners


def parse_inventors(value):
    """``Li Wei:60; Wang Fang:40``: inventors by their full name and their
    contribution in percent."""
    inventors = []
    for parts in _split(value):
        if len(parts) != 2:
            raise CellError(
                _("Write the inventors as name:contribution; name:contribution."),
                code="invalid_inventors",
            )
        name, contribution = parts
        people = list(Person.objects.filter(full_name=name)[:2])
        if len(people) != 1:
            raise CellError(
                _("No one person is named %(name)s.") % {"name": name},
                code="not_found" if not people else "ambiguous",
            )
        inventors.append(
            achievement_services.InventorInput(
                person=people[0], contribution_percent=values.parse_decimal(contribution)
            )
        )
    return inventors


def parse_project_codes(value):
    codes = [code.strip() for code in values.text(value).replace("；", ";").split(";")]
    codes = [code for code in codes if code]
    projects = list(ResearchProject.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {project.code for project in projects})
    if missing:
        raise CellError(
            _("No project has the code %(code)s.") % {"code": ", ".join(missing)},
            code="not_found",
        )
    return projects


class AchievementKind_(Kind):
    name = "achievements"
    label = gettext_lazy("Achievements")
    model = Achievement
    key = ("reference",)
    field_columns = {"owners": "owners", "inventors": "inventors", "projects": "projects"}
    FIELDS = ("title_zh", "summary", "funding_reference", "trl")

    def columns(self):
        A = Achievement
        return (
            text_column(A, "reference", required=True),
            text_column(A, "title", required=True),
            field_column(A, "kind", required=True),
            date_column(A, "disclosed_on", required=True),
            field_column(A, "funding_source", required=True),
            Column(
                "owners",
                gettext_lazy("owners"),
                parse_owners,
                required=True,
                empty=None,
                help=gettext_lazy("code:share %; …, e.g. TSU:60; ENT1:40"),
            ),
            Column(
                "inventors",
                gettext_lazy("inventors"),
                parse_inventors,
                required=True,
                empty=None,
                help=gettext_lazy("full name:contribution %; …"),
            ),
            Column(
                "projects",
                _label(A, "projects"),
                parse_project_codes,
                empty=None,
                help=gettext_lazy("project codes, separated by semicolons"),
            ),
            *(field_column(A, name) for name in self.FIELDS),
        )

    def find(self, row):
        return Achievement.objects.filter(reference__iexact=row["reference"]).first()

    def write(self, row, existing, by):
        details = self.details(row, self.FIELDS)
        particulars = {
            "title": row["title"],
            "kind": row["kind"],
            "disclosed_on": row["disclosed_on"],
            "funding_source": row["funding_source"],
        }
        relations = {"owners": row["owners"], "inventors": row["inventors"]}
        if row.get("projects") is not None:
            relations["projects"] = row["projects"]
        if existing is None:
            return achievement_services.achievement_create(
                by=by, reference=row["reference"], **particulars, **details, **relations
            )
        return achievement_services.achievement_update(
            achievement=existing, by=by, **particulars, **details, **relations
        )


class PatentApplicationKind(Kind):
    """Patent applications, each in its family of its achievement; a family
    named for the first time is opened."""

    name = "patent_applications"
    label = gettext_lazy("Patent applications")
    model = PatentApplication
    key = ("application_number",)
    FIELDS = (
        "office", "filed_on", "publication_number", "published_on", "grant_number",
        "granted_on", "status", "expires_on",
    )  # fmt: skip

    def columns(self):
        P = PatentApplication
        return (
            reference_column(P, "achievement", Achievement, "reference", required=True,
                             label=gettext_lazy("achievement")),
            Column("family", _label(P, "family"), required=True,
                   help=gettext_lazy("The family's title; a new title opens a family.")),
            Column("priority_date", _label(PatentFamily, "priority_date"), values.parse_date,
                   empty=None),
            field_column(P, "jurisdiction", required=True),
            field_column(P, "kind", required=True),
            text_column(P, "application_number", required=True),
            Column("parent", _label(P, "parent"),
                   help=gettext_lazy("The parent application's number.")),
            *(field_column(P, name) for name in self.FIELDS),
        )  # fmt: skip

    def find(self, row):
        return PatentApplication.objects.filter(
            application_number=row["application_number"]
        ).first()

    def write(self, row, existing, by):
        achievement = row["achievement"]
        family = PatentFamily.objects.filter(achievement=achievement, title=row["family"]).first()
        if family is None:
            family = achievement_services.family_create(
                achievement=achievement,
                by=by,
                title=row["family"],
                priority_date=row.get("priority_date"),
            )
        fields = self.details(row, self.FIELDS) | {
            "jurisdiction": row["jurisdiction"],
            "kind": row["kind"],
            "application_number": row["application_number"],
        }
        if row.get("parent"):
            parent = PatentApplication.objects.filter(
                family=family, application_number=row["parent"]
            ).first()
            if parent is None:
                raise RowError(
                    "parent",
                    row["parent"],
                    _("The family has no application %(number)s.") % {"number": row["parent"]},
                    "not_found",
                )
            fields["parent"] = parent
        if existing is None:
            return achievement_services.application_create(by=by, family=family, **fields)
        if existing.family_id != family.pk:
            raise RowError(
                "family",
                row["family"],
                _("The application belongs to another family."),
                "not_editable",
            )
        return achievement_services.application_update(application=existing, by=by, **fields)


@dataclass
class RowError(Exception):
    """A row refused at one column."""

    column: str
    value: object
    message: str
    code: str = "invalid"
    extra: dict = field(default_factory=dict)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        InstitutionKind_(),
        EnterpriseKind(),
        PersonKind(),
        PartnershipKind(),
        AgreementKind_(),
        ProjectKind(),
        MilestoneKind_(),
        RoyaltyReportKind_(),
        AchievementKind_(),
        PatentApplicationKind(),
    )
}
# The second sheet of a template, listing the allowed values: skipped when a
# workbook is imported.
GUIDE_SHEET = gettext_lazy("Allowed values")


def is_guide_sheet(name: str) -> bool:
    titles = set()
    for language in ("en", "zh-hans"):
        with translation.override(language):
            titles.add(normalize(str(GUIDE_SHEET)[:31]))
    return normalize(name) in titles


# The order a workbook's sheets are imported in: what others refer to first.
KIND_ORDER = tuple(KINDS)


def kind_choices():
    return [(name, kind.label) for name, kind in KINDS.items()]
