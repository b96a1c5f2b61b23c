"""The forms of staff mobility (兼职从事成果转化, 离岗创业) and of the R&D and
transfer entities an institution built (自建, 共建). The choices come from the
scoping selectors; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.i18n import localized_name
from core.ui.forms import DateInput, Form
from partnerships.selectors import enterprises_visible_to, people_visible_to

from .choices import EntityBuilt, EntityKind, MobilityKind
from .params import FIRST_YEAR, LAST_YEAR
from .selectors import report_institutions_visible_to


class RecordFilterForm(Form):
    """Which institution's records, of which year."""

    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=None, required=False, empty_label=_("All")
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
        help_text=_("Only the records in force during this calendar year."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = report_institutions_visible_to(user)
        self.fields["institution"].label_from_instance = localized_name


class _InstitutionForm(Form):
    """The institution is chosen when a record is created and stays."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["institution"]
        else:
            self.fields["institution"].queryset = report_institutions_visible_to(user)
            self.fields["institution"].label_from_instance = localized_name


class StaffMobilityForm(_InstitutionForm):
    person = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=MobilityKind.choices)
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=None,
        required=False,
        help_text=_("Where the part-time work is done, or the business started."),
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Until"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "Empty while the period lasts. Leave to start a business lasts up to three years."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, institution=None, **kwargs):
        super().__init__(*args, user=user, editing=institution is not None, **kwargs)
        institutions = (
            [institution.pk]
            if institution is not None
            else report_institutions_visible_to(user).values("id")
        )
        self.fields["person"].queryset = people_visible_to(user).filter(
            institution__in=institutions
        )
        self.fields["person"].label_from_instance = _person_label
        self.fields["enterprise"].queryset = enterprises_visible_to(user).order_by("name")
        self.fields["enterprise"].label_from_instance = localized_name


def _person_label(person) -> str:
    return f"{person.full_name} · {localized_name(person.institution)}"


class TransferEntityForm(_InstitutionForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EntityKind.choices)
    built = forms.ChoiceField(label=_("Built"), choices=EntityBuilt.choices)
    established_on = forms.DateField(label=_("Established on"), widget=DateInput())
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput(), required=False)
    technology_managers = forms.IntegerField(
        label=_("Technology managers"),
        min_value=0,
        max_value=32767,
        required=False,
        help_text=_("The technology managers working in the entity."),
    )

    def __init__(self, *args, user, institution=None, **kwargs):
        super().__init__(*args, user=user, editing=institution is not None, **kwargs)
