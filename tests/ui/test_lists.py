"""The staff UI's list pages: partners (institutions, enterprises, joint
centres, partnerships), agreements, projects, milestones, payments and
royalty reports.

Each list shows what the user's scoping selector lets it see, filtered by the
model's FilterSet, sorted by a whitelisted column, one page at a time; its
CSV and Excel exports hold exactly the rows of the filtered list, all pages.
Partner users who open a staff list see only what their enterprise is party
to, as in the API (the partner portal will give them pages of their own).
"""

import csv
import datetime
import io
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from partnerships.choices import CooperationMode
from projects.models import Invoice, Payment
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    JointCentreFactory,
    JointCentrePartyFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    ResearchProjectFactory,
    RoyaltyReportFactory,
    UserFactory,
    VatInvoiceFactory,
)

pytestmark = pytest.mark.django_db

PAGES = {
    "partners:institutions": "/partners/institutions/",
    "partners:enterprises": "/partners/enterprises/",
    "partners:joint_centres": "/partners/joint-centres/",
    "partners:partnerships": "/partners/partnerships/",
    "agreements:list": "/agreements/",
    "projects:list": "/projects/",
    "milestones:list": "/milestones/",
    "milestones:payments": "/milestones/payments/",
    "milestones:invoices": "/milestones/invoices/",
    "royalties:list": "/royalties/",
    "achievements:list": "/achievements/",
}


# --- A world of two sides -----------------------------------------------------------


@dataclass
class Side:
    """What one institution and one enterprise share: a partnership, an
    agreement under it, a project, a milestone that is invoiced and partly
    paid, and a royalty report."""

    partnership: object
    agreement: object
    project: object
    milestone: object
    payment: object
    royalty_report: object
    achievement: object


def make_payment(milestone, *, amount=Decimal("1000.00"), reference="") -> Payment:
    invoice = Invoice.objects.create(
        number=f"INV-{milestone.pk}",
        milestone=milestone,
        payee_name="Payee",
        payer_name=milestone.agreement.partnership.enterprise.name,
        amount=milestone.amount,
        currency=milestone.currency,
        issued_on=datetime.date(2025, 4, 1),
        due_on=datetime.date(2025, 5, 1),
    )
    return Payment.objects.create(
        invoice=invoice,
        amount=amount,
        currency=milestone.currency,
        paid_on=datetime.date(2025, 4, 20),
        reference=reference or f"BANK-{milestone.pk}",
    )


def make_side(*, institution, enterprise, code: str) -> Side:
    partnership = PartnershipFactory(
        code=f"PS-{code}",
        title=f"{code} partnership",
        institution=institution,
        enterprise=enterprise,
    )
    agreement = AgreementFactory(
        partnership=partnership, reference=f"AGR-{code}", title=f"{code} licence"
    )
    project = ProjectUnderAgreementFactory(
        agreement=agreement, code=f"PRJ-{code}", title=f"{code} antibody"
    )
    milestone = MilestoneFactory(
        project=project, name=f"{code} proof of concept", status="invoiced"
    )
    return Side(
        partnership=partnership,
        agreement=agreement,
        project=project,
        milestone=milestone,
        payment=make_payment(milestone, reference=f"BANK-{code}"),
        royalty_report=RoyaltyReportFactory(agreement=agreement, project=project),
        achievement=AchievementFactory(owner=institution, reference=f"ACH-{code}"),
    )


@pytest.fixture
def own(institution, enterprise):
    """The side of ``staff_user`` and ``partner_user``."""
    return make_side(institution=institution, enterprise=enterprise, code="OWN")


@pytest.fixture
def foreign(other_partner_user):
    """Another institution's side, with ``other_partner_user``'s enterprise."""
    return make_side(
        institution=InstitutionFactory(), enterprise=other_partner_user.enterprise, code="FOREIGN"
    )


def signed_in(client, user):
    client.force_login(user)
    return client


# --- Every page -----------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES.values())
def test_every_list_answers_staff(client, staff_user, own, url):
    response = signed_in(client, staff_user).get(url)

    assert response.status_code == 200
    assert 'aria-sort="' in response.text
    assert "format=csv" in response.text and "format=xlsx" in response.text


@pytest.mark.parametrize("url", [*PAGES.values(), "/partners/"])
def test_every_list_sends_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", PAGES.values())
def test_no_list_opens_to_a_partner(client, partner_user, url):
    """Partner users have the portal; the staff lists and their exports
    answer 404, never a scoped page."""
    response = signed_in(client, partner_user).get(url)
    export = signed_in(client, partner_user).get(url, {"export": "csv"})

    assert response.status_code == 404
    assert export.status_code == 404


