"""Forms of the staff UI's project pages. They parse and present input;
the services decide. A refusal from a service (``DomainError``) comes back
onto the form with ``add_domain_error``: on its field when it names one the
form has, otherwise as an error of the whole form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import Currency, quantize_money
from core.templatetags.biobridge import localized
from core.text import NOTE_MAX_LENGTH, max_length_of
from core.ui.forms import BootstrapFormMixin, DateInput, DomainErrorFormMixin, Form
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
from projects.models import (
    CostEntry,
    Document,
    Milestone,
    Payment,
    ResearchProject,
    StageTransition,
)
from projects.selectors import documents_visible_to
from projects.services import PROJECT_FIELDS


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


class VerifyForm(Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=max_length_of(Milestone, "verification_comment"),
    )


class InvoiceForm(Form):
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput(), required=False)
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=365, initial=30
    )


class PaymentForm(Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2)
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


# --- Money and documents -----------------------------------------------------------


class CostEntryForm(Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=StageDefinition.objects.none())
    paid_by = forms.ChoiceField(label=_("Paid by"), choices=Party.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2)
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
                "currency": project.currency,
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
        fields["partner_enterprises"].queryset = enterprises_visible_to(user).order_by("name")
