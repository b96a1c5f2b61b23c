from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements.selectors import achievements_visible_to
from core.i18n import localized_name
from core.money import Currency
from core.templatetags.biobridge import localized
from core.ui.forms import AmountField, DateInput, Form
from partnerships.selectors import agreements_visible_to, enterprises_visible_to

from .selectors import distributing_institutions_for


class _InstitutionForm(Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = distributing_institutions_for(user).order_by("name")
        self.fields["institution"].label_from_instance = localized_name


class HoldingForm(_InstitutionForm):
    company = forms.ModelChoiceField(label=_("Company"), queryset=None)
    agreement = forms.ModelChoiceField(
        label=_("Received under"),
        queryset=None,
        required=False,
        help_text=_("The contribution or licence agreement the shares were the price of."),
    )
    acquired_on = forms.DateField(label=_("Acquired on"), widget=DateInput())
    shares = forms.DecimalField(label=_("Shares"), min_value=1, decimal_places=0, max_digits=20)
    value = AmountField(label=_("Value when acquired"), min_value=0)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial="CNY")
    founded_by_institution = forms.BooleanField(
        label=_("Company founded by the institution"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"acquired_on": timezone.localdate()})
        super().__init__(*args, user=user, **kwargs)
        self.fields["company"].queryset = enterprises_visible_to(user).order_by("name")
        self.fields["company"].label_from_instance = localized_name
        self.fields["agreement"].queryset = agreements_visible_to(user).order_by("reference")


class SaleForm(Form):
    realised_on = forms.DateField(label=_("Sold on"), widget=DateInput())
    shares = forms.DecimalField(
        label=_("Shares sold"), min_value=1, decimal_places=0, max_digits=20
    )
    proceeds = AmountField(label=_("Proceeds"), min_value=0)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"realised_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class OperatingProfitForm(_InstitutionForm):
    achievement = forms.ModelChoiceField(label=_("Achievement"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=1980, max_value=2200)
    profit = AmountField(label=_("Operating profit"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial="CNY")

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year - 1})
        super().__init__(*args, user=user, **kwargs)
        self.fields["achievement"].queryset = achievements_visible_to(user).order_by("reference")
        self.fields["achievement"].label_from_instance = lambda achievement: (
            f"{achievement.reference} {localized(achievement, 'title')}"
        )
