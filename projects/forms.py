"""Forms of the staff UI's project pages. They parse and present input;
the services decide. A refusal from a service (``DomainError``) comes back
onto the form with ``add_domain_error``: on its field when it names one the
form has, otherwise as an error of the whole form."""

import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ExchangeRate
from core.money import Currency, quantize_money
from core.templatetags.biobridge import localized
from core.text import NOTE_MAX_LENGTH, max_length_of
from core.ui.forms import AmountField, BootstrapFormMixin, DateInput, DomainErrorFormMixin, Form
from partnerships.choices import Party
from partnerships.selectors import (
    agreements_visible_to,
    enterprises_visible_to,
    institutions_visible_to,
    joint_centres_visible_to,
    partnerships_visible_to,
    people_visible_to,
)
from pipelines.models import StageDefinition
from pipelines.selectors import stages_visible_to
from projects.choices import VatInvoiceKind, VatRate, VerificationEvidence
from projects.models import (
    CostEntry,
    Document,
    FixedPayment,
    Milestone,
    Payment,
    ResearchProject,
    RoyaltyReport,
    StageTransition,
)
from projects.selectors import documents_visible_to, projects_visible_to
from projects.services import PROJECT_FIELDS, VAT_INVOICE_FIELDS


def _project_documents(user, project):
    """Documents of the project the user sees, for evidence."""
    return documents_visible_to(user).filter(project=project).order_by("-uploaded_at", "-id")


class DocumentChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, document):
        return document.original_name


# --- Stage-gate decisions -------------------------------------------------------


class GateDecisionForm(Form):
    """A stage-gate decision: its rationale, the evidence among the project's
    documents and, for a skip or a revert, the stage it goes to."""

    to_stage = forms.ModelChoiceField(label=_("To stage"), queryset=StageDefinition.objects.none())
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=True,
        max_length=max_length_of(StageTransition, "rationale"),
    )
    evidence = DocumentChoiceField(
        label=_("Evidence"), queryset=Document.objects.none(), required=False
    )

    def __init__(self, *args, project, user, decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs.pop("class", None)
        self.fields["evidence"].queryset = _project_documents(user, project)
        current = project.current_stage
        stages = stages_visible_to(user).filter(pipeline_id=current.pipeline_id)
        if decision == "skip":
            # A skip passes over the next stage at least.
            next_position = (
                stages.filter(position__gt=current.position)
                .order_by("position")
                .values_list("position", flat=True)
                .first()
            )
            stages = stages.filter(position__gt=next_position or current.position)
        elif decision == "revert":
            stages = stages.filter(position__lt=current.position)
        else:
            del self.fields["to_stage"]
            return
        self.fields["to_stage"].queryset = stages.order_by("position")
        self.fields["to_stage"].label_from_instance = localized


# --- Milestones ------------------------------------------------------------------


class MilestoneClaimForm(Form):
    evidence_note = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=max_length_of(Milestone, "claim_note"),
        help_text=_("Describe the evidence, attach documents of the project, or both."),
    )
    documents = DocumentChoiceField(
        label=_("Documents"), queryset=Document.objects.none(), required=False
    )
    file = forms.FileField(
        label=_("Upload new evidence"),
        required=False,
        help_text=_("Stored with the project's documents and attached to the claim."),
    )

    def __init__(self, *args, project, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].widget.attrs.pop("class", None)
        # Internal documents are no evidence: the payer cannot see them.
        self.fields["documents"].queryset = _project_documents(user, project).filter(
            is_internal=False
        )


class ReasonForm(Form):
    # The reason of a dispute, a cancellation, a waiver or a query: each is
    # stored in a field of the note's length.
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=True,
        max_length=NOTE_MAX_LENGTH,
    )


