"""The staff pages of achievements: the list, an achievement's page and the
actions on it, the create and edit pages with their owners and inventors,
and a patent family's page.

A refusal of the services (shares that do not add up, a grant before the
filing) comes back as a form error with everything typed kept, never as a
server error. What the user may not see answers 404, like a missing page:
another institution's achievement for staff, every page for partners and
researchers."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.models import Achievement, AchievementAgreement, IpCost, PatentApplication
from achievements.services import deadlines_refresh
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    CounselFactory,
    InstitutionFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    PersonFactory,
    ResearcherUserFactory,
    ResearchProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return staff_user


@pytest.fixture
def achievement(institution):
    return AchievementFactory(
        owner=institution, title="Bispecific antibody", title_zh="双特异性抗体"
    )


def _formset(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def _achievement_data(institution, inventors, **fields):
    return {
        "title": "CAR-T manufacturing process",
        "title_zh": "CAR-T 制备工艺",
        "kind": "invention",
        "funding_source": "government",
        "funding_reference": "NSFC 82273001",
        "disclosed_on": "2026-01-15",
        "trl": "3",
        **_formset("owners", [{"institution": institution.pk, "share_percent": "100"}]),
        **_formset(
            "inventors",
            [
                {"person": person.pk, "contribution_percent": share, "department": ""}
                for person, share in inventors
            ],
        ),
        **fields,
    }


# --- The list -----------------------------------------------------------------------


def test_the_list_shows_the_achievements_of_the_users_institutions(client, staff, achievement):
    foreign = AchievementFactory(title="Someone else's vaccine")

    response = client.get(reverse("achievements:list"))

    assert response.status_code == 200
    text = response.content.decode()
    assert achievement.reference in text
    assert foreign.reference not in text


def test_the_list_filters_by_kind_status_funding_and_institution(client, staff, institution):
    wanted = AchievementFactory(owner=institution, kind="software_copyright", status="protect")
    AchievementFactory(owner=institution, kind="invention", status="protect")
    AchievementFactory(owner=institution, kind="software_copyright", funding_source="industry")

    response = client.get(
        reverse("achievements:list"),
        {
            "kind": "software_copyright",
            "status": "protect",
            "funding_source": "government",
            "institution": institution.pk,
        },
    )

    assert [row.pk for row in response.context["page"]] == [wanted.pk]


def test_the_list_searches_references_and_titles(client, staff, institution, achievement):
    AchievementFactory(owner=institution, title="Plant variety")

    by_title = client.get(reverse("achievements:list"), {"q": "bispecific"})
    by_reference = client.get(reverse("achievements:list"), {"q": achievement.reference})

    assert [row.pk for row in by_title.context["page"]] == [achievement.pk]
    assert [row.pk for row in by_reference.context["page"]] == [achievement.pk]


def test_the_lists_queries_do_not_grow_with_its_rows(client, staff, institution):
    AchievementFactory(owner=institution)
    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse("achievements:list"))
    for _index in range(12):
        AchievementFactory(
            owner=institution, inventors=[PersonFactory(), PersonFactory(), PersonFactory()]
        )

    with CaptureQueriesContext(connection) as many_rows:
        response = client.get(reverse("achievements:list"))

    assert len(response.context["page"]) == 13
    assert len(many_rows.captured_queries) == len(one_row.captured_queries)


def test_the_list_exports_what_it_shows(client, staff, achievement):
    response = client.get(reverse("achievements:list"), {"format": "csv"})

    assert response.status_code == 200
    assert achievement.reference in b"".join(response.streaming_content).decode("utf-8-sig")


# --- Who may open the pages ------------------------------------------------------------


def test_staff_of_another_institution_get_404(client, achievement):
    client.force_login(UserFactory(institutions=[InstitutionFactory()]))

    for url in (
        reverse("achievements:detail", args=[achievement.pk]),
        reverse("achievements:edit", args=[achievement.pk]),
        reverse("achievements:decide", args=[achievement.pk]),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("name", ["list", "create", "docket", "disclosures"])
def test_partners_and_researchers_find_no_staff_page(client, partner_user, name):
    for user in (partner_user, ResearcherUserFactory()):
        client.force_login(user)

        assert client.get(reverse(f"achievements:{name}")).status_code == 404


def test_researchers_cannot_open_even_their_own_achievements_staff_page(client, institution):
    researcher = ResearcherUserFactory()
    achievement = AchievementFactory(owner=institution, inventors=[researcher.person])
    client.force_login(researcher)

    response = client.get(reverse("achievements:detail", args=[achievement.pk]))

    assert response.status_code == 404


def test_the_nav_shows_the_sections_to_staff_only(client, staff):
    text = client.get(reverse("achievements:list")).content.decode()

    assert reverse("achievements:docket") in text
    assert reverse("achievements:disclosures") in text


# --- An achievement's page ------------------------------------------------------------------


def test_the_page_shows_the_achievement_and_its_protection(client, staff, achievement):
    family = PatentFamilyFactory(achievement=achievement, title="Antibody family")
    application = PatentApplicationFactory(family=family, application_number="202410001234.5")
    deadlines_refresh(family)
    IpCost.objects.create(
        achievement=achievement,
        kind="official_fee",
        amount=Decimal("900.00"),
        currency="CNY",
        incurred_on=datetime.date(2025, 3, 1),
        description="Filing fee",
    )
    IpCost.objects.create(
        achievement=achievement,
        kind="counsel",
        amount=Decimal("1200.00"),
        currency="USD",
        incurred_on=datetime.date(2025, 3, 2),
        description="US counsel",
    )

    response = client.get(reverse("achievements:detail", args=[achievement.pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Bispecific antibody" in text
    assert "双特异性抗体" in text
    assert "Antibody family" in text
    assert application.application_number in text
    assert "900.00 CNY" in text and "1,200.00 USD" in text
    assert response.context["deadlines"], "the family's open deadlines are shown"


def test_the_pages_queries_do_not_grow_with_its_families(client, staff, achievement):
    family = PatentFamilyFactory(achievement=achievement)
    PatentApplicationFactory(family=family)
    url = reverse("achievements:detail", args=[achievement.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _index in range(4):
        other = PatentFamilyFactory(achievement=achievement)
        PatentApplicationFactory(family=other, counsel=CounselFactory())
        PatentApplicationFactory(family=other, jurisdiction="US")

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many.captured_queries) == len(few.captured_queries)


def test_staff_begin_the_assessment_then_decide_with_a_rationale(client, staff, achievement):
    client.post(reverse("achievements:assess", args=[achievement.pk]), {"notes": "Strong data"})
    response = client.post(
        reverse("achievements:decide", args=[achievement.pk]),
        {"decision": "protect", "rationale": "Licensable platform", "decided_on": ""},
    )

    achievement.refresh_from_db()
    assert response.status_code == 302
    assert achievement.status == "protect"
    assert achievement.assessment_notes == "Strong data"
    assert achievement.decision_rationale == "Licensable platform"
    page = client.get(reverse("achievements:detail", args=[achievement.pk])).content.decode()
    assert "Licensable platform" in page


def test_a_decision_without_rationale_is_a_form_error(client, staff, achievement):
    response = client.post(
        reverse("achievements:decide", args=[achievement.pk]),
        {"decision": "abandoned", "rationale": "   "},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    achievement.refresh_from_db()
    assert achievement.status == "disclosed"


def test_staff_who_see_but_do_not_own_get_the_refusal_on_the_form(client, achievement):
    """Staff who see the achievement through a project, not as its owner,
    are refused by the service: the refusal is the form's error."""
    other_institution = InstitutionFactory()
    project = ResearchProjectFactory(lead_institution=other_institution)
    achievement.projects.add(project)
    client.force_login(UserFactory(institutions=[other_institution]))

    response = client.post(
        reverse("achievements:decide", args=[achievement.pk]),
        {"decision": "abandoned", "rationale": "No"},
    )

    assert response.status_code == 200
    assert "Only the staff of an institution that owns" in str(response.context["form"].errors)


