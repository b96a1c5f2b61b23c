"""On a project shared by two enterprises, each partner sees in the portal
only what its own agreement governs (see ``tests/shared_project``).

Every portal route is read from the URL configuration and opened as each
partner with its own objects and with the shared projects, with the other
enterprise's objects in the query; none may show a name, number, reference
or file name of the other agreement. The other enterprise's objects answer
404; the project list's exports hold none of them.
"""

import itertools

import pytest
from django.urls import reverse

from achievements.models import AchievementAgreement
from tests.factories import AchievementFactory
from tests.portal.test_routes import PUBLIC_ROUTES, routes_under
from tests.shared_project import build_shared_world, leaks
from tests.ui.test_lists import exported

pytestmark = pytest.mark.django_db

PORTAL_ROUTES = [(name, keywords) for name, keywords in routes_under("portal")]


def own_values(world, side):
    """Each URL keyword's values among the side's objects and the shared
    projects."""
    return {
        "code": [world.alpha.project.code, world.bravo.project.code],
        "reference": [side.agreement.reference],
        "milestone_pk": [side.claimed.pk, side.invoiced.pk],
        "invoice_pk": [side.invoice.pk],
        "report_pk": [side.royalty_report.pk],
        "document_pk": [
            side.agreement_document.pk,
            side.evidence.pk,
            side.upload.pk,
            world.project_wide.pk,
        ],
        "achievement_pk": [side.achievement.pk, world.shared_achievement.pk],
    }


def other_values(other):
    return {
        "reference": [other.agreement.reference],
        "milestone_pk": [other.claimed.pk, other.invoiced.pk],
        "invoice_pk": [other.invoice.pk],
        "report_pk": [other.royalty_report.pk],
        "document_pk": [other.agreement_document.pk, other.evidence.pk, other.upload.pk],
        "achievement_pk": [other.achievement.pk],
    }


def queries(world, side, other):
    return [
        {},
        {"project": world.bravo.project.code},
        {"project": world.alpha.project.code},
        {"agreement": other.agreement.reference},
        {"agreement": side.agreement.reference},
        {"milestone": other.claimed.pk},
        {"tab": "all"},
    ]


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def unechoed(text: str, query: dict) -> str:
    """The page without its own query: the language switch returns to the
    page, and filter fields keep their values. What it must not show is
    anything else of the other side."""
    for value in query.values():
        text = text.replace(f"={value}", "").replace(f'value="{value}"', "")
    return text


@pytest.fixture
def world(partner_user, other_partner_user):
    world = build_shared_world(partner_user, other_partner_user)
    # An achievement licensed under each agreement, and one under both:
    # each partner sees the shared one with its own agreement only.
    institution = world.alpha.partnership.institution
    world.shared_achievement = AchievementFactory(
        reference="ACH-SHARED", title="Shared antibody method", owner=institution
    )
    for side in (world.alpha, world.bravo):
        side.achievement = AchievementFactory(
            reference=f"ACH-{side.word}",
            title=f"{side.word} antibody method",
            owner=institution,
        )
        for achievement in (side.achievement, world.shared_achievement):
            AchievementAgreement.objects.create(
                achievement=achievement, agreement=side.agreement, mode="licence"
            )
    return world


def test_the_walk_fills_every_portal_route():
    fillable = {
        "code",
        "reference",
        "milestone_pk",
        "invoice_pk",
        "report_pk",
        "document_pk",
        "achievement_pk",
    }
    for name, keywords in PORTAL_ROUTES:
        if name in PUBLIC_ROUTES or "user_pk" in keywords:
            continue
        assert set(keywords) <= fillable, name


@pytest.mark.parametrize("name,keywords", PORTAL_ROUTES, ids=[n for n, _ in PORTAL_ROUTES])
def test_no_portal_page_shows_a_partner_the_other_agreement_s_objects(
    client, world, name, keywords
):
    if name in PUBLIC_ROUTES or "user_pk" in keywords:
        pytest.skip("a public route, or the team's: its own tests")
    for side, other in world.sides():
        client.force_login(side.user)
        values = own_values(world, side)
        for combination in itertools.product(*(values[keyword] for keyword in keywords)):
            url = reverse(name, kwargs=dict(zip(keywords, combination, strict=True)))
            for query in queries(world, side, other) if not keywords else [{}]:
                response = client.get(url, query)

                where = f"{side.word} GET {url} {query}"
                assert response.status_code < 500, where
                names_other = query.get("agreement") == other.agreement.reference
                assert response.status_code != 404 or names_other, where
                assert not leaks(unechoed(body(response), query), other), where


@pytest.mark.parametrize("name,keywords", PORTAL_ROUTES, ids=[n for n, _ in PORTAL_ROUTES])
def test_the_other_agreement_s_objects_answer_404(client, world, name, keywords):
    if name in PUBLIC_ROUTES or not keywords or "user_pk" in keywords or "code" in keywords:
        pytest.skip("no object of an agreement in the URL")
    for side, other in world.sides():
        client.force_login(side.user)
        values = other_values(other)
        for combination in itertools.product(*(values[keyword] for keyword in keywords)):
            url = reverse(name, kwargs=dict(zip(keywords, combination, strict=True)))
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 404, f"{side.word} {method.upper()} {url}"


def test_the_evidence_of_the_other_enterprise_s_claim_cannot_be_downloaded(client, world):
    """The flow that leaked: a document uploaded to the project alone,
    then attached as evidence when staff claimed BRAVO's disputed
    milestone again."""
    client.force_login(world.alpha.user)
    evidence = reverse("portal:document_download", args=[world.bravo.evidence.pk])
    shared = reverse("portal:document_download", args=[world.project_wide.pk])

    assert client.get(evidence).status_code == 404
    assert client.get(shared).status_code == 200


def test_each_partner_finds_its_own_objects_on_the_shared_projects(client, world):
    """The walk above is not vacuous."""
    for side, other in world.sides():
        client.force_login(side.user)
        own_project = client.get(reverse("portal:project_detail", args=[side.project.code]))
        other_project = client.get(reverse("portal:project_detail", args=[other.project.code]))
        documents = client.get(reverse("portal:documents"))

        assert f"{side.word} licence fee" in own_project.text
        assert side.agreement.reference in own_project.text
        assert f"{side.word} option fee" in other_project.text
        for name in ("evidence", "contract", "lab-notes"):
            assert f"{side.word.lower()}-{name}.pdf" in documents.text
        assert "common-protocol.pdf" in documents.text


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_project_exports_hold_nothing_of_the_other_agreement(client, world, export_format):
    for side, other in world.sides():
        client.force_login(side.user)

        rows = exported(client, reverse("portal:projects"), export_format)

        cells = " ".join(cell for row in rows for cell in row)
        assert {world.alpha.project.code, world.bravo.project.code} <= set(cells.split())
        assert not leaks(cells, other), side.word


def test_the_project_list_does_not_tell_which_agreement_a_shared_project_runs_under(client, world):
    """Filtering by the other enterprise's agreement finds nothing, though
    the project under it is shared with the partner."""
    for side, other in world.sides():
        client.force_login(side.user)
        url = reverse("portal:projects")

        by_other = client.get(url, {"agreement": other.agreement.reference})
        by_own = client.get(url, {"agreement": side.agreement.reference})

        assert list(by_other.context["page"].object_list) == []
        assert list(by_own.context["page"].object_list) == [side.project]
