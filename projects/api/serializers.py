"""Serializers of the projects API. Reads show what a client needs; writes
take only the fields a client may set, and the services apply the rules."""

from collections import defaultdict
from decimal import Decimal
from operator import itemgetter
from types import SimpleNamespace

from django.db import connection
from django.db.models import F, OuterRef, Subquery, TextField
from django.db.models.functions import Cast, JSONArray
from django.utils import timezone
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.api.fields import (
    AmountField,
    ScopedPrimaryKeyRelatedField,
    date_writer,
    datetime_writer,
)
from core.api.lists import FieldsBuiltOnce, PageListSerializer, RowField, write_rows
from core.db.aggregates import JSONBAgg
from core.i18n import render_stored
from core.money import Currency
from core.text import NOTE_MAX_LENGTH, max_length_of
from partnerships.api.serializers import PartySummarySerializer
from partnerships.choices import Party
from partnerships.selectors import (
    agreements_visible_to,
    enterprises_visible_to,
    institutions_visible_to,
    joint_centres_visible_to,
    partnerships_visible_to,
    people_visible_to,
)
from pipelines.api.serializers import StageSummarySerializer
from pipelines.selectors import stages_visible_to
from projects import services
from projects.choices import VatInvoiceKind, VatRate, VerificationEvidence
from projects.models import (
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
from projects.selectors import documents_visible_to, project_partners_of, projects_visible_to
from projects.services import VAT_INVOICE_FIELDS
from projects.services.fixed_payments import ADDED_KINDS

MONEY = {"max_digits": 20, "decimal_places": 2}


# The id of a row's invoice (a milestone's, a report's), read on plain rows.
INVOICE_ID_OF_ROW = RowField(
    {"invoice_pk": F("invoice__id")}, lambda rows: itemgetter("invoice_pk")
)


class ProjectRowsSerializer(serializers.ListSerializer):
    """A page of the project list written straight from the plain rows of
    ``project_list_rows_for``, each with its partner enterprises (or with
    those of the page from one more query). Going field by field through DRF
    took most of the time of a list request. The output is that of
    ``ProjectListSerializer``'s fields, which remain the schema; model
    instances still go field by field."""

    def to_representation(self, data):
        rows = list(data)
        if not rows or not isinstance(rows[0], dict):
            return super().to_representation(rows)
        if "partners" in rows[0]:

            def partners_of(row):
                return [
                    {"id": partner[0], "code": partner[1], "name": partner[2]}
                    for partner in row["partners"] or ()
                ]
        else:
            of_page = project_partners_of(row["id"] for row in rows)

            def partners_of(row):
                return of_page.get(row["id"], [])

        # The fields ProjectListSerializer has for them: the same formats
        # and time zone.
        start_date = date_writer()
        updated_at = datetime_writer()
        return [
            {
                "id": row["id"],
                "code": row["code"],
                "title": row["title"],
                "title_zh": row["title_zh"],
                "sector": row["sector_code"],
                "stage": {
                    "id": row["stage_id"],
                    "code": row["stage_code"],
                    "name": row["stage_name"],
                    "name_zh": row["stage_name_zh"],
                    "position": row["stage_position"],
                    "trl_min": row["stage_trl_min"],
                    "trl_max": row["stage_trl_max"],
                },
                "status": row["status"],
                "trl": row["trl"],
                "lead_institution": {
                    "id": row["lead_id"],
                    "code": row["lead_code"],
                    "name": row["lead_name"],
                },
                "partner_enterprises": partners_of(row),
                "joint_centre": row["joint_centre_id"],
                "partnership": row["shown_partnership_id"],
                "agreement": row["shown_agreement_id"],
                "start_date": start_date(row["start_date"]),
                "updated_at": updated_at(row["updated_at"]),
            }
            for row in rows
        ]


# Component names: the schema would otherwise call a page of these
# "PaginatedProjectListList", and the request bodies "…RequestRequest"
# (request components get a "Request" suffix), names generated clients keep.
@extend_schema_serializer(component_name="ProjectSummary")
class ProjectListSerializer(serializers.ModelSerializer):
    """The fields a list shows, kept lean: lists are read far more often
    than single projects."""

    sector = serializers.CharField(source="current_stage.pipeline.sector.code")
    stage = StageSummarySerializer(source="current_stage")
    lead_institution = PartySummarySerializer()
    partner_enterprises = PartySummarySerializer(many=True)
    # As the scoping selector shows them: on a project shared under another
    # enterprise's agreement, a partner is not told which one.
    partnership = serializers.IntegerField(
        source="shown_partnership_id", read_only=True, allow_null=True
    )
    agreement = serializers.IntegerField(
        source="shown_agreement_id", read_only=True, allow_null=True
    )

    class Meta:
        model = ResearchProject
        fields = [
            "id",
            "code",
            "title",
            "title_zh",
            "sector",
            "stage",
            "status",
            "trl",
            "lead_institution",
            "partner_enterprises",
            "joint_centre",
            "partnership",
            "agreement",
            "start_date",
            "updated_at",
        ]
        # Lists of plain rows (the API's project list) go through
        # ProjectRowsSerializer; model instances still go field by field.
        list_serializer_class = ProjectRowsSerializer


class GuardSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField()


@extend_schema_serializer(component_name="ProjectDetail")
class ProjectDetailSerializer(ProjectListSerializer):
    pipeline = serializers.CharField(source="current_stage.pipeline.code")
    available_decisions = serializers.SerializerMethodField()

    class Meta(ProjectListSerializer.Meta):
        fields = [
            *ProjectListSerializer.Meta.fields,
            "pipeline",
            "principal_investigator",
            "therapeutic_area",
            "budget",
            "currency",
            "next_gate_review_on",
            "description",
            "created_at",
            "available_decisions",
        ]

    def get_available_decisions(self, project) -> dict[str, dict]:
        """Each stage-gate decision with whether the user may take it now,
        and why not."""

        user = self.context["request"].user
        guards = {
            "advance": services.project_advance_guard,
            "skip": services.project_skip_guard,
            "hold": services.project_hold_guard,
            "resume": services.project_resume_guard,
            "terminate": services.project_terminate_guard,
            "revert": services.project_revert_guard,
        }
        return {
            name: {"allowed": guard(project, user).allowed, "reason": guard(project, user).reason}
            for name, guard in guards.items()
        }


class ProjectWriteSerializer(serializers.ModelSerializer):
    current_stage = ScopedPrimaryKeyRelatedField(stages_visible_to)
    lead_institution = ScopedPrimaryKeyRelatedField(institutions_visible_to)
    principal_investigator = ScopedPrimaryKeyRelatedField(
        people_visible_to, required=False, allow_null=True
    )
    partner_enterprises = ScopedPrimaryKeyRelatedField(
        enterprises_visible_to, many=True, required=False
    )
    joint_centre = ScopedPrimaryKeyRelatedField(
        joint_centres_visible_to, required=False, allow_null=True
    )
    partnership = ScopedPrimaryKeyRelatedField(
        partnerships_visible_to, required=False, allow_null=True
    )
    agreement = ScopedPrimaryKeyRelatedField(
        agreements_visible_to, required=False, allow_null=True
    )

    class Meta:
        model = ResearchProject
        fields = services.PROJECT_FIELDS.all

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # The stage of an existing project moves through gate decisions.
            fields["current_stage"].read_only = True
            fields["code"].read_only = True
        return fields


class DecisionSerializer(serializers.Serializer):
    rationale = serializers.CharField(max_length=max_length_of(StageTransition, "rationale"))
    evidence = ScopedPrimaryKeyRelatedField(
        documents_visible_to, many=True, required=False, default=list
    )


class StageDecisionSerializer(DecisionSerializer):
    to_stage = ScopedPrimaryKeyRelatedField(stages_visible_to)


class OptionalStageDecisionSerializer(DecisionSerializer):
    to_stage = ScopedPrimaryKeyRelatedField(stages_visible_to, required=False, allow_null=True)


class StageTransitionSerializer(serializers.ModelSerializer):
    # A project's first transition starts it: it comes from no stage.
    from_stage = StageSummarySerializer(allow_null=True)
    to_stage = StageSummarySerializer()
    decided_by = serializers.CharField(source="decided_by.email", default=None, allow_null=True)

    class Meta:
        model = StageTransition
        fields = [
            "id",
            "project",
            "kind",
            "from_stage",
            "to_stage",
            "from_status",
            "to_status",
            "decided_by",
            "decided_at",
            "rationale",
            "evidence",
            "recorded_at",
        ]


class MilestoneSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    is_overdue = serializers.SerializerMethodField()
    invoice = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "agreement",
            "name",
            "kind",
            "trigger_stage",
            "trigger_event",
            "due_offset_days",
            "triggered_on",
            "due_date",
            "amount",
            "currency",
            "status",
            "is_overdue",
            "claim_note",
            "claimed_at",
            "verification_comment",
            "verified_at",
            "verification_evidence",
            "dispute_reason",
            "closing_reason",
            "invoice",
            "created_at",
            "updated_at",
        ]
        # Pages of rows written at less cost, the output unchanged.
        list_serializer_class = PageListSerializer

    # A page read as plain rows (core.api.lists): the fields that are not
    # columns, written as the methods below write them.
    row_fields = {
        "is_overdue": RowField(
            {"due_date": None, "status": None},
            lambda rows: _overdue_writer(timezone.localdate()),
        ),
        "invoice": INVOICE_ID_OF_ROW,
    }

    def get_is_overdue(self, milestone) -> bool:
        return milestone.is_overdue(timezone.localdate())

    def get_invoice(self, milestone) -> int | None:
        invoice = getattr(milestone, "invoice", None)
        return invoice.pk if invoice else None


