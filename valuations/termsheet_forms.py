"""The term sheet form of the staff UI: the terms a valuation does not
know, and the stage rows (cost shares, failure clauses). The forms parse
what the page sends; ``term_sheet_build`` and the partnerships services
apply the rules, and their refusals come back next to the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.i18n import localized_name
from partnerships.choices import SunkCostBearer

from .termsheet import LANGUAGES, MAX_ROYALTY_YEARS


class TermSheetForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, initial="en")
    partnership = forms.ModelChoiceField(
        label=_("Partnership"),
        queryset=None,
        required=False,
        help_text=_("The agreement is made under it; its parties are the licensor and licensee."),
    )
    licensor = forms.CharField(label=_("Licensor (institution)"), max_length=200)
    licensee = forms.CharField(label=_("Licensee (enterprise)"), max_length=200)
    field_of_use = forms.CharField(
        label=_("Field of use"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    territory = forms.CharField(label=_("Territory"), max_length=200, required=False)
    royalty_term_years = forms.IntegerField(
        label=_("Royalty term (years)"),
        min_value=1,
        max_value=MAX_ROYALTY_YEARS,
        required=False,
        help_text=_("Empty: until the agreement expires."),
    )
    minimum_annual_royalty = forms.DecimalField(
        label=_("Minimum annual royalty"), min_value=0, max_digits=18, decimal_places=2
    )
    equity_share = forms.DecimalField(
        label=_("Licensor's equity share (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    reference = forms.CharField(
        label=_("Agreement reference"),
        max_length=40,
        required=False,
        help_text=_("For “Turn into an agreement”."),
    )
    title = forms.CharField(label=_("Agreement title"), max_length=200, required=False)

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class StageTermsForm(forms.Form):
    stage = forms.IntegerField(widget=forms.HiddenInput)
    licensee_cost_percent = forms.DecimalField(
        label=_("Licensee's cost share (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    sunk_costs_borne_by = forms.ChoiceField(
        label=_("Sunk costs borne by"), choices=SunkCostBearer.choices
    )
    ip_reverts_to_institution = forms.BooleanField(
        label=_("Rights revert to the licensor"), required=False
    )
    failure_clause = forms.CharField(
        label=_("Failure clause"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, stages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stages = stages or {}

    @property
    def stage_name(self) -> str:
        value = self["stage"].value()
        stage = self.stages.get(int(value)) if str(value or "").isdigit() else None
        return localized_name(stage) if stage else ""


StageTermsFormSet = forms.formset_factory(StageTermsForm, extra=0, max_num=50, validate_max=True)


def terms_of(form: TermSheetForm, stage_forms) -> dict:
    """The cleaned terms as ``term_sheet_build`` takes them."""
    data = dict(form.cleaned_data)
    data.pop("reference", None)
    data.pop("title", None)
    data["stages"] = [dict(row.cleaned_data) for row in stage_forms]
    return data


def add_term_sheet_error(form: TermSheetForm, stage_forms, error: DomainError) -> None:
    """The refusal next to its field: ``stages.1.licensee_cost_percent``
    on the second stage row, a field of the form, or above it."""
    field = error.field or ""
    parts = field.split(".")
    if parts[0] == "stages" and len(parts) == 3 and parts[1].isdigit():
        row = stage_forms.forms[int(parts[1])] if int(parts[1]) < len(stage_forms.forms) else None
        if row is not None and parts[2] in row.fields:
            row.add_error(parts[2], error.message)
            return
    if field in ("structure",):
        form.add_error(None, error.message)
        return
    form.add_domain_error(error)
