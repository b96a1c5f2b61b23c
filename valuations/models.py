from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.money import currency_field, money_field
from core.text import LimitedTextField, validate_not_blank
from projects.choices import TherapeuticArea

from .choices import ClinicalPhase, PortfolioScope, ValuationMethod, ValuationStatus

PROBABILITY_VALIDATORS = [MinValueValidator(0), MaxValueValidator(1)]


class ValuationQuerySet(models.QuerySet):
    def done(self):
        return self.filter(status=ValuationStatus.DONE)


class Valuation(models.Model):
    """What a project's technology is worth, by one method, at one moment: a
    reproducible snapshot of the inputs, the engine version and the results.

    A valuation never changes once made: a re-run is a new valuation that
    points to the one it repeats. Only its run writes to it, once, through
    ``services.valuation_execute`` (queued -> running -> done or failed).
    """

    project = models.ForeignKey(
        "projects.ResearchProject",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="valuations",
    )
    method = models.CharField(_("method"), max_length=30, choices=ValuationMethod.choices)
    label = models.CharField(
        _("label"),
        max_length=200,
        blank=True,
        help_text=_("What this valuation is for, e.g. 'Licence offer, March draft'."),
    )
    currency = currency_field()
    inputs = models.JSONField(_("inputs"))
    scorecard_inputs = models.JSONField(_("maturity scorecard inputs"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ValuationStatus.choices,
        default=ValuationStatus.QUEUED,
    )
    results = models.JSONField(_("results"), null=True, blank=True)
    scorecard = models.JSONField(_("maturity scorecard"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    engine_version = models.CharField(_("engine version"), max_length=20)
    rerun_of = models.ForeignKey(
        "self",
        verbose_name=_("re-run of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reruns",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="valuations",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ValuationQuerySet.as_manager()

    class Meta:
        verbose_name = _("valuation")
        verbose_name_plural = _("valuations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ValuationStatus.DONE) | Q(results__isnull=False),
                name="valuation_done_has_results",
                violation_error_message=_("A finished valuation has results."),
            ),
            models.CheckConstraint(
                condition=~Q(engine_version=""),
                name="valuation_has_engine_version",
                violation_error_message=_("A valuation records the engine version."),
            ),
        ]

    def __str__(self):
        return f"{self.project.code}: {self.get_method_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        # A valuation is a snapshot: its run writes through conditional
        # updates in services, and nothing rewrites a saved one.
        if not self._state.adding:
            raise TypeError("A valuation is immutable; run a new one instead.")
        super().save(*args, **kwargs)

    @property
    def method_label(self) -> str:
        """The method and what of it was run: an rNPV says whether it split
        a deal and ran a simulation, and says nothing of what it did not."""
        label = self.get_method_display()
        if self.method != ValuationMethod.RNPV:
            return str(label)
        inputs = self.inputs or {}
        deal, simulation = bool(inputs.get("deal")), bool(inputs.get("simulation"))
        if deal and simulation:
            return _("%(method)s with deal split and simulation") % {"method": label}
        if deal:
            return _("%(method)s with deal split") % {"method": label}
        if simulation:
            return _("%(method)s with simulation") % {"method": label}
        return str(label)

    @property
    def headline_value(self) -> float | None:
        """The one number a list shows: rNPV, or the method's value."""
        if not self.results:
            return None
        for key in ("rnpv", "value", "overall_score"):
            if key in self.results:
                return self.results[key]
        return None


class ReferenceSuccessRate(models.Model):
    """Published probability of passing a clinical phase, for all
    therapeutic areas or one of them, with typical duration and cost where
    the source gives them. Valuations of drug projects start from these;
    staff may correct them, and the source says where each figure comes
    from."""

    phase = models.CharField(_("phase"), max_length=30, choices=ClinicalPhase.choices)
    therapeutic_area = models.CharField(
        _("therapeutic area"),
        max_length=30,
        choices=TherapeuticArea.choices,
        blank=True,
        help_text=_("Blank: all therapeutic areas."),
    )
    success_probability = models.DecimalField(
        _("probability of success"),
        max_digits=5,
        decimal_places=4,
        validators=PROBABILITY_VALIDATORS,
    )
    typical_years = models.DecimalField(
        _("typical duration (years)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    typical_cost = money_field(
        _("typical cost"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    typical_cost_currency = currency_field()
    source = LimitedTextField(
        _("source"), help_text=_("The publication the figures come from, or 'BioBridge estimate'.")
    )

    class Meta:
        verbose_name = _("reference success rate")
        verbose_name_plural = _("reference success rates")
        ordering = ["therapeutic_area", "phase"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "therapeutic_area"],
                name="reference_rate_unique_per_phase_and_area",
                violation_error_message=_("This phase has a rate for this area already."),
            ),
            models.CheckConstraint(
                condition=Q(success_probability__gte=0, success_probability__lte=1),
                name="reference_rate_probability_within_0_1",
                violation_error_message=_("A probability lies between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=Q(typical_years__isnull=True) | Q(typical_years__gte=0),
                name="reference_rate_years_non_negative",
                violation_error_message=_("A duration cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(typical_cost__isnull=True) | Q(typical_cost__gte=0),
                name="reference_rate_cost_non_negative",
                violation_error_message=_("A cost cannot be negative."),
            ),
        ]

    def __str__(self):
        area = self.get_therapeutic_area_display() or _("all areas")
        return f"{self.get_phase_display()} ({area}): {self.success_probability}"


class ComparableDeal(models.Model):
    """A licence or acquisition deal that the market approach compares with:
    its terms, the stage the asset was at when signed, and where the figures
    come from. It may be one of BioBridge's own agreements; published deals
    (press releases, filings) are marked public, and only those are shown to
    enterprise partners."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    licensor = models.CharField(_("licensor"), max_length=200, blank=True)
    licensee = models.CharField(_("licensee"), max_length=200, blank=True)
    signed_year = models.PositiveSmallIntegerField(
        _("year signed"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    sector = models.ForeignKey(
        "pipelines.Sector",
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        related_name="comparable_deals",
    )
    stage = models.ForeignKey(
        "pipelines.StageDefinition",
        verbose_name=_("stage at signing"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comparable_deals",
    )
    therapeutic_area = models.CharField(
        _("therapeutic area"), max_length=30, choices=TherapeuticArea.choices, blank=True
    )
    currency = currency_field()
    upfront = money_field(_("upfront"), default=0, validators=[MinValueValidator(0)])
    milestones_total = money_field(
        _("milestones in total"), default=0, validators=[MinValueValidator(0)]
    )
    royalty_rate = models.DecimalField(
        _("headline royalty rate"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=PROBABILITY_VALIDATORS,
    )
    total_value = money_field(
        _("total deal value"),
        validators=[MinValueValidator(0)],
        help_text=_("Upfront plus all milestones, the figure deals are compared on."),
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comparable_deals",
        help_text=_("When the deal is one of BioBridge's own agreements."),
    )
    is_public = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Terms are public (press release, filing); partners may see the deal."),
    )
    source = LimitedTextField(_("source"))

    class Meta:
        verbose_name = _("comparable deal")
        verbose_name_plural = _("comparable deals")
        ordering = ["-signed_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(upfront__gte=0, milestones_total__gte=0, total_value__gte=0),
                name="comparable_deal_amounts_non_negative",
                violation_error_message=_("Deal amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(royalty_rate__isnull=True)
                | Q(royalty_rate__gte=0, royalty_rate__lte=1),
                name="comparable_deal_royalty_within_0_1",
                violation_error_message=_("A royalty rate lies between 0 and 1."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.signed_year})"

    def clean(self):
        super().clean()
        if self.stage_id and self.sector_id and self.stage.pipeline.sector_id != self.sector_id:
            raise ValidationError({"stage": _("The stage belongs to another sector's pipeline.")})
        if self.total_value is not None and self.total_value < (self.upfront or 0) + (
            self.milestones_total or 0
        ):
            raise ValidationError(
                {"total_value": _("The total is at least the upfront plus the milestones.")}
            )


class PortfolioRun(models.Model):
    """A portfolio of the projects of an institution, a joint centre or an
    enterprise, valued together at one moment: the sum of their rNPVs and a
    Monte Carlo of the whole (``services.portfolio_run_start``).

    ``inputs`` snapshots each project as its latest rNPV valuation gave it,
    converted into the portfolio's currency, and the projects left out for
    want of one. The simulation runs in chunks (``PortfolioRunChunk``) on
    any worker; the last chunk to finish merges them into ``results``.
    Only that run writes to it (queued -> running -> done or failed).
    """

    scope = models.CharField(_("scope"), max_length=20, choices=PortfolioScope.choices)
    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portfolio_runs",
    )
    joint_centre = models.ForeignKey(
        "partnerships.JointCentre",
        verbose_name=_("joint centre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portfolio_runs",
    )
    enterprise = models.ForeignKey(
        "partnerships.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portfolio_runs",
    )
    currency = currency_field()
    correlation = models.DecimalField(
        _("correlation within a sector"),
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.9999"))],
    )
    target = models.DecimalField(
        _("target probability"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.9"),
        help_text=_("The probability that at least one project reaches market."),
    )
    trials = models.PositiveIntegerField(_("trials"))
    seed = models.PositiveBigIntegerField(_("seed"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ValuationStatus.choices,
        default=ValuationStatus.QUEUED,
    )
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    inputs = models.JSONField(_("inputs"))
    results = models.JSONField(_("results"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    engine_version = models.CharField(_("engine version"), max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portfolio_runs",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("portfolio run")
        verbose_name_plural = _("portfolio runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        scope=PortfolioScope.INSTITUTION,
                        institution__isnull=False,
                        joint_centre__isnull=True,
                        enterprise__isnull=True,
                    )
                    | Q(
                        scope=PortfolioScope.JOINT_CENTRE,
                        institution__isnull=True,
                        joint_centre__isnull=False,
                        enterprise__isnull=True,
                    )
                    | Q(
                        scope=PortfolioScope.ENTERPRISE,
                        institution__isnull=True,
                        joint_centre__isnull=True,
                        enterprise__isnull=False,
                    )
                ),
                name="portfolio_run_names_its_scope",
                violation_error_message=_("A portfolio names the one party of its scope."),
            ),
            models.CheckConstraint(
                condition=Q(correlation__gte=0, correlation__lt=1),
                name="portfolio_run_correlation_within_0_1",
                violation_error_message=_("A correlation lies in [0, 1)."),
            ),
            models.CheckConstraint(
                condition=Q(target__gt=0, target__lt=1),
                name="portfolio_run_target_within_0_1",
                violation_error_message=_("A target probability lies in (0, 1)."),
            ),
            models.CheckConstraint(
                condition=Q(chunks_done__lte=F("chunks_total")),
                name="portfolio_run_chunks_done_within_total",
                violation_error_message=_("No more chunks are done than there are."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ValuationStatus.DONE) | Q(results__isnull=False),
                name="portfolio_run_done_has_results",
                violation_error_message=_("A finished portfolio run has results."),
            ),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} {self.party}: #{self.pk}"

    def get_absolute_url(self):
        return reverse("valuations:portfolio-detail", kwargs={"pk": self.pk})

    @property
    def party(self):
        """The institution, joint centre or enterprise of the portfolio."""
        return self.institution or self.joint_centre or self.enterprise

    @property
    def progress(self) -> float:
        return self.chunks_done / self.chunks_total if self.chunks_total else 0.0


class PortfolioRunChunk(models.Model):
    """The simulated trials [start, stop) of a portfolio run, as computed by
    one task: each trial's total value (float64) and number of projects on
    the market (int32), little-endian bytes. One row per chunk: a task
    delivered twice finds its row and adds nothing."""

    run = models.ForeignKey(
        PortfolioRun,
        verbose_name=_("portfolio run"),
        on_delete=models.CASCADE,
        related_name="chunks",
    )
    index = models.PositiveIntegerField(_("index"))
    start = models.PositiveIntegerField(_("first trial"))
    stop = models.PositiveIntegerField(_("end of trials"))
    totals = models.BinaryField(_("total values"))
    counts = models.BinaryField(_("counts on the market"))

    class Meta:
        verbose_name = _("portfolio run chunk")
        verbose_name_plural = _("portfolio run chunks")
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "index"],
                name="portfolio_chunk_unique_per_run",
                violation_error_message=_("This chunk of the run is stored already."),
            ),
            models.CheckConstraint(
                condition=Q(stop__gt=F("start")),
                name="portfolio_chunk_not_empty",
                violation_error_message=_("A chunk holds at least one trial."),
            ),
        ]

    def __str__(self):
        return f"{self.run_id}: {self.start}–{self.stop}"


class TermSheetAgreement(models.Model):
    """A draft agreement made from a deal structure of a valuation ("turn
    into an agreement"): which valuation and structure its terms come from.
    The link lives here, above partnerships, so agreements know nothing of
    valuations."""

    valuation = models.ForeignKey(
        Valuation,
        verbose_name=_("valuation"),
        on_delete=models.PROTECT,
        related_name="term_sheet_agreements",
    )
    structure = models.CharField(
        _("deal structure"),
        max_length=10,
        help_text=_("“deal” for the valuation's own deal, or the index of a menu structure."),
    )
    agreement = models.OneToOneField(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="term_sheet_source",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement from a term sheet")
        verbose_name_plural = _("agreements from term sheets")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.valuation_id} {self.structure} → {self.agreement_id}"