def _overdue_writer(today):
    def write(row):
        # The model's rule, read from the row's two columns.
        return Milestone.is_overdue(
            SimpleNamespace(due_date=row["due_date"], status=row["status"]), today
        )

    return write


class FixedPaymentSerializer(serializers.ModelSerializer):
    """An upfront, an annual fee or another fixed amount owed under an
    agreement, with its invoice and what was paid on it."""

    label = serializers.CharField(read_only=True)
    is_overdue = serializers.SerializerMethodField()
    invoice = serializers.SerializerMethodField()
    amount_paid = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)

    class Meta:
        model = FixedPayment
        fields = [
            "id",
            "agreement",
            "project",
            "kind",
            "label",
            "description",
            "term_year",
            "amount",
            "currency",
            "due_date",
            "status",
            "is_overdue",
            "closing_reason",
            "invoice",
            "amount_paid",
            "created_at",
            "updated_at",
        ]

    def get_is_overdue(self, fixed_payment) -> bool:
        return fixed_payment.is_overdue(timezone.localdate())

    def get_invoice(self, fixed_payment) -> int | None:
        invoice = getattr(fixed_payment, "invoice", None)
        return invoice.pk if invoice else None


@extend_schema_serializer(component_name="FixedPaymentAdd")
class FixedPaymentCreateSerializer(serializers.Serializer):
    """What the staff add: a patent-cost reimbursement, a sublicence income
    share, an option fee or another amount. The upfront and the annual
    fees follow from the agreement's terms."""

    agreement = ScopedPrimaryKeyRelatedField(agreements_visible_to)
    project = ScopedPrimaryKeyRelatedField(projects_visible_to, required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in ADDED_KINDS])
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=max_length_of(FixedPayment, "description")
    )
    amount = serializers.DecimalField(**MONEY)
    due_date = serializers.DateField()