class RoyaltyQueryForm(Form):
    reason = forms.CharField(
        label=_("Question for the licensee"),
        help_text=_("The licensee reads this in the portal when it corrects the report."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=max_length_of(RoyaltyReport, "query_reason"),
    )


class VerifyForm(Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=max_length_of(Milestone, "verification_comment"),
    )


class VerificationRecordForm(Form):
    """A verification the enterprise gave in writing, recorded by staff with
    the letter or email attached."""

    evidence = forms.ChoiceField(
        label=_("The enterprise confirmed by"), choices=VerificationEvidence.choices
    )
    file = forms.FileField(
        label=_("Letter or email"),
        required=False,
        help_text=_(
            "A scan of the signed letter or the email saved as PDF; stored with the "
            "project's documents, visible to the enterprise."
        ),
    )
    documents = DocumentChoiceField(
        label=_("Or documents already uploaded"), queryset=Document.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=max_length_of(Milestone, "verification_comment"),
        help_text=_("Who signed or wrote it, and when."),
    )

    def __init__(self, *args, project, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].widget.attrs.pop("class", None)
        # The enterprise must see what was recorded in its name.
        self.fields["documents"].queryset = _project_documents(user, project).filter(
            is_internal=False
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("documents") and not self.errors:
            self.add_error(
                "file", _("Attach the enterprise's letter or email, or choose a document.")
            )
        return cleaned


class InvoiceForm(Form):
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput(), required=False)
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=365, initial=30
    )


class PaymentForm(Form):
    amount = AmountField(
        label=_("Amount"),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(
        label=_("Bank reference"), max_length=max_length_of(Payment, "reference"), required=False
    )

    def __init__(self, *args, invoice, outstanding=None, **kwargs):
        """``outstanding``: what is left to pay on the invoice, from the
        amount-paid selectors; most transfers settle it, so it is offered."""
        initial = {"paid_on": timezone.localdate()}
        if invoice is not None:
            amount = None if outstanding is None else quantize_money(outstanding, invoice.currency)
            initial.update(currency=invoice.currency, amount=amount)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)