def test_linking_and_unlinking_an_agreement(client, staff, institution, achievement):
    agreement = AgreementFactory(partnership__institution=institution)

    client.post(
        reverse("achievements:agreement_link", args=[achievement.pk]),
        {"agreement": agreement.pk, "mode": "equity_contribution", "income_share_percent": "60"},
    )
    link = AchievementAgreement.objects.get(achievement=achievement)
    page = client.get(reverse("achievements:detail", args=[achievement.pk])).content.decode()
    client.post(reverse("achievements:agreement_unlink", args=[achievement.pk, link.pk]))

    assert link.mode == "equity_contribution"
    assert link.income_share_percent == Decimal("60")
    assert agreement.reference in page
    assert not AchievementAgreement.objects.filter(achievement=achievement).exists()


def test_an_agreement_of_another_institution_is_no_choice(client, staff, achievement):
    foreign = AgreementFactory()

    response = client.post(
        reverse("achievements:agreement_link", args=[achievement.pk]),
        {"agreement": foreign.pk, "mode": "licence", "income_share_percent": "100"},
    )

    assert response.status_code == 200
    assert "agreement" in response.context["form"].errors


def test_recording_an_ip_cost(client, staff, achievement):
    response = client.post(
        reverse("achievements:cost_create", args=[achievement.pk]),
        {
            "kind": "official_fee",
            "amount": "950",
            "currency": "CNY",
            "incurred_on": "2026-01-10",
            "description": "Application fee",
        },
    )

    assert response.status_code == 302
    assert achievement.costs.get().amount == Decimal("950.00")