class ClaimSerializer(serializers.Serializer):
    evidence_note = serializers.CharField(
        required=False, allow_blank=True, max_length=max_length_of(Milestone, "claim_note")
    )
    documents = ScopedPrimaryKeyRelatedField(
        documents_visible_to, many=True, required=False, default=list
    )


@extend_schema_serializer(component_name="VerificationRecord")
class VerificationRecordSerializer(serializers.Serializer):
    """A verification the enterprise gave in writing, outside BioBridge.
    Upload the letter or email first (``POST /documents/`` with the
    milestone) and name it here."""

    evidence = serializers.ChoiceField(
        choices=VerificationEvidence.choices,
        help_text="How the enterprise confirmed: a signed letter, an email or other.",
    )
    documents = ScopedPrimaryKeyRelatedField(
        documents_visible_to,
        many=True,
        allow_empty=False,
        help_text="The letter or email, as documents of the milestone's project.",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=max_length_of(Milestone, "verification_comment"),
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=max_length_of(Milestone, "verification_comment"),
    )


class ReasonSerializer(serializers.Serializer):
    # The reason of a dispute, a cancellation, a waiver or a query: each is
    # stored in a field of the note's length.
    reason = serializers.CharField(max_length=NOTE_MAX_LENGTH)


@extend_schema_serializer(component_name="InvoiceIssue")
class InvoiceRequestSerializer(serializers.Serializer):
    issued_on = serializers.DateField(required=False)
    payment_terms_days = serializers.IntegerField(required=False, min_value=0, max_value=365)


