"""The achievements API: achievements with their owners and inventors,
disclosures from draft to achievement, patent families and applications,
and the coded 400s of bad input, nothing saved. The permission matrix tries
every route for every role; here, what each role sees of an object and what
the services' refusals look like."""

import datetime
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse

from achievements.models import (
    Achievement,
    AchievementAgreement,
    Disclosure,
    PatentApplication,
    PatentFamily,
)
from tests.api.conftest import client_for
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    CounselFactory,
    EnterpriseFactory,
    InstitutionFactory,
    PartnershipFactory,
    PartnerUserFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    PersonFactory,
    ResearcherUserFactory,
    UserFactory,
)


class AchievementsApiTestCase(TestCase):
    """An institution's achievement, invented by a researcher and licensed
    to a partner, with a family and a Chinese application; staff of the
    institution and of another one."""

    @classmethod
    def setUpTestData(cls):
        cls.institution = InstitutionFactory()
        cls.staff = UserFactory(institutions=[cls.institution])
        cls.other_staff = UserFactory(institutions=[InstitutionFactory()])
        enterprise = EnterpriseFactory()
        cls.partner = PartnerUserFactory(enterprise=enterprise)
        cls.agreement = AgreementFactory(
            partnership=PartnershipFactory(institution=cls.institution, enterprise=enterprise)
        )
        cls.person = PersonFactory(institution=cls.institution)
        cls.colleague = PersonFactory(institution=cls.institution)
        cls.researcher = ResearcherUserFactory(person=cls.person)
        cls.achievement = AchievementFactory(
            owner=cls.institution,
            inventors=[cls.person, cls.colleague],
            assessment_notes="Two licensees interested.",
        )
        AchievementAgreement.objects.create(
            achievement=cls.achievement, agreement=cls.agreement, mode="licence"
        )
        cls.family = PatentFamilyFactory(
            achievement=cls.achievement, priority_date=datetime.date(2024, 3, 15)
        )
        cls.counsel = CounselFactory()
        cls.application = PatentApplicationFactory(
            family=cls.family,
            application_number="202410000001.5",
            filed_on=datetime.date(2024, 3, 15),
            counsel=cls.counsel,
        )
        cls.uninvolved_researcher = ResearcherUserFactory(
            person=PersonFactory(institution=cls.institution)
        )

    def detail(self, user, name="api:achievement-detail", pk=None):
        return client_for(user).get(reverse(name, kwargs={"pk": pk or self.achievement.pk}))

    def assertError(self, response, status, code, field=None):
        self.assertEqual(response.status_code, status, response.content[:400])
        error = response.json()["error"]
        self.assertEqual(error["code"], code, error)
        if field is not None:
            self.assertIn(field, error["fields"], error)


class AchievementReadTests(AchievementsApiTestCase):
    def test_staff_see_owners_inventors_with_shares_and_the_assessment(self):
        body = self.detail(self.staff).json()

        self.assertEqual(body["reference"], self.achievement.reference)
        self.assertEqual(
            [(o["institution"], o["share_percent"]) for o in body["owners"]],
            [(self.institution.pk, "100.00")],
        )
        self.assertEqual(
            sorted(i["person"] for i in body["inventors"]), [self.person.pk, self.colleague.pk]
        )
        self.assertEqual(body["assessment_notes"], "Two licensees interested.")
        self.assertEqual(body["agreement_links"][0]["agreement"], self.agreement.pk)

    def test_a_partner_sees_its_licensed_achievement_without_the_assessment(self):
        body = self.detail(self.partner).json()

        self.assertEqual(body["id"], self.achievement.pk)
        self.assertIsNone(body["assessment_notes"])
        self.assertIsNone(body["decision_rationale"])

    def test_a_partner_sees_the_patents_status_and_numbers_but_not_the_counsel(self):
        body = self.detail(
            self.partner, "api:patent-application-detail", self.application.pk
        ).json()

        self.assertEqual(body["application_number"], "202410000001.5")
        self.assertEqual(body["status"], "filed")
        self.assertIsNone(body["counsel"])
        staff_body = self.detail(
            self.staff, "api:patent-application-detail", self.application.pk
        ).json()
        self.assertEqual(staff_body["counsel"], self.counsel.pk)

    def test_an_inventor_sees_their_achievement_and_its_patents(self):
        listed = client_for(self.researcher).get(reverse("api:achievement-list")).json()
        families = client_for(self.researcher).get(reverse("api:patent-family-list")).json()

        self.assertEqual([row["id"] for row in listed["results"]], [self.achievement.pk])
        self.assertIsNone(listed["results"][0]["assessment_notes"])
        self.assertEqual([row["id"] for row in families["results"]], [self.family.pk])

    def test_a_researcher_not_among_the_inventors_sees_nothing(self):
        listed = client_for(self.uninvolved_researcher).get(reverse("api:achievement-list"))

        self.assertEqual(listed.json()["results"], [])
        self.assertError(self.detail(self.uninvolved_researcher), 404, "not_found")

    def test_staff_of_another_institution_get_404(self):
        self.assertError(self.detail(self.other_staff), 404, "not_found")

    def test_researchers_and_partners_get_403_on_the_docket_costs_and_counsel(self):
        for user in (self.researcher, self.partner):
            for name in ("api:deadline-list", "api:ip-cost-list", "api:counsel-list"):
                with self.subTest(user=user.role, name=name):
                    response = client_for(user).get(reverse(name))
                    self.assertError(response, 403, "permission_denied")

    def test_filters_find_achievements_by_agreement_and_inventor(self):
        other = AchievementFactory(owner=self.institution)
        client = client_for(self.staff)

        by_agreement = client.get(
            reverse("api:achievement-list"), {"agreement": self.agreement.pk}
        )
        by_inventor = client.get(reverse("api:achievement-list"), {"inventor": self.colleague.pk})
        everything = client.get(reverse("api:achievement-list"))

        self.assertEqual([r["id"] for r in by_agreement.json()["results"]], [self.achievement.pk])
        self.assertEqual([r["id"] for r in by_inventor.json()["results"]], [self.achievement.pk])
        self.assertEqual(
            {r["id"] for r in everything.json()["results"]}, {self.achievement.pk, other.pk}
        )


