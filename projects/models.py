import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import Message, render_stored
from core.models import TimeStampedModel
from core.money import MAX_DIGITS, currency_field, money_field
from core.text import DESCRIPTION_MAX_LENGTH, LimitedTextField, validate_not_blank
from core.validators import code_validator
from partnerships.choices import MilestoneKind, Party
from pipelines.choices import SectorCode
from pipelines.models import TRL_VALIDATORS, StageDefinition

from .choices import (
    ANNUAL_FEE_KINDS,
    DIGITAL_VAT_INVOICE_KINDS,
    FIXED_PAYMENT_OPEN_STATUSES,
    MILESTONE_EXPECTED_STATUSES,
    MILESTONE_OPEN_STATUSES,
    FixedPaymentKind,
    FixedPaymentStatus,
    MilestoneStatus,
    ProjectStatus,
    RoyaltyReportKind,
    RoyaltyReportStatus,
    TherapeuticArea,
    TransitionKind,
    VatInvoiceKind,
    VatRate,
    VerificationEvidence,
)


class ResearchProject(TimeStampedModel):
    """A piece of research on its road to market: its place in the sector's
    pipeline, the parties who do and fund it, and the agreement it runs under.

    The pipeline and sector follow from the current stage, so they cannot
    disagree with it.
    """

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    title = models.CharField(_("title"), max_length=250, validators=[validate_not_blank])
    title_zh = models.CharField(_("title in Chinese"), max_length=250, blank=True)
    current_stage = models.ForeignKey(
        StageDefinition,
        verbose_name=_("current stage"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    # The current stage's place among all stages (``pipelines.models.
    # stage_rank``: the sector's position, then the stage's), so that the
    # list sorted by stage reads its first page from an index instead of
    # sorting every visible project by two joined tables' columns. Written
    # by the services that move a project (``projects.services.
    # stage_ranks``) and again when a stage or sector is reordered.
    stage_rank = models.PositiveIntegerField(_("stage rank"), default=0, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProjectStatus.choices,
        default=ProjectStatus.ACTIVE,
    )
    lead_institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("lead institution"),
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    principal_investigator = models.ForeignKey(
        "partnerships.Person",
        verbose_name=_("principal investigator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
    )
    partner_enterprises = models.ManyToManyField(
        "partnerships.Enterprise",
        verbose_name=_("partner enterprises"),
        blank=True,
        related_name="projects",
    )
    joint_centre = models.ForeignKey(
        "partnerships.JointCentre",
        verbose_name=_("joint centre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    therapeutic_area = models.CharField(
        _("therapeutic area"),
        max_length=30,
        choices=TherapeuticArea.choices,
        blank=True,
        help_text=_("For biomedicine projects."),
    )
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"), validators=TRL_VALIDATORS
    )
    budget = money_field(_("budget"), default=0, validators=[MinValueValidator(0)])
    currency = currency_field()
    start_date = models.DateField(_("start date"))
    next_gate_review_on = models.DateField(
        _("next gate review"),
        null=True,
        blank=True,
        help_text=_("When the next stage-gate review is planned. A gate decision clears it."),
    )
    description = LimitedTextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    # The staff member who looks after the project day to day: one of the
    # lead institution's staff, assigned by ``project_owner_assign``.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("project", "owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_projects",
    )

    class Meta:
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl__gte=1, trl__lte=9),
                name="project_trl_within_1_9",
                violation_error_message=_("A TRL lies between 1 and 9."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="project_budget_non_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "current_stage"]),
            # The project list sorted by title reads its first page from
            # here instead of sorting every visible project (a million).
            models.Index(fields=["title", "id"], name="project_title_sort_idx"),
            # The project list in its default order, by code, with what
            # the staff's scoping reads: a deep page (the 10,000th of a
            # million projects) skips its rows in this index alone.
            models.Index(
                fields=["code", "id", "lead_institution", "joint_centre", "partnership"],
                name="project_code_scoped_idx",
            ),
            # The project list sorted by stage, with what the staff's
            # scoping reads: its first page is read in this index's order.
            models.Index(
                fields=["stage_rank", "id", "lead_institution", "joint_centre", "partnership"],
                name="project_stage_sort_idx",
            ),
            # The portfolio's counts (``analytics.portfolio_counts``) read
            # this index alone, in its order: projects by stage, status and
            # partnership, with the links that scope them to staff.
            models.Index(
                fields=[
                    "current_stage",
                    "status",
                    "partnership",
                    "lead_institution",
                    "joint_centre",
                ],
                name="project_portfolio_counts_idx",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"code": self.code})

    @property
    def pipeline(self):
        return self.current_stage.pipeline

    @property
    def sector(self):
        return self.current_stage.pipeline.sector

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.therapeutic_area
            and self.current_stage_id
            and self.sector.code != SectorCode.BIOMEDICINE
        ):
            errors["therapeutic_area"] = _("Only biomedicine projects have a therapeutic area.")
        if (
            self.agreement_id
            and self.partnership_id
            and self.agreement.partnership_id != self.partnership_id
        ):
            errors["agreement"] = ValidationError(
                _("The agreement belongs to another partnership."),
                code="agreement_of_other_partnership",
            )
        if (
            self.partnership_id
            and self.joint_centre_id
            and self.partnership.joint_centre_id not in (None, self.joint_centre_id)
        ):
            errors["joint_centre"] = _("The partnership belongs to another joint centre.")
        if errors:
            raise ValidationError(errors)


