from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from core.admin import PrefillCheckedMixin
from core.events import publish

from .computations.royalties import Tier, TierError, validate_tiers
from .events import PartnershipModeChanged
from .models import (
    Agreement,
    CostShare,
    Enterprise,
    FailureClause,
    Institution,
    JointCentre,
    JointCentreParty,
    MilestoneScheduleItem,
    Partnership,
    Person,
    RoyaltyTier,
)
from .services import (
    PAYMENT_TERMS_FIELDS,
    RENEWAL_TERMS_FIELDS,
    CostShareInput,
    TermsError,
    validate_cost_shares,
)


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["full_name", "name_zh", "job_title", "email", "phone", "user"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "kind", "country", "city"]
    list_filter = ["kind", "country"]
    search_fields = ["code", "name", "name_zh", "city", "unified_social_credit_code"]
    inlines = [PersonInline]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "size", "country", "unified_social_credit_code"]
    list_filter = ["size", "country", "sectors"]
    search_fields = ["code", "name", "name_zh", "unified_social_credit_code"]
    filter_horizontal = ["sectors"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = ["full_name", "name_zh", "job_title", "institution", "enterprise", "email"]
    list_filter = ["institution", "enterprise"]
    search_fields = ["full_name", "name_zh", "email"]
    autocomplete_fields = ["institution", "enterprise", "user"]
    list_select_related = ["institution", "enterprise"]


class JointCentrePartyInline(admin.TabularInline):
    model = JointCentreParty
    fields = [
        "institution",
        "enterprise",
        "annual_funding_commitment",
        "currency",
        "commitment_from_year",
        "commitment_to_year",
    ]
    autocomplete_fields = ["institution", "enterprise"]
    extra = 0


@admin.register(JointCentre)
class JointCentreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "established_on"]
    search_fields = ["code", "name", "name_zh"]
    filter_horizontal = ["focus_sectors", "governance_contacts"]
    inlines = [JointCentrePartyInline]


class AgreementInline(admin.TabularInline):
    model = Agreement
    fields = ["reference", "title", "kind", "status", "signed_on", "expires_on"]
    extra = 0
    show_change_link = True


@admin.register(Partnership)
class PartnershipAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "mode",
        "status",
        "institution",
        "joint_centre",
        "enterprise",
        "started_on",
    ]
    list_filter = ["mode", "status", "institution", "joint_centre"]
    search_fields = ["code", "title", "enterprise__name", "institution__name"]
    autocomplete_fields = ["institution", "joint_centre", "enterprise"]
    list_select_related = ["institution", "joint_centre", "enterprise"]
    date_hierarchy = "started_on"
    inlines = [AgreementInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "mode" in form.changed_data:
            publish(PartnershipModeChanged(partnership=obj, by=request.user))


@admin.register(Agreement)
class AgreementAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "kind",
        "status",
        "partnership",
        "signed_on",
        "expires_on",
        "exclusivity",
    ]
    list_filter = ["kind", "status", "exclusivity", "partnership__mode"]
    search_fields = ["reference", "title", "partnership__code", "partnership__enterprise__name"]
    autocomplete_fields = ["partnership"]
    list_select_related = ["partnership"]
    date_hierarchy = "signed_on"
    fieldsets = [
        (None, {"fields": ["partnership", "reference", "title", "kind", "status"]}),
        (
            _("Term"),
            {"fields": ["signed_on", "effective_on", "expires_on", *RENEWAL_TERMS_FIELDS.all]},
        ),
        (
            _("Scope"),
            {
                "fields": [
                    "exclusivity",
                    "field_of_use",
                    "territory",
                    "institution_ip_share",
                    "currency",
                ]
            },
        ),
    ]


class CostShareFormSet(BaseInlineFormSet):
    """Checks the cost shares as a whole, with the agreement locked: the
    admin saves inside a transaction, so the check and the save see the same
    rows."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if self.instance.pk:
            Agreement.objects.select_for_update().filter(pk=self.instance.pk).first()
        shares = [
            CostShareInput(
                first_stage=form.cleaned_data["first_stage"],
                last_stage=form.cleaned_data["last_stage"],
                party=form.cleaned_data["party"],
                percent=form.cleaned_data["percent"],
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            validate_cost_shares(shares)
        except TermsError as error:
            raise ValidationError(error.message, code=error.code) from error


class RoyaltyTierFormSet(BaseInlineFormSet):
    """Checks the tiers as a whole, as the terms editor does: the first
    starts at zero sales and the thresholds rise."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        tiers = sorted(
            (
                Tier(
                    lower_bound=form.cleaned_data["lower_bound"],
                    rate_percent=form.cleaned_data["rate_percent"],
                )
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ),
            key=lambda tier: tier.lower_bound,
        )
        try:
            validate_tiers(tiers)
        except TierError as error:
            raise ValidationError(str(error), code="invalid_tiers") from error


class CostShareInline(admin.TabularInline):
    model = CostShare
    formset = CostShareFormSet
    fields = ["first_stage", "last_stage", "party", "percent"]
    autocomplete_fields = ["first_stage", "last_stage"]
    extra = 0


class FailureClauseInline(admin.TabularInline):
    model = FailureClause
    fields = [
        "stage",
        "sunk_costs_borne_by",
        "ip_reverts_to_institution",
        "break_fee",
        "break_fee_payer",
        "notes",
    ]
    autocomplete_fields = ["stage"]
    extra = 0


class MilestoneScheduleInline(admin.TabularInline):
    model = MilestoneScheduleItem
    fields = [
        "position",
        "name",
        "kind",
        "amount",
        "trigger_stage",
        "trigger_event",
        "due_offset_days",
    ]
    autocomplete_fields = ["trigger_stage"]
    extra = 0


class RoyaltyTierInline(admin.TabularInline):
    model = RoyaltyTier
    formset = RoyaltyTierFormSet
    fields = ["lower_bound", "rate_percent"]
    extra = 0


AgreementAdmin.fieldsets = [
    *AgreementAdmin.fieldsets,
    (
        _("Payment terms"),
        {
            "fields": PAYMENT_TERMS_FIELDS.all,
            "description": _(
                "Cost shares must add up to exactly 100% per stage range, without "
                "overlapping ranges; royalty tiers start at zero sales and rise."
            ),
        },
    ),
]
AgreementAdmin.inlines = [
    CostShareInline,
    FailureClauseInline,
    MilestoneScheduleInline,
    RoyaltyTierInline,
]