class VatInvoiceForm(Form):
    """The VAT invoice (发票) issued for an invoice, as printed on it. The
    service checks the number's format by kind, the date and the amounts."""

    kind = forms.ChoiceField(label=_("VAT invoice type"), choices=VatInvoiceKind.choices)
    code = forms.CharField(
        label=_("VAT invoice code"),
        max_length=20,
        required=False,
        help_text=_("10 or 12 digits; a fully digitalised e-invoice has none."),
    )
    number = forms.CharField(
        label=_("VAT invoice number"),
        max_length=30,
        help_text=_("20 digits on a fully digitalised e-invoice, 8 on the older kinds."),
    )
    issued_on = forms.DateField(
        label=_("Date of issue"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    amount_with_tax = forms.DecimalField(
        label=_("Amount with tax (CNY)"), max_digits=18, decimal_places=2, min_value=0
    )
    tax_rate = forms.ChoiceField(label=_("Tax rate"), choices=VatRate.choices)
    tax_amount = forms.DecimalField(
        label=_("Tax amount (CNY)"), max_digits=18, decimal_places=2, min_value=0
    )

    def __init__(self, *args, invoice, **kwargs):
        """Open on the record when there is one (to correct it), otherwise
        on a fully digitalised special invoice for the invoice's amount
        when it is in yuan, dated today."""
        record = getattr(invoice, "vat_invoice", None)
        if record is not None:
            initial = {name: getattr(record, name) for name in VAT_INVOICE_FIELDS.fields}
        else:
            initial = {
                "kind": VatInvoiceKind.DIGITAL_SPECIAL,
                "issued_on": timezone.localdate(),
                "tax_rate": VatRate.RATE_6,
            }
            if invoice.currency == Currency.CNY:
                initial["amount_with_tax"] = invoice.amount
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)


# --- Money and documents -----------------------------------------------------------


class CostEntryForm(Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=StageDefinition.objects.none())
    paid_by = forms.ChoiceField(label=_("Paid by"), choices=Party.choices)
    amount = AmountField(
        label=_("Amount"),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    incurred_on = forms.DateField(label=_("Incurred on"), widget=DateInput())
    description = forms.CharField(
        label=_("Description"), max_length=max_length_of(CostEntry, "description")
    )

    def __init__(self, *args, project, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "stage": project.current_stage_id,
                # The agreement's currency, so that the ledger stays in one.
                "currency": project.agreement.currency if project.agreement else project.currency,
                "incurred_on": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages_visible_to(user).filter(
            pipeline_id=project.current_stage.pipeline_id
        )
        self.fields["stage"].label_from_instance = localized


class DocumentUploadForm(Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(
        label=_("Description"), max_length=max_length_of(Document, "description"), required=False
    )
    is_internal = forms.BooleanField(
        label=_("Internal (the enterprise does not see it)"), required=False
    )


# --- An enterprise's portal users ----------------------------------------------------


class EnterpriseInviteForm(Form):
    """Staff invite an enterprise's partner admin to the portal."""

    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)


# --- Registering and editing a project ------------------------------------------------


class ProjectForm(BootstrapFormMixin, DomainErrorFormMixin, forms.ModelForm):
    """A project's particulars. Its stage is chosen when it is registered
    and moves only by stage-gate decisions afterwards. Every choice is among
    what the user may see."""

    class Meta:
        model = ResearchProject
        fields = PROJECT_FIELDS.all
        widgets = {
            "start_date": DateInput(),
            "next_gate_review_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "partner_enterprises": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        if self.instance.pk:
            for name in ("code", "current_stage"):
                del fields[name]
        else:
            fields["current_stage"].queryset = stages_visible_to(user).order_by(
                "pipeline__sector__position", "pipeline__name", "position"
            )
            fields["current_stage"].label_from_instance = lambda stage: (
                f"{localized(stage.pipeline)} — {stage.position}. {localized(stage)}"
            )
            fields["current_stage"].label = _("Starting stage")
        fields["lead_institution"].queryset = institutions_visible_to(user)
        for name in ("lead_institution", "joint_centre", "partner_enterprises", "sector"):
            if name in fields:
                fields[name].label_from_instance = localized
        fields["principal_investigator"].queryset = people_visible_to(user)
        fields["joint_centre"].queryset = joint_centres_visible_to(user)
        fields["partnership"].queryset = partnerships_visible_to(user)
        fields["agreement"].queryset = agreements_visible_to(user)
        # Choosing an agreement sets the currency to the agreement's
        # (static/js/biobridge.js), so the project's money starts in it.
        fields["agreement"].widget.attrs.update(
            {
                "data-bb-currencies": json.dumps(
                    {
                        str(pk): currency
                        for pk, currency in agreements_visible_to(user).values_list(
                            "pk", "currency"
                        )
                    }
                ),
                "data-bb-currency-field": "currency",
            }
        )
        fields["partner_enterprises"].queryset = enterprises_visible_to(user).order_by("name")


# --- Exchange rates -------------------------------------------------------------------


class ExchangeRateForm(BootstrapFormMixin, DomainErrorFormMixin, forms.ModelForm):
    """One published rate, as the table quotes it."""

    class Meta:
        model = ExchangeRate
        fields = ["valid_on", "currency", "quote_currency", "unit", "rate", "source"]
        widgets = {"valid_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("valid_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["rate"].widget.attrs["step"] = "any"


class ExchangeRateImportForm(Form):
    file = forms.FileField(
        label=_("Central parity table (CSV)"),
        help_text=_(
            "A date column, then one column per pair such as USD/CNY, 100JPY/CNY or CNY/KRW."
        ),
    )


# --- Fixed payments of an agreement ----------------------------------------------------


class FixedPaymentForm(Form):
    """An amount the staff add to an agreement: patent costs, a share of
    sublicence income, an option fee or another fixed amount."""

    kind = forms.ChoiceField(label=_("Kind"))
    description = forms.CharField(
        label=_("Description"),
        max_length=max_length_of(FixedPayment, "description"),
        required=False,
        help_text=_("E.g. the patent family and the period the costs cover."),
    )
    amount = AmountField(label=_("Amount"))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=ResearchProject.objects.none(),
        required=False,
        help_text=_("Only when the amount concerns one project under the agreement."),
    )

    def __init__(self, *args, agreement, user, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
        self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": agreement.currency}
        self.fields["project"].queryset = (
            projects_visible_to(user).filter(agreement=agreement).order_by("code")
        )
        self.fields["project"].label_from_instance = lambda project: (
            f"{project.code} — {localized(project, 'title')}"
        )
