"""An institution's invoicing settings and the parties' legal particulars:
the Unified Social Credit Code (public institutions have one too), the
registered address and the payee's bank account, edited by staff on the
institution's form and in the API, and checked."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships.models import Enterprise, Institution
from partnerships.services import enterprise_update, institution_create, institution_update
from tests.factories import InstitutionFactory, valid_uscc
from tests.partnerships.conftest import api_client_for

pytestmark = pytest.mark.django_db

# A public institution's code (事业单位 registered with an organisation
# office: it starts with 1) with a correct check character.
PUBLIC_INSTITUTION_USCC = "12100000400000624D"


def test_a_public_institution_has_a_unified_social_credit_code_too(superuser):
    institution = institution_create(
        by=superuser,
        code="THU",
        name="Tsinghua University",
        kind="university",
        unified_social_credit_code="1210 0000 4000 0062 4d",
    )

    assert institution.unified_social_credit_code == PUBLIC_INSTITUTION_USCC


def test_a_credit_code_with_a_wrong_check_character_is_refused_on_its_field(
    superuser, institution
):
    with pytest.raises(ValidationError) as raised:
        institution_update(
            institution=institution, by=superuser, unified_social_credit_code="12100000400000624X"
        )

    assert "unified_social_credit_code" in raised.value.message_dict


def test_two_institutions_cannot_share_a_credit_code(superuser, institution):
    institution_update(
        institution=institution, by=superuser, unified_social_credit_code=valid_uscc(7)
    )
    other = InstitutionFactory()

    with pytest.raises(ValidationError) as raised:
        institution_update(
            institution=other, by=superuser, unified_social_credit_code=valid_uscc(7)
        )

    assert raised.value.message_dict["unified_social_credit_code"] == [
        "An institution with this Unified Social Credit Code exists."
    ]


def test_an_account_number_typed_in_groups_is_stored_as_its_digits(superuser, institution):
    institution_update(
        institution=institution,
        by=superuser,
        bank_name="中国工商银行",
        bank_branch="北京海淀西区支行",
        bank_account_number="0200 0045 0908 9131 550",
    )

    institution.refresh_from_db()
    assert institution.bank_account_number == "0200004509089131550"


@pytest.mark.parametrize("number", ["0200-ABCD-0908", "12345", "1" * 35, "０２００００４５"])
def test_an_account_number_is_digits_only(superuser, institution, number):
    with pytest.raises(ValidationError) as raised:
        institution_update(institution=institution, by=superuser, bank_account_number=number)

    assert "bank_account_number" in raised.value.message_dict


def test_the_legal_name_is_the_chinese_one_where_there_is_one(superuser, enterprise):
    enterprise_update(enterprise=enterprise, by=superuser, name_zh="")
    assert Enterprise.objects.get(pk=enterprise.pk).legal_name == enterprise.name

    enterprise_update(enterprise=enterprise, by=superuser, name_zh="瀚海生物医药有限公司")
    assert Enterprise.objects.get(pk=enterprise.pk).legal_name == "瀚海生物医药有限公司"


def test_staff_edit_the_invoicing_settings_on_the_institution_form(
    client, staff_user, institution
):
    client.force_login(staff_user)
    url = reverse("partners:institution_edit", args=[institution.code])
    html = client.get(url).content.decode()
    for field in (
        "unified_social_credit_code",
        "registered_address",
        "bank_name",
        "bank_branch",
        "bank_account_number",
    ):
        assert f'<label class="form-label" for="id_{field}">' in html

    response = client.post(
        url,
        {
            "name": institution.name,
            "kind": institution.kind,
            "country": "CN",
            "unified_social_credit_code": PUBLIC_INSTITUTION_USCC,
            "registered_address": "北京市海淀区清华园1号",
            "bank_name": "中国工商银行",
            "bank_branch": "北京海淀西区支行",
            "bank_account_number": "0200 0045 0908 9131 550",
        },
    )

    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.bank_account_number == "0200004509089131550"
    page = client.get(institution.get_absolute_url()).content.decode()
    assert "0200 0045 0908 9131 550" in page and PUBLIC_INSTITUTION_USCC in page


def test_a_bad_account_number_comes_back_as_a_field_error_on_the_form(
    client, staff_user, institution
):
    client.force_login(staff_user)

    response = client.post(
        reverse("partners:institution_edit", args=[institution.code]),
        {
            "name": institution.name,
            "kind": institution.kind,
            "country": "CN",
            "bank_account_number": "ICBC-0200",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["bank_account_number"]
    institution.refresh_from_db()
    assert institution.bank_account_number == ""


def test_the_api_reads_and_writes_the_invoicing_settings(staff_user, institution):
    client = api_client_for(staff_user)
    url = f"/api/v1/institutions/{institution.pk}/"

    response = client.patch(
        url,
        {
            "unified_social_credit_code": PUBLIC_INSTITUTION_USCC,
            "registered_address": "北京市海淀区清华园1号",
            "bank_account_number": "6222 0000 1111 2222",
        },
        format="json",
    )
    refused = client.patch(url, {"unified_social_credit_code": "123"}, format="json")

    assert response.status_code == 200
    assert response.json()["bank_account_number"] == "6222000011112222"
    assert refused.status_code == 400
    assert "unified_social_credit_code" in refused.json()["error"]["fields"]
    assert Institution.objects.get(pk=institution.pk).registered_address == "北京市海淀区清华园1号"