def test_the_partners_section_opens_on_institutions(client, staff_user):
    response = signed_in(client, staff_user).get("/partners/")

    assert response.status_code == 302
    assert response.url == "/partners/institutions/"


@pytest.mark.parametrize("url", PAGES.values())
def test_an_empty_list_says_so(client, staff_user, url):
    response = signed_in(client, staff_user).get(url, {"q": "nothing-like-this"})

    assert response.status_code == 200
    assert "Nothing matches these filters." in response.text


# --- Who sees what ------------------------------------------------------------------

SCOPED = {
    "partners:partnerships": lambda side: side.partnership.code,
    "agreements:list": lambda side: side.agreement.reference,
    "projects:list": lambda side: side.project.code,
    "milestones:list": lambda side: side.milestone.name,
    "milestones:payments": lambda side: side.payment.reference,
    "milestones:invoices": lambda side: side.payment.invoice.number,
    "royalties:list": lambda side: side.agreement.reference,
    "achievements:list": lambda side: side.achievement.reference,
}


@pytest.mark.parametrize("name", SCOPED)
def test_staff_see_their_institution_s_rows_and_not_another_s(
    client, staff_user, own, foreign, name
):
    """Staff of one institution do not see another institution's
    partnerships, agreements, projects, milestones, payments or royalties."""
    marker = SCOPED[name]

    response = signed_in(client, staff_user).get(PAGES[name])

    assert marker(own) in response.text
    assert marker(foreign) not in response.text


@pytest.mark.parametrize("name", SCOPED)
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_exports_are_scoped_like_the_page(client, staff_user, own, foreign, name, export_format):
    marker = SCOPED[name]

    rows = exported(signed_in(client, staff_user), PAGES[name], export_format)

    cells = {cell for row in rows for cell in row}
    assert marker(own) in cells
    assert marker(foreign) not in cells


# --- Filters, search and sorting ----------------------------------------------------


def codes_in(text: str, prefix: str) -> list[str]:
    return re.findall(rf">({prefix}[\w-]*)<", text)


def test_partnerships_filter_by_mode_and_search(client, superuser):
    PartnershipFactory(code="PS-TRANSFER", mode=CooperationMode.TRANSFER)
    PartnershipFactory(code="PS-CONTRACT", mode=CooperationMode.CONTRACT_RD, title="Enzymes")
    client = signed_in(client, superuser)

    by_mode = client.get(PAGES["partners:partnerships"], {"mode": "contract_rd"})
    by_search = client.get(PAGES["partners:partnerships"], {"q": "enzym"})

    assert codes_in(by_mode.text, "PS-") == ["PS-CONTRACT"]
    assert codes_in(by_search.text, "PS-") == ["PS-CONTRACT"]


def test_agreements_sort_by_reference_both_ways(client, superuser):
    for reference in ["AGR-B", "AGR-C", "AGR-A"]:
        AgreementFactory(reference=reference)
    client = signed_in(client, superuser)

    ascending = client.get(PAGES["agreements:list"], {"sort": "reference"})
    descending = client.get(PAGES["agreements:list"], {"sort": "-reference"})

    assert codes_in(ascending.text, "AGR-") == ["AGR-A", "AGR-B", "AGR-C"]
    assert codes_in(descending.text, "AGR-") == ["AGR-C", "AGR-B", "AGR-A"]
    assert 'aria-sort="descending"' in descending.text


def test_agreements_without_a_signing_date_come_last_either_way(client, superuser):
    AgreementFactory(reference="AGR-DRAFT", status="draft", signed_on=None)
    AgreementFactory(reference="AGR-OLD", signed_on=datetime.date(2020, 1, 1))
    AgreementFactory(reference="AGR-NEW", signed_on=datetime.date(2025, 1, 1))
    client = signed_in(client, superuser)

    newest_first = client.get(PAGES["agreements:list"], {"sort": "-signed_on"})
    oldest_first = client.get(PAGES["agreements:list"], {"sort": "signed_on"})

    assert codes_in(newest_first.text, "AGR-") == ["AGR-NEW", "AGR-OLD", "AGR-DRAFT"]
    assert codes_in(oldest_first.text, "AGR-") == ["AGR-OLD", "AGR-NEW", "AGR-DRAFT"]


