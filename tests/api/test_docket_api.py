"""The docket in the API (``/api/v1/deadlines/``): its filters, its keyset
pages (by due date then id, no COUNT, the same queries for any page size),
who sees it, and closing a deadline."""

import base64
import datetime
from urllib.parse import parse_qs, urlparse

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.models import AchievementAgreement, Deadline
from achievements.services import deadlines_refresh
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

URL = reverse("api:deadline-list")


def cursor_of(link: str) -> str:
    return parse_qs(urlparse(link).query)["cursor"][0]


class DocketApiTestCase(TestCase):
    """An institution's achievement with a family (priority 15 March 2024), a
    Chinese application with counsel and an EP one; another institution's
    achievement with a docket of its own."""

    @classmethod
    def setUpTestData(cls):
        cls.institution = InstitutionFactory()
        cls.staff = UserFactory(institutions=[cls.institution])
        cls.person = PersonFactory(institution=cls.institution)
        cls.researcher = ResearcherUserFactory(person=cls.person)
        cls.achievement = AchievementFactory(owner=cls.institution, inventors=[cls.person])
        enterprise = EnterpriseFactory()
        cls.partner = PartnerUserFactory(enterprise=enterprise)
        AchievementAgreement.objects.create(
            achievement=cls.achievement,
            agreement=AgreementFactory(
                partnership=PartnershipFactory(institution=cls.institution, enterprise=enterprise)
            ),
            mode="licence",
        )
        cls.family = PatentFamilyFactory(
            achievement=cls.achievement, priority_date=datetime.date(2024, 3, 15)
        )
        cls.counsel = CounselFactory()
        cls.cn = PatentApplicationFactory(
            family=cls.family,
            jurisdiction="CN",
            filed_on=datetime.date(2024, 3, 15),
            counsel=cls.counsel,
        )
        cls.ep = PatentApplicationFactory(
            family=cls.family,
            jurisdiction="EP",
            application_number="24160001.2",
            filed_on=datetime.date(2024, 4, 2),
        )
        deadlines_refresh(cls.family)

        cls.other_staff = UserFactory(institutions=[InstitutionFactory()])
        cls.other_family = PatentFamilyFactory(
            achievement=AchievementFactory(owner=cls.other_staff.institutions.first()),
            priority_date=datetime.date(2024, 3, 15),
        )
        PatentApplicationFactory(family=cls.other_family, filed_on=datetime.date(2024, 3, 15))
        deadlines_refresh(cls.other_family)

    def ids(self, response) -> list[int]:
        self.assertEqual(response.status_code, 200, response.content[:400])
        return [row["id"] for row in response.json()["results"]]

    def own(self):
        return Deadline.objects.filter(achievement=self.achievement)


class DocketReadTests(DocketApiTestCase):
    def test_staff_see_their_institutions_deadlines_soonest_first(self):
        ids = self.ids(client_for(self.staff).get(URL, {"page_size": 200}))

        expected = list(self.own().order_by("due_on", "id").values_list("id", flat=True))
        self.assertTrue(expected)
        self.assertEqual(ids, expected)

    def test_each_deadline_has_its_kind_due_date_application_and_state(self):
        rows = client_for(self.staff).get(URL, {"page_size": 200}).json()["results"]

        pct = next(row for row in rows if row["kind"] == "pct_filing")
        annuity = next(row for row in rows if row["kind"] == "annuity")
        self.assertEqual(pct["due_on"], "2025-03-15")
        self.assertIsNone(pct["application"])
        self.assertIsNone(pct["jurisdiction"])
        self.assertEqual(pct["state"], "open")
        self.assertIn(annuity["application"], {self.cn.pk, self.ep.pk})

    def test_staff_of_another_institution_see_none_of_them(self):
        ids = set(self.ids(client_for(self.other_staff).get(URL, {"page_size": 200})))
        deadline = self.own().first()

        detail = client_for(self.other_staff).get(
            reverse("api:deadline-detail", kwargs={"pk": deadline.pk})
        )

        self.assertFalse(ids & set(self.own().values_list("id", flat=True)))
        self.assertEqual(detail.status_code, 404)

    def test_partners_and_researchers_get_403(self):
        """The docket is the office's own, even for the licensee and the
        inventor of the achievement."""
        for user in (self.partner, self.researcher):
            with self.subTest(role=user.role):
                response = client_for(user).get(URL)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.json()["error"]["code"], "permission_denied")


class DocketFilterTests(DocketApiTestCase):
    def filtered(self, **query):
        return set(self.ids(client_for(self.staff).get(URL, {"page_size": 200, **query})))

    def expect(self, deadlines):
        return set(deadlines.values_list("id", flat=True))

    def test_by_family_application_achievement_and_kind(self):
        self.assertEqual(self.filtered(family=self.family.pk), self.expect(self.own()))
        self.assertEqual(
            self.filtered(application=self.cn.pk),
            self.expect(self.own().filter(application=self.cn)),
        )
        self.assertEqual(self.filtered(achievement=self.achievement.pk), self.expect(self.own()))
        self.assertEqual(
            self.filtered(kind="annuity"), self.expect(self.own().filter(kind="annuity"))
        )

    def test_due_before_includes_the_day(self):
        self.assertEqual(
            self.filtered(due_before="2025-03-15"),
            self.expect(self.own().filter(due_on__lte=datetime.date(2025, 3, 15))),
        )
        self.assertIn(self.own().get(kind="pct_filing").pk, self.filtered(due_before="2025-03-15"))

    def test_by_jurisdiction_counsel_and_state(self):
        self.assertEqual(
            self.filtered(jurisdiction="EP"),
            self.expect(self.own().filter(application__jurisdiction="EP")),
        )
        self.assertEqual(
            self.filtered(counsel=self.counsel.pk),
            self.expect(self.own().filter(application=self.cn)),
        )
        self.assertEqual(self.filtered(state="done"), set())

    def test_another_institutions_family_filters_to_nothing(self):
        self.assertEqual(self.filtered(family=self.other_family.pk), set())

    def test_a_bad_filter_value_answers_400(self):
        for query in ({"kind": "renewal"}, {"due_before": "someday"}, {"family": "x"}):
            with self.subTest(query=query):
                response = client_for(self.staff).get(URL, query)
                self.assertEqual(response.status_code, 400)


