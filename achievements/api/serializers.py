"""Serializers of the achievements API. Reads show what the user may know:
the office's internals (assessment, rationale, counsel) are null for
partners and researchers. Writes take ids among the objects the user may
see, and the services apply the rules."""

from rest_framework import serializers

from achievements.choices import DECISIONS, AchievementStatus, TransferMode
from achievements.models import (
    Achievement,
    AchievementAgreement,
    AchievementOwner,
    Counsel,
    Deadline,
    Disclosure,
    DisclosureInventor,
    Inventor,
    IpCost,
    PatentApplication,
    PatentFamily,
)
from achievements.selectors import (
    achievements_visible_to,
    counsel_visible_to,
    disclosure_institutions_for,
    disclosure_projects_for,
    inventor_candidates_for,
    patent_applications_visible_to,
    patent_families_visible_to,
    sees_ip_internals,
)
from achievements.services import (
    ACHIEVEMENT_FIELDS,
    APPLICATION_FIELDS,
    COST_FIELDS,
    COUNSEL_FIELDS,
    DISCLOSURE_FIELDS,
    FAMILY_FIELDS,
)
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.text import max_length_of
from partnerships.selectors import (
    agreements_visible_to,
    enterprises_visible_to,
    institutions_visible_to,
)
from projects.selectors import projects_visible_to

SHARE = {"max_digits": 5, "decimal_places": 2}
TIMESTAMPS = ["created_at", "updated_at"]


class InternalFieldsHidden:
    """Nulls ``internal_fields`` for a user who may not see the office's
    internals (``sees_ip_internals``): partners and researchers."""

    internal_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not sees_ip_internals(request.user):
            for name in self.internal_fields:
                data[name] = None
        return data


INTERNAL = {
    "read_only": True,
    "allow_null": True,
    "help_text": "The office's own: null for partners and researchers.",
}


# --- Achievements ----------------------------------------------------------------


class OwnerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="party.name", read_only=True)

    class Meta:
        model = AchievementOwner
        fields = ["id", "institution", "enterprise", "name", "share_percent"]


class InventorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = Inventor
        fields = ["id", "person", "name", "contribution_percent", "department"]


class AgreementLinkSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="agreement.reference", read_only=True)
    enterprise = serializers.CharField(
        source="agreement.partnership.enterprise.name", read_only=True
    )

    class Meta:
        model = AchievementAgreement
        fields = ["id", "agreement", "reference", "enterprise", "mode", "income_share_percent"]


class AchievementSerializer(InternalFieldsHidden, serializers.ModelSerializer):
    internal_fields = ("assessment_notes", "decision_rationale")

    owners = OwnerSerializer(many=True, read_only=True)
    inventors = InventorSerializer(many=True, read_only=True)
    assessment_notes = serializers.CharField(**INTERNAL)
    decision_rationale = serializers.CharField(**INTERNAL)

    class Meta:
        model = Achievement
        fields = [
            "id",
            *ACHIEVEMENT_FIELDS.without("projects"),
            "status",
            "owners",
            "inventors",
            "assessment_notes",
            "decision_rationale",
            "decided_on",
            *TIMESTAMPS,
        ]
        read_only_fields = fields


class AchievementDetailSerializer(AchievementSerializer):
    """An achievement with its research projects and the agreements that
    transfer it (a partner sees its own agreements only)."""

    agreement_links = AgreementLinkSerializer(many=True, read_only=True)

    class Meta(AchievementSerializer.Meta):
        fields = [*AchievementSerializer.Meta.fields, "projects", "agreement_links"]
        read_only_fields = fields


class OwnerWriteSerializer(serializers.Serializer):
    """An owning institution or enterprise (exactly one) and its share."""

    institution = ScopedPrimaryKeyRelatedField(
        institutions_visible_to, required=False, allow_null=True, default=None
    )
    enterprise = ScopedPrimaryKeyRelatedField(
        enterprises_visible_to, required=False, allow_null=True, default=None
    )
    share_percent = serializers.DecimalField(**SHARE)


class InventorWriteSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyRelatedField(inventor_candidates_for)
    contribution_percent = serializers.DecimalField(**SHARE)
    department = serializers.CharField(
        max_length=max_length_of(Inventor, "department"), required=False, default=""
    )


class AchievementWriteSerializer(serializers.ModelSerializer):
    projects = ScopedPrimaryKeyRelatedField(projects_visible_to, many=True, required=False)
    owners = OwnerWriteSerializer(
        many=True,
        help_text=(
            "The owners and their shares, adding up to 100. On update, the list given "
            "replaces the owners."
        ),
    )
    inventors = InventorWriteSerializer(
        many=True,
        help_text=(
            "The inventors and their contributions, adding up to 100. On update, the "
            "list given replaces the inventors."
        ),
    )

    class Meta:
        model = Achievement
        fields = [*ACHIEVEMENT_FIELDS.all, "owners", "inventors"]
        # The service refuses a reference in use with its own code.
        extra_kwargs = {"reference": {"required": False, "validators": []}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["reference"].read_only = True
        return fields


class AchievementAssessSerializer(serializers.Serializer):
    notes = serializers.CharField(
        max_length=max_length_of(Achievement, "assessment_notes"),
        required=False,
        allow_blank=True,
        default="",
    )


class AchievementDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[
            (status.value, status.label) for status in AchievementStatus if status in DECISIONS
        ]
    )
    rationale = serializers.CharField(max_length=max_length_of(Achievement, "decision_rationale"))
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class AgreementLinkWriteSerializer(serializers.Serializer):
    agreement = ScopedPrimaryKeyRelatedField(agreements_visible_to)
    mode = serializers.ChoiceField(choices=TransferMode.choices)
    income_share_percent = serializers.DecimalField(**SHARE, required=False, default=100)