class VatInvoiceSerializer(serializers.ModelSerializer):
    """The VAT invoice (发票) issued for an invoice; amounts in yuan."""

    class Meta:
        model = VatInvoice
        fields = ["invoice", *VAT_INVOICE_FIELDS.fields, "recorded_at"]


@extend_schema_serializer(component_name="VatInvoiceRecord")
class VatInvoiceRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VatInvoiceKind.choices)
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="10 or 12 digits for a special or ordinary VAT invoice; empty for a fully "
        "digitalised e-invoice.",
    )
    number = serializers.CharField(
        max_length=30, help_text="20 digits for a fully digitalised e-invoice, 8 otherwise."
    )
    issued_on = serializers.DateField()
    amount_with_tax = serializers.DecimalField(**MONEY, min_value=0)
    tax_rate = serializers.ChoiceField(choices=VatRate.choices)
    tax_amount = serializers.DecimalField(**MONEY, min_value=0)


class InvoiceSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    amount_paid = serializers.DecimalField(**MONEY, read_only=True)
    vat_invoice = VatInvoiceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "milestone",
            "royalty_report",
            "fixed_payment",
            "payee_name",
            "payee_legal_name",
            "payee_tax_id",
            "payee_address",
            "payee_bank_name",
            "payee_bank_branch",
            "payee_bank_account",
            "payer_name",
            "payer_legal_name",
            "payer_tax_id",
            "payer_address",
            "amount",
            "amount_paid",
            "currency",
            "issued_on",
            "due_on",
            "sent_on",
            "vat_invoice",
            "created_at",
        ]
        list_serializer_class = PageListSerializer
        read_only_fields = ["sent_on"]


class PaymentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "invoice", "amount", "currency", "paid_on", "reference", "recorded_at"]
        list_serializer_class = PageListSerializer


@extend_schema_serializer(component_name="PaymentRecord")
class PaymentRequestSerializer(serializers.Serializer):
    amount = AmountField(min_value=0)
    currency = serializers.ChoiceField(choices=Currency.choices)
    paid_on = serializers.DateField()
    reference = serializers.CharField(
        required=False, allow_blank=True, max_length=max_length_of(Payment, "reference")
    )


class RoyaltyReportLineSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = RoyaltyReportLine
        fields = ["product", "territory", "net_sales"]
        list_serializer_class = PageListSerializer


class RoyaltyReportSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    lines = RoyaltyReportLineSerializer(many=True, read_only=True)
    invoice = serializers.SerializerMethodField()

    class Meta:
        model = RoyaltyReport
        fields = [
            "id",
            "agreement",
            "project",
            "kind",
            "period_start",
            "period_end",
            "net_sales",
            "sublicense_income",
            "royalty_due",
            "currency",
            "status",
            "note",
            "query_reason",
            "lines",
            "invoice",
            "submitted_at",
            "accepted_at",
            "created_at",
        ]
        list_serializer_class = PageListSerializer

    row_fields = {
        "lines": RowField(lambda: _lines_columns(), lambda rows: _lines_writer(rows)),
        "invoice": INVOICE_ID_OF_ROW,
    }

    def get_invoice(self, report) -> int | None:
        invoice = getattr(report, "invoice", None)
        return invoice.pk if invoice else None


