"""Forms of the staff UI that create and edit partners, partnerships,
agreements and their terms. They parse and present input; the services in
``partnerships.services`` and ``projects.services`` decide. Every choice is
among what the user may see, so a foreign id is "not a valid choice".

Rows (the parties of a joint centre, cost shares, royalty tiers, failure
clauses, the milestone schedule) are formsets whose choice fields read their
options from one list built per page, so that a page does not query once per
row."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.money import Currency
from core.templatetags.biobridge import localized
from core.text import max_length_of
from core.ui.forms import (
    EMPTY_CHOICE_LABEL,
    AmountField,
    BootstrapFormMixin,
    DateInput,
    DomainErrorFormMixin,
    Form,
)
from pipelines.selectors import sectors_visible_to

from .choices import MilestoneKind, Party, SunkCostBearer
from .models import (
    Agreement,
    Enterprise,
    FailureClause,
    Institution,
    JointCentre,
    MilestoneScheduleItem,
    Partnership,
    Person,
)
from .selectors import (
    enterprises_visible_to,
    institutions_visible_to,
    joint_centres_visible_to,
    partnerships_visible_to,
    people_visible_to,
)
from .services import (
    AGREEMENT_FIELDS,
    ENTERPRISE_FIELDS,
    INSTITUTION_FIELDS,
    JOINT_CENTRE_FIELDS,
    PARTNERSHIP_FIELDS,
    PAYMENT_TERMS_FIELDS,
    PERSON_FIELDS,
    RENEWAL_TERMS_FIELDS,
)

DATE = DateInput()


class ModelForm(BootstrapFormMixin, DomainErrorFormMixin, forms.ModelForm):
    def validate_constraints(self):
        # The services check the constraints and name the field each one is
        # about; Django's form would report them for the whole form.
        pass


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects loaded once per page (see ``set_objects``).
    It cleans to the object; anything else is not a valid choice."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", ())
        super().__init__(*args, **kwargs)
        self.objects = {}

    def set_objects(self, objects, label=str, group=None) -> None:
        """``objects`` in order; ``group``, if given, names the option group
        of each."""
        self.objects = {str(obj.pk): obj for obj in objects}
        options = [(str(obj.pk), label(obj)) for obj in objects]
        if group is not None:
            groups: dict = {}
            for obj, option in zip(objects, options, strict=True):
                groups.setdefault(group(obj), []).append(option)
            options = list(groups.items())
        self.choices = [("", EMPTY_CHOICE_LABEL), *options]

    def prepare_value(self, value):
        return value.pk if isinstance(value, models.Model) else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, models.Model):
            return value
        try:
            return self.objects[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")


def row_id(obj) -> str:
    return str(obj.pk)


def stage_label(stage) -> str:
    return f"{stage.position}. {localized(stage)}"


def stage_group(stage) -> str:
    return str(localized(stage.pipeline))


# --- Directory ----------------------------------------------------------------------


class InstitutionForm(ModelForm):
    class Meta:
        model = Institution
        fields = INSTITUTION_FIELDS.all

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Codes appear in invoice numbers: chosen once, at creation.
            del self.fields["code"]
        # Most institutions keep the calendar year: left empty, it is January.
        self.fields["fiscal_year_start_month"].required = False

    def clean_fiscal_year_start_month(self):
        return self.cleaned_data.get("fiscal_year_start_month") or 1


class EnterpriseForm(ModelForm):
    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS.all
        widgets = {"sectors": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["code"]
        self.fields["sectors"].queryset = sectors_visible_to(user)
        self.fields["sectors"].label_from_instance = localized


class PersonForm(ModelForm):
    """A contact; it belongs to an institution or to an enterprise."""

    class Meta:
        model = Person
        fields = PERSON_FIELDS.all

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions_visible_to(user)
        self.fields["enterprise"].queryset = enterprises_visible_to(user)
        self.fields["institution"].label_from_instance = localized
        self.fields["enterprise"].label_from_instance = localized
        self.fields["enterprise"].help_text = _(
            "Choose an institution or an enterprise, not both."
        )


class JointCentreForm(ModelForm):
    class Meta:
        model = JointCentre
        fields = JOINT_CENTRE_FIELDS.without("parties")  # parties: rows below the form
        widgets = {
            "established_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "focus_sectors": forms.SelectMultiple(attrs={"size": 6}),
            "governance_contacts": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["code"]
        self.fields["focus_sectors"].queryset = sectors_visible_to(user)
        self.fields["focus_sectors"].label_from_instance = localized
        self.fields["governance_contacts"].queryset = people_visible_to(user)


class CentrePartyForm(Form):
    """A host institution or a lead enterprise of a joint centre: one row."""

    party = ObjectChoiceField(label=_("Party"))
    annual_funding_commitment = AmountField(
        label=_("Annual funding commitment"),
        required=False,
        initial=0,
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial="CNY")
    commitment_from_year = forms.IntegerField(
        label=_("From year"), min_value=1900, max_value=2200, required=False
    )
    commitment_to_year = forms.IntegerField(
        label=_("To year"), min_value=1900, max_value=2200, required=False
    )

    def __init__(self, *args, parties, party_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].set_objects(parties, label=localized)
        self.fields["party"].label = party_label


class RowFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


def row_formset(form_class):
    """Rows with one blank row to add to and a "Remove" box on each."""
    return forms.formset_factory(form_class, formset=RowFormSet, extra=1, can_delete=True)


CentrePartyFormSet = row_formset(CentrePartyForm)


# --- Partnerships and agreements ------------------------------------------------------


class PartnershipForm(ModelForm):
    class Meta:
        model = Partnership
        fields = PARTNERSHIP_FIELDS.all
        widgets = {
            "started_on": DATE,
            "ended_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["code"]
        fields = self.fields
        fields["institution"].queryset = institutions_visible_to(user)
        fields["joint_centre"].queryset = joint_centres_visible_to(user)
        fields["enterprise"].queryset = enterprises_visible_to(user)
        for name in ("institution", "joint_centre", "enterprise"):
            fields[name].label_from_instance = localized
        fields["joint_centre"].help_text = _(
            "The research party is an institution or a joint centre, not both."
        )


class AgreementForm(ModelForm):
    """An agreement's particulars. Its payment terms are edited on the
    terms page."""

    class Meta:
        model = Agreement
        fields = AGREEMENT_FIELDS.all
        widgets = {
            "signed_on": DATE,
            "effective_on": DATE,
            "expires_on": DATE,
            "field_of_use": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The partnership and the reference are fixed once recorded.
            del self.fields["partnership"]
            del self.fields["reference"]
        else:
            self.fields["partnership"].queryset = partnerships_visible_to(user)


class PaymentTermsForm(ModelForm):
    class Meta:
        model = Agreement
        fields = PAYMENT_TERMS_FIELDS.all
        widgets = {"upfront_due_on": DATE}


class RenewalTermsForm(ModelForm):
    """What happens when the agreement's term ends."""

    class Meta:
        model = Agreement
        fields = RENEWAL_TERMS_FIELDS.all


