"""The researcher's pages: their achievements (status, patents, agreements;
no money, no assessment) and their disclosures, written with inventors
whose shares add up to 100 %, confirmed, submitted and withdrawn."""

from decimal import Decimal

import pytest
from django.urls import reverse

from achievements.models import Disclosure, IpCost
from tests.factories import DEMO_PASSWORD, AchievementFactory

from .conftest import draft_of

pytestmark = pytest.mark.django_db

HOME = reverse("research:home")
NEW = reverse("research:disclosure_create")


def detail(disclosure):
    return reverse("research:disclosure_detail", kwargs={"pk": disclosure.pk})


def edit(disclosure):
    return reverse("research:disclosure_edit", kwargs={"pk": disclosure.pk})


def action(disclosure, name):
    return reverse("research:disclosure_action", kwargs={"pk": disclosure.pk, "action": name})


def achievement_page(achievement):
    return reverse("research:achievement_detail", kwargs={"pk": achievement.pk})


def form_data(institution, inventors, **changes):
    """The disclosure form as posted: its fields and the inventors' rows,
    (person, share) pairs."""
    data = {
        "title": "Stable IL-2 mutein",
        "title_zh": "稳定的IL-2突变蛋白",
        "kind": "invention",
        "summary": "A mutein with a longer half-life.",
        "institution": institution.pk,
        "funding_source": "government",
        "funding_reference": "NSFC 82071234",
        "prior_disclosures": "Poster at AACR 2025.",
        "planned_publications": "Nature Biotech, spring 2026.",
        "materials_received": "HEK293 line from ATCC under MTA.",
        "inventors-TOTAL_FORMS": str(len(inventors)),
        "inventors-INITIAL_FORMS": "0",
        "inventors-MIN_NUM_FORMS": "0",
        "inventors-MAX_NUM_FORMS": "1000",
    }
    for index, (person, share) in enumerate(inventors):
        data[f"inventors-{index}-person"] = person.pk
        data[f"inventors-{index}-contribution_percent"] = str(share)
        data[f"inventors-{index}-department"] = "Immunology"
    data.update(changes)
    return data


# --- Signing in and the start page --------------------------------------------------