class AchievementWriteTests(AchievementsApiTestCase):
    def body(self, **changes):
        return {
            "title": "Thermostable polymerase",
            "kind": "invention",
            "funding_source": "government",
            "disclosed_on": "2025-02-01",
            "owners": [{"institution": self.institution.pk, "share_percent": "100"}],
            "inventors": [
                {"person": self.person.pk, "contribution_percent": "70"},
                {"person": self.colleague.pk, "contribution_percent": "30"},
            ],
            **changes,
        }

    def post(self, body, user=None):
        return client_for(user or self.staff).post(
            reverse("api:achievement-list"), body, format="json"
        )

    def test_staff_record_an_achievement_with_owners_and_inventors(self):
        response = self.post(self.body())

        self.assertEqual(response.status_code, 201, response.content[:400])
        achievement = Achievement.objects.get(pk=response.json()["id"])
        self.assertRegex(achievement.reference, r"^ACH-\d{4}-\d{4}$")
        self.assertEqual(
            sorted(achievement.inventors.values_list("contribution_percent", flat=True)),
            [Decimal("30"), Decimal("70")],
        )

    def test_inventor_shares_not_adding_up_to_100_answer_400_and_save_nothing(self):
        before = Achievement.objects.count()
        body = self.body(
            inventors=[
                {"person": self.person.pk, "contribution_percent": "70"},
                {"person": self.colleague.pk, "contribution_percent": "20"},
            ]
        )

        self.assertError(self.post(body), 400, "shares_not_100", "inventors")
        self.assertEqual(Achievement.objects.count(), before)

    def test_ownership_shares_not_adding_up_to_100_answer_400(self):
        co_owner = InstitutionFactory()
        body = self.body(
            owners=[
                {"institution": self.institution.pk, "share_percent": "60"},
                {"institution": co_owner.pk, "share_percent": "60"},
            ]
        )

        self.assertError(self.post(body), 400, "shares_not_100", "owners")

    def test_an_inventor_named_twice_answers_400(self):
        body = self.body(
            inventors=[
                {"person": self.person.pk, "contribution_percent": "50"},
                {"person": self.person.pk, "contribution_percent": "50"},
            ]
        )

        self.assertError(self.post(body), 400, "duplicate_inventor", "inventors.1")

    def test_researchers_and_partners_may_not_record_achievements(self):
        for user in (self.researcher, self.partner):
            with self.subTest(role=user.role):
                self.assertError(self.post(self.body(), user), 403, "permission_denied")

    def test_an_inventor_editing_their_achievement_gets_403_and_others_404(self):
        url = reverse("api:achievement-detail", kwargs={"pk": self.achievement.pk})

        own = client_for(self.researcher).patch(url, {"title": "Mine"}, format="json")
        other = client_for(self.uninvolved_researcher).patch(url, {"title": "X"}, format="json")

        self.assertError(own, 403, "permission_denied")
        self.assertError(other, 404, "not_found")
        self.achievement.refresh_from_db()
        self.assertNotEqual(self.achievement.title, "Mine")

    def test_staff_change_the_inventors_as_a_whole(self):
        url = reverse("api:achievement-detail", kwargs={"pk": self.achievement.pk})

        response = client_for(self.staff).patch(
            url,
            {"inventors": [{"person": self.person.pk, "contribution_percent": "100"}]},
            format="json",
        )

        self.assertEqual(response.status_code, 200, response.content[:400])
        self.assertEqual([i["person"] for i in response.json()["inventors"]], [self.person.pk])

    def test_assessment_then_decision_move_the_status(self):
        client = client_for(self.staff)
        kwargs = {"pk": self.achievement.pk}

        assessed = client.post(
            reverse("api:achievement-assess", kwargs=kwargs), {"notes": "Novel."}, format="json"
        )
        decided = client.post(
            reverse("api:achievement-decide", kwargs=kwargs),
            {"decision": "protect", "rationale": "Two licensees."},
            format="json",
        )
        again = client.post(
            reverse("api:achievement-assess", kwargs=kwargs), {"notes": "More."}, format="json"
        )

        self.assertEqual(assessed.json()["status"], "under_assessment")
        self.assertEqual(decided.json()["status"], "protect")
        self.assertEqual(decided.json()["decision_rationale"], "Two licensees.")
        self.assertError(again, 409, "already_decided")

    def test_an_agreement_is_linked_and_unlinked(self):
        kwargs = {"pk": self.achievement.pk}
        agreement = AgreementFactory(partnership=self.agreement.partnership)
        client = client_for(self.staff)

        linked = client.post(
            reverse("api:achievement-link-agreement", kwargs=kwargs),
            {"agreement": agreement.pk, "mode": "assignment", "income_share_percent": "40"},
            format="json",
        )
        unlinked = client.post(
            reverse("api:achievement-unlink-agreement", kwargs=kwargs),
            {"agreement": agreement.pk},
            format="json",
        )
        not_linked = client.post(
            reverse("api:achievement-unlink-agreement", kwargs=kwargs),
            {"agreement": agreement.pk},
            format="json",
        )

        self.assertIn(
            agreement.pk, [link["agreement"] for link in linked.json()["agreement_links"]]
        )
        self.assertNotIn(
            agreement.pk, [link["agreement"] for link in unlinked.json()["agreement_links"]]
        )
        self.assertError(not_linked, 400, "not_linked", "agreement")


