from django import forms
from django.utils.translation import gettext_lazy as _

from core.ui.forms import BootstrapFormMixin, DomainErrorFormMixin, Form

from .choices import ReportKind
from .models import AnnualReportInput
from .params import FIRST_YEAR, LAST_YEAR

# The inputs each report asks of the office.
CHINA_INPUTS = ("work_done", "lessons", "problems", "policy_implementation")
AUTM_INPUTS = (
    "currency",
    "research_expenditure_government",
    "research_expenditure_industry",
    "research_expenditure_other",
    "licensing_ftes",
    "other_staff_ftes",
)
INPUTS_OF = {ReportKind.CHINA_ANNUAL: CHINA_INPUTS, ReportKind.AUTM: AUTM_INPUTS}


class ReportPickForm(Form):
    """Which report of which institution for which year."""

    report = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None)
    year = forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("The calendar year; for AUTM, the fiscal year by the year it ends in."),
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions


class AnnualReportInputForm(BootstrapFormMixin, DomainErrorFormMixin, forms.ModelForm):
    class Meta:
        model = AnnualReportInput
        fields = CHINA_INPUTS + AUTM_INPUTS
        widgets = {field: forms.Textarea(attrs={"rows": 3}) for field in CHINA_INPUTS}

    def __init__(self, *args, report: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in INPUTS_OF[report]:
                del self.fields[name]
