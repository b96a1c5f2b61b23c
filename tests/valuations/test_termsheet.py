"""Term sheets from a valuation's deal structures: the PDF states the
terms in English and Chinese, and "turn into an agreement" makes a draft
licence with exactly those terms, for the staff who may write it."""

import copy
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from partnerships.models import Agreement
from pipelines.models import StageDefinition
from tests.factories import AchievementFactory, PartnershipFactory, ProjectUnderAgreementFactory
from tests.valuations.conftest import api_client_for
from tests.valuations.termsheet_factory import (
    DEAL,
    MENU_DEAL,
    RESULTS,
    pdf_text,
    valuation_with_menu,
)
from valuations.models import TermSheetAgreement
from valuations.services import valuation_run

pytestmark = pytest.mark.django_db

D = Decimal


def drug_stage(code):
    return StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", code=code)


@pytest.fixture
def project(institution, enterprise, staff_user):
    """A drug project in Phase I, run under a USD licence between the
    staff user's institution and the partner user's enterprise."""
    return ProjectUnderAgreementFactory(
        current_stage=drug_stage("phase_1"),
        agreement__partnership__institution=institution,
        agreement__partnership__enterprise=enterprise,
        agreement__currency="USD",
    )


@pytest.fixture
def valuation(project, staff_user):
    return valuation_with_menu(project, by=staff_user)


def api_url(valuation, name):
    return reverse(f"api:valuation-{name}", args=[valuation.pk])


STAGES_AHEAD = ["phase_1", "phase_2", "phase_3", "registration", "gmp_scale_up"]


# --- The PDF ---------------------------------------------------------------------------