class PatentApiTests(AchievementsApiTestCase):
    def post(self, **changes):
        body = {
            "family": self.family.pk,
            "jurisdiction": "US",
            "kind": "invention",
            "application_number": "18/555,001",
            "filed_on": "2025-03-10",
            "status": "filed",
            **changes,
        }
        return client_for(self.staff).post(
            reverse("api:patent-application-list"), body, format="json"
        )

    def test_staff_file_an_application_and_its_docket_appears(self):
        response = self.post()

        self.assertEqual(response.status_code, 201, response.content[:400])
        application = PatentApplication.objects.get(pk=response.json()["id"])
        self.assertTrue(application.deadlines.exists())

    def test_a_filing_before_the_priority_date_answers_400(self):
        self.assertError(
            self.post(filed_on="2024-01-01"), 400, "filed_before_priority", "filed_on"
        )

    def test_a_grant_before_the_filing_answers_400(self):
        response = self.post(status="granted", granted_on="2025-01-01", grant_number="US1")

        self.assertError(response, 400, "granted_before_filing", "granted_on")

    def test_a_national_phase_without_pct_or_priority_answers_400(self):
        family = PatentFamilyFactory(achievement=self.achievement, priority_date=None)

        response = self.post(family=family.pk, kind="national_phase")

        self.assertError(response, 400, "phase_without_pct", "parent")

    def test_a_duplicate_number_in_one_jurisdiction_answers_400_and_saves_nothing(self):
        before = PatentApplication.objects.count()

        response = self.post(jurisdiction="CN", application_number="202410000001.5")

        self.assertError(response, 400, "duplicate_application_number", "application_number")
        self.assertEqual(PatentApplication.objects.count(), before)

    def test_the_same_number_in_another_jurisdiction_is_fine(self):
        self.assertEqual(self.post(application_number="202410000001.5").status_code, 201)

    def test_a_family_of_an_achievement_of_another_institution_is_refused(self):
        foreign = PatentFamilyFactory(achievement=AchievementFactory())

        response = self.post(family=foreign.pk)

        self.assertError(response, 400, "does_not_exist", "family")

    def test_a_counsel_name_in_use_answers_400(self):
        response = client_for(self.staff).post(
            reverse("api:counsel-list"), {"name": self.counsel.name, "kind": "firm"}, format="json"
        )

        self.assertError(response, 400, "duplicate_counsel", "name")

    def test_staff_open_a_family(self):
        response = client_for(self.staff).post(
            reverse("api:patent-family-list"),
            {"achievement": self.achievement.pk, "title": "Polymerase", "priority_date": None},
            format="json",
        )

        self.assertEqual(response.status_code, 201, response.content[:400])
        self.assertTrue(PatentFamily.objects.filter(pk=response.json()["id"]).exists())

    def test_an_ip_cost_is_recorded_and_listed_for_staff(self):
        client = client_for(self.staff)
        response = client.post(
            reverse("api:ip-cost-list"),
            {
                "achievement": self.achievement.pk,
                "application": self.application.pk,
                "kind": "official_fee",
                "amount": "950.00",
                "currency": "CNY",
                "incurred_on": "2024-03-15",
                "description": "Filing fee",
            },
            format="json",
        )

        self.assertEqual(response.status_code, 201, response.content[:400])
        listed = client.get(reverse("api:ip-cost-list"), {"achievement": self.achievement.pk})
        self.assertEqual([row["amount"] for row in listed.json()["results"]], ["950.00"])


