"""The partnerships API: the directory, joint centres, partnerships and
agreements with their terms. What each user sees, who may write, how refusals
read, and that lists do not grow in queries with their rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import (
    Agreement,
    CostShare,
    Enterprise,
    FailureClause,
    JointCentreParty,
    MilestoneScheduleItem,
    Partnership,
    RoyaltyTier,
)
from pipelines.models import Pipeline, Sector, StageDefinition
from projects.models import Activity
from tests.factories import (
    AgreementFactory,
    CostEntryFactory,
    CostShareFactory,
    EnterpriseFactory,
    FailureClauseFactory,
    InstitutionFactory,
    JointCentreFactory,
    JointCentrePartyFactory,
    MilestoneScheduleItemFactory,
    PartnershipFactory,
    PersonFactory,
    ProjectUnderAgreementFactory,
    RoyaltyTierFactory,
    valid_uscc,
)
from tests.partnerships.conftest import api_client_for

pytestmark = pytest.mark.django_db

API = "/api/v1"


def error_of(response) -> dict:
    """The one error format: ``{"error": {"code", "message", "fields"?}}``."""
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    return body["error"]


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- Institutions -------------------------------------------------------------


class TestInstitutions:
    URL = f"{API}/institutions/"

    def test_a_partner_sees_the_institutions_it_works_with_and_no_others(
        self, partner_client, partnership
    ):
        unrelated = InstitutionFactory()

        listing = partner_client.get(self.URL)
        detail = partner_client.get(f"{self.URL}{unrelated.pk}/")

        assert ids(listing) == {partnership.institution_id}
        assert detail.status_code == 404

    def test_staff_see_the_whole_directory(self, staff_client, institution):
        other = InstitutionFactory()

        assert ids(staff_client.get(self.URL)) == {institution.pk, other.pk}

    def test_anonymous_clients_read_nothing(self, institution):
        response = api_client_for().get(self.URL)

        assert response.status_code in {401, 403}
        assert error_of(response)["code"] == "not_authenticated"

    def test_staff_register_an_institution(self, staff_client):
        response = staff_client.post(
            self.URL,
            {
                "code": "ZJU",
                "name": "Zhejiang University",
                "name_zh": "浙江大学",
                "kind": "university",
            },
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["code"] == "ZJU"
        assert response.json()["country"] == "CN"

    def test_invalid_fields_are_a_400_naming_each_field(self, staff_client):
        response = staff_client.post(
            self.URL, {"code": "zju", "name": "Zhejiang University"}, format="json"
        )

        assert response.status_code == 400
        error = error_of(response)
        assert set(error["fields"]) == {"code", "kind"}
        assert "capital letters" in error["fields"]["code"][0]

    def test_staff_change_an_institution_but_not_its_code(self, staff_client, institution):
        response = staff_client.patch(
            f"{self.URL}{institution.pk}/",
            {"city": "Hangzhou", "code": "CHANGED"},
            format="json",
        )

        assert response.status_code == 200
        institution.refresh_from_db()
        assert institution.city == "Hangzhou"
        assert institution.code != "CHANGED"

    def test_a_partner_cannot_write_the_directory(self, partner_client, partnership):
        create = partner_client.post(
            self.URL, {"code": "X", "name": "X", "kind": "university"}, format="json"
        )
        update = partner_client.patch(
            f"{self.URL}{partnership.institution_id}/", {"city": "Elsewhere"}, format="json"
        )

        assert [create.status_code, update.status_code] == [403, 403]
        assert error_of(update)["code"] == "permission_denied"


# --- Enterprises --------------------------------------------------------------


class TestEnterprises:
    URL = f"{API}/enterprises/"

    def test_a_partner_sees_only_its_own_enterprise(
        self, partner_client, enterprise, other_partner_user
    ):
        listing = partner_client.get(self.URL)
        detail = partner_client.get(f"{self.URL}{other_partner_user.enterprise_id}/")

        assert ids(listing) == {enterprise.pk}
        assert detail.status_code == 404

    def test_a_credit_code_typed_with_spaces_is_stored_compact(self, staff_client):
        sector = Sector.objects.first()

        response = staff_client.post(
            self.URL,
            {
                "code": "HZB",
                "name": "Hangzhou Bio",
                "size": "sme",
                "sectors": [sector.pk],
                "unified_social_credit_code": "9111 0000 6000 3734 1L",
            },
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["unified_social_credit_code"] == "91110000600037341L"
        assert response.json()["sectors"] == [sector.pk]

    def test_a_wrong_credit_code_is_a_field_error(self, staff_client):
        response = staff_client.post(
            self.URL,
            {
                "code": "HZB",
                "name": "Hangzhou Bio",
                "size": "sme",
                "unified_social_credit_code": "91110000600037341X",
            },
            format="json",
        )

        assert response.status_code == 400
        assert (
            "not a valid Unified Social Credit Code"
            in (error_of(response)["fields"]["unified_social_credit_code"][0])
        )

    def test_a_credit_code_already_registered_is_a_field_error(self, staff_client):
        code = valid_uscc(42)
        EnterpriseFactory(unified_social_credit_code=code)

        response = staff_client.post(
            self.URL,
            {
                "code": "DUP",
                "name": "Duplicate",
                "size": "sme",
                "unified_social_credit_code": code,
            },
            format="json",
        )

        assert response.status_code == 400
        assert error_of(response)["fields"]["unified_social_credit_code"] == [
            "An enterprise with this Unified Social Credit Code exists."
        ]
        assert not Enterprise.objects.filter(code="DUP").exists()

    def test_staff_change_an_enterprise(self, staff_client, enterprise):
        response = staff_client.patch(
            f"{self.URL}{enterprise.pk}/", {"size": "large"}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["size"] == "large"

    def test_a_partner_cannot_change_even_its_own_enterprise(self, partner_client, enterprise):
        response = partner_client.patch(
            f"{self.URL}{enterprise.pk}/", {"name": "Renamed"}, format="json"
        )

        assert response.status_code == 403
        enterprise.refresh_from_db()
        assert enterprise.name != "Renamed"


# --- People -------------------------------------------------------------------


class TestPeople:
    URL = f"{API}/people/"

    def test_a_partner_sees_its_own_colleagues_only(
        self, partner_client, enterprise, other_partner_user
    ):
        colleague = PersonFactory(institution=None, enterprise=enterprise)
        stranger = PersonFactory(institution=None, enterprise=other_partner_user.enterprise)
        PersonFactory()

        listing = partner_client.get(self.URL)
        detail = partner_client.get(f"{self.URL}{stranger.pk}/")

        assert ids(listing) == {colleague.pk}
        assert detail.status_code == 404

    def test_staff_add_a_contact_to_an_enterprise(self, staff_client, enterprise):
        response = staff_client.post(
            self.URL,
            {"full_name": "Li Wei", "job_title": "BD director", "enterprise": enterprise.pk},
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["enterprise"] == enterprise.pk
        assert response.json()["institution"] is None

    def test_a_contact_belongs_to_exactly_one_organisation(
        self, staff_client, institution, enterprise
    ):
        both = staff_client.post(
            self.URL,
            {"full_name": "Li Wei", "institution": institution.pk, "enterprise": enterprise.pk},
            format="json",
        )
        neither = staff_client.post(self.URL, {"full_name": "Li Wei"}, format="json")

        for response in (both, neither):
            assert response.status_code == 400
            assert "either an institution or an enterprise" in str(error_of(response)["fields"])

    def test_an_unknown_organisation_is_an_invalid_pk(self, staff_client):
        response = staff_client.post(
            self.URL, {"full_name": "Li Wei", "institution": 999999}, format="json"
        )

        assert response.status_code == 400
        assert "institution" in error_of(response)["fields"]

    def test_staff_change_a_contact(self, staff_client):
        person = PersonFactory()

        response = staff_client.patch(
            f"{self.URL}{person.pk}/", {"email": "li.wei@example.com"}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["email"] == "li.wei@example.com"

    def test_a_partner_cannot_add_contacts(self, partner_client, enterprise):
        response = partner_client.post(
            self.URL, {"full_name": "Li Wei", "enterprise": enterprise.pk}, format="json"
        )

        assert response.status_code == 403


# --- Joint centres --------------------------------------------------------------


def centre_with_parties(institution, *enterprises, commitment=5_000_000):
    centre = JointCentreFactory()
    JointCentrePartyFactory(centre=centre, institution=institution)
    for enterprise in enterprises:
        JointCentrePartyFactory(
            centre=centre,
            institution=None,
            enterprise=enterprise,
            annual_funding_commitment=commitment,
        )
    return centre


class TestJointCentres:
    URL = f"{API}/joint-centres/"

    def test_a_partner_sees_its_centres_and_not_what_co_leads_commit(
        self, partner_client, institution, enterprise
    ):
        co_lead = EnterpriseFactory()
        own = centre_with_parties(institution, enterprise, co_lead)
        foreign = centre_with_parties(InstitutionFactory(), EnterpriseFactory())

        listing = partner_client.get(self.URL)
        detail = partner_client.get(f"{self.URL}{foreign.pk}/")

        assert ids(listing) == {own.pk}
        parties = listing.json()["results"][0]["parties"]
        assert {(p["institution"], p["enterprise"]) for p in parties} == {
            (institution.pk, None),
            (None, enterprise.pk),
        }
        assert detail.status_code == 404

    def test_staff_see_every_party_with_its_commitment(
        self, staff_client, institution, enterprise
    ):
        co_lead = EnterpriseFactory()
        centre = centre_with_parties(institution, enterprise, co_lead, commitment=2_000_000)

        response = staff_client.get(f"{self.URL}{centre.pk}/")

        assert response.status_code == 200
        commitments = {
            p["enterprise"]: p["annual_funding_commitment"]
            for p in response.json()["parties"]
            if p["enterprise"]
        }
        assert commitments == {enterprise.pk: "2000000.00", co_lead.pk: "2000000.00"}

    def test_staff_register_a_centre_with_its_parties(self, staff_client, institution, enterprise):
        response = staff_client.post(
            self.URL,
            {
                "code": "JC-SZ",
                "name": "Shenzhen Synthetic Biology Centre",
                "established_on": "2023-06-01",
                "parties": [
                    {"institution": institution.pk},
                    {
                        "enterprise": enterprise.pk,
                        "annual_funding_commitment": "8000000.00",
                        "currency": "CNY",
                        "commitment_from_year": 2023,
                        "commitment_to_year": 2027,
                    },
                ],
            },
            format="json",
        )

        assert response.status_code == 201
        body = response.json()
        assert len(body["parties"]) == 2
        lead = next(p for p in body["parties"] if p["enterprise"])
        assert lead["annual_funding_commitment"] == "8000000.00"
        assert lead["name"] == enterprise.name

    def test_a_centre_needs_a_host_and_a_lead(self, staff_client, institution):
        response = staff_client.post(
            self.URL,
            {
                "code": "JC-X",
                "name": "Half a centre",
                "established_on": "2023-06-01",
                "parties": [{"institution": institution.pk}],
            },
            format="json",
        )

        assert response.status_code == 400
        assert error_of(response)["fields"]["parties"] == [
            "A joint centre has at least one lead enterprise."
        ]

    def test_a_party_error_names_the_party(self, staff_client, institution, enterprise):
        response = staff_client.post(
            self.URL,
            {
                "code": "JC-X",
                "name": "Centre",
                "established_on": "2023-06-01",
                "parties": [
                    {"institution": institution.pk},
                    {
                        "enterprise": enterprise.pk,
                        "commitment_from_year": 2027,
                        "commitment_to_year": 2023,
                    },
                ],
            },
            format="json",
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "parties.1.commitment_to_year": ["The commitment cannot end before it starts."]
        }

    def test_updating_the_parties_replaces_the_list_and_keeps_the_rows_that_stay(
        self, staff_client, institution, enterprise
    ):
        centre = centre_with_parties(institution, enterprise)
        host_row = centre.parties.get(institution=institution)
        newcomer = EnterpriseFactory()

        response = staff_client.patch(
            f"{self.URL}{centre.pk}/",
            {
                "parties": [
                    {"institution": institution.pk, "annual_funding_commitment": "1000000"},
                    {"enterprise": newcomer.pk, "annual_funding_commitment": "3000000"},
                ]
            },
            format="json",
        )

        assert response.status_code == 200
        rows = JointCentreParty.objects.filter(centre=centre)
        assert {(row.institution_id, row.enterprise_id) for row in rows} == {
            (institution.pk, None),
            (None, newcomer.pk),
        }
        assert rows.get(institution=institution).pk == host_row.pk
        assert rows.get(institution=institution).annual_funding_commitment == 1_000_000

    def test_a_partner_cannot_change_its_centre(self, partner_client, institution, enterprise):
        centre = centre_with_parties(institution, enterprise)

        response = partner_client.patch(
            f"{self.URL}{centre.pk}/", {"name": "Renamed"}, format="json"
        )

        assert response.status_code == 403


# --- Partnerships ----------------------------------------------------------------


class TestPartnerships:
    URL = f"{API}/partnerships/"

    def test_a_partner_sees_only_its_own_partnerships(
        self, partner_client, partnership, foreign_partnership
    ):
        listing = partner_client.get(self.URL)
        detail = partner_client.get(f"{self.URL}{foreign_partnership.pk}/")

        assert ids(listing) == {partnership.pk}
        assert listing.json()["results"][0]["enterprise"]["id"] == partnership.enterprise_id
        assert detail.status_code == 404

    def test_staff_of_another_institution_neither_see_nor_change_it(
        self, foreign_staff_client, partnership
    ):
        detail = foreign_staff_client.get(f"{self.URL}{partnership.pk}/")
        update = foreign_staff_client.patch(
            f"{self.URL}{partnership.pk}/", {"title": "Taken over"}, format="json"
        )

        assert [detail.status_code, update.status_code] == [404, 404]

    def test_filters_narrow_the_list(self, staff_client, institution, enterprise):
        transfer = PartnershipFactory(institution=institution, mode="transfer")
        contract = PartnershipFactory(institution=institution, mode="contract_rd")

        by_mode = staff_client.get(self.URL, {"mode": "contract_rd"})
        by_text = staff_client.get(self.URL, {"q": transfer.code})

        assert ids(by_mode) == {contract.pk}
        assert ids(by_text) == {transfer.pk}

    def test_staff_open_a_partnership_for_their_institution(
        self, staff_client, institution, enterprise
    ):
        response = staff_client.post(
            self.URL,
            {
                "code": "PS-2026-01",
                "title": "CAR-T licence",
                "mode": "transfer",
                "status": "negotiating",
                "institution": institution.pk,
                "enterprise": enterprise.pk,
                "started_on": "2026-01-10",
            },
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["institution"]["id"] == institution.pk
        assert response.json()["status"] == "negotiating"

    def test_staff_cannot_open_one_for_an_institution_they_do_not_work_for(
        self, staff_client, enterprise
    ):
        response = staff_client.post(
            self.URL,
            {
                "code": "PS-2026-02",
                "title": "Not ours",
                "mode": "transfer",
                "institution": InstitutionFactory().pk,
                "enterprise": enterprise.pk,
                "started_on": "2026-01-10",
            },
            format="json",
        )

        assert response.status_code == 403
        assert not Partnership.objects.filter(code="PS-2026-02").exists()

    def test_a_joint_centre_partnership_names_its_centre(
        self, staff_client, institution, enterprise
    ):
        response = staff_client.post(
            self.URL,
            {
                "code": "PS-2026-03",
                "title": "Centre work",
                "mode": "joint_centre",
                "institution": institution.pk,
                "enterprise": enterprise.pk,
                "started_on": "2026-01-10",
                "ended_on": "2025-01-10",
            },
            format="json",
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "joint_centre": ["A joint-centre partnership names its joint centre."],
            "ended_on": ["A partnership cannot end before it starts."],
        }

    def test_the_status_moves_forward_only(self, staff_client, partnership):
        ended = staff_client.patch(
            f"{self.URL}{partnership.pk}/",
            {"status": "ended", "ended_on": "2026-01-01"},
            format="json",
        )
        reopened = staff_client.patch(
            f"{self.URL}{partnership.pk}/", {"status": "active"}, format="json"
        )

        assert ended.status_code == 200
        assert reopened.status_code == 409
        assert error_of(reopened)["code"] == "status_not_allowed"
        partnership.refresh_from_db()
        assert partnership.status == "ended"

    def test_the_parties_are_fixed_once_an_agreement_exists(
        self, staff_client, partnership, agreement
    ):
        response = staff_client.patch(
            f"{self.URL}{partnership.pk}/", {"enterprise": EnterpriseFactory().pk}, format="json"
        )

        assert response.status_code == 409
        assert error_of(response)["code"] == "parties_fixed"

    def test_a_partner_cannot_write_partnerships(self, partner_client, partnership, enterprise):
        update = partner_client.patch(
            f"{self.URL}{partnership.pk}/", {"status": "ended"}, format="json"
        )
        create = partner_client.post(
            self.URL,
            {
                "code": "PS-P",
                "title": "Self-made",
                "mode": "transfer",
                "institution": partnership.institution_id,
                "enterprise": enterprise.pk,
                "started_on": "2026-01-10",
            },
            format="json",
        )

        assert [update.status_code, create.status_code] == [403, 403]
        partnership.refresh_from_db()
        assert partnership.status == "active"


# --- Agreements ------------------------------------------------------------------

NESTED_READS = [
    "",
    "terms/",
    "cost-shares/",
    "royalty-tiers/",
    "ledger/",
    "failure-clauses/",
    "milestone-schedule/",
]


def agreement_url(agreement, suffix="") -> str:
    return f"{API}/agreements/{agreement.pk}/{suffix}"


class TestAgreements:
    URL = f"{API}/agreements/"

    def test_a_partner_lists_only_its_own_agreements(
        self, partner_client, agreement, foreign_agreement
    ):
        assert ids(partner_client.get(self.URL)) == {agreement.pk}

    @pytest.mark.parametrize("suffix", NESTED_READS)
    def test_another_partners_agreement_answers_404_everywhere(
        self, other_partner_client, agreement, suffix
    ):
        response = other_partner_client.get(agreement_url(agreement, suffix))

        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"

    def test_another_partners_terms_rows_answer_404(self, other_partner_client, agreement):
        clause = FailureClauseFactory(agreement=agreement)
        item = MilestoneScheduleItemFactory(agreement=agreement)

        clause_response = other_partner_client.get(
            agreement_url(agreement, f"failure-clauses/{clause.pk}/")
        )
        item_response = other_partner_client.get(
            agreement_url(agreement, f"milestone-schedule/{item.pk}/")
        )

        assert [clause_response.status_code, item_response.status_code] == [404, 404]

    def test_a_row_of_one_agreement_is_not_reachable_under_another(
        self, staff_client, agreement, partnership
    ):
        sibling = AgreementFactory(partnership=partnership)
        clause = FailureClauseFactory(agreement=sibling)

        response = staff_client.get(agreement_url(agreement, f"failure-clauses/{clause.pk}/"))

        assert response.status_code == 404

    def test_a_partner_reads_its_own_agreement_and_terms(self, partner_client, agreement):
        detail = partner_client.get(agreement_url(agreement))
        terms = partner_client.get(agreement_url(agreement, "terms/"))

        assert detail.status_code == 200
        assert detail.json()["enterprise"]["id"] == agreement.partnership.enterprise_id
        assert terms.status_code == 200

    def test_staff_record_an_agreement_with_its_payment_terms(self, staff_client, partnership):
        response = staff_client.post(
            self.URL,
            {
                "partnership": partnership.pk,
                "reference": "LIC-2026-007",
                "title": "Exclusive licence, anti-PD-1 antibody",
                "kind": "licence",
                "status": "draft",
                "exclusivity": "exclusive",
                "territory": "Greater China",
                "institution_ip_share": "100",
                "upfront_amount": "2000000.00",
                "royalty_basis": "whole",
                "minimum_annual_royalty": "500000.00",
                "sublicense_income_share": "20",
            },
            format="json",
        )

        assert response.status_code == 201
        body = response.json()
        assert body["partnership"]["id"] == partnership.pk
        assert body["upfront_amount"] == "2000000.00"
        assert body["royalty_basis"] == "whole"
        assert body["enterprise_ip_share"] == "0.00"
        agreement = Agreement.objects.get(reference="LIC-2026-007")
        assert Activity.objects.filter(agreement=agreement, verb="agreement.created").exists()

    def test_inconsistent_dates_are_field_errors(self, staff_client, partnership):
        response = staff_client.post(
            self.URL,
            {
                "partnership": partnership.pk,
                "reference": "LIC-2026-008",
                "title": "Licence",
                "kind": "licence",
                "status": "signed",
                "effective_on": "2026-05-01",
                "expires_on": "2025-05-01",
            },
            format="json",
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "signed_on": ["A signed agreement has a signing date."],
            "expires_on": ["An agreement cannot expire before it takes effect."],
        }
        assert not Agreement.objects.filter(reference="LIC-2026-008").exists()

    def test_a_partnership_out_of_sight_is_refused_like_a_missing_one(
        self, staff_client, foreign_partnership
    ):
        """Staff cannot tell whether another institution's partnership
        exists: its id is as invalid as one that was never used."""
        body = {"reference": "LIC-X", "title": "Licence", "kind": "licence"}
        missing_id = Partnership.objects.order_by("-pk").first().pk + 1000

        foreign = staff_client.post(
            self.URL, {**body, "partnership": foreign_partnership.pk}, format="json"
        )
        missing = staff_client.post(self.URL, {**body, "partnership": missing_id}, format="json")

        assert foreign.status_code == missing.status_code == 400
        foreign_error, missing_error = error_of(foreign), error_of(missing)
        assert foreign_error["code"] == missing_error["code"] == "does_not_exist"
        assert foreign_error["fields"]["partnership"][0].replace(
            str(foreign_partnership.pk), "ID"
        ) == missing_error["fields"]["partnership"][0].replace(str(missing_id), "ID")

    def test_staff_change_the_payment_terms_and_the_change_is_recorded(
        self, staff_client, agreement
    ):
        response = staff_client.patch(
            agreement_url(agreement),
            {"upfront_amount": "750000.00", "royalty_term_years": 10},
            format="json",
        )

        assert response.status_code == 200
        assert response.json()["upfront_amount"] == "750000.00"
        entry = Activity.objects.get(agreement=agreement, verb="agreement.updated")
        assert entry.changes["upfront_amount"] == ["0.00", "750000.00"]

    def test_staff_set_the_renewal_terms(self, staff_client, agreement):
        response = staff_client.patch(
            agreement_url(agreement),
            {"renewal": "automatic", "renewal_notice_days": 90, "renewal_term_months": 12},
            format="json",
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["renewal"], body["renewal_notice_days"], body["renewal_term_months"]) == (
            "automatic",
            90,
            12,
        )

    def test_a_renewal_without_its_length_is_a_field_error(self, staff_client, agreement):
        response = staff_client.patch(
            agreement_url(agreement), {"renewal": "by_notice"}, format="json"
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "renewal": ["A renewal needs the notice period and the length of each renewal."]
        }

    def test_an_amount_too_large_says_the_limit(self, staff_client, agreement):
        response = staff_client.patch(
            agreement_url(agreement), {"upfront_amount": "1e308"}, format="json"
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "upfront_amount": ["Enter an amount of at most 999,999,999,999,999.99."]
        }

    def test_a_signed_agreement_does_not_go_back_to_draft(self, staff_client, agreement):
        response = staff_client.patch(agreement_url(agreement), {"status": "draft"}, format="json")

        assert response.status_code == 409
        assert error_of(response)["code"] == "status_not_allowed"

    def test_the_reference_and_partnership_are_fixed(self, staff_client, agreement, partnership):
        response = staff_client.patch(
            agreement_url(agreement),
            {"reference": "CHANGED", "partnership": PartnershipFactory().pk},
            format="json",
        )

        assert response.status_code == 200
        agreement.refresh_from_db()
        assert agreement.reference != "CHANGED"
        assert agreement.partnership == partnership

    def test_a_partner_cannot_write_agreements_or_terms(
        self, partner_client, agreement, drug_stages
    ):
        clause = FailureClauseFactory(agreement=agreement)
        item = MilestoneScheduleItemFactory(agreement=agreement)

        responses = [
            partner_client.patch(agreement_url(agreement), {"title": "Ours"}, format="json"),
            partner_client.put(
                agreement_url(agreement, "cost-shares/"), {"cost_shares": []}, format="json"
            ),
            partner_client.put(
                agreement_url(agreement, "royalty-tiers/"), {"royalty_tiers": []}, format="json"
            ),
            partner_client.post(
                agreement_url(agreement, "failure-clauses/"),
                {"stage": drug_stages[1].pk, "ip_reverts_to_institution": False},
                format="json",
            ),
            partner_client.patch(
                agreement_url(agreement, f"failure-clauses/{clause.pk}/"),
                {"break_fee": "0"},
                format="json",
            ),
            partner_client.delete(agreement_url(agreement, f"milestone-schedule/{item.pk}/")),
        ]

        assert [r.status_code for r in responses] == [403] * 6
        assert MilestoneScheduleItem.objects.filter(pk=item.pk).exists()

    def test_staff_of_another_institution_cannot_edit_the_terms(
        self, foreign_staff_client, agreement
    ):
        response = foreign_staff_client.put(
            agreement_url(agreement, "cost-shares/"), {"cost_shares": []}, format="json"
        )

        assert response.status_code == 404


# --- Terms -----------------------------------------------------------------------


class TestCostShares:
    def shares(self, stages, research="60", enterprise="40"):
        first, last = stages[0].pk, stages[2].pk
        return {
            "cost_shares": [
                {
                    "first_stage": first,
                    "last_stage": last,
                    "party": "research",
                    "percent": research,
                },
                {
                    "first_stage": first,
                    "last_stage": last,
                    "party": "enterprise",
                    "percent": enterprise,
                },
            ]
        }

    def test_staff_replace_the_schedule(self, staff_client, agreement, drug_stages):
        CostShareFactory(agreement=agreement, first_stage=drug_stages[5])

        response = staff_client.put(
            agreement_url(agreement, "cost-shares/"), self.shares(drug_stages), format="json"
        )

        assert response.status_code == 200
        shares = response.json()["cost_shares"]
        assert {(s["party"], s["percent"]) for s in shares} == {
            ("research", "60.00"),
            ("enterprise", "40.00"),
        }
        assert shares[0]["first_stage"]["code"] == drug_stages[0].code
        assert agreement.cost_shares.count() == 2
        assert Activity.objects.filter(agreement=agreement, verb="terms.cost_shares_set").exists()

    def test_shares_adding_up_to_99_are_refused_and_nothing_changes(
        self, staff_client, agreement, drug_stages
    ):
        kept = CostShareFactory(agreement=agreement, first_stage=drug_stages[5])

        response = staff_client.put(
            agreement_url(agreement, "cost-shares/"),
            self.shares(drug_stages, research="60", enterprise="39"),
            format="json",
        )

        assert response.status_code == 400
        error = error_of(response)
        assert error["code"] == "shares_not_100"
        assert "add up to 99.00%, not 100%" in error["message"]
        assert error["fields"]["percent"] == [error["message"]]
        assert list(CostShare.objects.filter(agreement=agreement)) == [kept]

    def test_partners_read_the_schedule(self, partner_client, agreement, drug_stages):
        CostShareFactory(agreement=agreement, first_stage=drug_stages[0])

        response = partner_client.get(agreement_url(agreement, "cost-shares/"))

        assert response.status_code == 200
        assert [s["percent"] for s in response.json()["cost_shares"]] == ["100.00"]


class TestRoyaltyTiers:
    def test_staff_set_the_tiers_and_their_basis(self, staff_client, agreement):
        RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=3)

        response = staff_client.put(
            agreement_url(agreement, "royalty-tiers/"),
            {
                "royalty_basis": "whole",
                "royalty_tiers": [
                    {"lower_bound": "10000000", "rate_percent": "7.5"},
                    {"lower_bound": "0", "rate_percent": "5"},
                ],
            },
            format="json",
        )

        assert response.status_code == 200
        assert response.json() == {
            "royalty_basis": "whole",
            "royalty_tiers": [
                {"lower_bound": "0.00", "rate_percent": "5.0000"},
                {"lower_bound": "10000000.00", "rate_percent": "7.5000"},
            ],
        }
        agreement.refresh_from_db()
        assert agreement.royalty_basis == "whole"

    def test_without_a_basis_the_basis_stays(self, staff_client, agreement):
        response = staff_client.put(
            agreement_url(agreement, "royalty-tiers/"),
            {"royalty_tiers": [{"lower_bound": "0", "rate_percent": "4"}]},
            format="json",
        )

        assert response.status_code == 200
        assert response.json()["royalty_basis"] == "marginal"

    def test_tiers_must_start_at_zero_sales(self, staff_client, agreement):
        RoyaltyTierFactory(agreement=agreement)

        response = staff_client.put(
            agreement_url(agreement, "royalty-tiers/"),
            {"royalty_tiers": [{"lower_bound": "1000", "rate_percent": "4"}]},
            format="json",
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "royalty_tiers": ["The first tier starts at zero sales."]
        }
        assert RoyaltyTier.objects.filter(agreement=agreement).count() == 1


class TestTermsAndLedger:
    def test_the_terms_document_holds_every_term(self, partner_client, agreement, drug_stages):
        Agreement.objects.filter(pk=agreement.pk).update(
            upfront_amount=Decimal("1000000"), royalty_basis="whole"
        )
        CostShareFactory(agreement=agreement, first_stage=drug_stages[0])
        FailureClauseFactory(agreement=agreement, stage=drug_stages[2], break_fee=50_000)
        MilestoneScheduleItemFactory(agreement=agreement, trigger_stage=drug_stages[3])
        RoyaltyTierFactory(agreement=agreement)

        response = partner_client.get(agreement_url(agreement, "terms/"))

        assert response.status_code == 200
        terms = response.json()
        assert terms["agreement"] == agreement.pk
        assert terms["upfront_amount"] == "1000000.00"
        assert terms["royalty_basis"] == "whole"
        assert terms["royalty_tiers"] == [{"lower_bound": "0.00", "rate_percent": "5.0000"}]
        assert terms["cost_shares"][0]["party"] == "research"
        assert terms["failure_clauses"][0]["stage"]["id"] == drug_stages[2].pk
        assert terms["failure_clauses"][0]["break_fee"] == "50000.00"
        assert terms["milestone_schedule"][0]["trigger_stage"]["id"] == drug_stages[3].pk
        assert terms["milestone_schedule"][0]["currency"] == agreement.currency

    def test_the_ledger_shows_who_owes_whom(self, partner_client, agreement, drug_stages):
        CostShareFactory(
            agreement=agreement, first_stage=drug_stages[0], party="research", percent=60
        )
        CostShareFactory(
            agreement=agreement, first_stage=drug_stages[0], party="enterprise", percent=40
        )
        project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=drug_stages[0])
        CostEntryFactory(project=project, paid_by="research", amount=10_000)

        response = partner_client.get(agreement_url(agreement, "ledger/"))

        assert response.status_code == 200
        assert {line["party"]: line for line in response.json()} == {
            "research": {
                "currency": "CNY",
                "party": "research",
                "obligation": "6000.00",
                "paid": "10000.00",
                "balance": "4000.00",
            },
            "enterprise": {
                "currency": "CNY",
                "party": "enterprise",
                "obligation": "4000.00",
                "paid": "0.00",
                "balance": "-4000.00",
            },
        }


class TestFailureClauses:
    def test_staff_add_change_and_remove_a_clause(self, staff_client, agreement, drug_stages):
        url = agreement_url(agreement, "failure-clauses/")

        created = staff_client.post(
            url,
            {
                "stage": drug_stages[4].pk,
                "sunk_costs_borne_by": "enterprise",
                "ip_reverts_to_institution": True,
                "break_fee": "200000.00",
                "break_fee_payer": "enterprise",
            },
            format="json",
        )
        clause_url = f"{url}{created.json()['id']}/"
        changed = staff_client.patch(clause_url, {"break_fee": "250000.00"}, format="json")
        listing = staff_client.get(url)
        removed = staff_client.delete(clause_url)

        assert created.status_code == 201
        assert created.json()["stage"]["id"] == drug_stages[4].pk
        assert changed.status_code == 200
        assert changed.json()["break_fee"] == "250000.00"
        assert listing.json()["count"] == 1
        assert removed.status_code == 204
        assert not FailureClause.objects.filter(agreement=agreement).exists()
        assert list(
            Activity.objects.filter(agreement=agreement)
            .order_by("id")
            .values_list("verb", flat=True)
        ) == [
            "terms.failure_clause_added",
            "terms.failure_clause_changed",
            "terms.failure_clause_removed",
        ]

    def test_a_second_clause_for_a_stage_is_a_field_error(
        self, staff_client, agreement, drug_stages
    ):
        FailureClauseFactory(agreement=agreement, stage=drug_stages[1])

        response = staff_client.post(
            agreement_url(agreement, "failure-clauses/"),
            {"stage": drug_stages[1].pk, "ip_reverts_to_institution": False},
            format="json",
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "stage": ["This stage already has a failure clause."]
        }

    def test_a_negative_break_fee_is_a_field_error(self, staff_client, agreement, drug_stages):
        response = staff_client.post(
            agreement_url(agreement, "failure-clauses/"),
            {
                "stage": drug_stages[1].pk,
                "ip_reverts_to_institution": False,
                "break_fee": "-1",
            },
            format="json",
        )

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == {"break_fee"}


class TestMilestoneSchedule:
    def test_staff_schedule_payments_in_order(self, staff_client, agreement, drug_stages):
        url = agreement_url(agreement, "milestone-schedule/")

        first = staff_client.post(
            url,
            {
                "name": "IND filed",
                "kind": "regulatory",
                "amount": "3000000.00",
                "trigger_stage": drug_stages[3].pk,
                "due_offset_days": 45,
            },
            format="json",
        )
        second = staff_client.post(
            url,
            {
                "name": "First commercial sale",
                "kind": "commercial",
                "amount": "10000000.00",
                "trigger_event": "First commercial sale in China",
            },
            format="json",
        )

        assert [first.status_code, second.status_code] == [201, 201]
        assert [first.json()["position"], second.json()["position"]] == [0, 1]
        listing = staff_client.get(url)
        assert [row["name"] for row in listing.json()["results"]] == [
            "IND filed",
            "First commercial sale",
        ]
        assert (
            Activity.objects.filter(agreement=agreement, verb="terms.milestone_scheduled").count()
            == 2
        )

    def test_a_payment_needs_a_trigger_and_a_positive_amount(self, staff_client, agreement):
        response = staff_client.post(
            agreement_url(agreement, "milestone-schedule/"),
            {"name": "Someday", "kind": "technical", "amount": "0"},
            format="json",
        )

        assert response.status_code == 400
        fields = error_of(response)["fields"]
        assert fields["amount"] == ["A milestone payment is a positive amount."]
        assert fields["__all__"] == ["A milestone is triggered by a stage or an event."]

    def test_staff_change_and_remove_a_scheduled_payment(self, staff_client, agreement):
        item = MilestoneScheduleItemFactory(agreement=agreement)
        url = agreement_url(agreement, f"milestone-schedule/{item.pk}/")

        changed = staff_client.patch(url, {"amount": "150000.00"}, format="json")
        removed = staff_client.delete(url)

        assert changed.status_code == 200
        assert changed.json()["amount"] == "150000.00"
        assert removed.status_code == 204
        assert not MilestoneScheduleItem.objects.filter(pk=item.pk).exists()


# --- Lists do not grow in queries with their rows ----------------------------------


def extra_stages(count: int) -> list[StageDefinition]:
    """More stages than the seeded pipelines hold, for 50 failure clauses."""
    pipeline = Pipeline.objects.create(
        code="TEST-LONG", sector=Sector.objects.first(), name="A long test pipeline"
    )
    return [
        StageDefinition.objects.create(
            pipeline=pipeline,
            position=position,
            code=f"S{position}",
            name=f"Stage {position}",
            trl_min=1,
            trl_max=9,
            default_success_probability=Decimal("0.5"),
            typical_years=1,
            typical_cost=0,
        )
        for position in range(1, count + 1)
    ]


class ListCase:
    """A list endpoint, the client that reads it, and how to add a row
    that client sees."""

    def __init__(self, name, client, url, add_row):
        self.name, self.client, self.url, self.add_row = name, client, url, add_row


@pytest.fixture
def list_cases(staff_client, partner_client, institution, enterprise, agreement):
    sector = Sector.objects.first()
    stages = iter(extra_stages(50))

    def enterprise_row():
        EnterpriseFactory().sectors.add(sector)

    def centre_row():
        centre = centre_with_parties(institution, enterprise, EnterpriseFactory())
        centre.focus_sectors.add(sector)
        centre.governance_contacts.add(PersonFactory(institution=None, enterprise=enterprise))

    return {
        "institutions": ListCase(
            "institutions", staff_client, f"{API}/institutions/", InstitutionFactory
        ),
        "enterprises": ListCase(
            "enterprises", staff_client, f"{API}/enterprises/", enterprise_row
        ),
        "people": ListCase(
            "people",
            partner_client,
            f"{API}/people/",
            lambda: PersonFactory(institution=None, enterprise=enterprise),
        ),
        "joint-centres": ListCase(
            "joint-centres", partner_client, f"{API}/joint-centres/", centre_row
        ),
        "partnerships": ListCase(
            "partnerships",
            partner_client,
            f"{API}/partnerships/",
            lambda: PartnershipFactory(enterprise=enterprise),
        ),
        "agreements": ListCase(
            "agreements",
            partner_client,
            f"{API}/agreements/",
            lambda: AgreementFactory(partnership__enterprise=enterprise),
        ),
        "failure-clauses": ListCase(
            "failure-clauses",
            partner_client,
            agreement_url(agreement, "failure-clauses/"),
            lambda: FailureClauseFactory(agreement=agreement, stage=next(stages)),
        ),
        "milestone-schedule": ListCase(
            "milestone-schedule",
            partner_client,
            agreement_url(agreement, "milestone-schedule/"),
            lambda: MilestoneScheduleItemFactory(agreement=agreement, trigger_stage=next(stages)),
        ),
    }


def count_queries(client, url) -> tuple[int, int]:
    # Room for more than fifty rows: both pages are the last, which a
    # numbered list counts without a COUNT query.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


# Route name → the case above; a new list route must be added here.
LIST_ROUTES = {
    "institution-list": "institutions",
    "enterprise-list": "enterprises",
    "person-list": "people",
    "joint-centre-list": "joint-centres",
    "partnership-list": "partnerships",
    "agreement-list": "agreements",
    "agreement-failure-clause-list": "failure-clauses",
    "agreement-schedule-item-list": "milestone-schedule",
}
LIST_ENDPOINTS = list(LIST_ROUTES.values())


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_a_list_takes_as_many_queries_for_50_rows_as_for_1(list_cases, endpoint):
    case = list_cases[endpoint]
    # Start from a single visible row (the fixtures may have made one).
    case.client.get(case.url)
    _, existing = count_queries(case.client, case.url)
    for _ in range(max(0, 1 - existing)):
        case.add_row()
    one, rows = count_queries(case.client, case.url)
    assert rows == 1

    for _ in range(49):
        case.add_row()
    fifty, rows = count_queries(case.client, case.url)

    assert rows == 50
    assert fifty == one


def test_every_list_route_has_a_query_count_test():
    from partnerships.api.urls import urlpatterns

    assert {p.name for p in urlpatterns if p.name.endswith("-list")} == set(LIST_ROUTES)