# --- Creating and editing --------------------------------------------------------------------


def test_staff_record_an_achievement_with_two_inventors(client, staff, institution):
    first, second = PersonFactory(institution=institution), PersonFactory()

    response = client.post(
        reverse("achievements:create"),
        _achievement_data(institution, [(first, "60"), (second, "40")]),
    )

    achievement = Achievement.objects.get(title="CAR-T manufacturing process")
    assert response.status_code == 302
    assert response.url == achievement.get_absolute_url()
    assert achievement.reference.startswith("ACH-")
    assert {
        (inventor.person_id, inventor.contribution_percent)
        for inventor in achievement.inventors.all()
    } == {(first.pk, Decimal("60")), (second.pk, Decimal("40"))}
    assert achievement.owners.get().institution == institution


def test_shares_that_do_not_add_up_are_a_form_error_and_nothing_is_saved(
    client, staff, institution
):
    first, second = PersonFactory(), PersonFactory()

    response = client.post(
        reverse("achievements:create"),
        _achievement_data(institution, [(first, "60"), (second, "30")]),
    )

    assert response.status_code == 200
    inventors = response.context["formsets"][1]["formset"]
    assert "90" in " ".join(inventors.non_form_errors())
    assert "not 100" in response.content.decode()
    assert not Achievement.objects.exists()
    # What was typed is kept.
    assert 'value="CAR-T manufacturing process"' in response.content.decode()


def test_an_inventor_named_twice_is_an_error_on_the_row(client, staff, institution):
    person = PersonFactory()

    response = client.post(
        reverse("achievements:create"),
        _achievement_data(institution, [(person, "50"), (person, "50")]),
    )

    assert response.status_code == 200
    rows = response.context["formsets"][1]["formset"].forms
    assert rows[1].non_field_errors()
    assert not Achievement.objects.exists()


def test_an_owner_that_is_not_ones_own_institution_is_refused(client, staff):
    response = client.post(
        reverse("achievements:create"),
        _achievement_data(InstitutionFactory(), [(PersonFactory(), "100")]),
    )

    assert response.status_code == 200
    assert "institution you work for" in response.content.decode()
    assert not Achievement.objects.exists()


