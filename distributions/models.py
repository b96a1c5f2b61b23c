"""Sharing the net income of achievements with the people who made them:
policies of an institution, versioned by the date they take effect, with
tiers over cumulative net income; distribution runs that apply them to a
period, approved by a second staff member and then immutable; the lines
paid in cash or granted in equity; equity the institution holds."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import currency_field, money_field
from core.text import LimitedTextField, validate_not_blank

from .choices import (
    LineState,
    PolicyPreset,
    RecipientKind,
    RewardForm,
    RewardSource,
    RunState,
    TaxTreatment,
)

FRACTION = {
    "max_digits": 5,
    "decimal_places": 4,
    "validators": [MinValueValidator(0), MaxValueValidator(1)],
}


def _fraction_between_0_and_1(name: str, *fields: str):
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__gte": 0, f"{field}__lte": 1})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_("A share is between 0 and 100 %."),
    )


class DistributionPolicy(TimeStampedModel):
    """An institution's rules for sharing net income from its achievements,
    in force from ``effective_from`` until the next version's date."""

    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="distribution_policies",
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    name_zh = models.CharField(_("name in Chinese"), max_length=200, blank=True)
    preset = models.CharField(
        _("based on"), max_length=20, choices=PolicyPreset.choices, default=PolicyPreset.CUSTOM
    )
    effective_from = models.DateField(_("in force from"))
    deductible_cost_kinds = models.JSONField(
        _("deductible costs"),
        default=list,
        blank=True,
        help_text=_("The kinds of IP cost deducted from receipts to give the net income."),
    )
    equity_inventor_share = models.DecimalField(
        _("inventors' share of equity received"), default=0, **FRACTION
    )
    operating_profit_share = models.DecimalField(
        _("inventors' share of operating profit when the institution exploits it itself"),
        default=0,
        **FRACTION,
    )
    operating_profit_years = models.PositiveSmallIntegerField(
        _("years of operating-profit share"), default=0
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("The rule or decision the policy follows."),
    )
    notes = LimitedTextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("distribution policy")
        verbose_name_plural = _("distribution policies")
        ordering = ["institution", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "effective_from"],
                name="distribution_policy_one_per_date",
                violation_error_message=_(
                    "The institution has a policy in force from this date already."
                ),
            ),
            _fraction_between_0_and_1(
                "distribution_policy_fractions_0_1",
                "equity_inventor_share",
                "operating_profit_share",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.effective_from})"

    def get_absolute_url(self):
        return reverse("distributions:policy", args=[self.pk])


