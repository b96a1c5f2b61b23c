"""Search across everything: each kind found by each of its fields, ranked
exact code first, in the searching user's scope only, in a fixed number of
queries, Chinese matched as it is typed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.errors import InvalidInput
from search.selectors import KINDS, MAX_LENGTH, clean_query, search_everything
from tests.factories import ResearchProjectFactory, UserFactory
from tests.search.conftest import make_side

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


def found(results) -> dict[str, list[int]]:
    return {group.kind: [hit.id for hit in group.hits] for group in results.groups}


def hits(results, kind: str):
    return next((group.hits for group in results.groups if group.kind == kind), [])


# --- Every kind, by every field ---------------------------------------------------------

FIELDS = [
    ("project", "project", lambda s: s.project.code),
    ("project", "project", lambda s: f"{s.word} nanobody programme"),
    ("project", "project", lambda s: s.project.title_zh),
    ("project", "project", lambda s: f"{s.word.lower()}-target tumours"),
    ("institution", "institution", lambda s: s.institution.code),
    ("institution", "institution", lambda s: s.institution.name),
    ("institution", "institution", lambda s: s.institution.name_zh),
    ("institution", "institution", lambda s: s.institution.unified_social_credit_code),
    ("enterprise", "enterprise", lambda s: s.enterprise.code),
    ("enterprise", "enterprise", lambda s: s.enterprise.name),
    ("enterprise", "enterprise", lambda s: s.enterprise.name_zh),
    ("enterprise", "enterprise", lambda s: s.enterprise.unified_social_credit_code),
    ("joint_centre", "centre", lambda s: s.centre.code),
    ("joint_centre", "centre", lambda s: s.centre.name),
    ("joint_centre", "centre", lambda s: s.centre.name_zh),
    ("agreement", "agreement", lambda s: s.agreement.reference),
    ("agreement", "agreement", lambda s: s.agreement.title),
    ("agreement", "agreement", lambda s: s.agreement.registration_number),
    ("milestone", "milestone", lambda s: s.milestone.name),
    ("invoice", "invoice", lambda s: s.invoice.number),
    ("achievement", "achievement", lambda s: s.achievement.reference),
    ("achievement", "achievement", lambda s: s.achievement.title),
    ("achievement", "achievement", lambda s: s.achievement.title_zh),
    ("patent_application", "application", lambda s: s.application.application_number),
    ("patent_application", "application", lambda s: s.application.publication_number),
    ("patent_application", "application", lambda s: s.application.grant_number),
    ("person", "contact", lambda s: s.contact.full_name),
    ("person", "contact", lambda s: s.contact.name_zh),
    ("person", "contact", lambda s: s.contact.email),
    ("document", "document", lambda s: s.document.original_name),
    ("document", "document", lambda s: s.document.description),
]


@pytest.mark.parametrize(
    ("kind", "attribute", "query"),
    [pytest.param(*case, id=f"{case[0]}-{n}") for n, case in enumerate(FIELDS)],
)
def test_each_kind_is_found_by_each_of_its_fields(
    superuser, side_a, side_b, kind, attribute, query
):
    results = search_everything(superuser, query(side_a))

    assert getattr(side_a, attribute).pk in found(results)[kind]
    assert getattr(side_b, attribute).pk not in found(results)[kind]


def test_every_kind_is_searched(superuser, side_a):
    """The kinds the issue names, each with a test case above."""
    assert {kind.key for kind in KINDS} == {case[0] for case in FIELDS}


def test_a_query_matches_a_part_of_a_word_in_any_case(superuser, side_a):
    results = search_everything(superuser, "NANOBOD")

    assert side_a.project.pk in found(results)["project"]
    assert side_a.achievement.pk in found(results)["achievement"]


def test_every_word_must_match_in_any_order(superuser, side_a, side_b):
    both = search_everything(superuser, "programme nanobody")
    one = search_everything(superuser, "programme Bravo")

    assert set(found(both)["project"]) == {side_a.project.pk, side_b.project.pk}
    assert found(one)["project"] == [side_b.project.pk]


def test_like_wildcards_are_plain_characters(superuser, side_a):
    ResearchProjectFactory(code="PRJ-PCT", title="Yield up 40% in fed-batch")

    assert [hit.code for hit in hits(search_everything(superuser, "40%"), "project")] == [
        "PRJ-PCT"
    ]
    assert hits(search_everything(superuser, "4_%"), "project") == []
    assert hits(search_everything(superuser, "%%"), "project") == []


# --- Chinese ------------------------------------------------------------------------------


def test_chinese_is_matched_inside_a_title_as_it_is_typed(superuser, side_a):
    for typed in ("纳", "纳米", "纳米抗体", "抗肿瘤纳米"):
        results = search_everything(superuser, clean_query(typed))

        assert side_a.project.pk in found(results)["project"], typed


def test_a_chinese_reader_sees_chinese_names(superuser, side_a):
    with translation.override("zh-hans"):
        results = search_everything(superuser, side_a.project.code)

    assert hits(results, "project")[0].label == side_a.project.title_zh


# --- Ranking --------------------------------------------------------------------------------


def test_an_exact_code_comes_first_then_a_prefix_then_a_name_then_anywhere(superuser):
    anywhere = ResearchProjectFactory(code="PRJ-900", title="Follow-up of KX-12 in mice")
    named = ResearchProjectFactory(code="PRJ-901", title="KX-12 formulation")
    prefix = ResearchProjectFactory(code="KX-120", title="Dose finding")
    exact = ResearchProjectFactory(code="KX-12", title="Phase I of the lead compound")

    results = search_everything(superuser, "kx-12")

    assert [hit.id for hit in hits(results, "project")] == [
        exact.pk,
        prefix.pk,
        named.pk,
        anywhere.pk,
    ]


def test_a_group_counts_all_its_hits_and_lists_the_first(superuser):
    for n in range(7):
        ResearchProjectFactory(code=f"ORCA-{n}", title=f"Orca programme {n}")

    group = search_everything(superuser, "orca", limit_per_kind=3).groups[0]

    assert (group.kind, group.count, len(group.hits), group.more) == ("project", 7, 3, 4)
    assert group.list_url == "/projects/?q=orca"


def test_past_the_cap_the_count_says_at_least_and_a_code_still_comes_first(superuser, monkeypatch):
    """On PostgreSQL the projects' matches stop being counted at
    ``CANDIDATES``; an exact code is still found first. SQLite counts all."""
    monkeypatch.setattr("search.selectors.CANDIDATES", 3)
    for n in range(7):
        ResearchProjectFactory(code=f"ORCA-{n}", title=f"Orca programme {n}")

    broad = search_everything(superuser, "orca").groups[0]
    exact = search_everything(superuser, "orca-6").groups[0]

    if connection.vendor == "postgresql":
        assert broad.capped
        assert 3 <= broad.count < 7
    else:
        assert (broad.capped, broad.count) == (False, 7)
    assert exact.hits[0].code == "ORCA-6"


# --- Scope ----------------------------------------------------------------------------------

SIDE_KINDS = [
    ("project", "project"),
    ("agreement", "agreement"),
    ("milestone", "milestone"),
    ("invoice", "invoice"),
    ("achievement", "achievement"),
    ("patent_application", "application"),
    ("document", "document"),
    ("enterprise", "enterprise"),
    ("person", "contact"),
]


def _everything_of(side) -> dict[str, str]:
    """A query that finds the side's object of each kind."""
    return {
        "project": side.project.code,
        "agreement": side.agreement.reference,
        "milestone": side.milestone.name,
        "invoice": side.invoice.number,
        "achievement": side.achievement.reference,
        "patent_application": side.application.grant_number,
        "document": side.document.original_name,
        "enterprise": side.enterprise.name,
        "person": side.contact.email,
    }


