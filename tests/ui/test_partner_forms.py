"""The staff forms that create and edit institutions, enterprises, people,
joint centres, partnerships and agreements, and an agreement's terms editor.

Each form shows its fields with labels, saves through the service and goes
to what it saved; a refused or invalid entry comes back with the error next
to the field and everything typed kept. Choices list only what the user may
see; an object outside the user's scope answers 404 like a missing one."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import PermissionDenied as RefusedPermission
from partnerships import editing_views
from partnerships.choices import CooperationMode, PartnershipStatus
from partnerships.models import (
    Agreement,
    CostShare,
    Enterprise,
    FailureClause,
    Institution,
    JointCentre,
    MilestoneScheduleItem,
    Partnership,
    Person,
    RoyaltyTier,
)
from partnerships.services import agreements as agreement_services
from pipelines.models import StageDefinition
from projects.models import Activity
from tests.factories import (
    AgreementFactory,
    CostShareFactory,
    EnterpriseFactory,
    FailureClauseFactory,
    InstitutionFactory,
    JointCentreFactory,
    JointCentrePartyFactory,
    MilestoneScheduleItemFactory,
    PartnershipFactory,
    PartnerUserFactory,
    PersonFactory,
    RoyaltyTierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return staff_user


@pytest.fixture
def partnership(institution):
    return PartnershipFactory(institution=institution)


@pytest.fixture
def agreement(partnership):
    return AgreementFactory(partnership=partnership)


def stage(position, pipeline="BIOMED-DRUG"):
    return StageDefinition.objects.get(pipeline__code=pipeline, position=position)


def rows(prefix, entries, *, initial=0):
    """POST data of a formset: its management form and its rows."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(entries)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, entry in enumerate(entries):
        for name, value in entry.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def field_error(response, name):
    """The errors shown next to the field ``name``."""
    form = response.context["form"]
    return " ".join(form.errors.get(name, []))


# --- Institutions -----------------------------------------------------------------------


def test_the_new_institution_form_shows_its_fields_with_labels(client, staff):
    response = client.get(reverse("partners:institution_create"))

    assert response.status_code == 200
    html = response.content.decode()
    for field in ("code", "name", "name_zh", "kind", "country", "city", "website"):
        assert f'<label class="form-label" for="id_{field}">' in html


def test_creating_an_institution_stores_it_and_goes_to_its_page(client, staff):
    response = client.post(
        reverse("partners:institution_create"),
        {"code": "PKU", "name": "Peking University", "kind": "university", "country": "CN"},
    )

    institution = Institution.objects.get(code="PKU")
    assert institution.name == "Peking University"
    assert response.status_code == 302


def test_an_institution_without_a_name_comes_back_with_the_error_and_the_input(client, staff):
    response = client.post(
        reverse("partners:institution_create"),
        {"code": "PKU", "name": "", "kind": "university", "country": "CN", "city": "Beijing"},
    )

    assert response.status_code == 200
    assert field_error(response, "name")
    html = response.content.decode()
    assert 'value="PKU"' in html and 'value="Beijing"' in html
    assert 'id="id_name_error"' in html
    assert not Institution.objects.filter(code="PKU").exists()


def test_an_institution_code_taken_is_refused_on_the_code(client, staff, institution):
    response = client.post(
        reverse("partners:institution_create"),
        {"code": institution.code, "name": "Twin", "kind": "university", "country": "CN"},
    )

    assert response.status_code == 200
    assert field_error(response, "code")


def test_editing_an_institution_changes_it_but_not_its_code(client, staff, institution):
    url = reverse("partners:institution_edit", args=[institution.code])

    assert "id_code" not in client.get(url).content.decode()
    response = client.post(
        url, {"name": "Renamed", "kind": "hospital", "country": "CN", "city": "Wuhan"}
    )

    institution.refresh_from_db()
    assert response.status_code == 302
    assert (institution.name, institution.kind, institution.city) == (
        "Renamed",
        "hospital",
        "Wuhan",
    )


def test_editing_a_missing_institution_is_not_found(client, staff):
    assert client.get(reverse("partners:institution_edit", args=["NOPE"])).status_code == 404