class DocketPaginationTests(DocketApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Seven deadlines on one day: a page boundary falls among them.
        cls.same_day = [
            Deadline.objects.create(
                family=cls.family,
                achievement=cls.achievement,
                kind="office_action",
                sequence=100 + index,
                due_on=datetime.date(2030, 6, 30),
            )
            for index in range(7)
        ]

    def test_pages_follow_due_date_then_id_without_gaps_or_repeats(self):
        client = client_for(self.staff)
        expected = list(self.own().order_by("due_on", "id").values_list("id", flat=True))

        seen, query, pages = [], {"page_size": 3}, 0
        while True:
            body = client.get(URL, query).json()
            seen += [row["id"] for row in body["results"]]
            pages += 1
            if not body["next"]:
                break
            query = {"page_size": 3, "cursor": cursor_of(body["next"])}

        self.assertEqual(seen, expected)
        self.assertEqual(pages, -(-len(expected) // 3))

    def test_the_previous_link_turns_back_a_page(self):
        client = client_for(self.staff)
        first = client.get(URL, {"page_size": 3}).json()
        second = client.get(URL, {"page_size": 3, "cursor": cursor_of(first["next"])}).json()

        back = client.get(URL, {"page_size": 3, "cursor": cursor_of(second["previous"])}).json()

        self.assertIsNone(first["previous"])
        self.assertEqual(back["results"], first["results"])

    def test_a_page_has_no_total(self):
        body = client_for(self.staff).get(URL).json()

        self.assertEqual(set(body), {"next", "previous", "results"})

    def test_the_queries_do_not_grow_with_the_page_and_none_counts(self):
        client = client_for(self.staff)
        client.get(URL, {"page_size": 1})  # Warm the caches once.
        with CaptureQueriesContext(connection) as one_row:
            client.get(URL, {"page_size": 1})

        with self.assertNumQueries(len(one_row)):
            response = client.get(URL, {"page_size": 200})

        self.assertGreater(len(response.json()["results"]), 10)
        self.assertFalse(
            [query for query in one_row.captured_queries if "COUNT(" in query["sql"].upper()]
        )

    def test_a_cursor_the_api_did_not_give_answers_400(self):
        crafted = [
            base64.b64encode(raw.encode()).decode()
            for raw in ("k=2030-06-30", "k=abc&k=1", "k=2030-06-30&k=-1", "k=2030-02-30&k=1")
        ]
        for cursor in [*crafted, "%%%", "!" * 50]:
            with self.subTest(cursor=cursor):
                response = client_for(self.staff).get(URL, {"cursor": cursor})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json()["error"]["code"], "invalid_cursor")


class DocketActionTests(DocketApiTestCase):
    def post(self, user, deadline, name, body):
        return client_for(user).post(
            reverse(f"api:deadline-{name}", kwargs={"pk": deadline.pk}), body, format="json"
        )

    def test_staff_complete_a_deadline(self):
        deadline = self.own().get(kind="pct_filing")

        response = self.post(self.staff, deadline, "complete", {"done_on": "2025-03-01"})

        self.assertEqual(response.status_code, 200, response.content[:400])
        self.assertEqual(response.json()["state"], "done")
        self.assertEqual(response.json()["done_on"], "2025-03-01")

    def test_a_waiver_needs_a_reason(self):
        deadline = self.own().get(kind="pct_filing")

        blank = self.post(self.staff, deadline, "waive", {"reason": " "})
        waived = self.post(self.staff, deadline, "waive", {"reason": "No PCT: CN only."})

        self.assertEqual(blank.status_code, 400)
        self.assertEqual(waived.json()["state"], "waived")

    def test_a_closed_deadline_answers_409(self):
        deadline = self.own().get(kind="pct_filing")
        self.post(self.staff, deadline, "complete", {})

        response = self.post(self.staff, deadline, "complete", {})

        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["error"]["code"], "deadline_closed")

    def test_staff_of_another_institution_get_404_and_nothing_changes(self):
        deadline = self.own().get(kind="pct_filing")

        response = self.post(self.other_staff, deadline, "complete", {})

        self.assertEqual(response.status_code, 404)
        deadline.refresh_from_db()
        self.assertEqual(deadline.state, "open")

    def test_a_done_date_in_the_future_answers_400_at_its_field(self):
        deadline = self.own().get(kind="pct_filing")

        response = self.post(self.staff, deadline, "complete", {"done_on": "2999-01-01"})

        self.assertEqual(response.status_code, 400)
        self.assertIn("done_on", response.json()["error"]["fields"])
