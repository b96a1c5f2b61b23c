from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import PrefillCheckedMixin

from .models import (
    Activity,
    CostEntry,
    Document,
    FixedPayment,
    Invoice,
    Milestone,
    Payment,
    ResearchProject,
    RoyaltyReport,
    RoyaltyReportLine,
    StageTransition,
    VatInvoice,
)
from .services import (
    portfolio_counts_move,
    portfolio_key,
    project_register,
    stage_stays_refresh,
)
from .services.invoicing import invoice_agreement_follow
from .services.open_money import open_money_kept
from .services.partner_counts import PartnerLinks, partner_stage_counts_relink
from .services.stays import SCOPE_LINKS


class StageTransitionInline(admin.TabularInline):
    """The gate history, read-only: decisions are recorded through the stage
    gate services, never edited afterwards."""

    model = StageTransition
    fields = [
        "decided_at",
        "kind",
        "from_stage",
        "to_stage",
        "from_status",
        "to_status",
        "decided_by",
        "rationale",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["decided_at", "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ResearchProject)
class ResearchProjectAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "current_stage",
        "status",
        "lead_institution",
        "joint_centre",
        "trl",
    ]
    list_filter = [
        "status",
        "current_stage__pipeline__sector",
        "partnership__mode",
        "lead_institution",
        "joint_centre",
        "therapeutic_area",
    ]
    search_fields = ["code", "title", "title_zh", "partner_enterprises__name"]
    autocomplete_fields = [
        "lead_institution",
        "principal_investigator",
        "joint_centre",
        "partnership",
        "agreement",
        "partner_enterprises",
    ]
    list_select_related = ["current_stage__pipeline", "lead_institution", "joint_centre"]
    date_hierarchy = "start_date"
    inlines = [StageTransitionInline]

    def save_model(self, request, obj, form, change):
        if change:
            # Counted where it stood before the form's changes; its open
            # milestones' money is summed by its links too.
            with open_money_kept(obj.pk):
                counted_at = portfolio_key(
                    ResearchProject.objects.select_for_update().get(pk=obj.pk)
                )
                super().save_model(request, obj, form, change)
            if SCOPE_LINKS & set(form.changed_data):
                # The stays and the portfolio's counts carry the links
                # that scope them.
                stage_stays_refresh(project=obj)
                portfolio_counts_move(before=counted_at, project=obj)
        else:
            project_register(project=obj, by=request.user, rationale="Registered in the admin.")

    def save_related(self, request, form, formsets, change):
        # The form writes the partner enterprises after the project: the
        # partners' counts by stage follow them here.
        project = form.instance
        before = set(
            PartnerLinks.objects.filter(researchproject_id=project.pk).values_list(
                "enterprise_id", flat=True
            )
        )
        super().save_related(request, form, formsets, change)
        partner_stage_counts_relink(project=project, enterprise_ids_before=before)

    def get_readonly_fields(self, request, obj=None):
        # Once a project exists its stage moves only through recorded gate
        # decisions, so that the history explains every move. Its owner is
        # assigned by ``project_owner_assign``, which checks that the owner
        # works for the lead institution and writes the timeline.
        return ["current_stage", "status", "owner"] if obj else ["owner"]


@admin.register(StageTransition)
class StageTransitionAdmin(admin.ModelAdmin):
    list_display = [
        "project",
        "kind",
        "from_stage",
        "to_stage",
        "to_status",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["kind", "to_status"]
    search_fields = ["project__code", "rationale"]
    list_select_related = ["project", "from_stage", "to_stage", "decided_by"]
    date_hierarchy = "decided_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class DocumentInline(admin.TabularInline):
    model = Document
    fk_name = "milestone"
    fields = ["original_name", "content_type", "size", "is_internal", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Milestone)
class MilestoneAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    """Milestones are planned here; their lifecycle (claim, verify, invoice,
    pay) runs through the services, so the status is read-only."""

    list_display = [
        "project",
        "name",
        "kind",
        "amount",
        "currency",
        "status",
        "due_date",
        "triggered_on",
    ]
    list_filter = ["status", "kind", "currency"]
    search_fields = ["name", "project__code", "agreement__reference"]
    autocomplete_fields = ["project", "agreement", "trigger_stage"]
    list_select_related = ["project"]
    date_hierarchy = "due_date"
    readonly_fields = [
        "status",
        "claim_note",
        "claimed_at",
        "claimed_by",
        "verification_comment",
        "verified_at",
        "verified_by",
        "dispute_reason",
        "closing_reason",
        "schedule_item",
    ]
    inlines = [DocumentInline]

    # The open milestones' money follows what is planned here, under the
    # project the milestone was and is under.
    def save_model(self, request, obj, form, change):
        before = Milestone.objects.filter(pk=obj.pk).values_list("project_id", flat=True).first()
        with open_money_kept(before, obj.project_id):
            super().save_model(request, obj, form, change)
        invoice_agreement_follow(obj)

    def delete_model(self, request, obj):
        with open_money_kept(obj.project_id):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with open_money_kept(*queryset.values_list("project_id", flat=True).distinct()):
            super().delete_queryset(request, queryset)


class PaymentInline(admin.TabularInline):
    model = Payment
    fields = ["amount", "currency", "paid_on", "reference", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class VatInvoiceInline(admin.StackedInline):
    """The VAT invoice recorded on the invoice, read-only: staff record it
    through the service, which checks its number, date and amounts."""

    model = VatInvoice
    extra = 0
    can_delete = False
    readonly_fields = [
        "kind",
        "code",
        "number",
        "issued_on",
        "amount_with_tax",
        "tax_rate",
        "tax_amount",
        "recorded_by",
        "recorded_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FixedPayment)
class FixedPaymentAdmin(admin.ModelAdmin):
    """Upfronts, fees and other fixed amounts are recorded, invoiced and
    closed through the services (the agreement's page): read-only here."""

    list_display = ["agreement", "kind", "term_year", "amount", "currency", "due_date", "status"]
    list_filter = ["kind", "status", "currency"]
    search_fields = ["agreement__reference", "description"]
    list_select_related = ["agreement"]
    date_hierarchy = "due_date"

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """Invoices are issued and paid through the services: read-only here."""

    list_display = [
        "number",
        "payee_name",
        "payer_name",
        "amount",
        "currency",
        "issued_on",
        "due_on",
    ]
    search_fields = ["number", "payee_name", "payer_name", "vat_invoice__number"]
    date_hierarchy = "issued_on"
    inlines = [PaymentInline, VatInvoiceInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["invoice", "amount", "currency", "paid_on", "reference", "recorded_by"]
    search_fields = ["invoice__number", "reference"]
    list_select_related = ["invoice", "recorded_by"]
    date_hierarchy = "paid_on"

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoyaltyReportLineInline(admin.TabularInline):
    model = RoyaltyReportLine
    fields = ["product", "territory", "net_sales"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RoyaltyReport)
class RoyaltyReportAdmin(admin.ModelAdmin):
    list_display = [
        "agreement",
        "kind",
        "period_start",
        "period_end",
        "net_sales",
        "royalty_due",
        "currency",
        "status",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["agreement__reference"]
    list_select_related = ["agreement"]
    readonly_fields = [
        "royalty_due",
        "status",
        "submitted_by",
        "submitted_at",
        "accepted_by",
        "accepted_at",
    ]
    inlines = [RoyaltyReportLineInline]

    def has_add_permission(self, request):
        # Reports are computed from the tiers when submitted.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        invoice_agreement_follow(obj)


@admin.register(CostEntry)
class CostEntryAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = [
        "project",
        "stage",
        "paid_by",
        "amount",
        "currency",
        "incurred_on",
        "description",
    ]
    list_filter = ["paid_by", "currency"]
    search_fields = ["project__code", "description"]
    autocomplete_fields = ["project", "stage"]
    list_select_related = ["project", "stage"]
    date_hierarchy = "incurred_on"


@admin.register(Document)
class DocumentAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = [
        "original_name",
        "project",
        "agreement",
        "milestone",
        "size",
        "is_internal",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["is_internal", "content_type"]
    search_fields = ["original_name", "description", "project__code"]
    autocomplete_fields = ["project", "agreement", "milestone"]
    list_select_related = ["project", "agreement", "milestone", "uploaded_by"]
    readonly_fields = ["content_type", "size", "uploaded_by", "uploaded_at"]

    # A stored file is named, not linked: the admin's link is the storage's
    # URL, which in a bucket is a signed address that skips the permission
    # checks of BioBridge's download views (docs/deployment.md).
    def get_exclude(self, request, obj=None):
        return ["file"] if obj is not None else super().get_exclude(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return ["stored_file", *fields] if obj is not None else fields

    @admin.display(description=_("file"))
    def stored_file(self, document):
        return document.file.name


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "verb", "summary", "project", "agreement"]
    list_filter = ["verb", "is_internal"]
    search_fields = ["summary", "project__code", "agreement__reference"]
    list_select_related = ["actor", "project", "agreement"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