# --- Terms rows -----------------------------------------------------------------------


class CostShareRowForm(Form):
    """The shares of one stage range: each party's percentage, adding up to
    100."""

    first_stage = ObjectChoiceField(label=_("From stage"))
    last_stage = ObjectChoiceField(label=_("To stage"))
    research_percent = forms.DecimalField(
        label=_("Research party (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    enterprise_percent = forms.DecimalField(
        label=_("Enterprise (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_stage", "last_stage"):
            self.fields[name].set_objects(stages, label=stage_label, group=stage_group)
        for name in ("research_percent", "enterprise_percent"):
            self.fields[name].widget.attrs.update({"data-share": "", "step": "0.01"})

    def shares(self):
        """The row as the service takes it: one share per party."""
        data = self.cleaned_data
        return [
            (Party.RESEARCH, data["research_percent"]),
            (Party.ENTERPRISE, data["enterprise_percent"]),
        ]


class RoyaltyTierRowForm(Form):
    lower_bound = AmountField(label=_("Annual net sales above"), min_value=0)
    rate_percent = forms.DecimalField(
        label=_("Royalty rate (%)"), max_digits=7, decimal_places=4, min_value=0, max_value=100
    )


class FailureClauseRowForm(Form):
    clause = ObjectChoiceField(widget=forms.HiddenInput, required=False)
    stage = ObjectChoiceField(label=_("Stage"))
    sunk_costs_borne_by = forms.ChoiceField(
        label=_("Sunk costs borne by"),
        choices=SunkCostBearer.choices,
        initial=SunkCostBearer.BY_COST_SHARES,
    )
    ip_reverts_to_institution = forms.BooleanField(
        label=_("IP reverts to the institution"), required=False
    )
    break_fee = AmountField(label=_("Break fee"), initial=0, required=False)
    break_fee_payer = forms.ChoiceField(
        label=_("Break fee paid by"), choices=Party.choices, initial=Party.ENTERPRISE
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=max_length_of(FailureClause, "notes")
    )

    def __init__(self, *args, stages, clauses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].set_objects(stages, label=stage_label, group=stage_group)
        self.fields["clause"].set_objects(clauses, label=row_id)

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("clause")
        data.pop("DELETE", None)
        if data["break_fee"] is None:
            data["break_fee"] = 0
        return data


class ScheduleItemRowForm(Form):
    item = ObjectChoiceField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Name"), max_length=max_length_of(MilestoneScheduleItem, "name")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=MilestoneKind.choices, initial=MilestoneKind.SCIENTIFIC
    )
    amount = AmountField(
        label=_("Amount"),
    )
    trigger_stage = ObjectChoiceField(label=_("Triggered by entering stage"), required=False)
    trigger_event = forms.CharField(
        label=_("or by event"),
        max_length=max_length_of(MilestoneScheduleItem, "trigger_event"),
        required=False,
    )
    due_offset_days = forms.IntegerField(
        label=_("Due (days after)"), min_value=0, max_value=3650, initial=30
    )

    def __init__(self, *args, stages, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trigger_stage"].set_objects(stages, label=stage_label, group=stage_group)
        self.fields["item"].set_objects(items, label=row_id)

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("item")
        data.pop("DELETE", None)
        return data


CostShareFormSet = row_formset(CostShareRowForm)
RoyaltyTierFormSet = row_formset(RoyaltyTierRowForm)
FailureClauseFormSet = row_formset(FailureClauseRowForm)
ScheduleItemFormSet = row_formset(ScheduleItemRowForm)