def test_an_unknown_sort_falls_back_to_the_default(client, superuser):
    AgreementFactory(reference="AGR-ONE")
    client = signed_in(client, superuser)

    response = client.get(PAGES["agreements:list"], {"sort": "partnership__enterprise__id"})

    assert response.status_code == 200
    assert "AGR-ONE" in response.text


def test_sort_links_keep_the_filters_and_go_back_to_page_one(client, superuser):
    AgreementFactory(reference="AGR-ONE")
    client = signed_in(client, superuser)

    response = client.get(
        PAGES["agreements:list"], {"status": "signed", "sort": "reference", "page": "1"}
    )

    assert 'href="?status=signed&amp;sort=-reference"' in response.text


def test_pagination_links_keep_the_filters_and_the_sort(client, superuser):
    enterprise = EnterpriseFactory()
    for number in range(51):
        PartnershipFactory(code=f"PS-P{number:02d}", enterprise=enterprise)
    client = signed_in(client, superuser)

    first = client.get(
        PAGES["partners:partnerships"], {"enterprise": enterprise.pk, "sort": "code"}
    )
    second = client.get(
        PAGES["partners:partnerships"], {"enterprise": enterprise.pk, "sort": "code", "page": 2}
    )

    assert f"?enterprise={enterprise.pk}&amp;sort=code&amp;page=2" in first.text
    assert codes_in(second.text, "PS-") == ["PS-P50"]
    # A filter given in the address but not shown stays in the form.
    assert f'name="enterprise" value="{enterprise.pk}"' in first.text


@pytest.mark.parametrize("export_format", [None, "csv"])
def test_an_invalid_filter_shows_its_error_and_no_rows(client, superuser, export_format):
    PartnershipFactory(code="PS-ANY")
    params = {"started_after": "not a date"}
    if export_format:
        params["format"] = export_format
    client = signed_in(client, superuser)

    response = client.get(PAGES["partners:partnerships"], params)

    if export_format:
        assert b"".join(response.streaming_content).decode("utf-8-sig").count("\n") == 1
    else:
        assert "Enter a valid date." in response.text
        assert "PS-ANY" not in response.text


def test_the_lists_speak_chinese_when_asked(client, superuser):
    PartnershipFactory(code="PS-ZH", enterprise=EnterpriseFactory(name="Hanhai", name_zh="瀚海"))
    client = signed_in(client, superuser)

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    response = client.get(PAGES["partners:partnerships"])

    assert "瀚海" in response.text and "Hanhai" not in response.text


def test_milestones_filter_by_status_and_overdue(client, superuser):
    late = MilestoneFactory(name="Late payment", due_date=datetime.date(2020, 1, 1))
    MilestoneFactory(name="Future payment", due_date=datetime.date(2099, 1, 1))
    MilestoneFactory(name="Paid long ago", due_date=datetime.date(2020, 1, 1), status="paid")
    client = signed_in(client, superuser)

    overdue = client.get(PAGES["milestones:list"], {"overdue": "true"})
    paid = client.get(PAGES["milestones:list"], {"status": ["paid"]})
    due_later = client.get(PAGES["milestones:list"], {"due_after": "2030-01-01"})

    assert late.name in overdue.text and "Future payment" not in overdue.text
    assert "Paid long ago" not in overdue.text and "Overdue" in overdue.text
    assert "Paid long ago" in paid.text and "Late payment" not in paid.text
    assert "Future payment" in due_later.text and "Late payment" not in due_later.text


def test_institutions_filter_by_kind(client, staff_user):
    InstitutionFactory(code="HOSP", kind="hospital")
    client = signed_in(client, staff_user)

    response = client.get(PAGES["partners:institutions"], {"kind": "hospital"})

    assert codes_in(response.text, "HOSP") == ["HOSP"]
    assert staff_user.institutions.get().code not in response.text


def test_joint_centres_show_their_parties(client, staff_user):
    party = JointCentrePartyFactory(centre=JointCentreFactory(code="JC-BIO"))
    client = signed_in(client, staff_user)

    response = client.get(PAGES["partners:joint_centres"], {"q": "JC-BIO"})

    assert "JC-BIO" in response.text and party.institution.name in response.text