def test_a_partner_cannot_open_the_directory_forms(client, institution):
    client.force_login(PartnerUserFactory())

    assert client.get(reverse("partners:institution_create")).status_code == 404
    assert (
        client.get(reverse("partners:institution_edit", args=[institution.code])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "view",
    [
        editing_views.institution_create,
        editing_views.enterprise_create,
        editing_views.person_create,
        editing_views.joint_centre_create,
        editing_views.partnership_create,
        editing_views.agreement_create,
    ],
)
def test_the_forms_refuse_users_who_are_not_research_centre_staff(rf, view):
    """Behind the portal's guard (which answers partners 404), the forms
    themselves refuse anyone but staff and superusers."""
    request = rf.get("/")
    request.user = PartnerUserFactory()

    with pytest.raises(PermissionDenied):
        view(request)


def test_a_refusal_from_the_service_is_shown_on_the_form(client, staff, monkeypatch):
    def refuse(by):
        raise RefusedPermission("Only research-centre staff edit the directory.")

    # The service's own check of the user's rights says no.
    monkeypatch.setattr(agreement_services, "_require_directory_editor", refuse)

    response = client.post(
        reverse("partners:institution_create"),
        {"code": "PKU", "name": "Peking University", "kind": "university", "country": "CN"},
    )

    assert response.status_code == 200
    assert "Only research-centre staff" in response.content.decode()
    assert 'value="Peking University"' in response.content.decode()


def test_signing_in_is_required(client):
    response = client.get(reverse("partners:institution_create"))

    assert response.status_code == 302
    assert "login" in response.url


# --- Enterprises ------------------------------------------------------------------------


def test_creating_an_enterprise_with_its_sectors(client, staff):
    from pipelines.models import Sector

    sectors = list(Sector.objects.all()[:2])
    response = client.post(
        reverse("partners:enterprise_create"),
        {
            "code": "NEWCO",
            "name": "New Company",
            "size": "startup",
            "country": "CN",
            "sectors": [sector.pk for sector in sectors],
        },
    )

    enterprise = Enterprise.objects.get(code="NEWCO")
    assert response.status_code == 302
    assert set(enterprise.sectors.all()) == set(sectors)


def test_an_invalid_social_credit_code_is_shown_on_its_field(client, staff):
    response = client.post(
        reverse("partners:enterprise_create"),
        {
            "code": "NEWCO",
            "name": "New Company",
            "size": "startup",
            "country": "CN",
            "unified_social_credit_code": "91310000MA1000000X",
        },
    )

    assert response.status_code == 200
    assert field_error(response, "unified_social_credit_code")
    assert 'value="New Company"' in response.content.decode()
    assert not Enterprise.objects.filter(code="NEWCO").exists()


def test_editing_an_enterprise(client, staff, enterprise):
    response = client.post(
        reverse("partners:enterprise_edit", args=[enterprise.code]),
        {"name": "Renamed Co", "size": "large", "country": "CN"},
    )

    enterprise.refresh_from_db()
    assert response.status_code == 302
    assert (enterprise.name, enterprise.size) == ("Renamed Co", "large")


# --- People -----------------------------------------------------------------------------


def test_the_person_form_presets_the_institution_from_the_address(client, staff, institution):
    response = client.get(reverse("partners:person_create") + f"?institution={institution.code}")

    assert response.status_code == 200
    assert response.context["form"]["institution"].value() == institution.pk


def test_adding_a_person_to_an_enterprise(client, staff, enterprise):
    response = client.post(
        reverse("partners:person_create"),
        {"full_name": "Li Wei", "job_title": "BD director", "enterprise": enterprise.pk},
    )

    person = Person.objects.get(full_name="Li Wei")
    assert response.status_code == 302
    assert person.enterprise == enterprise and person.institution is None


def test_a_person_of_two_organisations_is_refused_with_the_input_kept(
    client, staff, institution, enterprise
):
    response = client.post(
        reverse("partners:person_create"),
        {"full_name": "Li Wei", "institution": institution.pk, "enterprise": enterprise.pk},
    )

    assert response.status_code == 200
    assert "either an institution or an enterprise" in response.content.decode()
    assert 'value="Li Wei"' in response.content.decode()
    assert not Person.objects.exists()


def test_an_unknown_organisation_is_not_a_valid_choice(client, staff):
    response = client.post(
        reverse("partners:person_create"), {"full_name": "Li Wei", "institution": 999999}
    )

    assert "Select a valid choice" in field_error(response, "institution")


def test_editing_a_person(client, staff):
    person = PersonFactory()

    response = client.post(
        reverse("partners:person_edit", args=[person.pk]),
        {"full_name": "Wang Fang", "institution": person.institution_id, "email": "w@example.com"},
    )

    person.refresh_from_db()
    assert response.status_code == 302
    assert (person.full_name, person.email) == ("Wang Fang", "w@example.com")


def test_a_partner_cannot_edit_people(client, staff):
    person = PersonFactory()
    client.force_login(PartnerUserFactory())

    assert client.get(reverse("partners:person_edit", args=[person.pk])).status_code == 404


# --- Joint centres ----------------------------------------------------------------------


def centre_data(institution, enterprise, **changes):
    data = {
        "code": "JCX",
        "name": "Joint Centre X",
        "established_on": "2024-05-01",
        **rows(
            "hosts",
            [{"party": institution.pk, "annual_funding_commitment": "1000000", "currency": "CNY"}],
        ),
        **rows(
            "leads",
            [
                {
                    "party": enterprise.pk,
                    "annual_funding_commitment": "3000000",
                    "currency": "CNY",
                    "commitment_from_year": "2024",
                    "commitment_to_year": "2028",
                }
            ],
        ),
    }
    data.update(changes)
    return data


def test_the_joint_centre_form_has_rows_for_hosts_and_lead_enterprises(client, staff):
    html = client.get(reverse("partners:joint_centre_create")).content.decode()

    assert "Host institutions" in html and "Lead enterprises" in html
    assert 'for="id_hosts-0-party"' in html and 'for="id_leads-0-party"' in html
    assert 'data-add-row="hosts"' in html


def test_creating_a_joint_centre_with_its_parties(client, staff, institution, enterprise):
    response = client.post(
        reverse("partners:joint_centre_create"), centre_data(institution, enterprise)
    )

    centre = JointCentre.objects.get(code="JCX")
    assert response.status_code == 302
    assert list(centre.host_institutions.all()) == [institution]
    lead = centre.parties.get(enterprise=enterprise)
    assert lead.annual_funding_commitment == Decimal("3000000")
    assert (lead.commitment_from_year, lead.commitment_to_year) == (2024, 2028)


def test_a_joint_centre_without_a_lead_enterprise_is_refused_and_kept(
    client, staff, institution, enterprise
):
    data = centre_data(institution, enterprise)
    data["leads-TOTAL_FORMS"] = "0"

    response = client.post(reverse("partners:joint_centre_create"), data)

    assert response.status_code == 200
    assert "at least one lead enterprise" in response.content.decode()
    assert 'value="Joint Centre X"' in response.content.decode()
    assert not JointCentre.objects.exists()


def test_a_commitment_ending_before_it_starts_is_shown_on_its_row(
    client, staff, institution, enterprise
):
    data = centre_data(institution, enterprise)
    data["leads-0-commitment_to_year"] = "2020"

    response = client.post(reverse("partners:joint_centre_create"), data)

    assert response.status_code == 200
    lead_row = response.context["formsets"][1]["formset"].forms[0]
    assert "cannot end before it starts" in " ".join(lead_row.errors["commitment_to_year"])
    assert not JointCentre.objects.exists()


def test_editing_a_joint_centre_replaces_its_parties(client, staff, institution, enterprise):
    centre = JointCentreFactory()
    JointCentrePartyFactory(centre=centre)
    JointCentrePartyFactory(centre=centre, institution=None, enterprise=EnterpriseFactory())
    data = centre_data(institution, enterprise)
    del data["code"]

    response = client.post(reverse("partners:joint_centre_edit", args=[centre.code]), data)

    assert response.status_code == 302
    assert list(centre.host_institutions.all()) == [institution]
    assert list(centre.lead_enterprises.all()) == [enterprise]


def test_the_centre_edit_form_shows_its_parties_as_rows(client, staff):
    centre = JointCentreFactory()
    party = JointCentrePartyFactory(centre=centre)

    response = client.get(reverse("partners:joint_centre_edit", args=[centre.code]))

    hosts = response.context["formsets"][0]["formset"]
    assert hosts.forms[0]["party"].value() == party.institution_id


# --- Partnerships -----------------------------------------------------------------------


def partnership_data(institution, enterprise, **changes):
    return {
        "code": "PS-NEW",
        "title": "Antibody licence",
        "mode": CooperationMode.TRANSFER,
        "status": PartnershipStatus.NEGOTIATING,
        "institution": institution.pk if institution else "",
        "enterprise": enterprise.pk,
        "started_on": "2025-01-10",
        **changes,
    }


def test_opening_a_partnership_for_ones_institution(client, staff, institution, enterprise):
    response = client.post(
        reverse("partners:partnership_create"), partnership_data(institution, enterprise)
    )

    partnership = Partnership.objects.get(code="PS-NEW")
    assert response.status_code == 302
    assert (partnership.institution, partnership.enterprise) == (institution, enterprise)


def test_a_partnership_for_another_institution_is_refused_on_the_institution(
    client, staff, enterprise
):
    other = InstitutionFactory()

    response = client.post(
        reverse("partners:partnership_create"), partnership_data(other, enterprise)
    )

    assert response.status_code == 200
    assert "Only the staff" in field_error(response, "institution")
    assert 'value="Antibody licence"' in response.content.decode()
    assert not Partnership.objects.filter(code="PS-NEW").exists()


def test_a_partnership_ending_before_it_starts_shows_the_error_on_the_end(
    client, staff, institution, enterprise
):
    response = client.post(
        reverse("partners:partnership_create"),
        partnership_data(institution, enterprise, ended_on="2024-01-01"),
    )

    assert "cannot end before it starts" in field_error(response, "ended_on")


def test_editing_a_partnership_moves_its_status_forward_only(client, staff, partnership):
    url = reverse("partners:partnership_edit", args=[partnership.code])
    data = partnership_data(partnership.institution, partnership.enterprise)
    del data["code"]

    response = client.post(url, {**data, "status": PartnershipStatus.ENDED})
    assert response.status_code == 302
    response = client.post(url, {**data, "status": PartnershipStatus.ACTIVE})

    partnership.refresh_from_db()
    assert response.status_code == 200
    assert partnership.status == PartnershipStatus.ENDED
    assert "cannot change" in response.content.decode()


def test_another_institutions_partnership_is_not_found(client, staff):
    other = PartnershipFactory()

    assert client.get(reverse("partners:partnership_edit", args=[other.code])).status_code == 404


# --- Agreements -------------------------------------------------------------------------


def agreement_data(**changes):
    return {
        "reference": "AGR-NEW",
        "title": "Exclusive licence",
        "kind": "licence",
        "status": "draft",
        "exclusivity": "exclusive",
        "institution_ip_share": "100",
        "currency": "CNY",
        **changes,
    }


def test_the_agreement_form_presets_the_partnership(client, staff, partnership):
    response = client.get(reverse("agreements:create") + f"?partnership={partnership.code}")

    assert response.status_code == 200
    assert response.context["form"]["partnership"].value() == partnership.pk
    assert '<label class="form-label" for="id_reference">' in response.content.decode()


def test_recording_an_agreement_records_its_activity(client, staff, partnership):
    response = client.post(
        reverse("agreements:create"), agreement_data(partnership=partnership.pk)
    )

    agreement = Agreement.objects.get(reference="AGR-NEW")
    assert response.status_code == 302
    assert agreement.partnership == partnership
    assert Activity.objects.filter(verb="agreement.created", agreement=agreement).exists()


def test_another_institutions_partnership_is_not_a_valid_choice(client, staff):
    foreign = PartnershipFactory()

    response = client.post(reverse("agreements:create"), agreement_data(partnership=foreign.pk))

    assert "Select a valid choice" in field_error(response, "partnership")
    assert not Agreement.objects.filter(reference="AGR-NEW").exists()


def test_a_signed_agreement_without_a_date_is_refused_on_the_date(client, staff, partnership):
    response = client.post(
        reverse("agreements:create"), agreement_data(partnership=partnership.pk, status="signed")
    )

    assert response.status_code == 200
    assert "signing date" in field_error(response, "signed_on")
    assert 'value="Exclusive licence"' in response.content.decode()


def test_editing_an_agreement_records_what_changed(client, staff, agreement):
    data = agreement_data(status="signed", signed_on="2024-02-01", territory="Greater China")
    del data["reference"]

    response = client.post(reverse("agreements:edit", args=[agreement.reference]), data)

    agreement.refresh_from_db()
    assert response.status_code == 302
    assert agreement.territory == "Greater China"
    page = client.get(reverse("agreements:edit", args=[agreement.reference]))
    assert f'href="{terms_url(agreement)}"' in page.content.decode()
    assert Activity.objects.filter(verb="agreement.updated", agreement=agreement).exists()


def test_another_institutions_agreement_is_not_found(client, staff):
    foreign = AgreementFactory()

    for name in ("agreements:edit", "agreements:terms"):
        assert client.get(reverse(name, args=[foreign.reference])).status_code == 404


def test_a_partner_cannot_open_its_own_agreements_terms(client, agreement):
    client.force_login(PartnerUserFactory(enterprise=agreement.partnership.enterprise))

    assert client.get(reverse("agreements:terms", args=[agreement.reference])).status_code == 404


# --- Terms editor -----------------------------------------------------------------------


def terms_url(agreement):
    return reverse("agreements:terms", args=[agreement.reference])


def share_rows(*entries, initial=0):
    return {
        "section": "cost_shares",
        **rows(
            "shares",
            [
                {
                    "first_stage": first.pk,
                    "last_stage": last.pk,
                    "research_percent": research,
                    "enterprise_percent": enterprise,
                }
                for first, last, research, enterprise in entries
            ],
            initial=initial,
        ),
    }


def test_the_terms_page_shows_every_section_with_labels(client, staff, agreement):
    CostShareFactory(agreement=agreement, party="research", percent=40)
    CostShareFactory(agreement=agreement, party="enterprise", percent=60)

    response = client.get(terms_url(agreement))

    assert response.status_code == 200
    html = response.content.decode()
    sections = ("payment", "renewal", "cost-shares", "royalty-tiers", "failure-clauses")
    for section in (*sections, "schedule"):
        assert f'id="{section}"' in html
    assert 'for="id_shares-0-research_percent"' in html
    assert 'for="id_payment-upfront_amount"' in html
    shares = response.context["terms"].cost_shares
    assert shares.forms[0]["research_percent"].value() == Decimal("40.00")
    assert shares.forms[0]["enterprise_percent"].value() == Decimal("60.00")


def test_cost_shares_adding_up_to_99_are_refused_and_nothing_is_saved(client, staff, agreement):
    CostShareFactory(agreement=agreement, party="research", percent=100)

    response = client.post(terms_url(agreement), share_rows((stage(1), stage(3), "40", "59")))

    assert response.status_code == 200
    row = response.context["terms"].cost_shares.forms[0]
    assert "99" in " ".join(row.non_field_errors())
    assert 'value="59"' in response.content.decode()
    assert list(agreement.cost_shares.values_list("percent", flat=True)) == [Decimal(100)]


def test_cost_shares_adding_up_to_100_replace_the_old_ones(client, staff, agreement):
    CostShareFactory(agreement=agreement, party="research", percent=100)

    response = client.post(
        terms_url(agreement),
        share_rows((stage(1), stage(3), "40", "60"), (stage(4), stage(5), "20.5", "79.5")),
    )

    assert response.status_code == 302
    assert response.url.endswith("#cost-shares")
    stored = {
        (share.first_stage.position, share.party): share.percent
        for share in CostShare.objects.filter(agreement=agreement)
    }
    assert stored == {
        (1, "research"): Decimal("40"),
        (1, "enterprise"): Decimal("60"),
        (4, "research"): Decimal("20.5"),
        (4, "enterprise"): Decimal("79.5"),
    }


def test_overlapping_stage_ranges_are_refused_on_the_later_row(client, staff, agreement):
    response = client.post(
        terms_url(agreement),
        share_rows((stage(1), stage(3), "50", "50"), (stage(3), stage(5), "50", "50")),
    )

    assert response.status_code == 200
    later = response.context["terms"].cost_shares.forms[1]
    assert "overlap" in " ".join(later.errors["first_stage"])
    assert not CostShare.objects.filter(agreement=agreement).exists()


def test_a_removed_stage_range_is_dropped(client, staff, agreement):
    data = share_rows((stage(1), stage(1), "100", "0"), (stage(2), stage(2), "50", "50"))
    data["shares-1-DELETE"] = "on"

    client.post(terms_url(agreement), data)

    assert set(agreement.cost_shares.values_list("first_stage__position", flat=True)) == {1}


def tier_rows(*tiers, initial=0, deleted=()):
    data = {
        "section": "royalty_tiers",
        **rows(
            "tiers",
            [{"lower_bound": bound, "rate_percent": rate} for bound, rate in tiers],
            initial=initial,
        ),
    }
    for index in deleted:
        data[f"tiers-{index}-DELETE"] = "on"
    return data


def test_royalty_tiers_are_added_and_removed_as_rows(client, staff, agreement):
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=5)
    RoyaltyTierFactory(agreement=agreement, lower_bound=1_000_000, rate_percent=7)

    response = client.post(
        terms_url(agreement),
        tier_rows(("0", "5"), ("1000000", "7"), ("5000000", "9"), initial=2, deleted=[1]),
    )

    assert response.status_code == 302
    assert list(
        RoyaltyTier.objects.filter(agreement=agreement).values_list("lower_bound", "rate_percent")
    ) == [(Decimal("0"), Decimal("5")), (Decimal("5000000"), Decimal("9"))]
    assert Activity.objects.filter(verb="terms.royalty_tiers_set", agreement=agreement).exists()


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ((("0", "5"), ("1000000", "7"), ("1000000", "8")), "rise strictly"),
        ((("100", "5"), ("1000000", "7")), "starts at zero"),
    ],
)
def test_tiers_that_do_not_rise_from_zero_are_refused(client, staff, agreement, tiers, message):
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=3)

    response = client.post(terms_url(agreement), tier_rows(*tiers))

    assert response.status_code == 200
    assert message in " ".join(response.context["terms"].royalty_tiers.non_form_errors())
    assert list(agreement.royalty_tiers.values_list("rate_percent", flat=True)) == [Decimal(3)]