class DisclosureApiTests(AchievementsApiTestCase):
    def create(self, user=None, **changes):
        body = {
            "title": "Cell-free lysate",
            "kind": "biological_material",
            "summary": "Expresses membrane proteins.",
            "institution": self.institution.pk,
            "funding_source": "government",
            "inventors": [
                {"person": self.person.pk, "contribution_percent": "60"},
                {"person": self.colleague.pk, "contribution_percent": "40"},
            ],
            **changes,
        }
        return client_for(user or self.researcher).post(
            reverse("api:disclosure-list"), body, format="json"
        )

    def act(self, user, disclosure_id, name, body=None):
        return client_for(user).post(
            reverse(f"api:disclosure-{name}", kwargs={"pk": disclosure_id}),
            body or {},
            format="json",
        )

    def test_from_draft_to_achievement(self):
        """The researcher writes and submits, the co-inventor's confirmation
        is recorded, staff convert: an achievement with both inventors."""
        created = self.create()
        self.assertEqual(created.status_code, 201, created.content[:400])
        disclosure_id = created.json()["id"]

        submitted = self.act(self.researcher, disclosure_id, "submit")
        early = self.act(self.staff, disclosure_id, "convert")
        confirmed = self.act(self.staff, disclosure_id, "confirm", {"person": self.colleague.pk})
        converted = self.act(self.staff, disclosure_id, "convert")

        self.assertEqual(submitted.json()["status"], "submitted")
        self.assertError(early, 400, "inventors_unconfirmed", "inventors")
        self.assertEqual(confirmed.status_code, 200, confirmed.content[:400])
        self.assertEqual(converted.status_code, 201, converted.content[:400])
        achievement = Achievement.objects.get(pk=converted.json()["id"])
        self.assertEqual(
            set(achievement.inventors.values_list("person_id", flat=True)),
            {self.person.pk, self.colleague.pk},
        )
        self.assertEqual(Disclosure.objects.get(pk=disclosure_id).status, "converted")

    def test_a_draft_is_the_researchers_until_submitted(self):
        disclosure_id = self.create().json()["id"]
        url = reverse("api:disclosure-detail", kwargs={"pk": disclosure_id})

        self.assertEqual(client_for(self.researcher).get(url).status_code, 200)
        self.assertError(client_for(self.staff).get(url), 404, "not_found")

    def test_shares_not_adding_up_to_100_are_refused_at_submission(self):
        disclosure_id = self.create(
            inventors=[{"person": self.person.pk, "contribution_percent": "60"}]
        ).json()["id"]

        response = self.act(self.researcher, disclosure_id, "submit")

        self.assertError(response, 400, "shares_not_100", "inventors")
        self.assertEqual(Disclosure.objects.get(pk=disclosure_id).status, "draft")

    def test_a_researcher_may_not_name_someone_outside_their_institution(self):
        outsider = PersonFactory(institution=InstitutionFactory())

        response = self.create(
            inventors=[
                {"person": self.person.pk, "contribution_percent": "50"},
                {"person": outsider.pk, "contribution_percent": "50"},
            ]
        )

        self.assertError(response, 400, "does_not_exist", "inventors.1.person")

    def test_only_the_writer_changes_a_draft(self):
        disclosure_id = self.create().json()["id"]
        url = reverse("api:disclosure-detail", kwargs={"pk": disclosure_id})
        colleague = ResearcherUserFactory(person=self.colleague)

        response = client_for(colleague).patch(url, {"title": "Ours"}, format="json")

        self.assertError(response, 403, "permission_denied")

    def test_staff_return_a_disclosure_with_a_note(self):
        disclosure_id = self.create().json()["id"]
        self.act(self.researcher, disclosure_id, "submit")

        response = self.act(self.staff, disclosure_id, "return", {"note": "Add the data."})

        self.assertEqual(response.json()["status"], "returned")
        self.assertEqual(response.json()["review_note"], "Add the data.")

    def test_partners_get_403(self):
        response = client_for(self.partner).get(reverse("api:disclosure-list"))

        self.assertError(response, 403, "permission_denied")

    def test_staff_do_not_disclose(self):
        self.assertError(self.create(user=self.staff), 403, "permission_denied")