def test_the_term_sheet_of_the_deal_states_every_term_in_english(staff_user, valuation):
    response = api_client_for(staff_user).get(
        api_url(valuation, "term-sheet-pdf"),
        {
            "structure": "deal",
            "lang": "en",
            "field_of_use": "Oncology",
            "territory": "Greater China",
            "minimum_annual_royalty": "25",
            "equity_share": "5",
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-deal-en.pdf"')
    text = pdf_text(response.content)
    partnership = valuation.project.agreement.partnership
    for expected in [
        "Term sheet",
        partnership.institution.name,
        partnership.enterprise.name,
        "Oncology",
        "Greater China",
        "10.00 USD",  # upfront
        "Phase II start",
        "Success of Phase I: entering Phase II",
        "15.00 USD",
        "Annual net sales reach 1,000.00 USD",
        "50.00 USD",
        "5 %",
        "8 %",
        "10 %",
        "10 years from the first sale",  # the deal's royalty years
        "25.00 USD",  # minimum annual royalty
        "Cost sharing by stage",
        "70 %",  # the deal's licensee cost share
        "30 %",
        "If the project ends in Phase I",
        "Annex: valuation summary",
        "250.73 USD",  # project rNPV
        "64.48 USD",  # licensor rNPV
        "186.25 USD",  # licensee rNPV
        "15.0 %",  # probability to market
        "Fails in Phase II",
        "Reaches market",
    ]:
        assert expected in text, expected


def test_the_term_sheet_in_chinese_is_set_in_the_cjk_font(staff_user, valuation):
    response = api_client_for(staff_user).get(
        api_url(valuation, "term-sheet-pdf"), {"structure": "1", "lang": "zh-hans"}
    )

    assert response.status_code == 200
    assert b"STSong-Light" in response.content
    text = pdf_text(response.content)
    for expected in ["条款清单", "首付款", "20.00 USD", "II期临床试验", "6.5 %", "附件：估值摘要"]:
        assert expected in text, expected
    # The structure is named in the sheet's language, whatever the reader's.
    assert "均衡" in text and "Balanced" not in text


def test_the_term_sheet_names_the_projects_achievements(staff_user, valuation, institution):
    achievement = AchievementFactory(title="Bispecific antibody platform", owner=institution)
    achievement.projects.add(valuation.project)

    response = api_client_for(staff_user).get(api_url(valuation, "term-sheet-pdf"))

    assert f"{achievement.reference} · Bispecific antibody platform" in pdf_text(response.content)


def test_a_menu_structures_annex_gives_its_spread_and_probability_of_loss(staff_user, valuation):
    response = api_client_for(staff_user).post(
        api_url(valuation, "term-sheet"), {"structure": "1", "language": "en"}, format="json"
    )

    text = pdf_text(response.content)
    assert "Balanced" in text
    # Each party's risk, in whole units of the currency the table names:
    # the licensor's exact mean, sd, P5 and P95, the licensee's P5.
    assert "Amounts in USD." in text
    lines = text.split("\n")
    for expected in ["64", "99", "20", "302", "-95"]:
        assert expected in lines, expected
    assert "50.00 USD" in text and "35.60 USD" in text  # licensee cash before launch


@pytest.mark.parametrize(
    ("structure", "code"),
    [("7", "unknown_structure"), ("0", "infeasible_structure"), ("x", "unknown_structure")],
)
def test_a_bad_structure_is_a_400_naming_the_field(staff_user, valuation, structure, code):
    response = api_client_for(staff_user).get(
        api_url(valuation, "term-sheet-pdf"), {"structure": structure}
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert "structure" in error["fields"]


def test_bad_terms_are_a_400_naming_the_field(staff_user, valuation):
    body = {
        "structure": "deal",
        "stages": [{"stage": drug_stage("basic_research").pk, "licensee_cost_percent": "50"}],
    }

    behind = api_client_for(staff_user).post(api_url(valuation, "term-sheet"), body, format="json")
    too_much = api_client_for(staff_user).post(
        api_url(valuation, "term-sheet"), {"equity_share": "120"}, format="json"
    )

    assert behind.status_code == 400
    assert "stages.0.stage" in behind.json()["error"]["fields"]
    assert too_much.status_code == 400
    assert "equity_share" in too_much.json()["error"]["fields"]


def test_text_a_pdf_cannot_set_is_a_400(staff_user, valuation):
    """A lone surrogate, which JSON can carry as an escape, has no glyph."""
    response = api_client_for(staff_user).post(
        api_url(valuation, "term-sheet"),
        '{"licensor": "\\ud800 Institute"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "licensor" in response.json()["error"]["fields"]


def test_a_partner_cannot_download_a_term_sheet_of_a_project_it_may_not_see(
    other_partner_user, partner_user, valuation
):
    """Nor of staff's valuation of its own project: a valuation is a side's
    negotiating position."""
    for user in (other_partner_user, partner_user):
        client = api_client_for(user)
        assert client.get(api_url(valuation, "term-sheet-pdf")).status_code == 404
        assert client.post(api_url(valuation, "term-sheet"), {}, format="json").status_code == 404


# --- Turn into an agreement -----------------------------------------------------------


def test_the_draft_agreement_has_exactly_the_terms_of_the_structure(staff_user, valuation):
    stages = [
        {
            "stage": drug_stage(code).pk,
            "licensee_cost_percent": "60" if code == "phase_1" else "80",
            "failure_clause": f"Ends in {code}: rights revert." if code == "phase_2" else "",
            "ip_reverts_to_institution": True,
            "sunk_costs_borne_by": "enterprise",
        }
        for code in STAGES_AHEAD
    ]

    response = api_client_for(staff_user).post(
        api_url(valuation, "agreement"),
        {
            "structure": "deal",
            "reference": "AGR-TS-1",
            "field_of_use": "Oncology",
            "territory": "Greater China",
            "minimum_annual_royalty": "25",
            "equity_share": "5",
            "stages": stages,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    agreement = Agreement.objects.get(pk=response.json()["id"])
    assert response.json()["reference"] == "AGR-TS-1"
    assert agreement.status == "draft" and agreement.kind == "licence"
    assert agreement.partnership == valuation.project.agreement.partnership
    assert agreement.currency == "USD"
    assert agreement.upfront_amount == D(str(DEAL["upfront"]))
    assert (agreement.field_of_use, agreement.territory) == ("Oncology", "Greater China")
    assert agreement.royalty_basis == "marginal"
    assert agreement.royalty_term_years == DEAL["royalty_years"]
    assert agreement.minimum_annual_royalty == D("25")
    assert agreement.equity_share == D("5")
    schedule = list(agreement.milestone_schedule.order_by("position"))
    assert [(item.name, item.amount) for item in schedule] == [
        (m["name"], D(str(m["amount"]))) for m in DEAL["milestones"]
    ]
    # Paid on success of Phase I: on entering Phase II. The sales milestone
    # is an event.
    assert schedule[0].trigger_stage == drug_stage("phase_2")
    assert schedule[1].trigger_stage is None
    assert schedule[1].trigger_event == "Annual net sales reach 1,000.00 USD"
    # Bands "up to" become tiers "above": each starts where the one before ends.
    expected_tiers, lower = [], D(0)
    for tier in DEAL["royalty_tiers"]:
        expected_tiers.append((lower, D(str(tier["rate"])) * 100))
        lower = D(str(tier["up_to"])) if tier["up_to"] is not None else lower
    assert [
        (tier.lower_bound, tier.rate_percent) for tier in agreement.royalty_tiers.all()
    ] == expected_tiers
    shares = {
        (share.first_stage.code, share.party): share.percent
        for share in agreement.cost_shares.select_related("first_stage")
    }
    assert shares[("phase_1", "enterprise")] == D("60")
    assert shares[("phase_1", "research")] == D("40")
    assert shares[("gmp_scale_up", "enterprise")] == D("80")
    assert len(shares) == 2 * len(STAGES_AHEAD)
    clauses = list(agreement.failure_clauses.select_related("stage"))
    assert [(c.stage.code, c.notes, c.sunk_costs_borne_by) for c in clauses] == [
        ("phase_2", "Ends in phase_2: rights revert.", "enterprise")
    ]
    assert TermSheetAgreement.objects.get(agreement=agreement).valuation == valuation


def test_a_menu_structure_becomes_an_agreement_with_its_own_terms(staff_user, valuation):
    response = api_client_for(staff_user).post(
        api_url(valuation, "agreement"), {"structure": "1"}, format="json"
    )

    assert response.status_code == 201, response.content
    agreement = Agreement.objects.get(pk=response.json()["id"])
    assert agreement.reference == f"{valuation.project.code}-TS{valuation.pk}-2"
    assert agreement.upfront_amount == D(str(MENU_DEAL["upfront"]))
    assert agreement.royalty_basis == "whole"
    assert agreement.royalty_term_years == MENU_DEAL["royalty_years"]
    assert [(t.lower_bound, t.rate_percent) for t in agreement.royalty_tiers.all()] == [
        (D(0), D("6.5"))
    ]
    assert set(
        agreement.cost_shares.filter(party="enterprise").values_list("percent", flat=True)
    ) == {D(100)}


def test_a_milestone_a_structure_zeroes_is_left_out(staff_user, project):
    results = copy.deepcopy(RESULTS)
    results["menu"]["structures"][1]["deal"]["milestones"][0]["amount"] = 0
    valuation = valuation_with_menu(project, by=staff_user, results=results)

    response = api_client_for(staff_user).post(
        api_url(valuation, "agreement"), {"structure": "1"}, format="json"
    )

    assert response.status_code == 201
    assert not Agreement.objects.get(pk=response.json()["id"]).milestone_schedule.exists()


def test_a_royalty_term_given_as_null_runs_until_the_agreement_expires(staff_user, valuation):
    response = api_client_for(staff_user).post(
        api_url(valuation, "agreement"),
        {"structure": "deal", "royalty_term_years": None},
        format="json",
    )

    assert response.status_code == 201
    assert Agreement.objects.get(pk=response.json()["id"]).royalty_term_years is None


def test_a_partner_cannot_turn_a_valuation_into_an_agreement(partner_user, project):
    """Its own valuation: it sees it, but agreements are the research
    party's to write."""
    valuation = valuation_with_menu(project, by=partner_user)

    response = api_client_for(partner_user).post(
        api_url(valuation, "agreement"), {"structure": "deal"}, format="json"
    )

    assert response.status_code == 403
    assert not Agreement.objects.filter(reference__contains="-TS").exists()


def test_staff_of_another_institution_cannot_make_the_agreement(staff_user, valuation):
    """The staff user sees the valuation but names a partnership of an
    institution it does not work for: the partnership is not one it may
    see."""
    foreign = PartnershipFactory()

    response = api_client_for(staff_user).post(
        api_url(valuation, "agreement"),
        {"structure": "deal", "partnership": foreign.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "partnership" in response.json()["error"]["fields"]
    assert not foreign.agreements.exists()


def test_staff_who_do_not_act_for_the_research_party_cannot_make_the_agreement(
    staff_user, staff_browser, institution
):
    """The staff user's institution leads the project, so it sees the
    valuation; but the project runs under another institution's
    partnership, whose agreements it may not write."""
    project = ProjectUnderAgreementFactory(
        current_stage=drug_stage("phase_1"), lead_institution=institution
    )
    valuation = valuation_with_menu(project, by=staff_user)

    api = api_client_for(staff_user).post(
        api_url(valuation, "agreement"), {"structure": "deal"}, format="json"
    )
    page = staff_browser.get(reverse("valuations:term_sheet", args=[valuation.pk]))
    ui = staff_browser.post(
        reverse("valuations:term_sheet_agreement", args=[valuation.pk]) + "?structure=deal",
        {**form_data(page), "partnership": project.partnership.pk},
    )

    assert api.status_code == 403
    assert api.json()["error"]["code"] == "permission_denied"
    assert ui.status_code == 400
    assert ui.context["form"].errors
    assert not Agreement.objects.filter(term_sheet_source__isnull=False).exists()


def test_a_refused_term_leaves_no_agreement(staff_user, valuation):
    """All or nothing: a reference already taken leaves nothing behind."""
    taken = valuation.project.agreement.reference

    response = api_client_for(staff_user).post(
        api_url(valuation, "agreement"), {"structure": "deal", "reference": taken}, format="json"
    )

    assert response.status_code == 400
    assert "reference" in response.json()["error"]["fields"]
    assert not TermSheetAgreement.objects.exists()


# --- The staff UI ----------------------------------------------------------------------


@pytest.fixture
def staff_browser(client, staff_user):
    client.force_login(staff_user)
    return client


def form_data(page):
    """What the term sheet form sends as shown: its initial values."""
    form, rows = page.context["form"], page.context["rows"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    data.update(
        {
            "stages-TOTAL_FORMS": len(rows.forms),
            "stages-INITIAL_FORMS": len(rows.forms),
        }
    )
    for index, row in enumerate(rows.forms):
        for name in row.fields:
            value = row.initial.get(name)
            if name == "ip_reverts_to_institution":
                if value:
                    data[f"stages-{index}-{name}"] = "on"
                continue
            data[f"stages-{index}-{name}"] = value
    return data


def test_the_valuation_page_offers_a_term_sheet_per_structure(staff_browser, valuation):
    page = staff_browser.get(reverse("valuations:detail", args=[valuation.pk])).content.decode()

    term_sheet = reverse("valuations:term_sheet", args=[valuation.pk])
    assert f"{term_sheet}?structure=deal" in page
    assert f"{term_sheet}?structure=1" in page
    assert f"{term_sheet}?structure=0" not in page  # infeasible


def test_the_form_downloads_the_pdf_and_turns_it_into_an_agreement(staff_browser, valuation):
    url = reverse("valuations:term_sheet", args=[valuation.pk])
    page = staff_browser.get(url, {"structure": "deal"})
    assert page.status_code == 200
    data = form_data(page)
    data["territory"] = "Greater China"
    data["stages-0-licensee_cost_percent"] = "55"

    pdf = staff_browser.post(
        reverse("valuations:term_sheet_pdf", args=[valuation.pk]) + "?structure=deal", data
    )
    made = staff_browser.post(
        reverse("valuations:term_sheet_agreement", args=[valuation.pk]) + "?structure=deal", data
    )

    assert pdf["Content-Type"] == "application/pdf"
    assert "Greater China" in pdf_text(pdf.content)
    agreement = Agreement.objects.get(term_sheet_source__valuation=valuation)
    assert made.status_code == 302 and made["Location"] == agreement.get_absolute_url()
    detail = staff_browser.get(reverse("valuations:detail", args=[valuation.pk]))
    assert agreement.get_absolute_url() in detail.content.decode()
    assert agreement.territory == "Greater China"
    assert agreement.cost_shares.get(first_stage__code="phase_1", party="enterprise").percent == 55


def test_the_form_shows_errors_next_to_the_fields(staff_browser, valuation):
    page = staff_browser.get(reverse("valuations:term_sheet", args=[valuation.pk]))
    data = form_data(page)
    data["stages-1-licensee_cost_percent"] = "130"
    data["equity_share"] = "-1"

    response = staff_browser.post(
        reverse("valuations:term_sheet_pdf", args=[valuation.pk]) + "?structure=deal", data
    )

    assert response.status_code == 400
    assert response.context["form"].errors["equity_share"]
    assert response.context["rows"].forms[1].errors["licensee_cost_percent"]


def test_the_form_in_chinese(staff_browser, valuation, settings):
    staff_browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = staff_browser.get(reverse("valuations:term_sheet", args=[valuation.pk]))

    assert "条款清单" in page.content.decode()
    assert page.context["form"].initial["language"] == "zh-hans"


def test_the_staff_pages_answer_a_partner_404(client, partner_user, project):
    """Even for its own valuation: partners use the portal and the API."""
    valuation = valuation_with_menu(project, by=partner_user)
    client.force_login(partner_user)

    page = client.get(reverse("valuations:term_sheet", args=[valuation.pk]))
    refused = client.post(
        reverse("valuations:term_sheet_agreement", args=[valuation.pk]) + "?structure=deal", {}
    )

    assert page.status_code == 404
    assert refused.status_code == 404
    assert not Agreement.objects.filter(term_sheet_source__isnull=False).exists()


# --- A menu the engine made ------------------------------------------------------------


def test_a_structure_of_a_menu_the_engine_made_becomes_an_agreement_worth_its_terms(
    staff_user, project, issue_example
):
    """Stored by valuation_run: each structure's deal in the inputs' shape,
    named by its key; the agreement gets exactly that deal's terms."""
    del issue_example["simulation"]
    issue_example["menu"] = {"target": 25, "trials": 2000, "seed": 3}
    valuation = valuation_run(project=project, method="rnpv", inputs=issue_example, by=staff_user)
    structures = valuation.results["menu"]["structures"]
    index = next(i for i, s in enumerate(structures) if s["key"] == "balanced")
    deal = structures[index]["deal"]
    client = api_client_for(staff_user)

    pdf = client.get(api_url(valuation, "term-sheet-pdf"), {"structure": index})
    made = client.post(api_url(valuation, "agreement"), {"structure": index}, format="json")

    assert "Balanced" in pdf_text(pdf.content)
    assert made.status_code == 201, made.content
    agreement = Agreement.objects.get(pk=made.json()["id"])
    places = D("0.01")
    assert agreement.upfront_amount == D(str(deal["upfront"])).quantize(places, ROUND_HALF_UP)
    assert [item.amount for item in agreement.milestone_schedule.order_by("position")] == [
        D(str(m["amount"])).quantize(places, ROUND_HALF_UP)
        for m in deal["milestones"]
        if m["amount"] > 0
    ]
    expected_tiers, lower = [], D(0)
    for tier in deal["royalty_tiers"]:
        expected_tiers.append((lower, (D(str(tier["rate"])) * 100).quantize(D("0.0001"))))
        if tier["up_to"] is not None:
            lower = D(str(tier["up_to"])).quantize(places, ROUND_HALF_UP)
    assert [
        (tier.lower_bound, tier.rate_percent) for tier in agreement.royalty_tiers.all()
    ] == expected_tiers


def test_the_menu_table_links_each_feasible_structure_to_its_term_sheet(staff_browser, valuation):
    page = staff_browser.get(reverse("valuations:detail", args=[valuation.pk])).content.decode()

    assert page.count('data-testid="structure-term-sheet"') == 1  # the infeasible one has none