def test_a_search_counts_and_pages_its_matches(client, superuser):
    enterprise = EnterpriseFactory()
    for number in range(53):
        ResearchProjectFactory(code=f"PRJ-K{number:02d}", title=f"KRAS inhibitor {number}")
    ResearchProjectFactory(code="PRJ-OTHER", partner_enterprises=[enterprise])
    client = signed_in(client, superuser)

    first = client.get(PAGES["projects:list"], {"q": "kras"})
    second = client.get(PAGES["projects:list"], {"q": "kras", "page": 2})
    beyond = client.get(PAGES["projects:list"], {"q": "kras", "page": 9})

    assert "53 projects" in first.text
    assert len(codes_in(first.text, "PRJ-K")) == 50
    assert codes_in(second.text, "PRJ-K") == ["PRJ-K50", "PRJ-K51", "PRJ-K52"]
    assert codes_in(beyond.text, "PRJ-K") == ["PRJ-K50", "PRJ-K51", "PRJ-K52"]
    assert "PRJ-OTHER" not in first.text + second.text


def test_past_the_count_cap_the_project_list_says_more_than_and_pages_on(
    client, superuser, monkeypatch
):
    """A list of a million projects is not counted on every page: past the
    cap it says "more than", numbers the page without a total and still
    leads to the next one; a page past the cap counts as far as it reaches."""
    monkeypatch.setattr("projects.views.projects.COUNT_CAP", 10)
    for number in range(53):
        ResearchProjectFactory(code=f"PRJ-K{number:02d}")
    client = signed_in(client, superuser)

    first = client.get(PAGES["projects:list"])
    second = client.get(PAGES["projects:list"], {"page": 2})
    beyond = client.get(PAGES["projects:list"], {"page": 9})

    assert "More than 50 projects" in first.text
    assert "Every row matching the filter (more than 50)" in first.text
    assert "Page 1<" in first.text
    assert 'rel="next"' in first.text
    assert ">Last<" not in first.text
    assert len(codes_in(first.text, "PRJ-K")) == 50
    assert "53 projects" in second.text
    assert "Page 2 of 2" in second.text
    assert codes_in(second.text, "PRJ-K") == ["PRJ-K50", "PRJ-K51", "PRJ-K52"]
    assert codes_in(beyond.text, "PRJ-K") == ["PRJ-K50", "PRJ-K51", "PRJ-K52"]


def test_past_the_count_cap_the_list_says_exports_hold_at_most_their_limit(
    client, superuser, monkeypatch
):
    """Whether the rows run past the export's limit is not counted either:
    the notice, "at most the first N rows" in Chinese, holds both ways."""
    monkeypatch.setattr("projects.views.projects.COUNT_CAP", 10)
    monkeypatch.setattr("core.ui.exports.MAX_EXPORT_ROWS", 60)
    for number in range(53):
        ResearchProjectFactory(code=f"PRJ-K{number:02d}")
    client = signed_in(client, superuser)

    first = client.get(PAGES["projects:list"])
    second = client.get(PAGES["projects:list"], {"page": 2})

    assert "More than 50 projects" in first.text
    assert "Exports hold the first 60 rows." in first.text
    assert "Exports hold the first 60 rows." not in second.text


def test_a_search_with_a_filter_on_centre_parties_counts_each_centre_once(client, staff_user):
    centre = JointCentreFactory(code="JC-TWO")
    host = JointCentrePartyFactory(centre=centre)
    JointCentrePartyFactory(centre=centre)
    client = signed_in(client, staff_user)

    response = client.get(
        PAGES["partners:joint_centres"], {"q": "JC-TWO", "institution": host.institution_id}
    )

    assert "1 joint centre" in response.text
    assert codes_in(response.text, "JC-") == ["JC-TWO"]


def test_the_project_list_sorts_by_title(client, superuser):
    ResearchProjectFactory(code="PRJ-B", title="Zebrafish model")
    ResearchProjectFactory(code="PRJ-A", title="Yeast strain")
    client = signed_in(client, superuser)

    response = client.get(PAGES["projects:list"], {"sort": "-title"})

    assert codes_in(response.text, "PRJ-") == ["PRJ-B", "PRJ-A"]


def test_payments_and_royalties_search(client, superuser, own, foreign):
    client = signed_in(client, superuser)

    payments = client.get(PAGES["milestones:payments"], {"q": "BANK-FOREIGN"})
    royalties = client.get(PAGES["royalties:list"], {"q": "AGR-OWN"})

    assert "BANK-FOREIGN" in payments.text and "BANK-OWN" not in payments.text
    assert "AGR-OWN" in royalties.text and "AGR-FOREIGN" not in royalties.text


# --- Exports ------------------------------------------------------------------------


