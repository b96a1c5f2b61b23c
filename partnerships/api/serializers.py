"""Serializers of the partnerships API. Reads show what a client needs, with
related parties summarised; writes take ids among the objects the user may
see, and the services apply the rules."""

from rest_framework import serializers

from core.api.fields import AmountField, ScopedPrimaryKeyRelatedField
from core.money import Currency
from partnerships.choices import Party, RoyaltyBasis
from partnerships.models import (
    Agreement,
    CostShare,
    Enterprise,
    FailureClause,
    Institution,
    JointCentre,
    JointCentreParty,
    MilestoneScheduleItem,
    Partnership,
    Person,
    RoyaltyTier,
)
from partnerships.selectors import (
    enterprises_visible_to,
    institutions_visible_to,
    joint_centres_visible_to,
    partnerships_visible_to,
    people_visible_to,
)
from partnerships.services import (
    AGREEMENT_FIELDS,
    ENTERPRISE_FIELDS,
    FAILURE_CLAUSE_FIELDS,
    INSTITUTION_FIELDS,
    JOINT_CENTRE_FIELDS,
    PARTNERSHIP_FIELDS,
    PAYMENT_TERMS_FIELDS,
    PERSON_FIELDS,
    RENEWAL_TERMS_FIELDS,
    SCHEDULE_ITEM_FIELDS,
)
from pipelines.api.serializers import StageSummarySerializer
from pipelines.selectors import sectors_visible_to, stages_visible_to

MONEY = {"max_digits": 20, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}
TIMESTAMPS = ["created_at", "updated_at"]


class PartySummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CodeFixedOnUpdate:
    """Codes and references are chosen at creation: they appear in invoice
    numbers and documents."""

    fixed_on_update: tuple[str, ...] = ("code",)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            for name in self.fixed_on_update:
                fields[name].read_only = True
        return fields


# --- Directory ----------------------------------------------------------------


class InstitutionSerializer(CodeFixedOnUpdate, serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", *INSTITUTION_FIELDS.all, *TIMESTAMPS]
        read_only_fields = ["id", *TIMESTAMPS]


class EnterpriseSerializer(CodeFixedOnUpdate, serializers.ModelSerializer):
    sectors = ScopedPrimaryKeyRelatedField(sectors_visible_to, many=True, required=False)
    # Typed as people write it (spaces, hyphens); stored compact and checked
    # by the service.
    unified_social_credit_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True
    )

    class Meta:
        model = Enterprise
        fields = ["id", *ENTERPRISE_FIELDS.all, *TIMESTAMPS]
        read_only_fields = ["id", *TIMESTAMPS]


class PersonSerializer(serializers.ModelSerializer):
    institution = ScopedPrimaryKeyRelatedField(
        institutions_visible_to, required=False, allow_null=True
    )
    enterprise = ScopedPrimaryKeyRelatedField(
        enterprises_visible_to, required=False, allow_null=True
    )
    user = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The linked user account; an administrator links it.",
    )

    class Meta:
        model = Person
        fields = ["id", *PERSON_FIELDS.all, "user", *TIMESTAMPS]
        read_only_fields = ["id", *TIMESTAMPS]


class JointCentrePartySerializer(serializers.ModelSerializer):
    """A host institution or a lead enterprise (exactly one of the two) and
    its yearly funding commitment."""

    institution = ScopedPrimaryKeyRelatedField(
        institutions_visible_to, required=False, allow_null=True
    )
    enterprise = ScopedPrimaryKeyRelatedField(
        enterprises_visible_to, required=False, allow_null=True
    )
    name = serializers.CharField(source="party.name", read_only=True)

    class Meta:
        model = JointCentreParty
        fields = [
            "id",
            "institution",
            "enterprise",
            "name",
            "annual_funding_commitment",
            "currency",
            "commitment_from_year",
            "commitment_to_year",
        ]
        read_only_fields = ["id"]


class JointCentreSerializer(CodeFixedOnUpdate, serializers.ModelSerializer):
    parties = JointCentrePartySerializer(
        many=True,
        help_text=(
            "Host institutions and lead enterprises; at least one of each. On update, "
            "the list given replaces the centre's parties."
        ),
    )
    focus_sectors = ScopedPrimaryKeyRelatedField(sectors_visible_to, many=True, required=False)
    governance_contacts = ScopedPrimaryKeyRelatedField(
        people_visible_to, many=True, required=False
    )

    class Meta:
        model = JointCentre
        fields = ["id", *JOINT_CENTRE_FIELDS.all, *TIMESTAMPS]
        read_only_fields = ["id", *TIMESTAMPS]


# --- Partnerships and agreements ------------------------------------------------


class PartnershipSerializer(serializers.ModelSerializer):
    institution = PartySummarySerializer(allow_null=True)
    joint_centre = PartySummarySerializer(allow_null=True)
    enterprise = PartySummarySerializer()

    class Meta:
        model = Partnership
        fields = ["id", *PARTNERSHIP_FIELDS.all, *TIMESTAMPS]


class PartnershipWriteSerializer(CodeFixedOnUpdate, serializers.ModelSerializer):
    institution = ScopedPrimaryKeyRelatedField(
        institutions_visible_to, required=False, allow_null=True
    )
    joint_centre = ScopedPrimaryKeyRelatedField(
        joint_centres_visible_to, required=False, allow_null=True
    )
    enterprise = ScopedPrimaryKeyRelatedField(enterprises_visible_to)

    class Meta:
        model = Partnership
        fields = [*PARTNERSHIP_FIELDS.all]


class PartnershipSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Partnership
        fields = ["id", "code", "title", "mode"]


