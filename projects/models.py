from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import currency_field, money_field
from core.validators import code_validator

from .choices import ProjectStatus, SectorCode, TherapeuticArea, TransitionKind

TRL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(9)]
PROBABILITY_VALIDATORS = [MinValueValidator(0), MaxValueValidator(1)]


class Sector(models.Model):
    """One of the six biotech sub-industries; each has its own road to market."""

    code = models.CharField(_("code"), max_length=30, unique=True, choices=SectorCode.choices)
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class Pipeline(models.Model):
    """The ordered stages that a sector's projects pass on their way from
    basic research to a product on the market."""

    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="pipelines"
    )
    name = models.CharField(_("name"), max_length=150)
    name_zh = models.CharField(_("name in Chinese"), max_length=150, blank=True)
    source = models.TextField(
        _("source of the reference figures"),
        blank=True,
        help_text=_("Where the default probabilities, durations and costs come from."),
    )

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["sector__position", "code"]

    def __str__(self):
        return self.name

    def first_stage(self):
        return self.stages.order_by("position").first()


class StageDefinition(models.Model):
    """One stage gate of a pipeline, with the reference figures that
    valuations start from: TRL range, probability of success, typical
    duration and cost."""

    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE, related_name="stages"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=150)
    name_zh = models.CharField(_("name in Chinese"), max_length=150, blank=True)
    trl_min = models.PositiveSmallIntegerField(_("lowest TRL"), validators=TRL_VALIDATORS)
    trl_max = models.PositiveSmallIntegerField(_("highest TRL"), validators=TRL_VALIDATORS)
    default_success_probability = models.DecimalField(
        _("default probability of success"),
        max_digits=5,
        decimal_places=4,
        validators=PROBABILITY_VALIDATORS,
        help_text=_("Probability that a project entering this stage passes it (0–1)."),
    )
    typical_years = models.DecimalField(
        _("typical duration (years)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )
    typical_cost = money_field(_("typical cost"), validators=[MinValueValidator(0)])
    typical_cost_currency = currency_field()

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["pipeline", "position"],
                name="stage_position_unique_in_pipeline",
                violation_error_message=_("Another stage of this pipeline has this position."),
            ),
            models.UniqueConstraint(
                fields=["pipeline", "code"],
                name="stage_code_unique_in_pipeline",
                violation_error_message=_("Another stage of this pipeline has this code."),
            ),
            models.CheckConstraint(
                condition=Q(trl_min__gte=1, trl_max__lte=9, trl_min__lte=F("trl_max")),
                name="stage_trl_range_valid",
                violation_error_message=_(
                    "The TRL range lies within 1–9 and its lowest is not above its highest."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    default_success_probability__gte=0, default_success_probability__lte=1
                ),
                name="stage_probability_within_0_1",
                violation_error_message=_("A probability lies between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=Q(typical_years__gte=0, typical_cost__gte=0),
                name="stage_typical_figures_non_negative",
                violation_error_message=_("Durations and costs cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.name}"


class ResearchProject(TimeStampedModel):
    """A piece of research on its road to market: its place in the sector's
    pipeline, the parties who do and fund it, and the agreement it runs under.

    The pipeline and sector follow from the current stage, so they cannot
    disagree with it.
    """

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    title = models.CharField(_("title"), max_length=250)
    title_zh = models.CharField(_("title in Chinese"), max_length=250, blank=True)
    current_stage = models.ForeignKey(
        StageDefinition,
        verbose_name=_("current stage"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
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
    description = models.TextField(_("description"), blank=True)

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
        indexes = [models.Index(fields=["status", "current_stage"])]

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
            errors["agreement"] = _("The agreement belongs to another partnership.")
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
    rationale = models.TextField(_("rationale"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = StageTransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        ordering = ["project", "decided_at", "id"]
        get_latest_by = ["decided_at", "id"]
        indexes = [models.Index(fields=["project", "decided_at"])]
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
