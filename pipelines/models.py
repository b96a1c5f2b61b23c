"""Reference data: the six sectors, each with its pipeline of stage gates
from basic research to market, and the figures valuations start from.

These tables were created by the ``projects`` app and keep their names; the
models moved here so that agreements (whose cost shares and failure clauses
name stages) and projects both read them from below.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.money import currency_field, money_field
from core.text import LimitedTextField
from core.validators import code_validator

from .choices import SectorCode

TRL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(9)]
PROBABILITY_VALIDATORS = [MinValueValidator(0), MaxValueValidator(1)]
# Positions are small integers (below 2**15), so a sector's position times
# this, plus a stage's position, orders stages exactly as the pair of
# positions does, in one integer a project can carry and an index can hold.
STAGE_RANK_BASE = 2**15


def stage_rank(*, sector_position: int, stage_position: int) -> int:
    """Where a stage stands among the stages of every sector: by the
    sector's position, then by the stage's in its pipeline (stages of
    sectors at the same position rank together)."""
    return sector_position * STAGE_RANK_BASE + stage_position


class Sector(models.Model):
    """One of the six biotech sub-industries; each has its own road to market."""

    code = models.CharField(_("code"), max_length=30, unique=True, choices=SectorCode.choices)
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        db_table = "projects_sector"
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
    source = LimitedTextField(
        _("source of the reference figures"),
        blank=True,
        help_text=_("Where the default probabilities, durations and costs come from."),
    )

    class Meta:
        db_table = "projects_pipeline"
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
        db_table = "projects_stagedefinition"
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