def exported(client, url, export_format, params=None) -> list[list[str]]:
    """The rows of an export, header first, every cell as text."""
    response = client.get(url, {**(params or {}), "format": export_format})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f".{export_format}" in disposition
    if export_format == "csv":
        assert content.startswith(b"\xef\xbb\xbf"), "a UTF-8 byte-order mark for Excel"
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_an_export_holds_exactly_the_filtered_rows_in_the_page_s_order(
    client, superuser, export_format
):
    for reference, status in [("AGR-S2", "signed"), ("AGR-D1", "draft"), ("AGR-S1", "signed")]:
        AgreementFactory(reference=reference, status=status, signed_on=datetime.date(2024, 1, 1))
    client = signed_in(client, superuser)

    rows = exported(
        client, PAGES["agreements:list"], export_format, {"status": "signed", "sort": "reference"}
    )

    assert rows[0][:2] == ["Reference", "Title"]
    assert [row[0] for row in rows[1:]] == ["AGR-S1", "AGR-S2"]
    assert {row[3] for row in rows[1:]} == {"Signed"}


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_an_export_is_not_limited_to_one_page(client, superuser, export_format):
    enterprise = EnterpriseFactory()
    for number in range(55):
        PartnershipFactory(code=f"PS-E{number:02d}", enterprise=enterprise)
    client = signed_in(client, superuser)

    rows = exported(
        client, PAGES["partners:partnerships"], export_format, {"enterprise": enterprise.pk}
    )

    assert len(rows) == 1 + 55


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_an_export_stops_at_the_cap_and_the_page_says_so(
    client, superuser, monkeypatch, export_format
):
    monkeypatch.setattr("core.ui.exports.MAX_EXPORT_ROWS", 3)
    for number in range(5):
        PartnershipFactory(code=f"PS-CAP{number}")
    client = signed_in(client, superuser)

    rows = exported(client, PAGES["partners:partnerships"], export_format, {"sort": "code"})
    page = client.get(PAGES["partners:partnerships"])

    assert [row[0] for row in rows[1:]] == ["PS-CAP0", "PS-CAP1", "PS-CAP2"]
    assert "Exports hold the first 3 rows." in page.text


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_an_export_keeps_chinese_names_and_numbers(client, superuser, export_format):
    project = ResearchProjectFactory(
        code="PRJ-ZH",
        title="PD-1 antibody",
        title_zh="PD-1 抗体",
        budget=Decimal("1234.50"),
        partner_enterprises=[EnterpriseFactory(name="Acme Bio"), EnterpriseFactory(name="Beta")],
    )
    client = signed_in(client, superuser)

    rows = exported(client, PAGES["projects:list"], export_format, {"q": "PRJ-ZH"})

    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["Code"] == project.code
    assert record["Title in Chinese"] == "PD-1 抗体"
    assert record["Partner enterprises"] == "Acme Bio, Beta"
    assert Decimal(record["Budget"]) == Decimal("1234.50")


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_an_export_shows_formulas_as_text(client, superuser, export_format):
    PartnershipFactory(code="PS-EVIL", title='=HYPERLINK("http://evil.example","x")')
    client = signed_in(client, superuser)

    rows = exported(client, PAGES["partners:partnerships"], export_format, {"q": "PS-EVIL"})

    title = rows[1][1]
    assert "HYPERLINK" in title
    if export_format == "csv":
        assert title.startswith("'=")


@pytest.mark.parametrize("url", PAGES.values())
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_every_list_exports(client, superuser, own, url, export_format):
    JointCentrePartyFactory()
    rows = exported(signed_in(client, superuser), url, export_format)

    assert len(rows) >= 2


# --- Queries do not grow with the rows ----------------------------------------------


def _add_institution(world):
    InstitutionFactory()


def _add_enterprise(world):
    EnterpriseFactory()


def _add_joint_centre(world):
    centre = JointCentreFactory()
    JointCentrePartyFactory(centre=centre, institution=world["institution"])
    JointCentrePartyFactory(centre=centre, institution=None, enterprise=world["enterprise"])


def _add_partnership(world):
    PartnershipFactory(institution=world["institution"], enterprise=world["enterprise"])


def _add_agreement(world):
    AgreementFactory(partnership=world["partnership"])


def _add_project(world):
    ResearchProjectFactory(
        lead_institution=world["institution"], partner_enterprises=[world["enterprise"]]
    )


def _add_milestone(world):
    MilestoneFactory(project=world["project"])


def _add_payment(world):
    make_payment(MilestoneFactory(project=world["project"], status="invoiced"))