@pytest.mark.parametrize(("kind", "attribute"), SIDE_KINDS)
def test_a_partner_finds_its_own_objects_linked_to_the_portal(side_a, side_b, kind, attribute):
    query = _everything_of(side_a)[kind]

    own = hits(search_everything(side_a.partner, query), kind)

    assert [hit.id for hit in own] == [getattr(side_a, attribute).pk]
    assert own[0].url == "" or own[0].url.startswith("/portal/")


@pytest.mark.parametrize(("kind", "attribute"), SIDE_KINDS)
def test_a_partner_finds_nothing_of_another_enterprise(side_a, side_b, kind, attribute):
    query = _everything_of(side_b)[kind]

    results = search_everything(side_a.partner, query)

    assert getattr(side_b, attribute).pk not in found(results).get(kind, [])


def test_a_partner_searching_a_shared_word_finds_its_own_side_only(side_a, side_b):
    results = search_everything(side_a.partner, "nanobody")

    assert found(results)["project"] == [side_a.project.pk]
    assert found(results)["agreement"] == [side_a.agreement.pk]
    assert found(results)["achievement"] == [side_a.achievement.pk]
    assert (
        "institution" not in found(results)
        or side_b.institution.pk not in found(results)["institution"]
    )


def test_the_portals_links_go_to_portal_pages(side_a):
    results = search_everything(side_a.partner, "Alpha")
    urls = {group.kind: group.hits[0].url for group in results.groups}

    assert urls["project"] == f"/portal/projects/{side_a.project.code}/"
    assert urls["agreement"] == f"/portal/agreements/{side_a.agreement.reference}/"
    assert urls["milestone"] == f"/portal/milestones/{side_a.milestone.pk}/"
    assert urls["achievement"] == f"/portal/achievements/{side_a.achievement.pk}/"
    assert urls["document"] == f"/portal/documents/{side_a.document.pk}/download/"
    # The portal has no page for an enterprise or a person.
    assert urls["enterprise"] == ""
    assert urls["person"] == ""
    # Only the projects' list in the portal filters by words.
    lists = {group.kind: group.list_url for group in results.groups}
    assert lists["project"] == "/portal/projects/?q=Alpha"
    assert lists["agreement"] == ""


