"""Partnership rules that the database itself enforces, and the validation
messages forms and the admin show for them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships.choices import CooperationMode
from partnerships.models import Enterprise, Person
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    JointCentreFactory,
    JointCentrePartyFactory,
    PartnershipFactory,
    valid_uscc,
)

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


class TestEnterprise:
    def test_a_valid_unified_social_credit_code_is_accepted_in_compact_form(self):
        enterprise = Enterprise(
            code="HZB",
            name="Hangzhou Bio",
            size="sme",
            unified_social_credit_code="9111 0000 6000 3734 1L",
        )

        enterprise.full_clean()

        assert enterprise.unified_social_credit_code == "91110000600037341L"

    def test_a_code_with_a_wrong_check_character_is_refused(self):
        enterprise = Enterprise(
            code="HZB",
            name="Hangzhou Bio",
            size="sme",
            unified_social_credit_code="91110000600037341X",
        )

        with pytest.raises(ValidationError) as error:
            enterprise.full_clean()

        assert "unified_social_credit_code" in error.value.message_dict
        assert "not a valid Unified Social Credit Code" in str(error.value)

    def test_two_enterprises_cannot_share_a_credit_code(self):
        code = valid_uscc(7)
        EnterpriseFactory(unified_social_credit_code=code)

        assert_rejected_by_database(lambda: EnterpriseFactory(unified_social_credit_code=code))

    def test_many_enterprises_may_have_no_credit_code(self):
        EnterpriseFactory(unified_social_credit_code="", country="DE")
        EnterpriseFactory(unified_social_credit_code="", country="US")

        assert Enterprise.objects.filter(unified_social_credit_code="").count() == 2

    def test_codes_are_unique(self):
        EnterpriseFactory(code="GENX")

        assert_rejected_by_database(lambda: EnterpriseFactory(code="GENX"))

    def test_a_lower_case_code_is_refused_with_a_hint(self):
        enterprise = EnterpriseFactory.build(code="genx")

        with pytest.raises(ValidationError) as error:
            enterprise.full_clean()

        assert "capital letters" in error.value.message_dict["code"][0]


class TestPerson:
    def test_belongs_to_exactly_one_organisation(self):
        institution = InstitutionFactory()
        enterprise = EnterpriseFactory()

        assert_rejected_by_database(lambda: Person.objects.create(full_name="Li Wei"))
        assert_rejected_by_database(
            lambda: Person.objects.create(
                full_name="Li Wei", institution=institution, enterprise=enterprise
            )
        )


class TestJointCentre:
    def test_hosts_and_lead_enterprises_come_from_its_parties(self):
        centre = JointCentreFactory()
        host = JointCentrePartyFactory(centre=centre).institution
        lead = JointCentrePartyFactory(
            centre=centre,
            institution=None,
            enterprise=EnterpriseFactory(),
            annual_funding_commitment=20_000_000,
        ).enterprise

        assert list(centre.host_institutions.all()) == [host]
        assert list(centre.lead_enterprises.all()) == [lead]

    def test_a_party_is_either_an_institution_or_an_enterprise(self):
        centre = JointCentreFactory()

        assert_rejected_by_database(
            lambda: JointCentrePartyFactory(
                centre=centre, institution=InstitutionFactory(), enterprise=EnterpriseFactory()
            )
        )

    def test_funding_commitments_are_not_negative(self):
        assert_rejected_by_database(lambda: JointCentrePartyFactory(annual_funding_commitment=-1))

    def test_commitment_years_are_in_order(self):
        assert_rejected_by_database(
            lambda: JointCentrePartyFactory(commitment_from_year=2026, commitment_to_year=2025)
        )


class TestPartnership:
    def test_is_with_an_institution_or_a_centre_not_both(self):
        assert_rejected_by_database(lambda: PartnershipFactory(joint_centre=JointCentreFactory()))
        assert_rejected_by_database(lambda: PartnershipFactory(institution=None))

    def test_joint_centre_mode_names_the_centre(self):
        assert_rejected_by_database(lambda: PartnershipFactory(mode=CooperationMode.JOINT_CENTRE))
        partnership = PartnershipFactory(
            mode=CooperationMode.JOINT_CENTRE,
            institution=None,
            joint_centre=JointCentreFactory(),
        )
        assert partnership.research_party == partnership.joint_centre

    def test_cannot_end_before_it_starts(self):
        partnership = PartnershipFactory.build(
            institution=InstitutionFactory(),
            enterprise=EnterpriseFactory(),
            started_on=datetime.date(2025, 1, 1),
            ended_on=datetime.date(2024, 12, 31),
        )

        with pytest.raises(ValidationError) as error:
            partnership.full_clean()

        assert "cannot end before it starts" in str(error.value)


class TestAgreement:
    @pytest.mark.parametrize("share", [-1, 100.01, 150])
    def test_ip_share_is_a_percentage(self, share):
        assert_rejected_by_database(lambda: AgreementFactory(institution_ip_share=share))

    def test_enterprise_holds_the_rest_of_the_ip(self):
        agreement = AgreementFactory(institution_ip_share=70)

        assert agreement.enterprise_ip_share == 30

    def test_cannot_expire_before_taking_effect(self):
        assert_rejected_by_database(
            lambda: AgreementFactory(
                effective_on=datetime.date(2025, 1, 1), expires_on=datetime.date(2024, 1, 1)
            )
        )

    def test_a_signed_agreement_has_a_signing_date(self):
        assert_rejected_by_database(lambda: AgreementFactory(signed_on=None))