# An agreement's particulars without the partnership and reference, which
# the list shows apart.
AGREEMENT_PARTICULARS = AGREEMENT_FIELDS.editable
PAYMENT_TERMS = PAYMENT_TERMS_FIELDS.editable
RENEWAL_TERMS = RENEWAL_TERMS_FIELDS.editable


class AgreementSerializer(serializers.ModelSerializer):
    partnership = PartnershipSummarySerializer()
    enterprise = PartySummarySerializer(source="partnership.enterprise")
    enterprise_ip_share = serializers.DecimalField(**PERCENT, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "reference",
            "partnership",
            "enterprise",
            *AGREEMENT_PARTICULARS,
            "enterprise_ip_share",
            *PAYMENT_TERMS,
            *RENEWAL_TERMS,
            *TIMESTAMPS,
        ]


class AgreementWriteSerializer(CodeFixedOnUpdate, serializers.ModelSerializer):
    fixed_on_update = ("reference", "partnership")

    partnership = ScopedPrimaryKeyRelatedField(partnerships_visible_to)

    class Meta:
        model = Agreement
        fields = [*AGREEMENT_FIELDS.all, *PAYMENT_TERMS_FIELDS.all, *RENEWAL_TERMS_FIELDS.all]


# --- Terms ----------------------------------------------------------------------


class CostShareSerializer(serializers.ModelSerializer):
    first_stage = StageSummarySerializer()
    last_stage = StageSummarySerializer()

    class Meta:
        model = CostShare
        fields = ["id", "first_stage", "last_stage", "party", "percent"]


class CostShareWriteSerializer(serializers.Serializer):
    first_stage = ScopedPrimaryKeyRelatedField(stages_visible_to)
    last_stage = ScopedPrimaryKeyRelatedField(stages_visible_to)
    party = serializers.ChoiceField(choices=Party.choices)
    percent = serializers.DecimalField(**PERCENT)


class CostSharesSerializer(serializers.Serializer):
    cost_shares = CostShareSerializer(many=True)


class CostSharesWriteSerializer(serializers.Serializer):
    cost_shares = CostShareWriteSerializer(
        many=True,
        help_text=(
            "The whole schedule: per stage range, each party's percent; the shares of a "
            "range add up to exactly 100 and ranges of a pipeline do not overlap."
        ),
    )


class RoyaltyTierSerializer(serializers.ModelSerializer):
    lower_bound = AmountField(min_value=0)
    rate_percent = serializers.DecimalField(max_digits=7, decimal_places=4)

    class Meta:
        model = RoyaltyTier
        fields = ["lower_bound", "rate_percent"]


class RoyaltyTermsSerializer(serializers.Serializer):
    royalty_basis = serializers.ChoiceField(choices=RoyaltyBasis.choices)
    royalty_tiers = RoyaltyTierSerializer(many=True)


class RoyaltyTermsWriteSerializer(serializers.Serializer):
    royalty_basis = serializers.ChoiceField(
        choices=RoyaltyBasis.choices,
        required=False,
        help_text="Left as it is when omitted.",
    )
    royalty_tiers = RoyaltyTierSerializer(
        many=True,
        help_text=(
            "The whole list: the first tier starts at zero sales and the lower bounds rise."
        ),
    )


class FailureClauseSerializer(serializers.ModelSerializer):
    stage = StageSummarySerializer()

    class Meta:
        model = FailureClause
        fields = ["id", "agreement", *FAILURE_CLAUSE_FIELDS.all]


class FailureClauseWriteSerializer(serializers.ModelSerializer):
    stage = ScopedPrimaryKeyRelatedField(stages_visible_to)

    class Meta:
        model = FailureClause
        fields = [*FAILURE_CLAUSE_FIELDS.all]


class MilestoneScheduleItemSerializer(serializers.ModelSerializer):
    trigger_stage = StageSummarySerializer(allow_null=True)
    currency = serializers.ChoiceField(
        source="agreement.currency", choices=Currency.choices, read_only=True
    )

    class Meta:
        model = MilestoneScheduleItem
        fields = [
            "id",
            "agreement",
            "position",
            "name",
            "kind",
            "amount",
            "currency",
            "trigger_stage",
            "trigger_event",
            "due_offset_days",
        ]


class MilestoneScheduleItemWriteSerializer(serializers.ModelSerializer):
    trigger_stage = ScopedPrimaryKeyRelatedField(
        stages_visible_to, required=False, allow_null=True
    )
    position = serializers.IntegerField(
        min_value=0, max_value=32767, required=False, help_text="Last when omitted."
    )

    class Meta:
        model = MilestoneScheduleItem
        fields = [*SCHEDULE_ITEM_FIELDS.all]


class AgreementTermsSerializer(serializers.ModelSerializer):
    """All the risk-sharing terms of an agreement in one document (DESIGN
    §5). Amounts are in the agreement's currency."""

    agreement = serializers.IntegerField(source="id")
    cost_shares = CostShareSerializer(many=True)
    failure_clauses = FailureClauseSerializer(many=True)
    milestone_schedule = MilestoneScheduleItemSerializer(many=True)
    royalty_tiers = RoyaltyTierSerializer(many=True)

    class Meta:
        model = Agreement
        fields = [
            "agreement",
            "reference",
            "currency",
            *PAYMENT_TERMS,
            "cost_shares",
            "failure_clauses",
            "milestone_schedule",
            "royalty_tiers",
        ]


class LedgerLineSerializer(serializers.Serializer):
    """One party's line of a cost-sharing ledger: what the cost shares oblige
    it to bear, what it paid, and the balance."""

    currency = serializers.CharField()
    party = serializers.CharField()
    obligation = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    balance = serializers.DecimalField(**MONEY)
