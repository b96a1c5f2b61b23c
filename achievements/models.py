"""Scientific achievements (科技成果) and their protection: who made and owns
each one, the researchers' disclosures they come from, patent families and
their applications in each office, office actions, the docket's deadlines and
the money spent on protecting them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import currency_field, money_field
from core.text import DESCRIPTION_MAX_LENGTH, LimitedTextField, validate_not_blank
from pipelines.models import TRL_VALIDATORS

from .choices import (
    AchievementKind,
    AchievementStatus,
    ApplicationKind,
    ApplicationStatus,
    CounselKind,
    DeadlineKind,
    DeadlineState,
    DisclosureStatus,
    FundingSource,
    IpCostKind,
    Jurisdiction,
    TransferMode,
)

SHARE_DIGITS = {"max_digits": 5, "decimal_places": 2}


def _share_between_0_and_100(name: str, field: str, message):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gt": 0, f"{field}__lte": 100}),
        name=name,
        violation_error_message=message,
    )


class Achievement(TimeStampedModel):
    """An asset the office protects and transfers: an invention, a software
    copyright, a plant variety, biological material, know-how…"""

    reference = models.CharField(
        _("reference"),
        max_length=32,
        unique=True,
        help_text=_("The office's docket reference, e.g. ACH-2026-014."),
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_not_blank])
    title_zh = models.CharField(_("title in Chinese"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AchievementKind.choices)
    summary = LimitedTextField(_("summary"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AchievementStatus.choices,
        default=AchievementStatus.DISCLOSED,
    )
    funding_source = models.CharField(
        _("funding source"), max_length=20, choices=FundingSource.choices
    )
    funding_reference = models.CharField(
        _("funding project reference"),
        max_length=100,
        blank=True,
        help_text=_("The grant or contract number of the project that funded the work."),
    )
    disclosed_on = models.DateField(_("disclosed on"))
    trl = models.PositiveSmallIntegerField(
        _("TRL"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    assessment_notes = LimitedTextField(
        _("assessment notes"), max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    decision_rationale = LimitedTextField(
        _("rationale of the decision"), max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    projects = models.ManyToManyField(
        "projects.ResearchProject",
        verbose_name=_("research projects"),
        blank=True,
        related_name="achievements",
    )

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["-disclosed_on", "-id"]
        indexes = [models.Index(fields=["status", "-disclosed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9),
                name="achievement_trl_within_1_9",
                violation_error_message=_("TRL is between 1 and 9."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("achievements:detail", args=[self.pk])


class AchievementOwner(models.Model):
    """An institution or enterprise that owns a share of an achievement."""

    achievement = models.ForeignKey(
        Achievement, verbose_name=_("achievement"), on_delete=models.CASCADE, related_name="owners"
    )
    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_achievements",
    )
    enterprise = models.ForeignKey(
        "partnerships.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_achievements",
    )
    share_percent = models.DecimalField(_("ownership share (%)"), **SHARE_DIGITS)

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["achievement", "-share_percent", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False, enterprise__isnull=True)
                | Q(institution__isnull=True, enterprise__isnull=False),
                name="achievement_owner_is_one_party",
                violation_error_message=_("An owner is an institution or an enterprise."),
            ),
            models.UniqueConstraint(
                fields=["achievement", "institution"],
                condition=Q(institution__isnull=False),
                name="achievement_owner_institution_once",
                violation_error_message=_("The institution is an owner already."),
            ),
            models.UniqueConstraint(
                fields=["achievement", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="achievement_owner_enterprise_once",
                violation_error_message=_("The enterprise is an owner already."),
            ),
            _share_between_0_and_100(
                "achievement_owner_share_0_100",
                "share_percent",
                _("An ownership share is more than 0 and at most 100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.institution or self.enterprise} {self.share_percent} %"

    @property
    def party(self):
        return self.institution or self.enterprise


class Inventor(models.Model):
    """A person who made an achievement, with their share of the contribution
    (income is shared by it) and the department they made it in."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.CASCADE,
        related_name="inventors",
    )
    person = models.ForeignKey(
        "partnerships.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="inventorships",
    )
    contribution_percent = models.DecimalField(_("contribution (%)"), **SHARE_DIGITS)
    department = models.CharField(
        _("department or lab"),
        max_length=150,
        blank=True,
        help_text=_("Where the inventor made the achievement."),
    )

    class Meta:
        verbose_name = _("inventor")
        verbose_name_plural = _("inventors")
        ordering = ["achievement", "-contribution_percent", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "person"],
                name="inventor_once_per_achievement",
                violation_error_message=_("The person is an inventor already."),
            ),
            _share_between_0_and_100(
                "inventor_contribution_0_100",
                "contribution_percent",
                _("A contribution is more than 0 and at most 100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.contribution_percent} %"


class AchievementAgreement(models.Model):
    """An agreement that licenses, assigns or contributes an achievement for
    equity (作价投资), with the share of the agreement's income it carries
    when the agreement covers several."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.CASCADE,
        related_name="agreement_links",
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="achievement_links",
    )
    mode = models.CharField(_("transfer mode"), max_length=30, choices=TransferMode.choices)
    income_share_percent = models.DecimalField(
        _("share of the agreement's income (%)"),
        default=100,
        help_text=_(
            "When the agreement covers several achievements, the part of its income "
            "that this one earns."
        ),
        **SHARE_DIGITS,
    )

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["achievement", "agreement"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "agreement"],
                name="achievement_agreement_once",
                violation_error_message=_("The agreement is linked already."),
            ),
            _share_between_0_and_100(
                "achievement_agreement_share_0_100",
                "income_share_percent",
                _("An income share is more than 0 and at most 100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.achievement.reference} · {self.agreement}"


class Disclosure(TimeStampedModel):
    """A researcher's invention disclosure: what they made, who made it, who
    paid for it and what of it is public already. Staff review it and accept
    it as an achievement, or return it for changes."""

    title = models.CharField(_("title"), max_length=300, validators=[validate_not_blank])
    title_zh = models.CharField(_("title in Chinese"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AchievementKind.choices)
    summary = LimitedTextField(_("summary"), max_length=DESCRIPTION_MAX_LENGTH)
    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="disclosures",
        help_text=_("The institution the work was done at."),
    )
    funding_source = models.CharField(
        _("funding source"), max_length=20, choices=FundingSource.choices
    )
    funding_reference = models.CharField(
        _("funding project reference"), max_length=100, blank=True
    )
    project = models.ForeignKey(
        "projects.ResearchProject",
        verbose_name=_("research project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disclosures",
    )
    trl = models.PositiveSmallIntegerField(
        _("TRL"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    prior_disclosures = LimitedTextField(
        _("prior disclosures"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        help_text=_("Papers, talks, posters or theses that made it public."),
    )
    planned_publications = LimitedTextField(
        _("planned publications"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        help_text=_("What you intend to publish or present, and when."),
    )
    materials_received = LimitedTextField(
        _("materials received under an MTA"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        help_text=_("Cell lines, plasmids, compounds or data others gave you, and from whom."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DisclosureStatus.choices,
        default=DisclosureStatus.DRAFT,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_note = LimitedTextField(
        _("review note"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        help_text=_("What the office asks the researcher to change."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    achievement = models.OneToOneField(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosure",
    )

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=DisclosureStatus.CONVERTED, achievement__isnull=False)
                | (~Q(status=DisclosureStatus.CONVERTED) & Q(achievement__isnull=True)),
                name="disclosure_converted_has_achievement",
                violation_error_message=_(
                    "A disclosure is linked to an achievement when, and only when, it is accepted."
                ),
            ),
        ]

    def __str__(self):
        return self.title


class DisclosureInventor(models.Model):
    """An inventor named on a disclosure, and whether they confirmed it."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("disclosure"),
        on_delete=models.CASCADE,
        related_name="inventors",
    )
    person = models.ForeignKey(
        "partnerships.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="disclosure_inventorships",
    )
    contribution_percent = models.DecimalField(_("contribution (%)"), **SHARE_DIGITS)
    department = models.CharField(_("department or lab"), max_length=150, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The inventor, or the staff member who recorded their confirmation."),
    )

    class Meta:
        verbose_name = _("disclosure inventor")
        verbose_name_plural = _("disclosure inventors")
        ordering = ["disclosure", "-contribution_percent", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "person"],
                name="disclosure_inventor_once",
                violation_error_message=_("The person is an inventor already."),
            ),
            _share_between_0_and_100(
                "disclosure_inventor_contribution_0_100",
                "contribution_percent",
                _("A contribution is more than 0 and at most 100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.contribution_percent} %"


class Counsel(TimeStampedModel):
    """A patent firm or attorney the office instructs."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    name_zh = models.CharField(_("name in Chinese"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CounselKind.choices)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("counsel")
        verbose_name_plural = _("counsel")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="counsel_name_unique",
                violation_error_message=_("Counsel with this name exists."),
            ),
        ]

    def __str__(self):
        return self.name


class PatentFamily(TimeStampedModel):
    """The applications that share one priority, across offices."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.PROTECT,
        related_name="patent_families",
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_not_blank])
    priority_date = models.DateField(_("priority date"), null=True, blank=True)
    # The latest expiry among the family's living applications, kept by the
    # docket service when the applications change: valuations read it.
    expires_on = models.DateField(_("expires on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("patent family")
        verbose_name_plural = _("patent families")
        ordering = ["achievement", "priority_date", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("achievements:family", args=[self.pk])


class PatentApplication(TimeStampedModel):
    """One application (and, once granted, the patent) in one office."""

    family = models.ForeignKey(
        PatentFamily,
        verbose_name=_("patent family"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    jurisdiction = models.CharField(_("jurisdiction"), max_length=8, choices=Jurisdiction.choices)
    office = models.CharField(
        _("office"),
        max_length=60,
        blank=True,
        help_text=_("For another jurisdiction: the office, e.g. AU or IN."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_(
            "The PCT application a phase enters from, or the application a "
            "continuation or divisional continues."
        ),
    )
    application_number = models.CharField(_("application number"), max_length=40, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    publication_number = models.CharField(_("publication number"), max_length=40, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    grant_number = models.CharField(_("grant number"), max_length=40, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFTING,
    )
    counsel = models.ForeignKey(
        Counsel,
        verbose_name=_("counsel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    expires_on = models.DateField(
        _("expiry given by the office"),
        null=True,
        blank=True,
        help_text=_(
            "Only when the office gives a term other than the statutory one "
            "(an extension, a supplementary certificate)."
        ),
    )

    class Meta:
        verbose_name = _("patent application")
        verbose_name_plural = _("patent applications")
        ordering = ["family", "filed_on", "id"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "office", "application_number"],
                condition=~Q(application_number=""),
                name="patent_application_number_unique",
                violation_error_message=_(
                    "An application with this number exists in this jurisdiction."
                ),
            ),
            models.CheckConstraint(
                condition=Q(granted_on__isnull=True)
                | Q(filed_on__isnull=False, granted_on__gte=models.F("filed_on")),
                name="patent_application_granted_after_filing",
                violation_error_message=_("A patent is granted on or after its filing date."),
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True)
                | Q(filed_on__isnull=False, published_on__gte=models.F("filed_on")),
                name="patent_application_published_after_filing",
                violation_error_message=_(
                    "An application is published on or after its filing date."
                ),
            ),
        ]

    def __str__(self):
        number = self.grant_number or self.application_number or _("unnumbered")
        return f"{self.jurisdiction_label} {number}"

    @property
    def jurisdiction_label(self) -> str:
        return (
            self.office
            if self.jurisdiction == Jurisdiction.OTHER and self.office
            else (self.jurisdiction)
        )


class OfficeAction(models.Model):
    """An examiner's report or other action the applicant must answer."""

    application = models.ForeignKey(
        PatentApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="office_actions",
    )
    received_on = models.DateField(_("received on"))
    term_months = models.PositiveSmallIntegerField(
        _("term to respond (months)"),
        help_text=_("As the office gives it, e.g. 4 for a first CNIPA notice, 3 at the USPTO."),
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("office action")
        verbose_name_plural = _("office actions")
        ordering = ["application", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_months__gte=1, term_months__lte=24),
                name="office_action_term_1_24",
                violation_error_message=_("A term to respond is 1 to 24 months."),
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True)
                | Q(responded_on__gte=models.F("received_on")),
                name="office_action_responded_after_receipt",
                violation_error_message=_("A response comes on or after the action."),
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.received_on}"


class Deadline(models.Model):
    """A date the docket must keep: computed by the rules from the family's
    facts, then kept open, done or waived by staff."""

    family = models.ForeignKey(
        PatentFamily,
        verbose_name=_("patent family"),
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    application = models.ForeignKey(
        PatentApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    office_action = models.ForeignKey(
        OfficeAction,
        verbose_name=_("office action"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    # Denormalised from the family for the docket's filters: one index
    # answers "open deadlines of an achievement, soonest first".
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    sequence = models.PositiveSmallIntegerField(
        _("number"),
        default=0,
        help_text=_("The annuity's year, or the maintenance fee's number."),
    )
    due_on = models.DateField(_("due on"))
    grace_until = models.DateField(_("grace period ends"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    waived_reason = models.CharField(_("reason waived"), max_length=255, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The last reminder sent, in days before the due date (negative once
    # overdue), so each one goes out once.
    last_reminder_days = models.SmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "id"]
        indexes = [
            # Pages of the docket and of the API are read in (due_on, id)
            # order, within one state or across them: both orders come
            # straight from an index, so a page stops at its last row.
            models.Index(fields=["state", "due_on", "id"], name="deadline_state_due_id"),
            models.Index(fields=["due_on", "id"], name="deadline_due_id"),
            models.Index(fields=["achievement", "state", "due_on"], name="deadline_achievement"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "kind", "sequence"],
                condition=Q(application__isnull=True),
                name="deadline_once_per_family_rule",
                violation_error_message=_("This deadline is on the docket already."),
            ),
            models.UniqueConstraint(
                fields=["application", "kind", "sequence"],
                condition=Q(application__isnull=False, office_action__isnull=True),
                name="deadline_once_per_application_rule",
                violation_error_message=_("This deadline is on the docket already."),
            ),
            models.UniqueConstraint(
                fields=["office_action"],
                condition=Q(office_action__isnull=False),
                name="deadline_once_per_office_action",
                violation_error_message=_("This deadline is on the docket already."),
            ),
            models.CheckConstraint(
                condition=Q(state=DeadlineState.OPEN, done_on__isnull=True, waived_reason="")
                | Q(state=DeadlineState.DONE, done_on__isnull=False)
                | Q(state=DeadlineState.WAIVED, done_on__isnull=True) & ~Q(waived_reason=""),
                name="deadline_state_consistent",
                violation_error_message=_(
                    "A done deadline has its date; a waived one its reason; an open one neither."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"


class IpCost(models.Model):
    """Money spent on an achievement's protection or transfer: official fees,
    counsel's invoices, evaluation, agency, legal."""

    achievement = models.ForeignKey(
        Achievement, verbose_name=_("achievement"), on_delete=models.PROTECT, related_name="costs"
    )
    application = models.ForeignKey(
        PatentApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="costs",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IpCostKind.choices)
    amount = money_field(_("amount"))
    currency = currency_field()
    incurred_on = models.DateField(_("incurred on"))
    counsel = models.ForeignKey(
        Counsel,
        verbose_name=_("counsel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="costs",
    )
    invoice_reference = models.CharField(_("invoice reference"), max_length=60, blank=True)
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
        verbose_name = _("IP cost")
        verbose_name_plural = _("IP costs")
        ordering = ["achievement", "-incurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="ip_cost_amount_positive",
                violation_error_message=_("A cost is a positive amount."),
            ),
        ]

    def __str__(self):
        return f"{self.achievement.reference}: {self.amount} {self.currency}"
