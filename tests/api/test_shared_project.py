"""On a project shared by two enterprises, each partner sees through the API
only what its own agreement governs: its milestones, invoices, payments,
royalty reports, documents and its side of the cost-sharing ledger, and
documents shared project-wide on purpose.

Every list of the API is read from the URL configuration and walked as each
partner, bare and filtered by the other enterprise's objects; every detail
and download of the other enterprise's objects answers 404; the ledgers and
the valuation defaults hold none of its costs. See ``tests/shared_project``.
"""

import pytest
from django.urls import NoReverseMatch, reverse

from tests.api.conftest import client_for
from tests.api.test_permission_matrix import ROUTES
from tests.shared_project import build_shared_world, leaks

pytestmark = pytest.mark.django_db

LISTS = sorted(
    name for name, methods in ROUTES.items() if name.endswith("-list") and "get" in methods
)


@pytest.fixture
def world(partner_user, other_partner_user):
    return build_shared_world(partner_user, other_partner_user)


def list_url(name, side) -> str:
    """The list's URL; a list nested under an agreement, under the side's
    own (another enterprise's agreement answers 404, see below)."""
    try:
        return reverse(f"api:{name}")
    except NoReverseMatch:
        return reverse(f"api:{name}", kwargs={"agreement_pk": side.agreement.pk})


def rows(response) -> list[dict]:
    body = response.json()
    return body.get("results", []) if isinstance(body, dict) else body


def filters(world, other):
    """Query strings choosing the other side's objects, or the shared
    projects, as a curious partner would try them."""
    return [
        {},
        {"milestone": other.claimed.pk},
        {"milestone": other.invoiced.pk},
        {"invoice": other.invoice.pk},
        {"agreement": other.agreement.pk},
        {"partnership": other.partnership.pk},
        {"royalty_report": other.royalty_report.pk},
        {"project": world.alpha.project.pk},
        {"project": world.bravo.project.pk},
        {"project": other.project.code},
    ]


def test_the_api_has_lists_to_walk():
    assert {"document-list", "milestone-list", "cost-entry-list"} <= set(LISTS)


@pytest.mark.parametrize("name", LISTS)
def test_no_list_shows_a_partner_the_other_agreement_s_objects(world, name):
    kind = name.removesuffix("-list")
    for side, other in world.sides():
        client = client_for(side.user)
        for query in filters(world, other):
            response = client.get(list_url(name, side), query)

            where = f"{side.word} GET {name} {query}"
            assert response.status_code < 500, where
            assert not leaks(response.text, other), where
            if response.status_code == 200 and kind in other.ids():
                shown = {row["id"] for row in rows(response)}
                assert not shown & other.ids()[kind], where


@pytest.mark.parametrize(
    "kind", ["milestone", "invoice", "payment", "royalty-report", "cost-entry", "document"]
)
def test_each_partner_lists_its_own_objects_of_the_shared_projects(world, kind):
    """The walk above is not vacuous: each side finds its own objects."""
    for side, _other in world.sides():
        response = client_for(side.user).get(reverse(f"api:{kind}-list"))

        assert response.status_code == 200
        assert side.ids()[kind] <= {row["id"] for row in rows(response)}, side.word


def test_the_other_agreement_s_objects_answer_404(world):
    for side, other in world.sides():
        client = client_for(side.user)
        for kind, ids in other.ids().items():
            for pk in ids:
                response = client.get(reverse(f"api:{kind}-detail", kwargs={"pk": pk}))
                assert response.status_code == 404, f"{side.word} {kind} {pk}"
        for document in (other.agreement_document, other.evidence, other.upload):
            url = reverse("api:document-download", kwargs={"pk": document.pk})
            assert client.get(url).status_code == 404, f"{side.word} {document}"
        for name in LISTS:
            try:
                url = reverse(f"api:{name}", kwargs={"agreement_pk": other.agreement.pk})
            except NoReverseMatch:
                continue
            assert client.get(url).status_code == 404, f"{side.word} {name}"


