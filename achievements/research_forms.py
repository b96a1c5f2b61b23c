"""Forms of the researcher's pages: a disclosure and its inventors. They
parse and present input; ``achievements.services.disclosures`` decides.
Every choice is among what the researcher may name (their institution,
the projects they lead, the people of their institution), so anything
else is "not a valid choice"."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.templatetags.biobridge import localized
from core.ui.forms import Form
from partnerships.forms import ModelForm, ObjectChoiceField, row_formset

from .models import Disclosure, DisclosureInventor
from .selectors import (
    disclosure_institutions_for,
    disclosure_projects_for,
    inventor_candidates_for,
)
from .services import DISCLOSURE_FIELDS, InventorInput
from .services.shares import people_once, shares_check

TEXTAREA = forms.Textarea(attrs={"rows": 3})
# Wide fields take the form's whole width.
WIDE_FIELDS = (
    "summary",
    "prior_disclosures",
    "planned_publications",
    "materials_received",
)


class DisclosureForm(ModelForm):
    """What the researcher made, who paid for it and what of it is public."""

    class Meta:
        model = Disclosure
        fields = DISCLOSURE_FIELDS.all
        widgets = {name: TEXTAREA for name in WIDE_FIELDS}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["institution"].queryset = disclosure_institutions_for(user)
        fields["institution"].label_from_instance = localized
        fields["project"].queryset = disclosure_projects_for(user)
        fields["project"].help_text = _("A research project you lead, if the work belongs to one.")
        institutions = list(fields["institution"].queryset[:2])
        if len(institutions) == 1 and not self.is_bound and not self.instance.pk:
            self.initial.setdefault("institution", institutions[0].pk)

    def _post_clean(self):
        # The service checks the disclosure as a whole, with its submitter
        # and inventors; the form checks only what was typed.
        pass


class InventorForm(Form):
    """One inventor: a person of the institution and their share."""

    person = ObjectChoiceField(label=_("Inventor"))
    contribution_percent = forms.DecimalField(
        label=_("Contribution (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
    )
    department = forms.CharField(
        label=_("Department or lab"),
        max_length=DisclosureInventor._meta.get_field("department").max_length,
        required=False,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].set_objects(people)


class InventorFormSetBase(row_formset(InventorForm)):
    """The inventors, whose contributions add up to 100 % (the rule is the
    services'; the form shows its refusal above the rows)."""

    def inventors(self) -> list[InventorInput]:
        return [
            InventorInput(
                person=form.cleaned_data["person"],
                contribution_percent=form.cleaned_data["contribution_percent"],
                department=form.cleaned_data.get("department") or "",
            )
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("person")
        ]

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        inventors = self.inventors()
        try:
            people_once((inventor.person for inventor in inventors), field="inventors")
            shares_check(
                (inventor.contribution_percent for inventor in inventors),
                field="inventors",
                what=_("inventor"),
            )
        except DomainError as error:
            raise ValidationError(error.message, code=error.code) from None


def inventor_formset(*, user, disclosure=None, data=None):
    """The inventors' rows of a disclosure's form: its inventors, or the
    researcher alone at 100 % on a new one. The people are read once for
    every row."""
    people = list(inventor_candidates_for(user, disclosure))
    if disclosure is not None:
        initial = [
            {
                "person": row.person_id,
                "contribution_percent": row.contribution_percent,
                "department": row.department,
            }
            for row in disclosure.inventors.all()
        ]
    else:
        own = [person for person in people if person.user_id == user.pk]
        initial = [{"person": own[0].pk, "contribution_percent": Decimal(100)}] if own else []
    return InventorFormSetBase(
        data=data,
        initial=initial,
        prefix="inventors",
        form_kwargs={"people": people},
    )