def test_editing_keeps_the_reference_and_replaces_the_inventors(
    client, staff, institution, achievement
):
    first, second = PersonFactory(), PersonFactory()
    data = _achievement_data(institution, [(first, "50"), (second, "50")], title="Renamed")

    response = client.post(reverse("achievements:edit", args=[achievement.pk]), data)

    achievement.refresh_from_db()
    assert response.status_code == 302
    assert achievement.title == "Renamed"
    assert set(achievement.inventors.values_list("person_id", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_the_edit_page_shows_the_current_rows(client, staff, achievement):
    response = client.get(reverse("achievements:edit", args=[achievement.pk]))

    assert response.status_code == 200
    inventors = response.context["formsets"][1]["formset"]
    assert inventors.initial[0]["person"] == achievement.inventors.get().person


# --- Patent families -----------------------------------------------------------------------------


def test_opening_a_family_and_adding_a_cn_application(client, staff, achievement):
    client.post(
        reverse("achievements:family_create", args=[achievement.pk]),
        {"title": "Antibody family", "priority_date": "2025-03-10"},
    )
    family = achievement.patent_families.get()
    counsel = CounselFactory()

    response = client.post(
        reverse("achievements:application_create", args=[family.pk]),
        {
            "jurisdiction": "CN",
            "kind": "invention",
            "application_number": "202510012345.6",
            "filed_on": "2025-03-10",
            "status": "filed",
            "counsel": counsel.pk,
        },
    )

    assert response.status_code == 302
    application = PatentApplication.objects.get(family=family)
    assert application.counsel == counsel
    page = client.get(reverse("achievements:family", args=[family.pk]))
    kinds = {deadline.kind for deadline in page.context["deadlines"]}
    assert {"pct_filing", "expiry"} <= kinds


def test_a_grant_before_the_filing_is_an_error_on_the_field(client, staff, achievement):
    family = PatentFamilyFactory(achievement=achievement)

    response = client.post(
        reverse("achievements:application_create", args=[family.pk]),
        {
            "jurisdiction": "CN",
            "kind": "invention",
            "application_number": "202510099999.1",
            "filed_on": "2025-03-20",
            "granted_on": "2025-03-01",
            "status": "granted",
        },
    )

    assert response.status_code == 200
    assert "granted_on" in response.context["form"].errors
    assert not family.applications.exists()


def test_recording_and_answering_an_office_action(client, staff, achievement):
    family = PatentFamilyFactory(achievement=achievement)
    application = PatentApplicationFactory(family=family, status="examination")

    client.post(
        reverse("achievements:office_action_create", args=[application.pk]),
        {"received_on": "2025-09-01", "term_months": "4", "description": "First notice"},
    )
    action = application.office_actions.get()
    page = client.get(reverse("achievements:family", args=[family.pk]))
    client.post(
        reverse("achievements:office_action_respond", args=[action.pk]),
        {"responded_on": "2025-11-20"},
    )

    assert any(deadline.kind == "office_action" for deadline in page.context["deadlines"])
    action.refresh_from_db()
    application.refresh_from_db()
    assert action.responded_on == datetime.date(2025, 11, 20)
    assert application.status == "examination"


def test_another_institutions_family_answers_404(client, staff):
    family = PatentFamilyFactory()

    assert client.get(reverse("achievements:family", args=[family.pk])).status_code == 404


def test_the_pages_speak_chinese_when_asked(client, staff, achievement):
    family = PatentFamilyFactory(achievement=achievement)
    PatentApplicationFactory(family=family)
    deadlines_refresh(family)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    listing = client.get(reverse("achievements:list")).text
    page = client.get(reverse("achievements:detail", args=[achievement.pk])).text
    docket = client.get(reverse("achievements:docket")).text

    assert "双特异性抗体" in listing and "Bispecific antibody" not in listing
    assert "同族专利" in page and "发明人" in page and "评估与决定" in page
    assert "案卷期限表" in docket and "PCT 申请提交" in docket


def test_notes_are_kept_up_during_the_assessment(client, staff, achievement):
    url = reverse("achievements:assess", args=[achievement.pk])
    client.post(url, {"notes": "Prior art search ordered"})

    page = client.get(reverse("achievements:detail", args=[achievement.pk]))
    client.post(url, {"notes": "Prior art search: clear"})

    achievement.refresh_from_db()
    assert "Save the notes" in page.text
    assert achievement.status == "under_assessment"
    assert achievement.assessment_notes == "Prior art search: clear"