class PolicyTier(models.Model):
    """The shares of one slice of cumulative net income: the slice runs from
    the previous tier's limit up to ``up_to`` (empty: no limit)."""

    policy = models.ForeignKey(
        DistributionPolicy,
        verbose_name=_("policy"),
        on_delete=models.CASCADE,
        related_name="tiers",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    up_to = money_field(
        _("up to cumulative net income"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    inventors = models.DecimalField(_("inventors"), **FRACTION)
    department = models.DecimalField(_("department or lab"), default=0, **FRACTION)
    institution = models.DecimalField(_("institution"), default=0, **FRACTION)
    office = models.DecimalField(_("transfer office"), default=0, **FRACTION)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "position"],
                name="policy_tier_position_once",
                violation_error_message=_("Two tiers have the same position."),
            ),
            _fraction_between_0_and_1(
                "policy_tier_shares_0_1", "inventors", "department", "institution", "office"
            ),
            models.CheckConstraint(
                # A hair over 1: SQLite adds the four decimals as floats.
                condition=Q(
                    inventors__lte=Decimal("1.00001")
                    - F("department")
                    - F("institution")
                    - F("office")
                ),
                name="policy_tier_at_most_100_percent",
                violation_error_message=_("A tier's shares add up to at most 100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.policy} · {self.position}"


class DistributionRun(TimeStampedModel):
    """The net income of an institution's achievements over a period, shared
    by the policy in force at the period's end. Prepared as a draft, approved
    by another staff member, immutable from then on: a correction is a new
    run that ``corrects`` it."""

    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="distribution_runs",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    currency = currency_field()
    policy = models.ForeignKey(
        DistributionPolicy,
        verbose_name=_("policy"),
        on_delete=models.PROTECT,
        related_name="runs",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RunState.choices, default=RunState.DRAFT
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    net_income = money_field(_("net income distributed"), default=0)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    notice_published_on = models.DateField(
        _("public notice from"),
        null=True,
        blank=True,
        help_text=_("The first day of the public notice (公示) of the cash rewards."),
    )
    notice_days = models.PositiveSmallIntegerField(_("days of public notice"), default=15)
    notes = LimitedTextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("distribution run")
        verbose_name_plural = _("distribution runs")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="distribution_run_period_ordered",
                violation_error_message=_("A period ends on or after its first day."),
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                name="distribution_run_four_eyes",
                violation_error_message=_(
                    "A run is approved by a staff member other than the one who prepared it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state=RunState.DRAFT, approved_by__isnull=True)
                | Q(state=RunState.APPROVED, approved_by__isnull=False),
                name="distribution_run_approved_has_approver",
                violation_error_message=_("An approved run names who approved it."),
            ),
            models.UniqueConstraint(
                fields=["institution", "currency", "period_start", "period_end"],
                condition=Q(state=RunState.APPROVED, corrects__isnull=True),
                name="distribution_run_period_approved_once",
                violation_error_message=_(
                    "This period is distributed already; correct the approved run instead."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.institution} {self.period_start}–{self.period_end}"

    def get_absolute_url(self):
        return reverse("distributions:run", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.state == RunState.APPROVED


class RunAchievement(models.Model):
    """The figures of one achievement in a run: what it earned and cost in
    the period, its cumulative net income before the run, the part of its
    income the institution keeps after co-owners, and the net income the run
    shares."""

    run = models.ForeignKey(
        DistributionRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="achievements",
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        on_delete=models.PROTECT,
        related_name="distribution_entries",
    )
    receipts = money_field(_("receipts"), default=0)
    deductible_costs = money_field(_("deductible costs"), default=0)
    cumulative_net_income = money_field(_("cumulative net income to the period's end"), default=0)
    previously_distributed_net_income = money_field(_("net income distributed before"), default=0)
    net_income = money_field(_("net income shared in this run"), default=0)
    own_share_percent = models.DecimalField(
        _("the institution's ownership share (%)"), max_digits=5, decimal_places=2, default=100
    )
    equity_shares_received = models.DecimalField(
        _("shares received for the achievement"),
        max_digits=20,
        decimal_places=0,
        default=0,
    )

    class Meta:
        verbose_name = _("achievement in a run")
        verbose_name_plural = _("achievements in a run")
        ordering = ["run", "achievement"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "achievement"],
                name="run_achievement_once",
                violation_error_message=_("The achievement is in the run already."),
            ),
        ]

    def __str__(self):
        return f"{self.run} · {self.achievement}"


class DistributionLine(models.Model):
    """One recipient's part of one achievement's net income in a run, in
    cash or in equity, with the tier slices it comes from."""

    run = models.ForeignKey(
        DistributionRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        on_delete=models.PROTECT,
        related_name="distribution_lines",
    )
    kind = models.CharField(_("recipient"), max_length=12, choices=RecipientKind.choices)
    person = models.ForeignKey(
        "partnerships.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distribution_lines",
    )
    co_owner_institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("co-owning institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    co_owner_enterprise = models.ForeignKey(
        "partnerships.Enterprise",
        verbose_name=_("co-owning enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_name = models.CharField(_("recipient's name"), max_length=200)
    department = models.CharField(_("department or lab"), max_length=150, blank=True)
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=RewardSource.choices,
        default=RewardSource.NET_INCOME,
    )
    form = models.CharField(
        _("form"), max_length=10, choices=RewardForm.choices, default=RewardForm.CASH
    )
    base = money_field(_("amount shared"), default=0)
    rate = models.DecimalField(_("share of the base"), max_digits=9, decimal_places=8, default=0)
    tier_slices = models.JSONField(_("tier slices"), default=list, blank=True)
    amount = money_field(_("amount"))
    currency = currency_field()
    equity_shares = models.DecimalField(
        _("shares"), max_digits=20, decimal_places=0, null=True, blank=True
    )
    main_contributor = models.BooleanField(_("main contributor"), default=False)
    tax_treatment = models.CharField(
        _("tax treatment"),
        max_length=20,
        choices=TaxTreatment.choices,
        default=TaxTreatment.NONE,
    )
    state = models.CharField(
        _("state"), max_length=10, choices=LineState.choices, default=LineState.PENDING
    )
    settled_on = models.DateField(_("paid or granted on"), null=True, blank=True)
    settlement_reference = models.CharField(_("reference"), max_length=100, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("distribution line")
        verbose_name_plural = _("distribution lines")
        ordering = ["run", "achievement", "id"]
        indexes = [models.Index(fields=["person", "run"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=RecipientKind.INVENTOR) | Q(person__isnull=False),
                name="distribution_line_inventor_is_a_person",
                violation_error_message=_("An inventor's line names the person."),
            ),
            models.CheckConstraint(
                condition=Q(form=RewardForm.CASH, state__in=[LineState.PENDING, LineState.PAID])
                | Q(form=RewardForm.EQUITY, state__in=[LineState.PENDING, LineState.GRANTED]),
                name="distribution_line_settled_by_its_form",
                violation_error_message=_("Cash is paid; equity is granted."),
            ),
            models.CheckConstraint(
                condition=Q(state=LineState.PENDING, settled_on__isnull=True)
                | (~Q(state=LineState.PENDING) & Q(settled_on__isnull=False)),
                name="distribution_line_settled_has_date",
                violation_error_message=_("A paid or granted line has its date."),
            ),
        ]

    def __str__(self):
        return f"{self.recipient_name}: {self.amount} {self.currency}"


class EquityHolding(TimeStampedModel):
    """Shares the institution holds in a company, received for contributing
    an achievement (作价投资) or otherwise, and what it has sold of them."""

    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="equity_holdings",
    )
    company = models.ForeignKey(
        "partnerships.Enterprise",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="equity_held_by_institutions",
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("received under"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="equity_holdings",
    )
    acquired_on = models.DateField(_("acquired on"))
    shares = models.DecimalField(
        _("shares"), max_digits=20, decimal_places=0, validators=[MinValueValidator(1)]
    )
    value = money_field(_("value when acquired"), default=0, validators=[MinValueValidator(0)])
    currency = currency_field()
    founded_by_institution = models.BooleanField(
        _("company founded by the institution"),
        default=False,
        help_text=_(
            "Founded by the institution or its staff, rather than joined as a shareholder."
        ),
    )

    class Meta:
        verbose_name = _("equity holding")
        verbose_name_plural = _("equity holdings")
        ordering = ["-acquired_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shares__gt=0),
                name="equity_holding_shares_positive",
                violation_error_message=_("A holding is at least one share."),
            ),
        ]

    def __str__(self):
        return f"{self.institution} · {self.company} ({self.shares})"


class EquityRealisation(models.Model):
    """Shares of a holding sold, and the cash they brought (AUTM's
    cashed-in equity)."""

    holding = models.ForeignKey(
        EquityHolding,
        verbose_name=_("holding"),
        on_delete=models.PROTECT,
        related_name="realisations",
    )
    realised_on = models.DateField(_("sold on"))
    shares = models.DecimalField(
        _("shares sold"), max_digits=20, decimal_places=0, validators=[MinValueValidator(1)]
    )
    proceeds = money_field(_("proceeds"), validators=[MinValueValidator(0)])
    currency = currency_field()

    class Meta:
        verbose_name = _("sale of equity")
        verbose_name_plural = _("sales of equity")
        ordering = ["-realised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shares__gt=0, proceeds__gte=0),
                name="equity_realisation_positive",
                violation_error_message=_(
                    "A sale is at least one share, for a proceeds of 0 or more."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.holding} −{self.shares}"


class OperatingProfit(models.Model):
    """A year's operating profit from an achievement the institution
    exploits itself (自行实施): the inventors share it for the years the
    policy says, counted from the first year recorded."""

    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        on_delete=models.PROTECT,
        related_name="operating_profits",
    )
    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="operating_profits",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1980), MaxValueValidator(2200)]
    )
    profit = money_field(_("operating profit"))
    currency = currency_field()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("operating profit")
        verbose_name_plural = _("operating profits")
        ordering = ["achievement", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "institution", "year", "currency"],
                name="operating_profit_once_a_year",
                violation_error_message=_("The year's operating profit is recorded already."),
            ),
        ]

    def __str__(self):
        return f"{self.achievement} {self.year}: {self.profit} {self.currency}"