class AgreementUnlinkSerializer(serializers.Serializer):
    agreement = ScopedPrimaryKeyRelatedField(agreements_visible_to)


# --- Disclosures -------------------------------------------------------------------


class DisclosureInventorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = DisclosureInventor
        fields = ["id", "person", "name", "contribution_percent", "department", "confirmed_at"]


class DisclosureSerializer(serializers.ModelSerializer):
    inventors = DisclosureInventorSerializer(many=True, read_only=True)

    class Meta:
        model = Disclosure
        fields = [
            "id",
            *DISCLOSURE_FIELDS.all,
            "status",
            "inventors",
            "submitted_by",
            "submitted_at",
            "review_note",
            "reviewed_by",
            "achievement",
            *TIMESTAMPS,
        ]
        read_only_fields = fields


class DisclosureWriteSerializer(serializers.ModelSerializer):
    institution = ScopedPrimaryKeyRelatedField(disclosure_institutions_for)
    project = ScopedPrimaryKeyRelatedField(
        disclosure_projects_for, required=False, allow_null=True
    )
    inventors = InventorWriteSerializer(
        many=True,
        required=False,
        help_text=(
            "The inventors and their contributions (adding up to 100 by submission), "
            "yourself among them. On update, the list given replaces the inventors."
        ),
    )

    class Meta:
        model = Disclosure
        fields = [*DISCLOSURE_FIELDS.all, "inventors"]


class DisclosureConfirmSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyRelatedField(
        inventor_candidates_for,
        required=False,
        allow_null=True,
        default=None,
        help_text="Staff only: the inventor whose confirmation they record.",
    )


class DisclosureReturnSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=max_length_of(Disclosure, "review_note"))


class DisclosureConvertSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=max_length_of(Achievement, "reference"),
        required=False,
        allow_blank=True,
        default="",
        help_text="The achievement's reference; the next ACH-<year>-NNNN when omitted.",
    )


# --- Patents -------------------------------------------------------------------------


class PatentFamilySerializer(serializers.ModelSerializer):
    class Meta:
        model = PatentFamily
        fields = ["id", *FAMILY_FIELDS.all, "expires_on", *TIMESTAMPS]
        read_only_fields = ["id", "expires_on", *TIMESTAMPS]


class PatentFamilyWriteSerializer(serializers.ModelSerializer):
    achievement = ScopedPrimaryKeyRelatedField(achievements_visible_to)

    class Meta:
        model = PatentFamily
        fields = [*FAMILY_FIELDS.all]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["achievement"].read_only = True
        return fields


class PatentApplicationSerializer(InternalFieldsHidden, serializers.ModelSerializer):
    internal_fields = ("counsel",)

    achievement = serializers.IntegerField(source="family.achievement_id", read_only=True)
    counsel = serializers.PrimaryKeyRelatedField(**INTERNAL)

    class Meta:
        model = PatentApplication
        fields = ["id", "achievement", *APPLICATION_FIELDS.all, *TIMESTAMPS]
        read_only_fields = fields


class PatentApplicationWriteSerializer(serializers.ModelSerializer):
    family = ScopedPrimaryKeyRelatedField(patent_families_visible_to)
    parent = ScopedPrimaryKeyRelatedField(
        patent_applications_visible_to, required=False, allow_null=True
    )
    counsel = ScopedPrimaryKeyRelatedField(counsel_visible_to, required=False, allow_null=True)

    class Meta:
        model = PatentApplication
        fields = [*APPLICATION_FIELDS.all]
        # A number in use answers the service's duplicate_application_number
        # at its field, not DRF's generic "unique".
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["family"].read_only = True
        return fields


# --- The docket ------------------------------------------------------------------------


class DeadlineSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(
        source="application.jurisdiction",
        read_only=True,
        allow_null=True,
        help_text="The application's office; null for a family-level deadline.",
    )

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "sequence",
            "due_on",
            "grace_until",
            "state",
            "done_on",
            "waived_reason",
            "achievement",
            "family",
            "application",
            "jurisdiction",
            "office_action",
        ]
        read_only_fields = fields


class DeadlineCompleteSerializer(serializers.Serializer):
    done_on = serializers.DateField(required=False, allow_null=True, default=None)


class DeadlineWaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=max_length_of(Deadline, "waived_reason"))


# --- Counsel and costs -------------------------------------------------------------------


class CounselSerializer(serializers.ModelSerializer):
    class Meta:
        model = Counsel
        fields = ["id", *COUNSEL_FIELDS.all, *TIMESTAMPS]
        read_only_fields = ["id", *TIMESTAMPS]
        # A name in use answers the service's duplicate_counsel.
        validators = []
        extra_kwargs = {"name": {"validators": []}}


class IpCostSerializer(serializers.ModelSerializer):
    class Meta:
        model = IpCost
        fields = ["id", *COST_FIELDS.all, "recorded_by", "created_at"]
        read_only_fields = fields


class IpCostWriteSerializer(serializers.ModelSerializer):
    achievement = ScopedPrimaryKeyRelatedField(achievements_visible_to)
    application = ScopedPrimaryKeyRelatedField(
        patent_applications_visible_to, required=False, allow_null=True, default=None
    )
    counsel = ScopedPrimaryKeyRelatedField(
        counsel_visible_to, required=False, allow_null=True, default=None
    )

    class Meta:
        model = IpCost
        fields = [*COST_FIELDS.all]
