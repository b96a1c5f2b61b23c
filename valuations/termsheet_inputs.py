"""What a term sheet and the agreement made from it take besides the deal
structure: validated here for the API and the staff UI alike. Missing terms
take the defaults of ``termsheet.term_sheet_defaults_for``."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.money import MAX_AMOUNT
from partnerships.choices import SunkCostBearer
from partnerships.models import Partnership
from partnerships.selectors import partnerships_visible_to
from pipelines.models import StageDefinition

LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
MAX_ROYALTY_YEARS = 100


class StageTermsSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=StageDefinition.objects.all())
    licensee_cost_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        help_text="The licensee's share of the stage's costs, in percent.",
    )
    sunk_costs_borne_by = serializers.ChoiceField(
        choices=SunkCostBearer.choices, default=SunkCostBearer.BY_COST_SHARES.value
    )
    ip_reverts_to_institution = serializers.BooleanField(default=True)
    failure_clause = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        default="",
        help_text="What happens if the project ends in this stage; blank: no clause.",
    )


class TermsSerializer(serializers.Serializer):
    """The terms of a term sheet. ``structure`` is ``deal`` or the index
    of a menu structure."""

    structure = serializers.CharField(max_length=10, default="deal")
    language = serializers.ChoiceField(choices=LANGUAGES, default="en")
    partnership = serializers.PrimaryKeyRelatedField(
        queryset=Partnership.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: the project's partnership. Its parties are the licensor and licensee.",
    )
    licensor = serializers.CharField(max_length=200, required=False)
    licensee = serializers.CharField(max_length=200, required=False)
    field_of_use = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    territory = serializers.CharField(max_length=200, required=False, allow_blank=True)
    royalty_term_years = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ROYALTY_YEARS,
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: the deal's royalty years.",
    )
    minimum_annual_royalty = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=0, max_value=MAX_AMOUNT, default=0
    )
    equity_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        default=0,
        help_text="The licensor's equity share in the licensee, in percent.",
    )
    stages = StageTermsSerializer(
        many=True,
        required=False,
        help_text="Cost shares and failure clauses per stage ahead; default: every stage "
        "ahead at the deal's licensee cost share.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Only a partnership the user may see can be named.
            self.fields["partnership"].queryset = partnerships_visible_to(user)


class AgreementFromTermsSerializer(TermsSerializer):
    """The terms, and what the draft agreement is called."""

    reference = serializers.CharField(
        max_length=40, required=False, help_text="Default: the project code, -TS and the valuation id."
    )
    title = serializers.CharField(max_length=200, required=False)


def agreement_reference_default(valuation, structure_key: str) -> str:
    suffix = "" if structure_key == "deal" else f"-{int(structure_key) + 1}"
    return f"{valuation.project.code}-TS{valuation.pk}{suffix}"[:40]


def agreement_title_default(sheet) -> str:
    return str(_("Licence: %(project)s")) % {"project": sheet.project_title}