def test_a_rate_above_100_is_shown_on_its_row(client, staff, agreement):
    response = client.post(terms_url(agreement), tier_rows(("0", "5"), ("100", "120")))

    assert response.status_code == 200
    assert response.context["terms"].royalty_tiers.forms[1].errors["rate_percent"]
    assert not agreement.royalty_tiers.exists()


def clause_rows(*entries, initial=0):
    return {"section": "failure_clauses", **rows("clauses", list(entries), initial=initial)}


def test_failure_clauses_are_added_changed_and_removed(client, staff, agreement):
    kept = FailureClauseFactory(agreement=agreement, stage=stage(1))
    removed = FailureClauseFactory(agreement=agreement, stage=stage(2))
    clause = {
        "sunk_costs_borne_by": "by_cost_shares",
        "break_fee_payer": "enterprise",
        "break_fee": "0",
    }

    response = client.post(
        terms_url(agreement),
        clause_rows(
            {**clause, "clause": kept.pk, "stage": stage(1).pk, "break_fee": "50000"},
            {**clause, "clause": removed.pk, "stage": stage(2).pk, "DELETE": "on"},
            {**clause, "stage": stage(4).pk, "ip_reverts_to_institution": "on", "notes": "Late"},
            initial=2,
        ),
    )

    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.break_fee == Decimal("50000")
    assert not FailureClause.objects.filter(pk=removed.pk).exists()
    added = FailureClause.objects.get(agreement=agreement, stage=stage(4))
    assert added.ip_reverts_to_institution and added.notes == "Late"