def _add_invoice_with_vat_invoice(world):
    invoice = make_payment(MilestoneFactory(project=world["project"], status="invoiced")).invoice
    VatInvoiceFactory(invoice=invoice)


_report_years = itertools.count(1990)


def _add_royalty_report(world):
    year = next(_report_years)
    RoyaltyReportFactory(
        agreement=world["agreement"],
        project=world["project"],
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
    )


def _add_achievement(world):
    AchievementFactory(owner=world["institution"])


ADD_ROW = {
    "partners:institutions": _add_institution,
    "partners:enterprises": _add_enterprise,
    "partners:joint_centres": _add_joint_centre,
    "partners:partnerships": _add_partnership,
    "agreements:list": _add_agreement,
    "projects:list": _add_project,
    "milestones:list": _add_milestone,
    "milestones:payments": _add_payment,
    "milestones:invoices": _add_invoice_with_vat_invoice,
    "royalties:list": _add_royalty_report,
    "achievements:list": _add_achievement,
}


@pytest.fixture
def staff_world(staff_user, institution):
    """Staff and the things their rows hang from, before any row exists."""
    enterprise = EnterpriseFactory()
    partnership = PartnershipFactory(institution=institution, enterprise=enterprise)
    agreement = AgreementFactory(partnership=partnership)
    project = ProjectUnderAgreementFactory(agreement=agreement)
    return {
        "institution": institution,
        "enterprise": enterprise,
        "partnership": partnership,
        "agreement": agreement,
        "project": project,
    }


def _fetch(client, url, export_format):
    response = client.get(url, {"format": export_format} if export_format else {})
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("export_format", [None, "csv", "xlsx"])
def test_queries_do_not_grow_with_the_rows(
    client, staff_user, staff_world, django_assert_max_num_queries, name, export_format
):
    """A list and its exports cost the same number of queries for one row
    as for fifty (a page of them)."""
    url, add_row = PAGES[name], ADD_ROW[name]
    add_row(staff_world)
    client = signed_in(client, staff_user)
    _fetch(client, url, export_format)  # Warm the session and the content types.
    with django_assert_max_num_queries(30) as one_row:
        _fetch(client, url, export_format)
    for _ in range(49):
        add_row(staff_world)

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        _fetch(client, url, export_format)


def test_a_staff_member_of_no_institution_sees_empty_lists(client):
    user = UserFactory()

    response = signed_in(client, user).get(PAGES["agreements:list"])

    assert response.status_code == 200
    assert "Nothing here yet." in response.text


def test_the_project_list_offers_to_register_a_project(client, staff_user):
    response = signed_in(client, staff_user).get(PAGES["projects:list"])

    assert f'href="{reverse("projects:create")}"' in response.text
    assert "New project" in response.text


def test_the_project_list_finds_projects_by_a_partners_name(client, superuser):
    enterprise = EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药")
    other = EnterpriseFactory(name="Another Partner")
    institution = InstitutionFactory(name="Riverside University", name_zh="江畔大学")
    both = ResearchProjectFactory(code="PRJ-BOTH", partner_enterprises=[enterprise, other])
    led = ResearchProjectFactory(code="PRJ-LED", lead_institution=institution)
    ResearchProjectFactory(code="PRJ-NONE", partner_enterprises=[other])
    client = signed_in(client, superuser)

    by_enterprise = client.get(PAGES["projects:list"], {"q": "hanhai"}).text
    by_chinese_name = client.get(PAGES["projects:list"], {"q": "瀚海生物"}).text
    by_institution = client.get(PAGES["projects:list"], {"q": "江畔"}).text

    for page in (by_enterprise, by_chinese_name):
        assert codes_in(page, "PRJ-") == [both.code]
        assert "1 project" in page  # listed once, whatever its other partners
    assert codes_in(by_institution, "PRJ-") == [led.code]


def test_a_partner_finds_by_a_partners_name_only_the_projects_it_may_see(client, partner_user):
    from rest_framework.test import APIClient

    mine = ResearchProjectFactory(code="PRJ-MINE", partner_enterprises=[partner_user.enterprise])
    ResearchProjectFactory(code="PRJ-FOREIGN", partner_enterprises=[EnterpriseFactory()])
    api = APIClient()
    api.force_authenticate(partner_user)

    found = api.get("/api/v1/projects/", {"q": partner_user.enterprise.name}).json()
    foreign = api.get("/api/v1/projects/", {"q": "PRJ-FOREIGN"}).json()

    assert [row["code"] for row in found["results"]] == [mine.code]
    assert foreign["results"] == []
