"""The partnership services enforce who may write on their own, whichever
front door calls them (the staff UI calls them without the API's
permission classes in front)."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import PermissionDenied
from partnerships import services
from partnerships.models import Agreement, Institution, Partnership
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_partner_cannot_write_the_directory(partner_user):
    with pytest.raises(PermissionDenied):
        services.institution_create(by=partner_user, code="ZJU", name="ZJU", kind="university")

    assert not Institution.objects.filter(code="ZJU").exists()


def test_staff_of_another_institution_cannot_change_a_partnership(institution, enterprise):
    partnership = PartnershipFactory(institution=institution, enterprise=enterprise)
    outsider = UserFactory(institutions=[InstitutionFactory()])

    with pytest.raises(PermissionDenied):
        services.partnership_update(partnership=partnership, by=outsider, title="Taken over")


def test_staff_cannot_move_a_partnership_to_an_institution_they_do_not_work_for(
    staff_user, institution, enterprise
):
    partnership = PartnershipFactory(institution=institution, enterprise=enterprise)

    with pytest.raises(PermissionDenied):
        services.partnership_update(
            partnership=partnership, by=staff_user, institution=InstitutionFactory()
        )

    partnership.refresh_from_db()
    assert partnership.institution == institution


def test_a_partner_cannot_change_its_own_agreement(partner_user, institution, enterprise):
    agreement = AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )

    with pytest.raises(PermissionDenied):
        services.agreement_update(agreement=agreement, by=partner_user, upfront_amount=1)


def test_a_superuser_may_write_everything(superuser, enterprise):
    institution = services.institution_create(
        by=superuser, code="ZJU", name="Zhejiang University", kind="university"
    )

    partnership = services.partnership_create(
        by=superuser,
        code="PS-SU",
        title="Opened by an administrator",
        mode="transfer",
        institution=institution,
        enterprise=enterprise,
        started_on="2026-01-01",
    )

    assert Partnership.objects.get(code="PS-SU") == partnership


def test_fields_that_are_not_editable_are_refused_by_name(staff_user, institution):
    with pytest.raises(services.PartnershipError) as error:
        services.institution_update(institution=institution, by=staff_user, code="NEW")

    assert error.value.code == "not_editable"
    assert error.value.field == "code"


# --- Free text -------------------------------------------------------------------------


def test_a_field_of_use_longer_than_its_limit_is_refused_at_its_field(
    staff_user, institution, enterprise
):
    agreement = AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )
    limit = Agreement._meta.get_field("field_of_use").max_length

    with pytest.raises(ValidationError) as refused:
        services.agreement_update(agreement=agreement, by=staff_user, field_of_use="x" * 100_000)

    assert "field_of_use" in refused.value.message_dict
    services.agreement_update(agreement=agreement, by=staff_user, field_of_use="x" * limit)


def test_a_partnership_titled_by_a_zero_width_space_is_refused(
    staff_user, institution, enterprise
):
    partnership = PartnershipFactory(institution=institution, enterprise=enterprise)

    with pytest.raises(ValidationError) as refused:
        services.partnership_update(partnership=partnership, by=staff_user, title="\u200b")

    assert refused.value.error_dict["title"][0].code == "blank"
    partnership.refresh_from_db()
    assert partnership.title != "\u200b"


def test_an_enterprise_named_by_invisible_characters_is_refused(superuser):
    with pytest.raises(ValidationError) as refused:
        services.enterprise_create(by=superuser, code="NIL", name="\ufeff\u2060", size="startup")

    assert "name" in refused.value.message_dict