def test_a_gate_decision_cites_only_the_evidence_the_partner_sees(world):
    """A document cited at a gate, later made the other enterprise's claim
    evidence, drops out of the decision's evidence for this partner."""
    for side, other in world.sides():
        response = client_for(side.user).get(reverse("api:stage-transition-list"))

        cited = {pk for row in rows(response) for pk in row["evidence"]}
        assert side.evidence.pk in cited, side.word
        assert not cited & other.ids()["document"], side.word


def test_a_document_shared_project_wide_reaches_both_partners(world):
    for side, _other in world.sides():
        url = reverse("api:document-download", kwargs={"pk": world.project_wide.pk})
        assert client_for(side.user).get(url).status_code == 200, side.word


def test_claim_evidence_joins_the_agreement_of_the_milestone(world):
    """The flow that leaked: a document uploaded to the project alone, then
    attached to BRAVO's disputed milestone when staff claimed it again."""
    evidence = world.bravo.evidence
    evidence.refresh_from_db()

    assert evidence.milestone == world.bravo.claimed
    assert evidence.agreement == world.bravo.agreement


def test_the_project_ledger_is_the_partner_s_own_side_only(world):
    for side, other in world.sides():
        client = client_for(side.user)
        own = client.get(reverse("api:project-ledger", kwargs={"pk": side.project.pk}))
        others = client.get(reverse("api:project-ledger", kwargs={"pk": other.project.pk}))
        agreement = client.get(reverse("api:agreement-ledger", kwargs={"pk": side.agreement.pk}))

        assert own.status_code == others.status_code == agreement.status_code == 200
        assert {line["party"] for line in own.json()} == {"research", "enterprise"}
        assert own.json() == agreement.json()
        # The project runs under the other enterprise's agreement: its cost
        # split is not this partner's.
        assert others.json() == []


def test_the_valuation_defaults_hold_none_of_the_other_agreement_s_costs(world):
    url = reverse("api:valuation-defaults")
    for side, other in world.sides():
        client = client_for(side.user)
        own = client.get(url, {"project": side.project.pk})
        others = client.get(url, {"project": other.project.pk})

        assert own.status_code == others.status_code == 200
        assert f"{side.word} pilot batch" in own.text
        assert not leaks(others.text, other)


def test_the_project_does_not_name_the_other_enterprise_s_agreement(world):
    for side, other in world.sides():
        client = client_for(side.user)
        detail = client.get(reverse("api:project-detail", kwargs={"pk": other.project.pk}))
        listed = {row["id"]: row for row in rows(client.get(reverse("api:project-list")))}

        assert detail.json()["agreement"] is None
        assert detail.json()["partnership"] is None
        assert listed[other.project.pk]["agreement"] is None
        assert listed[side.project.pk]["agreement"] == side.agreement.pk


def test_a_partner_s_cost_valuation_takes_in_none_of_the_other_agreement_s_costs(world):
    """Valued from the ledger, the project under the other enterprise's
    agreement has no costs this partner may see."""
    inputs = {"currency": "CNY", "costs_from_ledger": True}
    for side, other in world.sides():
        client = client_for(side.user)

        own = client.post(
            reverse("api:valuation-list"),
            {"project": side.project.pk, "method": "cost_approach", "inputs": inputs},
            format="json",
        )
        others = client.post(
            reverse("api:valuation-list"),
            {"project": other.project.pk, "method": "cost_approach", "inputs": inputs},
            format="json",
        )

        assert own.status_code == 201, own.json()
        assert f"{side.word} pilot batch" in own.text
        assert others.status_code == 400
        assert "costs_from_ledger" in others.text
        assert not leaks(others.text, other)


def test_filtering_by_cooperation_mode_does_not_tell_how_the_other_enterprise_works(world):
    world.bravo.partnership.mode = "contract_rd"
    world.bravo.partnership.save(update_fields=["mode"])
    url = reverse("api:project-list")

    as_alpha = client_for(world.alpha.user).get(url, {"mode": "contract_rd"})
    as_bravo = client_for(world.bravo.user).get(url, {"mode": "contract_rd"})

    assert [row["code"] for row in rows(as_alpha)] == []
    assert [row["code"] for row in rows(as_bravo)] == [world.bravo.project.code]
