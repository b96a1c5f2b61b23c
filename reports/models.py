"""What the annual reports need and the deal records cannot know: staff on
part-time commercialisation work or on leave to start a business, the R&D
and transfer entities an institution built, and the figures and narrative
each report takes from the office (research expenditure, staff FTEs, the
sections of text)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import currency_field, money_field
from core.text import DESCRIPTION_MAX_LENGTH, LimitedTextField, validate_not_blank

from .choices import EntityBuilt, EntityKind, MobilityKind, ReportKind


class StaffMobility(TimeStampedModel):
    """A period in which a member of an institution's staff works part-time
    on commercialisation (兼职) or is on leave to start a business
    (离岗创业), approved by the institution."""

    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="staff_mobility",
    )
    person = models.ForeignKey(
        "partnerships.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="mobility_periods",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MobilityKind.choices)
    enterprise = models.ForeignKey(
        "partnerships.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    notes = LimitedTextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("part-time work or leave")
        verbose_name_plural = _("part-time work and leave")
        ordering = ["institution", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="staff_mobility_period_ordered",
                violation_error_message=_("A period ends on or after its first day."),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"


class TransferEntity(TimeStampedModel):
    """An R&D institution, technology transfer office or transformation
    service platform the institution built, alone or with others."""

    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="transfer_entities",
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    kind = models.CharField(_("kind"), max_length=20, choices=EntityKind.choices)
    built = models.CharField(_("built"), max_length=10, choices=EntityBuilt.choices)
    established_on = models.DateField(_("established on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    technology_managers = models.PositiveSmallIntegerField(
        _("technology managers"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("R&D or transfer entity")
        verbose_name_plural = _("R&D and transfer entities")
        ordering = ["institution", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("established_on")),
                name="transfer_entity_dates_ordered",
                violation_error_message=_("An entity cannot close before it is established."),
            ),
        ]

    def __str__(self):
        return self.name


class AnnualReportInput(TimeStampedModel):
    """What the office states for one report of one year: the narrative
    sections and the figures no deal record holds."""

    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="annual_report_inputs",
    )
    report = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), help_text=_("The calendar year, or the fiscal year by the year it ends in.")
    )
    work_done = LimitedTextField(
        _("work done and overall results"), max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    lessons = LimitedTextField(_("main lessons"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    problems = LimitedTextField(_("problems faced"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    policy_implementation = LimitedTextField(
        _("implementation of policies"), max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    currency = currency_field()
    research_expenditure_government = money_field(
        _("research expenditure: government"), default=0, validators=[MinValueValidator(0)]
    )
    research_expenditure_industry = money_field(
        _("research expenditure: industry"), default=0, validators=[MinValueValidator(0)]
    )
    research_expenditure_other = money_field(
        _("research expenditure: other sources"), default=0, validators=[MinValueValidator(0)]
    )
    licensing_ftes = models.DecimalField(
        _("licensing staff (FTE)"),
        max_digits=6,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    other_staff_ftes = models.DecimalField(
        _("other office staff (FTE)"),
        max_digits=6,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("annual report input")
        verbose_name_plural = _("annual report inputs")
        ordering = ["institution", "report", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "report", "year"],
                name="annual_report_input_once",
                violation_error_message=_("This report of this year has its inputs already."),
            ),
            models.CheckConstraint(
                condition=Q(
                    research_expenditure_government__gte=0,
                    research_expenditure_industry__gte=0,
                    research_expenditure_other__gte=0,
                    licensing_ftes__gte=0,
                    other_staff_ftes__gte=0,
                ),
                name="annual_report_input_non_negative",
                violation_error_message=_("Expenditure and staff cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.institution} · {self.get_report_display()} {self.year}"

    @property
    def research_expenditure_total(self):
        return (
            self.research_expenditure_government
            + self.research_expenditure_industry
            + self.research_expenditure_other
        )
