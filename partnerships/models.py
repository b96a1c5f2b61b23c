from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.models import TimeStampedModel
from core.money import currency_field, money_field
from core.text import DESCRIPTION_MAX_LENGTH, LimitedTextField, validate_not_blank
from core.validators import code_validator

from .choices import (
    AgreementKind,
    CooperationMode,
    EnterpriseSize,
    Exclusivity,
    InstitutionKind,
    LicenseeSize,
    MilestoneKind,
    PartnershipStatus,
    Party,
    Renewal,
    RoyaltyBasis,
    RoyaltyReporting,
    SunkCostBearer,
)
from .fields import BankAccountNumberField, UnifiedSocialCreditCodeField
from .validators import registration_number_validator


class Institution(TimeStampedModel):
    """A university, research institute, hospital or public lab: the side that
    produces research results and licenses them out."""

    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        validators=[code_validator],
        help_text=_("Short code used in references and invoice numbers, e.g. THU."),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    name_zh = models.CharField(_("name in Chinese"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=InstitutionKind.choices)
    country = CountryField(_("country"), default="CN")
    region = models.CharField(
        _("province or state"),
        max_length=100,
        blank=True,
        help_text=_("Start-ups in the same province or state are counted as in the home region."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "1 for a calendar fiscal year, 7 for one from July to June. The AUTM survey "
            "counts by fiscal year; a fiscal year is named after the year it ends in."
        ),
    )
    # The particulars its invoices carry as the payee (what a payer's
    # accounts department books and a VAT invoice names).
    unified_social_credit_code = UnifiedSocialCreditCodeField(
        blank=True,
        help_text=_(
            "18 characters; public institutions (事业单位) have one too. Printed on "
            "invoices as the payee's tax ID."
        ),
    )
    registered_address = models.CharField(
        _("registered address"),
        max_length=300,
        blank=True,
        help_text=_("As registered; a telephone number may follow, as on a VAT invoice."),
    )
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_branch = models.CharField(
        _("bank branch"),
        max_length=100,
        blank=True,
        help_text=_("The branch that keeps the account, e.g. Beijing Haidian sub-branch."),
    )
    bank_account_number = BankAccountNumberField(
        blank=True,
        help_text=_("The account payers transfer to; spaces between groups are allowed."),
    )

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unified_social_credit_code"],
                condition=~Q(unified_social_credit_code=""),
                name="institution_uscc_unique",
                violation_error_message=_(
                    "An institution with this Unified Social Credit Code exists."
                ),
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="institution_fiscal_year_month_1_12",
                violation_error_message=_("A fiscal year starts in a month from 1 to 12."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def legal_name(self) -> str:
        """The name invoices carry: the Chinese legal name where there is
        one."""
        return self.name_zh or self.name

    def get_absolute_url(self):
        return reverse("partners:institution_detail", args=[self.code])


class Enterprise(TimeStampedModel):
    """A company that funds, licenses or co-develops research results."""

    code = models.CharField(_("code"), max_length=16, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    name_zh = models.CharField(_("name in Chinese"), max_length=200, blank=True)
    size = models.CharField(_("size"), max_length=20, choices=EnterpriseSize.choices)
    sectors = models.ManyToManyField(
        "pipelines.Sector", verbose_name=_("sectors"), blank=True, related_name="enterprises"
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(
        _("ceased operating on"),
        null=True,
        blank=True,
        help_text=_("Empty while the company operates."),
    )
    country = CountryField(_("country"), default="CN")
    region = models.CharField(
        _("province or state"),
        max_length=100,
        blank=True,
        help_text=_("Of its primary place of business."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    unified_social_credit_code = UnifiedSocialCreditCodeField(
        blank=True,
        help_text=_("18 characters, for enterprises registered in mainland China."),
    )
    registered_address = models.CharField(
        _("registered address"),
        max_length=300,
        blank=True,
        help_text=_("As registered; a telephone number may follow, as on a VAT invoice."),
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unified_social_credit_code"],
                condition=~Q(unified_social_credit_code=""),
                name="enterprise_uscc_unique",
                violation_error_message=_(
                    "An enterprise with this Unified Social Credit Code exists."
                ),
            ),
            models.CheckConstraint(
                condition=Q(founded_on__isnull=True)
                | Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gte=F("founded_on")),
                name="enterprise_dissolved_after_founded",
                violation_error_message=_(
                    "A company cannot cease operating before it is founded."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def legal_name(self) -> str:
        """The name invoices carry: the Chinese legal name where there is
        one."""
        return self.name_zh or self.name

    def get_absolute_url(self):
        return reverse("partners:enterprise_detail", args=[self.code])


class Person(TimeStampedModel):
    """A contact at an institution or an enterprise; a user account may be
    linked to it."""

    full_name = models.CharField(_("full name"), max_length=150, validators=[validate_not_blank])
    name_zh = models.CharField(_("name in Chinese"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="people",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="people",
    )
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(institution__isnull=False, enterprise__isnull=True)
                    | Q(institution__isnull=True, enterprise__isnull=False)
                ),
                name="person_belongs_to_one_organisation",
                violation_error_message=_(
                    "A person belongs to either an institution or an enterprise."
                ),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def organisation(self):
        return self.institution or self.enterprise


class JointCentre(TimeStampedModel):
    """An enterprise-led "one-stop" centre co-built with one or more host
    institutions, where research and industrialisation run without hand-offs
    from the basic-research stage onward."""

    code = models.CharField(_("code"), max_length=16, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    name_zh = models.CharField(_("name in Chinese"), max_length=200, blank=True)
    established_on = models.DateField(_("established on"))
    host_institutions = models.ManyToManyField(
        Institution,
        through="JointCentreParty",
        verbose_name=_("host institutions"),
        related_name="hosted_centres",
    )
    lead_enterprises = models.ManyToManyField(
        Enterprise,
        through="JointCentreParty",
        verbose_name=_("lead enterprises"),
        related_name="led_centres",
    )
    focus_sectors = models.ManyToManyField(
        "pipelines.Sector",
        verbose_name=_("focus sectors"),
        blank=True,
        related_name="joint_centres",
    )
    governance_contacts = models.ManyToManyField(
        Person,
        verbose_name=_("governance contacts"),
        blank=True,
        related_name="governed_centres",
    )
    description = LimitedTextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("joint centre")
        verbose_name_plural = _("joint centres")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:joint_centre_detail", args=[self.code])


class JointCentreParty(models.Model):
    """A host institution or lead enterprise of a joint centre, with the
    funding it commits each year."""

    centre = models.ForeignKey(
        JointCentre,
        verbose_name=_("joint centre"),
        on_delete=models.CASCADE,
        related_name="parties",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("host institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centre_memberships",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("lead enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centre_memberships",
    )
    annual_funding_commitment = money_field(_("annual funding commitment"), default=0)
    currency = currency_field()
    commitment_from_year = models.PositiveSmallIntegerField(
        _("commitment from year"), null=True, blank=True
    )
    commitment_to_year = models.PositiveSmallIntegerField(
        _("commitment to year"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("joint centre party")
        verbose_name_plural = _("joint centre parties")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(institution__isnull=False, enterprise__isnull=True)
                    | Q(institution__isnull=True, enterprise__isnull=False)
                ),
                name="centre_party_is_institution_or_enterprise",
                violation_error_message=_(
                    "A party is either a host institution or a lead enterprise."
                ),
            ),
            models.UniqueConstraint(
                fields=["centre", "institution"],
                name="centre_party_institution_unique",
                violation_error_message=_("This institution is already a host."),
            ),
            models.UniqueConstraint(
                fields=["centre", "enterprise"],
                name="centre_party_enterprise_unique",
                violation_error_message=_("This enterprise is already a lead enterprise."),
            ),
            models.CheckConstraint(
                condition=Q(annual_funding_commitment__gte=0),
                name="centre_party_commitment_non_negative",
                violation_error_message=_("A funding commitment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(commitment_from_year__isnull=True)
                    | Q(commitment_to_year__isnull=True)
                    | Q(commitment_to_year__gte=F("commitment_from_year"))
                ),
                name="centre_party_commitment_years_in_order",
                violation_error_message=_("The commitment cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.institution or self.enterprise} @ {self.centre}"

    @property
    def party(self):
        return self.institution or self.enterprise


class Partnership(TimeStampedModel):
    """A cooperation between an institution (or a joint centre) and an
    enterprise, in one of the cooperation modes that analytics compare."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    title = models.CharField(_("title"), max_length=200, validators=[validate_not_blank])
    mode = models.CharField(_("cooperation mode"), max_length=30, choices=CooperationMode.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PartnershipStatus.choices,
        default=PartnershipStatus.ACTIVE,
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
    )
    joint_centre = models.ForeignKey(
        JointCentre,
        verbose_name=_("joint centre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    description = LimitedTextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-started_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(institution__isnull=False, joint_centre__isnull=True)
                    | Q(institution__isnull=True, joint_centre__isnull=False)
                ),
                name="partnership_has_one_research_party",
                violation_error_message=_(
                    "A partnership is with either an institution or a joint centre."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="partnership_dates_in_order",
                violation_error_message=_("A partnership cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(~Q(mode=CooperationMode.JOINT_CENTRE) | Q(joint_centre__isnull=False)),
                name="partnership_joint_centre_mode_names_centre",
                violation_error_message=_("A joint-centre partnership names its joint centre."),
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"

    def get_absolute_url(self):
        return reverse("partners:partnership_detail", args=[self.code])

    @property
    def research_party(self):
        return self.institution or self.joint_centre


class Agreement(TimeStampedModel):
    """A contract under a partnership: a licence, an assignment, an R&D
    contract, a shareholders' agreement or a centre charter."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        TERMINATED = "terminated", _("Terminated")

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    reference = models.CharField(
        _("reference"), max_length=40, unique=True, validators=[code_validator]
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_not_blank])
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    registration_number = models.CharField(
        _("technology-contract registration number"),
        max_length=16,
        blank=True,
        validators=[registration_number_validator],
        help_text=_(
            "The 16-digit number of the technology-contract registration (技术合同登记号); "
            "cash rewards from the contract qualify for the tax reduction only with it."
        ),
    )
    contract_value = money_field(
        _("contract value"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "The total value agreed in the contract (合同金额); for a contribution for "
            "equity, the value at which the technology was contributed."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    terminated_on = models.DateField(
        _("terminated on"),
        null=True,
        blank=True,
        help_text=_("When a terminated agreement ended before its term."),
    )
    renewal = models.CharField(
        _("renewal"), max_length=20, choices=Renewal.choices, default=Renewal.NONE
    )
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("renewal notice (days before expiry)"),
        null=True,
        blank=True,
        help_text=_(
            "By notice: the last day to ask for renewal. Automatic: the last day to "
            "give notice of non-renewal."
        ),
    )
    renewal_term_months = models.PositiveSmallIntegerField(
        _("renewal term (months)"),
        null=True,
        blank=True,
        help_text=_("How long each renewal extends the agreement."),
    )
    exclusivity = models.CharField(
        _("exclusivity"),
        max_length=20,
        choices=Exclusivity.choices,
        default=Exclusivity.NOT_APPLICABLE,
    )
    # The counterparty as it was when the agreement was signed: the annual
    # reports classify a licence by the licensee's size then, not now.
    licensee_size = models.CharField(
        _("licensee's size at signing"),
        max_length=10,
        choices=LicenseeSize.choices,
        blank=True,
        help_text=_("Copied from the enterprise when the agreement is signed; editable."),
    )
    licensee_employees = models.PositiveIntegerField(
        _("licensee's employees at signing"),
        null=True,
        blank=True,
        help_text=_("Fewer than 500 makes a small company."),
    )
    licensee_formed_for_licence = models.BooleanField(
        _("licensee formed to develop the licensed technology"),
        default=False,
        help_text=_(
            "The company depends on this licence or option to get started; in the "
            "fiscal year it was founded it counts as a start-up."
        ),
    )
    field_of_use = LimitedTextField(
        _("field of use"), max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    institution_ip_share = models.DecimalField(
        _("institution's IP share (%)"),
        max_digits=5,
        decimal_places=2,
        default=100,
        help_text=_("The research party's share of the IP; the enterprise holds the rest."),
    )
    currency = currency_field()

    # Payment terms (DESIGN §5). Schedules and tiers are rows of their own.
    upfront_amount = money_field(
        _("upfront payment"), default=0, validators=[MinValueValidator(0)]
    )
    upfront_due_on = models.DateField(
        _("upfront due on"),
        null=True,
        blank=True,
        help_text=_("Empty: due 30 days after signing."),
    )
    annual_licence_fee = money_field(
        _("annual licence fee"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Falls due on each anniversary of the effective date, for the term."),
    )
    annual_maintenance_fee = money_field(
        _("annual maintenance fee"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Falls due on each anniversary of the effective date, for the term."),
    )
    royalty_basis = models.CharField(
        _("royalty basis"),
        max_length=20,
        choices=RoyaltyBasis.choices,
        default=RoyaltyBasis.MARGINAL,
    )
    royalty_term_years = models.PositiveSmallIntegerField(
        _("royalty term (years)"),
        null=True,
        blank=True,
        help_text=_("Years from the first royalty year; empty: until the agreement expires."),
    )
    minimum_annual_royalty = money_field(
        _("minimum annual royalty"), default=0, validators=[MinValueValidator(0)]
    )
    sublicense_income_share = models.DecimalField(
        _("share of sublicense income (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    equity_share = models.DecimalField(
        _("research party's equity share (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("In a co-founded company."),
    )
    royalty_reporting = models.CharField(
        _("royalty reporting"),
        max_length=20,
        choices=RoyaltyReporting.choices,
        default=RoyaltyReporting.QUARTERLY,
    )
    royalty_report_due_days = models.PositiveSmallIntegerField(
        _("royalty report due (days after period end)"), default=45
    )
    sales_breakdown_required = models.BooleanField(
        _("net sales reported by product and territory"), default=False
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution_ip_share__gte=0, institution_ip_share__lte=100),
                name="agreement_ip_share_is_percentage",
                violation_error_message=_("An IP share is between 0 and 100 percent."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(effective_on__isnull=True)
                    | Q(expires_on__isnull=True)
                    | Q(expires_on__gte=F("effective_on"))
                ),
                name="agreement_term_in_order",
                violation_error_message=_("An agreement cannot expire before it takes effect."),
            ),
            models.CheckConstraint(
                condition=Q(renewal="none")
                | Q(renewal_notice_days__isnull=False, renewal_term_months__gt=0),
                name="agreement_renewal_has_notice_and_term",
                violation_error_message=_(
                    "A renewal needs the notice period and the length of each renewal."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
                violation_error_message=_("A signed agreement has a signing date."),
            ),
            models.CheckConstraint(
                condition=Q(
                    upfront_amount__gte=0,
                    minimum_annual_royalty__gte=0,
                    annual_licence_fee__gte=0,
                    annual_maintenance_fee__gte=0,
                ),
                name="agreement_payment_terms_non_negative",
                violation_error_message=_("Payment terms cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(
                    sublicense_income_share__gte=0,
                    sublicense_income_share__lte=100,
                    equity_share__gte=0,
                    equity_share__lte=100,
                ),
                name="agreement_shares_are_percentages",
                violation_error_message=_("A share is between 0 and 100 percent."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self):
        return reverse("agreements:detail", args=[self.reference])

    @property
    def enterprise_ip_share(self):
        return 100 - self.institution_ip_share


PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def percent_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS, **kwargs
    )


class CostShare(models.Model):
    """One party's percentage of the costs of a range of stages. The shares
    of the parties for a range add up to exactly 100."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="cost_shares",
    )
    first_stage = models.ForeignKey(
        "pipelines.StageDefinition",
        verbose_name=_("first stage"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_stage = models.ForeignKey(
        "pipelines.StageDefinition",
        verbose_name=_("last stage"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    percent = percent_field(_("share (%)"))

    class Meta:
        verbose_name = _("cost share")
        verbose_name_plural = _("cost shares")
        ordering = ["agreement", "first_stage__position", "party"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100),
                name="cost_share_is_percentage",
                violation_error_message=_("A cost share is between 0 and 100 percent."),
            ),
            models.UniqueConstraint(
                fields=["agreement", "first_stage", "party"],
                name="cost_share_unique_per_range_and_party",
                violation_error_message=_("This party already has a share of these stages."),
            ),
        ]

    def __str__(self):
        return f"{self.get_party_display()} {self.percent}%"


class FailureClause(models.Model):
    """What happens if a project under the agreement is terminated at a
    stage: who bears the sunk costs, whether the IP reverts to the
    institution, and any break fee."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="failure_clauses",
    )
    stage = models.ForeignKey(
        "pipelines.StageDefinition",
        verbose_name=_("stage"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sunk_costs_borne_by = models.CharField(
        _("sunk costs borne by"),
        max_length=20,
        choices=SunkCostBearer.choices,
        default=SunkCostBearer.BY_COST_SHARES,
    )
    ip_reverts_to_institution = models.BooleanField(_("IP reverts to the institution"))
    break_fee = money_field(_("break fee"), default=0, validators=[MinValueValidator(0)])
    break_fee_payer = models.CharField(
        _("break fee paid by"), max_length=20, choices=Party.choices, default=Party.ENTERPRISE
    )
    notes = LimitedTextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("failure clause")
        verbose_name_plural = _("failure clauses")
        ordering = ["agreement", "stage__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "stage"],
                name="failure_clause_unique_per_stage",
                violation_error_message=_("This stage already has a failure clause."),
            ),
            models.CheckConstraint(
                condition=Q(break_fee__gte=0),
                name="failure_clause_break_fee_non_negative",
                violation_error_message=_("A break fee cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.agreement.reference}: {self.stage}"


class MilestoneScheduleItem(models.Model):
    """A milestone payment the agreement promises: an amount due a number of
    days after a stage is entered or an event happens."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="milestone_schedule",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices)
    amount = money_field(_("amount"), validators=[MinValueValidator(0)])
    trigger_stage = models.ForeignKey(
        "pipelines.StageDefinition",
        verbose_name=_("triggered by entering stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    trigger_event = models.CharField(
        _("triggered by event"),
        max_length=200,
        blank=True,
        help_text=_("For milestones not tied to a stage, e.g. first commercial sale."),
    )
    due_offset_days = models.PositiveSmallIntegerField(
        _("due (days after the trigger)"), default=30
    )

    class Meta:
        verbose_name = _("milestone schedule item")
        verbose_name_plural = _("milestone schedule")
        ordering = ["agreement", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="schedule_item_amount_positive",
                violation_error_message=_("A milestone payment is a positive amount."),
            ),
            models.CheckConstraint(
                condition=Q(trigger_stage__isnull=False) | ~Q(trigger_event=""),
                name="schedule_item_has_trigger",
                violation_error_message=_("A milestone is triggered by a stage or an event."),
            ),
        ]

    def __str__(self):
        return self.name


class RoyaltyTier(models.Model):
    """A band of annual net sales and its royalty rate. A tier runs from
    above its lower bound up to the next tier's, that threshold included:
    sales exactly at a threshold pay the lower tier's rate."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="royalty_tiers",
    )
    lower_bound = money_field(_("annual net sales above"), validators=[MinValueValidator(0)])
    rate_percent = models.DecimalField(
        _("royalty rate (%)"),
        max_digits=7,
        decimal_places=4,
        validators=PERCENT_VALIDATORS,
    )

    class Meta:
        verbose_name = _("royalty tier")
        verbose_name_plural = _("royalty tiers")
        ordering = ["agreement", "lower_bound"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "lower_bound"],
                name="royalty_tier_unique_bound",
                violation_error_message=_("Two tiers cannot start at the same sales."),
            ),
            models.CheckConstraint(
                condition=Q(lower_bound__gte=0, rate_percent__gte=0, rate_percent__lte=100),
                name="royalty_tier_bounds_valid",
                violation_error_message=_(
                    "Tiers start at non-negative sales and rates are between 0 and 100 percent."
                ),
            ),
        ]

    def __str__(self):
        return f"> {self.lower_bound}: {self.rate_percent}%"