def test_a_second_clause_for_a_stage_is_refused_and_nothing_changes(client, staff, agreement):
    kept = FailureClauseFactory(agreement=agreement, stage=stage(1))
    clause = {"sunk_costs_borne_by": "research", "break_fee_payer": "enterprise"}

    response = client.post(
        terms_url(agreement),
        clause_rows(
            {**clause, "clause": kept.pk, "stage": stage(1).pk, "break_fee": "10"},
            {**clause, "stage": stage(1).pk, "break_fee": "20"},
            initial=1,
        ),
    )

    assert response.status_code == 200
    second = response.context["terms"].failure_clauses.forms[1]
    assert "already has a failure clause" in " ".join(second.errors["stage"])
    kept.refresh_from_db()
    assert kept.break_fee == 0 and kept.sunk_costs_borne_by == "by_cost_shares"
    assert agreement.failure_clauses.count() == 1


def test_another_agreements_clause_is_not_a_valid_row(client, staff, agreement):
    foreign = FailureClauseFactory(stage=stage(1))
    clause = {"sunk_costs_borne_by": "research", "break_fee_payer": "enterprise"}

    response = client.post(
        terms_url(agreement),
        clause_rows({**clause, "clause": foreign.pk, "stage": stage(1).pk}, initial=1),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.sunk_costs_borne_by == "by_cost_shares"


def schedule_rows(*entries, initial=0):
    return {"section": "schedule", **rows("schedule", list(entries), initial=initial)}


def test_milestone_payments_are_scheduled_changed_and_removed(client, staff, agreement):
    changed = MilestoneScheduleItemFactory(agreement=agreement)
    removed = MilestoneScheduleItemFactory(agreement=agreement)
    item = {"kind": "regulatory", "due_offset_days": "30"}

    response = client.post(
        terms_url(agreement),
        schedule_rows(
            {
                **item,
                "item": changed.pk,
                "name": "IND filed",
                "amount": "250000",
                "trigger_event": "IND filed",
            },
            {
                **item,
                "item": removed.pk,
                "name": removed.name,
                "amount": "1",
                "trigger_event": "x",
                "DELETE": "on",
            },
            {**item, "name": "Phase I start", "amount": "500000", "trigger_stage": stage(4).pk},
            initial=2,
        ),
    )

    assert response.status_code == 302
    changed.refresh_from_db()
    assert (changed.name, changed.amount) == ("IND filed", Decimal("250000"))
    assert not MilestoneScheduleItem.objects.filter(pk=removed.pk).exists()
    added = MilestoneScheduleItem.objects.get(agreement=agreement, name="Phase I start")
    assert added.trigger_stage == stage(4)
    assert Activity.objects.filter(verb="terms.milestone_scheduled", agreement=agreement).exists()


def test_a_milestone_payment_without_a_trigger_is_refused_on_its_row(client, staff, agreement):
    response = client.post(
        terms_url(agreement),
        schedule_rows(
            {
                "name": "Good",
                "kind": "scientific",
                "amount": "10",
                "trigger_event": "Go",
                "due_offset_days": "30",
            },
            {"name": "Untriggered", "kind": "scientific", "amount": "10", "due_offset_days": "30"},
        ),
    )

    assert response.status_code == 200
    row = response.context["terms"].schedule.forms[1]
    assert "triggered by a stage or an event" in " ".join(row.non_field_errors())
    assert 'value="Untriggered"' in response.content.decode()
    # The section is saved as a whole or not at all.
    assert not agreement.milestone_schedule.exists()


def payment_data(**changes):
    return {
        "section": "payment",
        "payment-upfront_amount": "2000000",
        "payment-annual_licence_fee": "0",
        "payment-annual_maintenance_fee": "0",
        "payment-royalty_basis": "whole",
        "payment-minimum_annual_royalty": "100000",
        "payment-sublicense_income_share": "20",
        "payment-equity_share": "0",
        "payment-royalty_reporting": "annual",
        "payment-royalty_report_due_days": "60",
        **changes,
    }


def test_payment_terms_are_saved_through_the_agreement(client, staff, agreement):
    response = client.post(terms_url(agreement), payment_data())

    agreement.refresh_from_db()
    assert response.status_code == 302
    assert agreement.upfront_amount == Decimal("2000000")
    assert agreement.royalty_basis == "whole"
    assert agreement.sublicense_income_share == Decimal("20")
    assert Activity.objects.filter(verb="agreement.updated", agreement=agreement).exists()


def test_a_share_above_100_is_shown_on_its_field(client, staff, agreement):
    response = client.post(
        terms_url(agreement), payment_data(**{"payment-sublicense_income_share": "120"})
    )

    assert response.status_code == 200
    assert response.context["terms"].payment.errors["sublicense_income_share"]
    assert 'value="2000000"' in response.content.decode()


def test_renewal_terms_are_saved_in_their_own_section(client, staff, agreement):
    response = client.post(
        terms_url(agreement),
        {
            "section": "renewal",
            "renewal-renewal": "by_notice",
            "renewal-renewal_notice_days": "90",
            "renewal-renewal_term_months": "24",
        },
    )

    agreement.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"].endswith("#renewal")
    assert (agreement.renewal, agreement.renewal_notice_days, agreement.renewal_term_months) == (
        "by_notice",
        90,
        24,
    )
    assert Activity.objects.filter(verb="agreement.updated", agreement=agreement).exists()


def test_a_renewal_without_its_notice_period_is_refused_on_the_form(client, staff, agreement):
    response = client.post(
        terms_url(agreement),
        {"section": "renewal", "renewal-renewal": "automatic", "renewal-renewal_term_months": ""},
    )

    assert response.status_code == 200
    errors = response.context["terms"].renewal.errors
    assert "A renewal needs the notice period and the length of each renewal." in str(errors)
    agreement.refresh_from_db()
    assert agreement.renewal == "none"


def test_a_section_sent_back_with_errors_is_marked_unsaved(client, staff, agreement):
    """The page's script tells unsaved edits from saved ones; a section the
    server refused holds edits that were not saved."""
    response = client.post(
        terms_url(agreement), payment_data(**{"payment-sublicense_income_share": "120"})
    )

    html = response.content.decode()
    region = html[html.index("data-bb-unsaved=") :]
    forms = region.split("<form")[1:]
    marked = [
        form[: form.index(">")]
        for form in forms
        if "data-bb-section-unsaved" in form[: form.index(">")]
    ]
    assert len(forms) == 6
    assert len(marked) == 1 and 'action="#payment"' in marked[0]
    assert "{sections}" in region[: region.index(">")]


def test_staff_of_another_institution_cannot_edit_the_terms(client, agreement):
    client.force_login(UserFactory(institutions=[InstitutionFactory()]))

    response = client.post(terms_url(agreement), payment_data())

    assert response.status_code == 404
    agreement.refresh_from_db()
    assert agreement.upfront_amount == 0


def test_the_terms_page_takes_as_many_queries_for_many_rows_as_for_one(client, staff, agreement):
    """Cost shares, tiers, clauses and schedule items add no query per row."""

    def add_rows(positions):
        for position in positions:
            CostShareFactory(agreement=agreement, first_stage=stage(position), percent=100)
            FailureClauseFactory(agreement=agreement, stage=stage(position))
            MilestoneScheduleItemFactory(agreement=agreement, trigger_stage=stage(position))
            RoyaltyTierFactory(agreement=agreement, lower_bound=position * 1000)

    add_rows([1])
    with CaptureQueriesContext(connection) as one:
        assert client.get(terms_url(agreement)).status_code == 200
    add_rows([2, 3, 4, 5, 6])
    with CaptureQueriesContext(connection) as six:
        response = client.get(terms_url(agreement))

    assert len(response.context["terms"].schedule.initial_forms) == 6
    assert len(six) == len(one)


@pytest.mark.parametrize(
    ("page", "create"),
    [
        ("partners:institutions", "partners:institution_create"),
        ("partners:enterprises", "partners:enterprise_create"),
        ("partners:joint_centres", "partners:joint_centre_create"),
        ("partners:partnerships", "partners:partnership_create"),
        ("agreements:list", "agreements:create"),
    ],
)
def test_each_list_offers_to_create_a_new_one(client, staff, page, create):
    response = client.get(reverse(page))

    assert f'href="{reverse(create)}"' in response.content.decode()