def test_a_researcher_finds_their_achievements_and_patents_only(side_a, side_b):
    results = search_everything(side_a.researcher, "nanobody")
    numbers = search_everything(side_a.researcher, "CN2025")

    assert found(results) == {"achievement": [side_a.achievement.pk]}
    assert hits(results, "achievement")[0].url == (
        f"/research/achievements/{side_a.achievement.pk}/"
    )
    assert found(numbers) == {"patent_application": [side_a.application.pk]}
    assert hits(numbers, "patent_application")[0].url == (
        f"/research/achievements/{side_a.achievement.pk}/"
    )


def test_a_researcher_finds_no_project_agreement_invoice_or_document(side_a):
    for query in _everything_of(side_a).values():
        results = search_everything(side_a.researcher, query)

        assert set(found(results)) <= {"achievement", "patent_application"}, query


def test_staff_find_what_their_institution_reaches_not_anothers(side_a, side_b):
    own = search_everything(side_a.staff, "Alpha")
    other = search_everything(side_a.staff, "Bravo")

    assert found(own)["project"] == [side_a.project.pk]
    assert found(own)["agreement"] == [side_a.agreement.pk]
    assert found(own)["invoice"] == [side_a.invoice.pk]
    assert found(own)["document"] == [side_a.document.pk]
    for kind in ("project", "agreement", "milestone", "invoice", "achievement", "document"):
        assert kind not in found(other), kind
    # The directory of partners is every staff member's.
    assert found(other)["enterprise"] == [side_b.enterprise.pk]
    assert hits(own, "project")[0].url == f"/projects/{side_a.project.code}/"
    assert hits(own, "invoice")[0].url == f"/milestones/invoices/{side_a.invoice.pk}/"


def test_a_deactivated_user_finds_nothing(side_a):
    side_a.staff.is_active = False

    assert search_everything(side_a.staff, "Alpha").groups == []


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["superuser", "staff", "partner", "researcher"])
def test_a_search_costs_the_same_queries_however_much_data_matches(who, superuser, side_a):
    user = superuser if who == "superuser" else getattr(side_a, who)

    with CaptureQueriesContext(connection) as few:
        search_everything(user, "nanobody")
    for n in range(3):
        make_side(f"More{n}", f"丙{n}", 10 + n)
    with CaptureQueriesContext(connection) as many:
        search_everything(user, "nanobody")

    assert len(many) == len(few) <= len(KINDS)


# --- The query itself -----------------------------------------------------------------------


def test_a_query_is_trimmed_and_its_spaces_made_one():
    assert clean_query("  PRJ-1   antibody \t") == "PRJ-1 antibody"


def test_full_width_letters_are_read_as_plain_ones():
    assert clean_query("ＰＲＪ－１") == "PRJ-1"


@pytest.mark.parametrize("query", ["", " ", "a", " x "])
def test_a_query_of_fewer_than_two_characters_is_refused(query):
    with pytest.raises(InvalidInput) as refused:
        clean_query(query)

    assert refused.value.code == "too_short"
    assert list(refused.value.fields) == ["q"]


def test_one_chinese_character_is_enough():
    assert clean_query(" 酶 ") == "酶"


def test_a_query_longer_than_the_limit_is_refused():
    assert clean_query("x" * MAX_LENGTH) == "x" * MAX_LENGTH
    with pytest.raises(InvalidInput) as refused:
        clean_query("x" * (MAX_LENGTH + 1))

    assert refused.value.code == "too_long"
