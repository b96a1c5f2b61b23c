"""Forms of the staff UI for achievements, their patents, the docket and
the review of disclosures. They parse and present input; the services in
``achievements.services`` decide. Every choice is among what the user may
see, so a foreign id is "not a valid choice".

Owners and inventors are formsets whose choice fields read their options
from one list built per page, so that a page does not query once per row.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import localized_name
from core.money import Currency
from core.templatetags.biobridge import localized
from core.text import max_length_of
from core.ui.forms import AmountField, DateInput, Form
from partnerships.forms import ModelForm, ObjectChoiceField, row_formset
from partnerships.selectors import agreements_visible_to
from projects.selectors import projects_visible_to

from .choices import DECISIONS, AchievementStatus, IpCostKind, TransferMode
from .models import (
    Achievement,
    AchievementAgreement,
    Deadline,
    Disclosure,
    Inventor,
    IpCost,
    OfficeAction,
    PatentApplication,
    PatentFamily,
)
from .selectors import counsel_visible_to, patent_applications_visible_to
from .services import ACHIEVEMENT_FIELDS, APPLICATION_FIELDS

DATE = DateInput()
SHARE = {"min_value": 0, "max_value": 100, "decimal_places": 2, "max_digits": 5}


# --- Achievements -----------------------------------------------------------------


class AchievementForm(ModelForm):
    """An achievement's particulars; its owners and inventors are rows below."""

    class Meta:
        model = Achievement
        fields = ACHIEVEMENT_FIELDS.all
        widgets = {
            "disclosed_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "projects": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The docket reference is chosen once, at creation.
            del self.fields["reference"]
        else:
            self.fields["reference"].required = False
            self.fields["reference"].help_text = _(
                "Leave empty for the next reference of the year, e.g. ACH-2026-0014."
            )
            self.fields["disclosed_on"].initial = timezone.localdate()
        self.fields["projects"].queryset = projects_visible_to(user).order_by("code")
        self.fields["projects"].required = False
        self.fields["projects"].label_from_instance = lambda project: (
            f"{project.code} {localized(project, 'title')}"
        )


class OwnerForm(Form):
    """An owning institution or enterprise and its share: one row."""

    institution = ObjectChoiceField(label=_("Institution"), required=False)
    enterprise = ObjectChoiceField(label=_("or enterprise"), required=False)
    share_percent = forms.DecimalField(label=_("Share (%)"), **SHARE)

    def __init__(self, *args, institutions, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].set_objects(institutions, label=localized)
        self.fields["enterprise"].set_objects(enterprises, label=localized)
        self.fields["share_percent"].widget.attrs["data-share"] = ""


class InventorForm(Form):
    """An inventor and their contribution: one row."""

    person = ObjectChoiceField(label=_("Inventor"))
    contribution_percent = forms.DecimalField(label=_("Contribution (%)"), **SHARE)
    department = forms.CharField(
        label=_("Department or lab"),
        required=False,
        max_length=max_length_of(Inventor, "department"),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].set_objects(people, label=_person_label)
        self.fields["contribution_percent"].widget.attrs["data-share"] = ""


def _person_label(person) -> str:
    organisation = person.institution or person.enterprise
    return f"{person.full_name} ({localized(organisation)})" if organisation else person.full_name


OwnerFormSet = row_formset(OwnerForm)
InventorFormSet = row_formset(InventorForm)


class AssessForm(Form):
    notes = forms.CharField(
        label=_("Assessment notes"),
        required=False,
        max_length=max_length_of(Achievement, "assessment_notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecideForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (value, label) for value, label in AchievementStatus.choices if value in DECISIONS
        ],
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=max_length_of(Achievement, "decision_rationale"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=DateInput())


class AgreementLinkForm(Form):
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=None)
    mode = forms.ChoiceField(label=_("Transfer mode"), choices=TransferMode.choices)
    income_share_percent = forms.DecimalField(
        label=_("Share of the agreement's income (%)"), initial=100, **SHARE
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements_visible_to(user).order_by("reference")
        self.fields["agreement"].label_from_instance = lambda agreement: (
            f"{agreement.reference} — {agreement.title}"
        )
        self.fields["income_share_percent"].help_text = AchievementAgreement._meta.get_field(
            "income_share_percent"
        ).help_text


class IpCostForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IpCostKind.choices)
    amount = AmountField(label=_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial="CNY")
    incurred_on = forms.DateField(label=_("Incurred on"), widget=DateInput())
    description = forms.CharField(
        label=_("Description"), max_length=max_length_of(IpCost, "description")
    )
    application = forms.ModelChoiceField(label=_("Application"), queryset=None, required=False)
    counsel = forms.ModelChoiceField(label=_("Counsel"), queryset=None, required=False)
    invoice_reference = forms.CharField(
        label=_("Invoice reference"),
        required=False,
        max_length=max_length_of(IpCost, "invoice_reference"),
    )

    def __init__(self, *args, user, achievement, **kwargs):
        kwargs.setdefault("initial", {"incurred_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = (
            patent_applications_visible_to(user)
            .filter(family__achievement=achievement)
            .order_by("family", "filed_on", "id")
        )
        self.fields["counsel"].queryset = counsel_visible_to(user)
        self.fields["counsel"].label_from_instance = localized_name


# --- Patents ------------------------------------------------------------------------


class FamilyForm(Form):
    title = forms.CharField(label=_("Title"), max_length=max_length_of(PatentFamily, "title"))
    priority_date = forms.DateField(label=_("Priority date"), required=False, widget=DateInput())


class ApplicationForm(ModelForm):
    class Meta:
        model = PatentApplication
        fields = APPLICATION_FIELDS.editable
        widgets = {name: DATE for name in ("filed_on", "published_on", "granted_on", "expires_on")}

    def __init__(self, *args, user, family, **kwargs):
        super().__init__(*args, **kwargs)
        parents = patent_applications_visible_to(user).filter(family=family)
        parents = parents.order_by("filed_on", "id")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["counsel"].queryset = counsel_visible_to(user)
        self.fields["counsel"].label_from_instance = localized_name

    def _post_clean(self):
        # The service checks the application whole (dates, numbers, kind)
        # and names the field at fault; the model's own checks would run
        # without the family and report the same things less precisely.
        pass


class OfficeActionForm(Form):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    term_months = forms.IntegerField(
        label=_("Term to respond (months)"),
        min_value=1,
        max_value=24,
        initial=4,
        help_text=OfficeAction._meta.get_field("term_months").help_text,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=max_length_of(OfficeAction, "description"),
    )


class RespondForm(Form):
    responded_on = forms.DateField(label=_("Responded on"), required=False, widget=DateInput())


# --- The docket ---------------------------------------------------------------------


class DeadlineCompleteForm(Form):
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput())


class DeadlineWaiveForm(Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=max_length_of(Deadline, "waived_reason")
    )


# --- Disclosures -------------------------------------------------------------------------


class DisclosureReturnForm(Form):
    note = forms.CharField(
        label=_("What should the researcher change?"),
        max_length=max_length_of(Disclosure, "review_note"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DisclosureConvertForm(Form):
    reference = forms.CharField(
        label=_("Reference of the achievement"),
        required=False,
        max_length=max_length_of(Achievement, "reference"),
        help_text=_("Leave empty for the next reference of the year."),
    )


class DisclosureConfirmForm(Form):
    """Staff record the confirmation an inventor gave outside BioBridge."""

    person = ObjectChoiceField(label=_("Inventor"))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].set_objects(people, label=_person_label)