class StageTransitionQuerySet(models.QuerySet):
    """History is append-only: rows are added, never changed or removed."""

    def update(self, **kwargs):
        raise TypeError("Stage transitions are append-only.")

    def delete(self):
        raise TypeError("Stage transitions are append-only.")


class StageTransition(models.Model):
    """A recorded stage-gate decision: a project moved (or was held, resumed,
    terminated) from one stage and status to another, by whom, when and why."""

    project = models.ForeignKey(
        ResearchProject,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="transitions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TransitionKind.choices)
    from_stage = models.ForeignKey(
        StageDefinition,
        verbose_name=_("from stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_stage = models.ForeignKey(
        StageDefinition,
        verbose_name=_("to stage"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(
        _("from status"), max_length=20, choices=ProjectStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=ProjectStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stage_decisions",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    rationale = LimitedTextField(_("rationale"))
    evidence = models.ManyToManyField(
        "Document", verbose_name=_("evidence"), blank=True, related_name="transitions"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = StageTransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        ordering = ["project", "decided_at", "id"]
        get_latest_by = ["decided_at", "id"]
        indexes = [
            models.Index(fields=["project", "decided_at"]),
            # Reverts are rare; the highest stage a project held is read
            # from them (portfolio analytics), without scanning the history.
            models.Index(
                fields=["project", "from_stage"],
                condition=Q(kind=TransitionKind.REVERT),
                name="transition_revert_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(rationale=""),
                name="transition_has_rationale",
                violation_error_message=_("Every stage-gate decision states its rationale."),
            ),
            models.CheckConstraint(
                condition=Q(kind=TransitionKind.START) | Q(from_stage__isnull=False),
                name="transition_has_from_stage",
                violation_error_message=_("Only the start of a project has no previous stage."),
            ),
        ]

    def __str__(self):
        return f"{self.project.code}: {self.get_kind_display()} → {self.to_stage.name}"

    def save(self, *args, **kwargs):
        # The history is the audit trail of every gate decision: it must not
        # be rewritten after the fact.
        if not self._state.adding:
            raise TypeError("Stage transitions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Stage transitions are append-only.")


class StageStay(models.Model):
    """A stay of a project in a stage that ended with the project moving on
    (an advance or a skip): from the move into the stage to the move out,
    holds included. A summary of the stage-gate history, rewritten for a
    project by the services that record its transitions
    (``projects.services.stays``), so that the median years in stage are
    read from an index instead of a window over the whole history.

    ``mode`` and ``position`` repeat the project's cooperation mode and the
    stage's position, which the median is grouped by, and the project's
    lead institution, joint centre and partnership decide which staff see
    the stay; the services that change any of them write them here too."""

    project = models.ForeignKey(
        ResearchProject,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="stage_stays",
    )
    stage = models.ForeignKey(
        StageDefinition, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+"
    )
    # Blank for a project outside any partnership.
    mode = models.CharField(_("cooperation mode"), max_length=30, blank=True)
    # The project's links that decide which staff see it
    # (``stage_stays_visible_to``), so that a staff member's median is read
    # from the index as a superuser's is, without joining the projects.
    lead_institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("lead institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    joint_centre = models.ForeignKey(
        "partnerships.JointCentre",
        verbose_name=_("joint centre"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    entered_at = models.DateTimeField(_("entered at"))
    left_at = models.DateTimeField(_("left at"))
    duration = models.DurationField(_("duration"))

    class Meta:
        verbose_name = _("stage stay")
        verbose_name_plural = _("stage stays")
        ordering = ["project", "entered_at"]
        indexes = [
            # The median per mode and position walks this index in order,
            # without sorting; its last columns answer the sector and scope
            # filters from the index alone.
            models.Index(
                fields=[
                    "mode",
                    "position",
                    "duration",
                    "stage",
                    "lead_institution",
                    "joint_centre",
                    "partnership",
                ],
                name="stage_stay_median_idx",
            ),
        ]

    def __str__(self):
        return f"{self.project_id}: {self.stage_id} ({self.duration})"


class PortfolioCount(models.Model):
    """How many projects stand at a stage with a status under the same
    links (lead institution, joint centre, partnership): the portfolio's
    counts (``projects.analytics.portfolio_counts``) read these few hundred
    rows instead of grouping every project. A summary of the projects,
    kept by the services that register, move or re-link a project, in
    their transaction (``projects.services.portfolio_counts``).

    The links are those that decide which staff see a project, so a staff
    member's counts are chosen here exactly as ``projects_visible_to``
    chooses the projects; the cooperation mode is the partnership's, read
    with the counts, so a partnership's change of mode moves no count.

    A count goes with the stage, institution, joint centre or partnership
    it names: none of them can be deleted while a project names it, so the
    count is of no project by then."""

    stage = models.ForeignKey(
        StageDefinition, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices)
    lead_institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("lead institution"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    joint_centre = models.ForeignKey(
        "partnerships.JointCentre",
        verbose_name=_("joint centre"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    projects = models.IntegerField(_("projects"), default=0)

    class Meta:
        verbose_name = _("portfolio count")
        verbose_name_plural = _("portfolio counts")
        ordering = ["stage", "status"]
        constraints = [
            # One row per stage, status and links, empty links included
            # (as 0, which no row's key is): of two registrations at once
            # that would add the same row, the second waits for the first
            # and adds to its row.
            models.UniqueConstraint(
                "stage",
                "status",
                "lead_institution",
                Coalesce("joint_centre", Value(0)),
                Coalesce("partnership", Value(0)),
                name="portfolio_count_unique_links",
                violation_error_message=_(
                    "The portfolio counts these projects in another row already."
                ),
            ),
            models.CheckConstraint(
                condition=Q(projects__gte=0),
                name="portfolio_count_non_negative",
                violation_error_message=_("A count of projects cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.stage_id} {self.status}: {self.projects}"


class PartnerStageCount(models.Model):
    """How many projects an enterprise partners in stand at a stage: the
    partner portal's projects by stage, and the stages its project list
    offers, read from a row per stage instead of grouping every project of
    the partner (a fifth of a million at a million projects).

    A summary of the projects' stages and partner links, kept by the
    services that register a project, move it to another stage or change
    its partners (``projects.services.partner_counts``), in their
    transaction. A count that falls to zero keeps its row."""

    # Read by enterprise through the unique constraint's index, which
    # begins with it.
    enterprise = models.ForeignKey(
        "partnerships.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    stage = models.ForeignKey(
        StageDefinition, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="+"
    )
    # Never negative: a constraint below, with its message.
    project_count = models.IntegerField(_("projects"), default=0)

    class Meta:
        verbose_name = _("partner's projects at a stage")
        verbose_name_plural = _("partners' projects at a stage")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "stage"],
                name="partner_stage_count_unique",
                violation_error_message=_("An enterprise has one count per stage."),
            ),
            models.CheckConstraint(
                condition=Q(project_count__gte=0),
                name="partner_stage_count_non_negative",
                violation_error_message=_("A count of projects cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} at {self.stage_id}: {self.project_count}"


class OpenMilestoneMoney(models.Model):
    """The unpaid money of open milestones, summed by what the expected
    receipts (``projects.analytics.expected_receipts``) compute with and
    what chooses the staff who see it: a few thousand rows read instead of
    every open milestone with its stages and payments (136,000 at 100,000
    projects).

    A row holds the milestones of projects under the same links (lead
    institution, joint centre, partnership: a staff member's rows are
    chosen as ``projects_visible_to`` chooses the projects), in a currency,
    that share what their chance and their quarter depend on: the project's
    current stage and whether it is terminated, the trigger stage, whether
    the money is certain (no trigger stage, triggered, or past planned),
    the quarter it falls due (the invoice's due date, else the milestone's)
    or, undated, the days it falls due after the trigger, and, invoiced and
    not paid in full, the invoice's due date and currency, with what the
    invoices have outstanding (``outstanding``). What does not
    matter is left empty (a certain dated milestone's stages), so that fewer
    rows change. ``amount``: the milestones' amounts less what was paid on
    their invoices; ``milestones``: how many, so that a row whose money is
    all paid (or worth nothing) still counts its currency.

    A summary, kept by the services that change a milestone's money,
    status, dates or invoice, a payment, or its project's stage, status or
    links, in their transaction (``projects.services.open_money``). A row
    that falls to no milestone keeps its row."""

    lead_institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("lead institution"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    joint_centre = models.ForeignKey(
        "partnerships.JointCentre",
        verbose_name=_("joint centre"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    currency = currency_field()
    stage = models.ForeignKey(
        StageDefinition,
        verbose_name=_("stage"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    terminated = models.BooleanField(_("terminated"), default=False)
    trigger_stage = models.ForeignKey(
        StageDefinition,
        verbose_name=_("trigger stage"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    certain = models.BooleanField(_("certain"), default=False)
    due_quarter = models.DateField(_("quarter due"), null=True)
    due_offset_days = models.PositiveSmallIntegerField(_("due days after trigger"), null=True)
    # Invoiced and not paid in full: the invoice's due date, by which the
    # receivables are aged (``projects.analytics.receivables_aging``).
    invoice_due_on = models.DateField(_("invoice due on"), null=True)
    invoice_currency = models.CharField(
        _("invoice currency"), max_length=3, blank=True, default=""
    )
    # Sums of money: room for more digits than one amount has.
    amount = money_field(_("unpaid amount"), max_digits=MAX_DIGITS + 6, default=0)
    # What their invoices have outstanding (invoiced and not paid in full).
    outstanding = money_field(_("outstanding"), max_digits=MAX_DIGITS + 6, default=0)
    milestones = models.IntegerField(_("milestones"), default=0)

    class Meta:
        verbose_name = _("open milestones' money")
        verbose_name_plural = _("open milestones' money")
        constraints = [
            # One row per key, empty parts included (as values no row's key
            # is): of two services at once that would add the same row, the
            # second waits for the first and adds to its row.
            models.UniqueConstraint(
                "lead_institution",
                Coalesce("joint_centre", Value(0)),
                Coalesce("partnership", Value(0)),
                "currency",
                Coalesce("stage", Value(0)),
                "terminated",
                Coalesce("trigger_stage", Value(0)),
                "certain",
                Coalesce("due_quarter", Value(datetime.date(1, 1, 1))),
                Coalesce("due_offset_days", Value(-1)),
                Coalesce("invoice_due_on", Value(datetime.date(1, 1, 1))),
                "invoice_currency",
                name="open_milestone_money_unique_key",
                violation_error_message=_("The open milestones' money has this row already."),
            ),
            models.CheckConstraint(
                condition=Q(milestones__gte=0),
                name="open_milestone_money_non_negative",
                violation_error_message=_("A count of milestones cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.currency} {self.amount} ({self.milestones})"


class ReceivedMoney(models.Model):
    """Payments received, summed per quarter (by the day paid) and
    currency, and by what chooses the staff who see them: for payments on
    milestone invoices, the links of the milestone's project (lead
    institution, joint centre, partnership; as ``OpenMilestoneMoney``); for
    payments on royalty and fixed-payment invoices, which belong to an
    agreement rather than a project, the agreement. The dashboard's money
    received per quarter reads a few hundred rows instead of every payment
    of the last two years (100,000 at a million projects).

    A summary, kept by the services that record payments and those that
    change a project's links, in their transaction
    (``projects.services.open_money``). Payments are never changed or
    deleted, so a row only grows, except when a project's payments move
    to the rows of its new links."""

    lead_institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("lead institution"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    joint_centre = models.ForeignKey(
        "partnerships.JointCentre",
        verbose_name=_("joint centre"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    currency = currency_field()
    quarter = models.DateField(_("quarter"))
    amount = money_field(_("amount received"), max_digits=MAX_DIGITS + 6, default=0)
    payments = models.IntegerField(_("payments"), default=0)

    class Meta:
        verbose_name = _("money received")
        verbose_name_plural = _("money received")
        constraints = [
            # One row per key, empty parts included: of two services at once
            # that would add the same row, the second waits for the first.
            models.UniqueConstraint(
                Coalesce("lead_institution", Value(0)),
                Coalesce("joint_centre", Value(0)),
                Coalesce("partnership", Value(0)),
                Coalesce("agreement", Value(0)),
                "currency",
                "quarter",
                name="received_money_unique_key",
                violation_error_message=_("The money received has this row already."),
            ),
            models.CheckConstraint(
                condition=Q(agreement__isnull=True, lead_institution__isnull=False)
                | Q(
                    agreement__isnull=False,
                    lead_institution__isnull=True,
                    joint_centre__isnull=True,
                    partnership__isnull=True,
                ),
                name="received_money_project_links_or_agreement",
                violation_error_message=_(
                    "Money received is summed by a project's links or by an agreement."
                ),
            ),
            models.CheckConstraint(
                condition=Q(payments__gte=0),
                name="received_money_non_negative",
                violation_error_message=_("A count of payments cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.quarter} {self.currency} {self.amount} ({self.payments})"


def document_upload_path(document, filename):
    # A random name keeps one partner from guessing another's file URLs, and
    # keeps the original name (shown to users) out of the storage path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    """A file attached to a project, agreement, milestone or stage-gate
    decision: evidence for a claim, a signed contract, a report."""

    file = models.FileField(_("file"), upload_to=document_upload_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    project = models.ForeignKey(
        ResearchProject,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    milestone = models.ForeignKey(
        "Milestone",
        verbose_name=_("milestone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    is_internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_("Internal documents are never shown to enterprise partners."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(agreement__isnull=False),
                name="document_attached_to_project_or_agreement",
                violation_error_message=_("A document belongs to a project or an agreement."),
            ),
        ]

    def __str__(self):
        return self.original_name


# A milestone that can be claimed: its stage was entered, or an event (no
# stage) triggers it. With a status of ``MILESTONE_EXPECTED_STATUSES`` and a
# due date, its money is expected; ``milestones_expected_for`` filters on
# exactly this, so that PostgreSQL reads the partial index below in due date
# order.
MILESTONE_CLAIMABLE = Q(trigger_stage__isnull=True) | Q(triggered_on__isnull=False)
MILESTONE_EXPECTED = Q(
    MILESTONE_CLAIMABLE, status__in=MILESTONE_EXPECTED_STATUSES, due_date__isnull=False
)


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, today):
        """Milestones past their due date and not settled. Overdue is always
        derived from the due date and the status, never stored."""
        return self.filter(due_date__lt=today, status__in=MILESTONE_OPEN_STATUSES)


class Milestone(TimeStampedModel):
    """A payment the enterprise owes the research party when a project
    reaches a point: a stage entered or an event. It is claimed by the payee,
    verified or disputed by the payer, invoiced and paid."""

    project = models.ForeignKey(
        ResearchProject,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="milestones",
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="milestones",
    )
    schedule_item = models.ForeignKey(
        "partnerships.MilestoneScheduleItem",
        verbose_name=_("from schedule item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices)
    trigger_stage = models.ForeignKey(
        StageDefinition,
        verbose_name=_("triggered by entering stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    trigger_event = models.CharField(_("triggered by event"), max_length=200, blank=True)
    due_offset_days = models.PositiveSmallIntegerField(
        _("due (days after the trigger)"), default=30
    )
    triggered_on = models.DateField(
        _("triggered on"),
        null=True,
        blank=True,
        help_text=_("When the project entered the trigger stage."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    amount = money_field(_("amount"))
    currency = currency_field()
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PLANNED,
    )
    claim_note = LimitedTextField(_("claim evidence"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verification_comment = LimitedTextField(_("verification comment"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A verification the enterprise gave in writing, outside BioBridge, is
    # recorded by staff: ``verified_by`` stays empty (no user of the
    # enterprise verified in BioBridge) and the staff member who recorded
    # it, on the enterprise's behalf, is named here.
    verification_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verification recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Staff who recorded a verification the enterprise gave in writing, outside BioBridge."
        ),
    )
    verification_evidence = models.CharField(
        _("verification received as"),
        max_length=20,
        choices=VerificationEvidence.choices,
        blank=True,
    )
    dispute_reason = LimitedTextField(_("dispute reason"), blank=True)
    closing_reason = LimitedTextField(_("reason for cancelling or waiving"), blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["project", "status"]),
            # The partner's overview: the expected milestones soonest due
            # first, and the claims waiting for it oldest first, read in
            # order and stopped after a page's worth instead of sorting all
            # of a large partner's (thousands at a million projects).
            models.Index(
                fields=["due_date", "id"],
                condition=MILESTONE_EXPECTED,
                name="milestone_expected_due_idx",
            ),
            # The dashboard's lists, read in their order from the open or
            # claimed milestones: the longest overdue first, and the
            # claims awaiting verification, the oldest first. Without them
            # PostgreSQL sorted every overdue milestone to show ten.
            models.Index(
                fields=["due_date", "id"],
                condition=Q(status__in=sorted(MILESTONE_OPEN_STATUSES)),
                name="milestone_open_due_idx",
            ),
            # (PostgreSQL puts nulls last in an ascending index, as the list
            # orders them.)
            models.Index(
                fields=["claimed_at", "id"],
                condition=Q(status=MilestoneStatus.CLAIMED),
                name="milestone_claimed_idx",
            ),
            # The receivables' aging starts from the milestones invoiced and
            # not paid in full, read from this index alone.
            models.Index(
                fields=["id"],
                condition=Q(status__in=[MilestoneStatus.INVOICED, MilestoneStatus.PARTIALLY_PAID]),
                name="milestone_unpaid_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="milestone_amount_positive",
                violation_error_message=_("A milestone payment is a positive amount."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values),
                name="milestone_status_valid",
                violation_error_message=_("Unknown milestone status."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[MilestoneStatus.CANCELLED, MilestoneStatus.WAIVED])
                | ~Q(closing_reason=""),
                name="milestone_closing_has_reason",
                violation_error_message=_("Cancelling or waiving a milestone needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True) | Q(verification_recorded_by__isnull=True),
                name="milestone_verified_in_one_way",
                violation_error_message=_(
                    "A claim is verified by the enterprise's user or recorded by staff, not both."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=MilestoneStatus.DISPUTED) | ~Q(dispute_reason=""),
                name="milestone_dispute_has_reason",
                violation_error_message=_("A dispute states its reason."),
            ),
        ]

    def __str__(self):
        return f"{self.project.code}: {self.name}"

    def is_overdue(self, today) -> bool:
        return bool(
            self.due_date and self.due_date < today and self.status in MILESTONE_OPEN_STATUSES
        )

    @property
    def is_triggered(self) -> bool:
        """A stage-triggered milestone becomes claimable when the project
        enters its stage; an event-triggered one is claimable at any time."""
        return self.trigger_stage_id is None or self.triggered_on is not None


class RoyaltyReport(TimeStampedModel):
    """A licensee's net sales for a period and the royalty computed from the
    agreement's tiers; or, at year end, the top-up to the minimum annual
    royalty."""

    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="royalty_reports",
    )
    project = models.ForeignKey(
        ResearchProject,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="royalty_reports",
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=RoyaltyReportKind.choices,
        default=RoyaltyReportKind.SALES,
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    net_sales = money_field(_("net sales"), default=0)
    sublicense_income = money_field(_("sublicense income"), default=0)
    royalty_due = money_field(_("royalty due"), default=0)
    currency = currency_field()
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RoyaltyReportStatus.choices,
        default=RoyaltyReportStatus.SUBMITTED,
    )
    note = LimitedTextField(_("note"), blank=True)
    query_reason = LimitedTextField(_("query"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("royalty report")
        verbose_name_plural = _("royalty reports")
        ordering = ["agreement", "-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "period_start", "period_end"],
                name="royalty_report_unique_per_period",
                violation_error_message=_("A report for this period exists."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="royalty_report_period_in_order",
                violation_error_message=_("A period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(net_sales__gte=0, sublicense_income__gte=0, royalty_due__gte=0),
                name="royalty_report_amounts_non_negative",
                violation_error_message=_("Sales, income and royalties cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.agreement.reference} {self.period_start}–{self.period_end}"


class RoyaltyReportLine(models.Model):
    """Net sales of one product in one territory, within a royalty report."""

    report = models.ForeignKey(
        RoyaltyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.CharField(_("product"), max_length=200)
    territory = models.CharField(_("territory"), max_length=100)
    net_sales = money_field(_("net sales"), validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("royalty report line")
        verbose_name_plural = _("royalty report lines")
        ordering = ["report", "product", "territory"]
        constraints = [
            models.CheckConstraint(
                condition=Q(net_sales__gte=0),
                name="royalty_line_sales_non_negative",
                violation_error_message=_("Net sales cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["report", "product", "territory"],
                name="royalty_line_unique_product_territory",
                violation_error_message=_("This product and territory are already reported."),
            ),
        ]

    def __str__(self):
        return f"{self.product} / {self.territory}"


class FixedPaymentQuerySet(models.QuerySet):
    def overdue(self, today):
        """Fixed payments past their due date and not settled (derived,
        never stored, as for milestones)."""
        return self.filter(due_date__lt=today, status__in=FIXED_PAYMENT_OPEN_STATUSES)


class FixedPayment(TimeStampedModel):
    """A fixed amount the enterprise owes under an agreement on a date: the
    upfront payment, a year's licence or maintenance fee, a reimbursement
    of patent costs, a share of sublicence income, an option fee. Owed from
    the day it is recorded, invoiced and paid like a milestone, or
    cancelled or waived with a reason."""

    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="fixed_payments",
    )
    project = models.ForeignKey(
        ResearchProject,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fixed_payments",
        help_text=_("When the amount concerns one project under the agreement."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FixedPaymentKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    term_year = models.PositiveSmallIntegerField(
        _("year of the term"),
        null=True,
        blank=True,
        help_text=_("For an annual fee: the year of the agreement's term it pays for."),
    )
    amount = money_field(_("amount"))
    currency = currency_field()
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FixedPaymentStatus.choices,
        default=FixedPaymentStatus.DUE,
    )
    closing_reason = LimitedTextField(_("reason for cancelling or waiving"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = FixedPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("fixed payment")
        verbose_name_plural = _("fixed payments")
        ordering = ["agreement", "due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="fixed_payment_amount_positive",
                violation_error_message=_("A fixed payment is a positive amount."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=FixedPaymentStatus.values),
                name="fixed_payment_status_valid",
                violation_error_message=_("Unknown fixed payment status."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FixedPaymentKind.values),
                name="fixed_payment_kind_valid",
                violation_error_message=_("Unknown kind of fixed payment."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[FixedPaymentStatus.CANCELLED, FixedPaymentStatus.WAIVED])
                | ~Q(closing_reason=""),
                name="fixed_payment_closing_has_reason",
                violation_error_message=_("Cancelling or waiving a payment needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ANNUAL_FEE_KINDS, term_year__isnull=False, term_year__gte=1)
                | (~Q(kind__in=ANNUAL_FEE_KINDS) & Q(term_year__isnull=True)),
                name="fixed_payment_annual_fee_has_year",
                violation_error_message=_("An annual fee names the year of the term it pays for."),
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(kind=FixedPaymentKind.UPFRONT),
                name="fixed_payment_one_upfront_per_agreement",
                violation_error_message=_("The agreement's upfront payment is already recorded."),
            ),
            models.UniqueConstraint(
                fields=["agreement", "kind", "term_year"],
                condition=Q(term_year__isnull=False),
                name="fixed_payment_one_fee_per_year",
                violation_error_message=_("This year's fee is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.agreement.reference}: {self.label}"

    @property
    def label(self) -> str:
        """What the payment is, as people name it: its kind, its year for
        an annual fee, and its description."""
        return str(self.label_message)

    @property
    def label_message(self) -> Message:
        """The label kept as a message, for words stored and read later in
        the reader's language (the timeline, notices)."""
        kind = dict(FixedPaymentKind.choices)[self.kind]
        label = (
            Message(_("%(kind)s, year %(year)s"), kind=kind, year=self.term_year)
            if self.term_year
            else Message(kind)
        )
        if self.description:
            return Message(
                _("%(label)s — %(description)s"),
                label=label,
                description=self.description,
            )
        return label

    def is_overdue(self, today) -> bool:
        return self.due_date < today and self.status in FIXED_PAYMENT_OPEN_STATUSES


class InvoiceSequence(models.Model):
    """The last invoice number used for a prefix (payee and year). Locked
    while a number is drawn, so numbers are gapless and never repeat."""

    prefix = models.CharField(_("prefix"), max_length=60, unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice sequence")
        verbose_name_plural = _("invoice sequences")

    def __str__(self):
        return f"{self.prefix}: {self.last_number}"


class Invoice(models.Model):
    """An invoice for a milestone, a royalty report or a fixed payment,
    numbered without gaps per payee and year. Payer and payee are recorded
    as issued: their names, legal names, tax IDs and addresses, and the
    payee's bank account, so a later edit of a party never rewrites an
    invoice already sent."""

    number = models.CharField(_("number"), max_length=80, unique=True)
    milestone = models.OneToOneField(
        Milestone,
        verbose_name=_("milestone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice",
    )
    royalty_report = models.OneToOneField(
        RoyaltyReport,
        verbose_name=_("royalty report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice",
    )
    fixed_payment = models.OneToOneField(
        FixedPayment,
        verbose_name=_("fixed payment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice",
    )
    # The agreement of what the invoice bills (its milestone's, report's or
    # payment's), written when it is issued and kept when the admin moves a
    # milestone or a report to another agreement: a partner's invoices are
    # read from its agreements' rows instead of by joining every milestone.
    # Scoping still checks what is billed (``invoices_visible_to``), so this
    # key only narrows the search.
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="invoices",
        editable=False,
    )
    payee_name = models.CharField(_("payee"), max_length=200)
    payer_name = models.CharField(_("payer"), max_length=200)
    payee_legal_name = models.CharField(_("payee's legal name"), max_length=200, blank=True)
    payee_tax_id = models.CharField(_("payee's tax ID"), max_length=40, blank=True)
    payee_address = models.CharField(_("payee's address"), max_length=300, blank=True)
    payee_bank_name = models.CharField(_("payee's bank"), max_length=100, blank=True)
    payee_bank_branch = models.CharField(_("payee's bank branch"), max_length=100, blank=True)
    payee_bank_account = models.CharField(_("payee's account number"), max_length=34, blank=True)
    payer_legal_name = models.CharField(_("payer's legal name"), max_length=200, blank=True)
    payer_tax_id = models.CharField(_("payer's tax ID"), max_length=40, blank=True)
    payer_address = models.CharField(_("payer's address"), max_length=300, blank=True)
    amount = money_field(_("amount"))
    currency = currency_field()
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the invoice went out to the payer, and who says so: recorded by
    # ``invoice_mark_sent``, once.
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The day the payment that completed the invoice came in, written by
    # ``payment_record`` (payments are never changed or removed after). What
    # is outstanding is always the amount less the payments; this date only
    # lets the open invoices be read from an index that leaves the settled
    # ones out, rather than by summing every invoice's payments.
    paid_in_full_on = models.DateField(_("paid in full on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-number"]
        indexes = [
            # The partner's overview: its open invoices, soonest due first.
            models.Index(
                fields=["due_on", "id"],
                condition=Q(paid_in_full_on__isnull=True),
                name="invoice_unpaid_due_idx",
            ),
            # The lists' order: a page is read from the index and stops,
            # where sorting 295,000 invoices at a million projects took
            # 330 ms a page.
            models.Index(fields=["-issued_on", "-number"], name="invoice_issued_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        milestone__isnull=False,
                        royalty_report__isnull=True,
                        fixed_payment__isnull=True,
                    )
                    | Q(
                        milestone__isnull=True,
                        royalty_report__isnull=False,
                        fixed_payment__isnull=True,
                    )
                    | Q(
                        milestone__isnull=True,
                        royalty_report__isnull=True,
                        fixed_payment__isnull=False,
                    )
                ),
                name="invoice_bills_one_thing",
                violation_error_message=_(
                    "An invoice bills one milestone, royalty report or fixed payment."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="invoice_amount_positive",
                violation_error_message=_("An invoice is for a positive amount."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("issued_on")),
                name="invoice_due_after_issue",
                violation_error_message=_("An invoice cannot be due before it is issued."),
            ),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        # The services name the agreement; an invoice made directly (a
        # fixture, a script) takes that of what it bills.
        if self.agreement_id is None and (billed := self.billed) is not None:
            self.agreement_id = billed.agreement_id
        super().save(*args, **kwargs)

    @property
    def billed(self):
        """The milestone, royalty report or fixed payment the invoice bills."""
        if self.milestone_id:
            return self.milestone
        if self.royalty_report_id:
            return self.royalty_report
        return self.fixed_payment


class VatInvoice(models.Model):
    """The VAT invoice (发票) the payee issued for an invoice, as the tax
    system numbered it; staff enter it after issue, and the payer's accounts
    book the payment against it. A fully digitalised e-invoice has a
    20-digit number and no code; the older kinds a code and an 8-digit
    number. Amounts are in yuan."""

    invoice = models.OneToOneField(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        related_name="vat_invoice",
    )
    kind = models.CharField(_("VAT invoice type"), max_length=20, choices=VatInvoiceKind.choices)
    code = models.CharField(
        _("VAT invoice code"),
        max_length=12,
        blank=True,
        help_text=_("10 or 12 digits; a fully digitalised e-invoice has none."),
    )
    number = models.CharField(
        _("VAT invoice number"),
        max_length=20,
        help_text=_("20 digits on a fully digitalised e-invoice, 8 on the older kinds."),
    )
    issued_on = models.DateField(_("date of issue"))
    amount_with_tax = money_field(
        _("amount with tax"), help_text=_("The total including tax, in yuan (CNY).")
    )
    tax_rate = models.CharField(_("tax rate"), max_length=8, choices=VatRate.choices)
    tax_amount = money_field(_("tax amount"), help_text=_("In yuan (CNY)."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("VAT invoice")
        verbose_name_plural = _("VAT invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "number"],
                name="vat_invoice_number_unique",
                violation_error_message=_("This VAT invoice is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(amount_with_tax__gt=0),
                name="vat_invoice_amount_positive",
                violation_error_message=_("The amount with tax is positive."),
            ),
            models.CheckConstraint(
                condition=Q(tax_amount__gte=0, tax_amount__lt=F("amount_with_tax")),
                name="vat_invoice_tax_within_amount",
                violation_error_message=_(
                    "The tax is not negative and less than the amount with tax."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code}-{self.number}" if self.code else self.number

    @property
    def is_digital(self) -> bool:
        return self.kind in DIGITAL_VAT_INVOICE_KINDS


class Payment(models.Model):
    """Money received against an invoice. Payments never exceed the invoice."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = money_field(_("amount"))
    currency = currency_field()
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("The bank or ERP reference of the transfer."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("A payment is a positive amount."),
            ),
            models.UniqueConstraint(
                fields=["invoice", "reference"],
                condition=~Q(reference=""),
                name="payment_reference_unique_per_invoice",
                violation_error_message=_(
                    "A payment with this reference is already recorded on this invoice."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency} on {self.paid_on}"


class CostEntry(models.Model):
    """Money one party spent on a project at a stage. With the agreement's
    cost shares, entries yield who owes whom."""

    project = models.ForeignKey(
        ResearchProject,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="cost_entries",
    )
    stage = models.ForeignKey(
        StageDefinition, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+"
    )
    paid_by = models.CharField(_("paid by"), max_length=20, choices=Party.choices)
    amount = money_field(_("amount"))
    currency = currency_field()
    incurred_on = models.DateField(_("incurred on"))
    description = models.CharField(_("description"), max_length=255)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        ordering = ["project", "-incurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="cost_entry_amount_positive",
                violation_error_message=_("A cost is a positive amount."),
            ),
        ]

    def __str__(self):
        return f"{self.project.code}: {self.amount} {self.currency}"


class Activity(models.Model):
    """One change to a project, its terms, milestones, royalties or money:
    who did what to which object, and what changed. Read as a timeline."""

    project = models.ForeignKey(
        ResearchProject,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    verb = models.CharField(_("verb"), max_length=60)
    target_type = models.CharField(_("object type"), max_length=60)
    target_id = models.PositiveBigIntegerField(_("object id"))
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("The sentence in the site's language, as it was written."),
    )
    # The sentence as a translatable template and its values
    # (``core.i18n.Message``), so each reader sees it in their language;
    # empty for entries written before it was kept.
    message = models.JSONField(_("message"), default=dict, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    is_internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_("Internal entries are never shown to enterprise partners."),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "-created_at"]),
            models.Index(fields=["agreement", "-created_at"]),
        ]

    def __str__(self):
        return self.summary

    @property
    def text(self) -> str:
        """The sentence in the active language (the summary as written for
        older entries)."""
        return render_stored(self.message, self.summary)