def _lines_columns() -> dict:
    """On PostgreSQL a report's lines come with it, in the page's query, as
    a JSON array of [product, territory, net sales as text] in the lines'
    order (null for none): a second query for the lines of a page cost more
    than the page. Elsewhere ``_lines_writer`` reads them in one more
    query."""
    if connection.vendor != "postgresql":
        return {"id": None}
    lines = (
        RoyaltyReportLine.objects.filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(
            lines=JSONBAgg(
                JSONArray("product", "territory", Cast("net_sales", TextField())),
                order_by=("product", "territory", "id"),
            )
        )
        .values("lines")
    )
    return {"id": None, "lines_of_row": Subquery(lines)}


def _lines_writer(reports: list[dict]):
    """The lines of a page of reports, in the order and the form of the
    ``lines`` field: from the rows' JSON, or from one query for the page."""
    if reports and "lines_of_row" in reports[0]:
        rows, owners = [], []
        for report in reports:
            for product, territory, net_sales in report["lines_of_row"] or ():
                rows.append(
                    {"product": product, "territory": territory, "net_sales": Decimal(net_sales)}
                )
                owners.append(report["id"])
    elif reports:
        rows = list(
            RoyaltyReportLine.objects.filter(
                report__in=[report["id"] for report in reports]
            ).values("report_id", *RoyaltyReportLineSerializer.Meta.fields)
        )
        owners = [row["report_id"] for row in rows]
    else:
        rows, owners = [], []
    lines = defaultdict(list)
    for owner, written in zip(
        owners, write_rows(RoyaltyReportLineSerializer(), rows) or [], strict=True
    ):
        lines[owner].append(written)
    return lambda report: lines.get(report["id"], [])


class SalesFiguresSerializer(serializers.Serializer):
    net_sales = AmountField(min_value=0, required=False)
    lines = RoyaltyReportLineSerializer(many=True, required=False, default=list)
    sublicense_income = AmountField(min_value=0, required=False, default=0)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=max_length_of(RoyaltyReport, "note")
    )


class RoyaltyReportSubmitSerializer(SalesFiguresSerializer):
    agreement = ScopedPrimaryKeyRelatedField(agreements_visible_to)
    project = serializers.IntegerField(required=False, allow_null=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class RoyaltyPreviewSerializer(serializers.Serializer):
    royalty_due = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()


class CostEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CostEntry
        fields = [
            "id",
            "project",
            "stage",
            "paid_by",
            "amount",
            "currency",
            "incurred_on",
            "description",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        fields["project"] = ScopedPrimaryKeyRelatedField(projects_visible_to)
        fields["stage"] = ScopedPrimaryKeyRelatedField(stages_visible_to)
        fields["paid_by"] = serializers.ChoiceField(choices=Party.choices)
        return fields


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "description",
            "project",
            "agreement",
            "milestone",
            "is_internal",
            "uploaded_at",
        ]


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    project = serializers.IntegerField(required=False, allow_null=True)
    agreement = serializers.IntegerField(required=False, allow_null=True)
    milestone = serializers.IntegerField(required=False, allow_null=True)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=max_length_of(Document, "description")
    )
    is_internal = serializers.BooleanField(required=False, default=False)


class ActivitySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.email", default=None, allow_null=True)
    summary = serializers.CharField(
        source="text",
        read_only=True,
        help_text="The sentence in the request's language (Accept-Language).",
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "created_at",
            "actor",
            "verb",
            "target_type",
            "target_id",
            "summary",
            "changes",
            "project",
            "agreement",
        ]
        list_serializer_class = PageListSerializer

    row_fields = {
        "summary": RowField(
            {"message": None, "summary": None},
            lambda rows: lambda row: str(render_stored(row["message"], row["summary"])),
        ),
    }