def test_a_researcher_who_signs_in_lands_on_their_pages(client, researcher):
    response = client.post(
        reverse("accounts:login"),
        {"username": researcher.email, "password": DEMO_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == HOME
    assert response.status_code == 200


def test_the_start_page_lists_only_my_achievements_and_disclosures(
    client, researcher, stranger, achievement, foreign_achievement
):
    mine = draft_of(researcher, title="My draft")
    draft_of(stranger, title="Their draft")
    client.force_login(researcher)

    response = client.get(HOME)

    assert response.status_code == 200
    assert list(response.context["achievements"]) == [achievement]
    assert list(response.context["disclosures"]) == [mine]
    assert "Foreign method" not in response.text
    assert "Their draft" not in response.text


def test_staff_are_sent_to_the_staff_pages_and_partners_find_nothing(
    client, staff_user, partner_user
):
    client.force_login(staff_user)
    assert client.get(HOME).url == reverse("home")

    client.force_login(partner_user)
    assert client.get(HOME).status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- Achievements -------------------------------------------------------------------


def test_my_achievement_shows_its_patents_and_agreements_but_no_money(
    client, researcher, achievement
):
    IpCost.objects.create(
        achievement=achievement,
        kind="counsel",
        amount=Decimal("12345.67"),
        currency="CNY",
        incurred_on=achievement.disclosed_on,
        description="SECRET-COST drafting",
    )
    client.force_login(researcher)

    response = client.get(achievement_page(achievement))

    assert response.status_code == 200
    text = response.text
    assert "202410000001.X" in text
    assert "ZL202410000001" in text
    assert "AGR-IL2" in text
    assert "SECRET-ASSESSMENT" not in text
    assert "SECRET-COST" not in text
    assert "12,345.67" not in text


def test_another_researchers_achievement_answers_404(client, researcher, foreign_achievement):
    client.force_login(researcher)

    assert client.get(achievement_page(foreign_achievement)).status_code == 404


# --- Writing a disclosure ----------------------------------------------------------


def test_a_new_disclosure_starts_with_me_at_100_percent(client, researcher):
    client.force_login(researcher)

    response = client.get(NEW)

    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.initial == [{"person": researcher.person.pk, "contribution_percent": 100}]


def test_a_researcher_writes_a_draft_with_two_inventors(
    client, researcher, colleague, institution
):
    client.force_login(researcher)

    response = client.post(
        NEW, form_data(institution, [(researcher.person, 60), (colleague.person, 40)])
    )

    disclosure = Disclosure.objects.get()
    assert response.status_code == 302
    assert response.url == detail(disclosure)
    assert disclosure.status == "draft"
    assert disclosure.submitted_by == researcher
    assert disclosure.materials_received == "HEK293 line from ATCC under MTA."
    rows = {row.person: row for row in disclosure.inventors.all()}
    assert rows[researcher.person].contribution_percent == 60
    # Writing it confirms my own part; my colleague confirms theirs.
    assert rows[researcher.person].confirmed_at is not None
    assert rows[colleague.person].confirmed_at is None


def test_save_and_submit_sends_it_to_the_office(client, researcher, institution):
    client.force_login(researcher)

    client.post(NEW, {**form_data(institution, [(researcher.person, 100)]), "submit": "1"})

    disclosure = Disclosure.objects.get()
    assert disclosure.status == "submitted"
    assert disclosure.submitted_at is not None


def test_shares_that_do_not_add_up_to_100_are_refused_and_nothing_is_saved(
    client, researcher, colleague, institution
):
    client.force_login(researcher)

    response = client.post(
        NEW, form_data(institution, [(researcher.person, 60), (colleague.person, 30)])
    )

    assert response.status_code == 400
    assert "add up to 90 %, not 100 %" in " ".join(response.context["formset"].non_form_errors())
    assert not Disclosure.objects.exists()


def test_an_inventor_named_twice_is_refused(client, researcher, institution):
    client.force_login(researcher)

    response = client.post(
        NEW, form_data(institution, [(researcher.person, 50), (researcher.person, 50)])
    )

    assert response.status_code == 400
    assert "named twice" in " ".join(response.context["formset"].non_form_errors())
    assert not Disclosure.objects.exists()


def test_a_share_out_of_range_is_refused_at_its_row(client, researcher, institution):
    client.force_login(researcher)

    response = client.post(NEW, form_data(institution, [(researcher.person, 150)]))

    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["contribution_percent"]
    assert not Disclosure.objects.exists()


def test_a_disclosure_without_me_among_the_inventors_is_refused(
    client, researcher, colleague, institution
):
    client.force_login(researcher)

    response = client.post(NEW, form_data(institution, [(colleague.person, 100)]))

    assert response.status_code == 400
    assert "Name yourself among the inventors." in response.text
    assert not Disclosure.objects.exists()


def test_a_person_of_another_institution_is_not_a_valid_choice(
    client, researcher, stranger, institution
):
    client.force_login(researcher)

    response = client.post(
        NEW, form_data(institution, [(researcher.person, 50), (stranger.person, 50)])
    )

    assert response.status_code == 400
    assert response.context["formset"].forms[1].errors["person"]


def test_another_institution_is_not_a_valid_choice(client, researcher, stranger):
    client.force_login(researcher)

    response = client.post(NEW, form_data(stranger.person.institution, [(researcher.person, 100)]))

    assert response.status_code == 400
    assert response.context["form"].errors["institution"]
    assert not Disclosure.objects.exists()


def test_a_blank_title_is_refused_at_its_field(client, researcher, institution):
    client.force_login(researcher)

    response = client.post(NEW, form_data(institution, [(researcher.person, 100)], title="  "))

    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert not Disclosure.objects.exists()


# --- Editing, confirming, submitting, withdrawing ---------------------------------------


def test_the_writer_edits_their_draft(client, researcher, institution):
    disclosure = draft_of(researcher)
    client.force_login(researcher)

    response = client.post(
        edit(disclosure),
        form_data(institution, [(researcher.person, 100)], title="Stabler IL-2 mutein"),
    )

    assert response.status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.title == "Stabler IL-2 mutein"


def test_someone_elses_disclosure_answers_404_to_every_page(client, researcher, stranger):
    theirs = draft_of(stranger)
    client.force_login(researcher)

    assert client.get(detail(theirs)).status_code == 404
    assert client.get(edit(theirs)).status_code == 404
    assert client.post(edit(theirs), {}).status_code == 404
    for name in ("confirm", "submit", "withdraw"):
        assert client.post(action(theirs, name)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft"


def test_a_co_inventor_sees_the_disclosure_but_cannot_edit_it(client, researcher, colleague):
    disclosure = draft_of(researcher, inventors=[(researcher.person, 50), (colleague.person, 50)])
    client.force_login(colleague)

    assert client.get(detail(disclosure)).status_code == 200
    assert client.get(edit(disclosure)).status_code == 404


def test_a_co_inventor_confirms_their_inventorship(client, researcher, colleague):
    disclosure = draft_of(researcher, inventors=[(researcher.person, 50), (colleague.person, 50)])
    client.force_login(colleague)

    assert client.get(detail(disclosure)).context["may_confirm"]
    response = client.post(action(disclosure, "confirm"))

    assert response.status_code == 302
    assert disclosure.inventors.get(person=colleague.person).confirmed_at is not None


def test_submit_and_withdraw_from_the_disclosure_page(client, researcher):
    disclosure = draft_of(researcher)
    client.force_login(researcher)

    client.post(action(disclosure, "submit"))
    disclosure.refresh_from_db()
    assert disclosure.status == "submitted"
    # Once submitted it is with the office: the edit page sends back.
    assert client.get(edit(disclosure)).url == detail(disclosure)

    client.post(action(disclosure, "withdraw"))
    disclosure.refresh_from_db()
    assert disclosure.status == "withdrawn"


def test_a_submission_with_shares_off_100_shows_the_reason(client, researcher):
    disclosure = draft_of(researcher, inventors=[(researcher.person, 90)])
    client.force_login(researcher)

    response = client.post(action(disclosure, "submit"), follow=True)

    assert "not 100 %" in response.text
    disclosure.refresh_from_db()
    assert disclosure.status == "draft"


def test_an_unknown_action_answers_404(client, researcher):
    disclosure = draft_of(researcher)
    client.force_login(researcher)

    assert client.post(action(disclosure, "convert")).status_code == 404


def test_a_returned_disclosure_shows_the_offices_note_and_can_be_edited(
    client, researcher, staff_user
):
    from achievements.services import disclosure_return, disclosure_submit

    disclosure = draft_of(researcher)
    disclosure_submit(disclosure=disclosure, by=researcher)
    disclosure_return(disclosure=disclosure, by=staff_user, note="Name the MTA provider.")
    client.force_login(researcher)

    response = client.get(detail(disclosure))

    assert "Name the MTA provider." in response.text
    assert response.context["may_edit"]
    assert client.get(edit(disclosure)).status_code == 200


def test_the_pages_speak_chinese(client, researcher, achievement, institution):
    disclosure = draft_of(researcher)
    client.force_login(researcher)
    client.cookies["django_language"] = "zh-hans"

    home = client.get(HOME, HTTP_ACCEPT_LANGUAGE="zh-hans").text
    form = client.get(NEW, HTTP_ACCEPT_LANGUAGE="zh-hans").text
    page = client.get(detail(disclosure), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    patents = client.get(achievement_page(achievement), HTTP_ACCEPT_LANGUAGE="zh-hans").text

    assert "我的科技成果" in home and "My disclosures" not in home
    assert "添加发明人" in form and "依材料转让协议（MTA）获得的材料" in form
    assert "确认" in page or "提交技术转移办公室" in page
    assert "申请号" in patents and "Application number" not in patents


def test_the_start_page_does_not_grow_its_queries_with_its_rows(
    client, researcher, institution, django_assert_max_num_queries
):
    client.force_login(researcher)
    client.get(HOME)
    for n in range(8):
        AchievementFactory(owner=institution, inventors=[researcher.person])
        draft_of(researcher, title=f"Draft {n}")

    with django_assert_max_num_queries(12):
        response = client.get(HOME)

    assert len(response.context["achievements"]) == 8
