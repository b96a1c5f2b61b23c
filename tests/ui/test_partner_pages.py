"""The detail pages of institutions, enterprises, joint centres,
partnerships and agreements in the staff UI: what each shows, the money it
sums, who reaches it, and that its queries do not grow with its rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from partnerships.computations.term import add_months
from projects import services
from tests.factories import (
    AgreementFactory,
    CostEntryFactory,
    CostShareFactory,
    EnterpriseFactory,
    FailureClauseFactory,
    FixedPaymentFactory,
    InstitutionFactory,
    JointCentreFactory,
    JointCentrePartyFactory,
    MilestoneFactory,
    MilestoneScheduleItemFactory,
    PartnershipFactory,
    PartnerUserFactory,
    PersonFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
    RoyaltyTierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2020, 1, 1)
FAR_AHEAD = datetime.date(2099, 12, 31)


def pay(invoice, amount, by, paid_on=None):
    # Paid the day it is invoiced: a payment is never dated before its invoice.
    paid_on = paid_on or invoice.issued_on
    return services.payment_record(
        invoice=invoice, amount=Decimal(amount), currency=invoice.currency, paid_on=paid_on, by=by
    )


def invoiced_milestone(project, by, amount, due_date, name):
    milestone = MilestoneFactory(
        project=project, name=name, amount=Decimal(amount), status="verified", due_date=due_date
    )
    return services.milestone_invoice(milestone=milestone, by=by)


class World:
    """An institution and an enterprise with a partnership, an agreement
    with terms, a project and money in every state; and another
    institution working with the same enterprise."""


@pytest.fixture
def world(institution, staff_user):
    w = World()
    w.institution = institution
    w.enterprise = EnterpriseFactory(code="HHB", name="Hanhai Biopharma", city="Suzhou")
    w.partnership = PartnershipFactory(
        code="PS-ELU", title="Antibody licence", institution=institution, enterprise=w.enterprise
    )
    w.agreement = AgreementFactory(
        partnership=w.partnership,
        reference="AGR-ELU-1",
        title="Exclusive licence of ELU-7",
        currency="CNY",
        exclusivity="exclusive",
        territory="Greater China",
        upfront_amount=Decimal("1500000"),
    )
    w.project = ProjectUnderAgreementFactory(
        code="ELU-001", title="Bispecific antibody", agreement=w.agreement
    )
    stage = w.project.current_stage
    CostShareFactory(agreement=w.agreement, first_stage=stage, party="research", percent=60)
    CostShareFactory(agreement=w.agreement, first_stage=stage, party="enterprise", percent=40)
    FailureClauseFactory(agreement=w.agreement, stage=stage, break_fee=Decimal("50000"))
    MilestoneScheduleItemFactory(agreement=w.agreement, name="IND filed", amount=2_000_000)
    RoyaltyTierFactory(agreement=w.agreement, lower_bound=0, rate_percent=4)
    RoyaltyTierFactory(agreement=w.agreement, lower_bound=10_000_000, rate_percent=6)
    CostEntryFactory(project=w.project, paid_by="research", amount=1000, currency="CNY")

    # Paid in full: 100,000 received.
    paid = invoiced_milestone(w.project, staff_user, "100000", FAR_AHEAD, "Lead candidate")
    pay(paid, "100000", staff_user)
    # Invoiced long ago, part paid: 200,000 outstanding and overdue.
    w.overdue_invoice = invoiced_milestone(
        w.project, staff_user, "250000", LONG_AGO, "Preclinical package"
    )
    pay(w.overdue_invoice, "50000", staff_user)
    # Claimed, not yet due: 30,000 owed.
    MilestoneFactory(
        project=w.project,
        name="Toxicology study",
        amount=Decimal("30000"),
        status="claimed",
        due_date=FAR_AHEAD,
    )
    # Planned milestones are not owed yet.
    MilestoneFactory(project=w.project, name="Phase I start", amount=Decimal("900000"))
    # A royalty report paid (5,000) and one accepted, not yet invoiced (7,000).
    report = RoyaltyReportFactory(agreement=w.agreement, project=w.project, royalty_due=5000)
    pay(services.royalty_report_invoice(report=report, by=staff_user), "5000", staff_user)
    RoyaltyReportFactory(
        agreement=w.agreement,
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2025, 6, 30),
        net_sales=140_000,
        royalty_due=7000,
    )

    PersonFactory(institution=institution, full_name="Prof. Lin Wei", job_title="Director")
    PersonFactory(institution=None, enterprise=w.enterprise, full_name="Zhao Min")
    w.partner = PartnerUserFactory(
        enterprise=w.enterprise, full_name="Portal User", email="bd@hanhai.example"
    )
    w.centre = JointCentreFactory(code="JC-SZ", name="Suzhou Antibody Centre")
    JointCentrePartyFactory(
        centre=w.centre, institution=institution, annual_funding_commitment=3_000_000
    )
    JointCentrePartyFactory(
        centre=w.centre,
        institution=None,
        enterprise=w.enterprise,
        annual_funding_commitment=8_000_000,
    )

    # Another institution licenses to the same enterprise.
    w.other_institution = InstitutionFactory(code="OTH", name="Other University")
    w.other_agreement = AgreementFactory(
        partnership__institution=w.other_institution,
        partnership__enterprise=w.enterprise,
        partnership__code="PS-OTHER",
        reference="AGR-OTHER",
        currency="CNY",
    )
    w.other_project = ProjectUnderAgreementFactory(
        code="OTH-001", title="Secret project", agreement=w.other_agreement
    )
    other_staff = UserFactory(institutions=[w.other_institution])
    w.other_staff = other_staff
    other = invoiced_milestone(w.other_project, other_staff, "999000", LONG_AGO, "Other money")
    pay(other, "111000", other_staff)
    return w


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return staff_user


def money_table(page: str) -> str:
    start = page.index('data-testid="money-position"')
    return page[start : page.index("</table>", start)]


# --- Institutions ------------------------------------------------------------------


def test_the_institution_page_shows_its_facts_people_partnerships_projects_and_money(
    client, staff, world
):
    response = client.get(world.institution.get_absolute_url())

    assert response.status_code == 200
    page = response.text
    assert world.institution.name in page and world.institution.name_zh in page
    assert "Prof. Lin Wei" in page and "Director" in page
    assert 'href="/partners/partnerships/PS-ELU/"' in page and "Antibody licence" in page
    assert 'href="/partners/enterprises/HHB/"' in page
    assert "Suzhou Antibody Centre" in page and "3,000,000.00 CNY" in page
    assert 'href="/projects/ELU-001/"' in page and "Bispecific antibody" in page
    money = money_table(page)
    # Owed: 200,000 outstanding on the part-paid invoice + 30,000 claimed;
    # royalties 7,000 accepted; overdue 200,000.
    assert "230,000.00 CNY" in money
    assert "7,000.00 CNY" in money
    assert "237,000.00 CNY" in money
    assert "200,000.00 CNY" in money and "1 milestone overdue" in money
    # Received: 150,000 for milestones, 5,000 royalties.
    assert "150,000.00 CNY" in money and "5,000.00 CNY" in money
    assert "155,000.00 CNY" in money
    assert "Preclinical package" in page and "Overdue" in page
    assert "Phase I start" not in page
    assert "joint centres it hosts is on the centres’ pages" in page
    # The other institution's partnership, project and money stay off.
    assert "PS-OTHER" not in page and "OTH-001" not in page and "999,000" not in page


def test_the_institution_page_links_the_project_list_when_projects_are_capped(
    client, staff, world, monkeypatch
):
    monkeypatch.setattr("projects.views.party_pages.PROJECTS_SHOWN", 1)
    ProjectUnderAgreementFactory(code="ELU-002", agreement=world.agreement)

    page = client.get(world.institution.get_absolute_url()).text

    assert "ELU-001" in page and "ELU-002" not in page
    assert f"/projects/?lead_institution={world.institution.pk}" in page


def test_staff_see_another_institution_but_none_of_its_business(client, staff, world):
    """The directory is shared; partnerships, projects and money are not."""
    response = client.get(world.other_institution.get_absolute_url())

    assert response.status_code == 200
    page = response.text
    assert "Other University" in page
    assert "PS-OTHER" not in page and "OTH-001" not in page
    assert "999,000" not in page and "111,000" not in page
    assert "Nothing owed or received yet." in page


def test_an_unknown_institution_is_not_found(client, staff):
    assert client.get("/partners/institutions/NOPE/").status_code == 404


# --- Enterprises --------------------------------------------------------------------


def test_the_enterprise_page_shows_what_it_owes_and_paid_to_the_users_institutions(
    client, staff, world
):
    response = client.get(world.enterprise.get_absolute_url())

    assert response.status_code == 200
    page = response.text
    assert "Hanhai Biopharma" in page and "Suzhou" in page
    assert world.enterprise.unified_social_credit_code in page
    assert "Zhao Min" in page
    assert "Portal User" in page and "bd@hanhai.example" in page
    assert "PS-ELU" in page and "ELU-001" in page
    assert "Suzhou Antibody Centre" in page and "8,000,000.00 CNY" in page
    money = money_table(page)
    assert "237,000.00 CNY" in money and "155,000.00 CNY" in money
    # What it owes another institution is that institution's business.
    assert "PS-OTHER" not in page and "OTH-001" not in page
    assert "999,000" not in page and "111,000" not in page and "1,037,000" not in page


def test_a_superuser_sees_the_enterprise_money_with_every_institution(client, superuser, world):
    client.force_login(superuser)

    money = money_table(client.get(world.enterprise.get_absolute_url()).text)

    # 237,000 + 888,000 outstanding to the other institution.
    assert "1,125,000.00 CNY" in money
    # 155,000 + 111,000 received.
    assert "266,000.00 CNY" in money


# --- Joint centres and partnerships ----------------------------------------------------


def test_the_joint_centre_page_shows_its_parties_funding_partnerships_and_projects(
    client, staff, world
):
    partnership = PartnershipFactory(
        code="PS-JC",
        mode="joint_centre",
        institution=None,
        joint_centre=world.centre,
        enterprise=world.enterprise,
    )
    agreement = AgreementFactory(partnership=partnership, reference="AGR-JC", currency="CNY")
    project = ProjectUnderAgreementFactory(
        code="JC-001",
        agreement=agreement,
        lead_institution=world.institution,
        joint_centre=world.centre,
    )

    response = client.get(world.centre.get_absolute_url())

    assert response.status_code == 200
    page = response.text
    assert "Suzhou Antibody Centre" in page
    assert world.institution.name in page and "Hanhai Biopharma" in page
    assert "Host institution" in page and "Lead enterprise" in page
    assert "11,000,000.00 CNY" in page  # committed per year, summed
    assert 'href="/partners/partnerships/PS-JC/"' in page
    assert f'href="{project.get_absolute_url()}"' in page
    assert "PS-ELU" not in page  # not a partnership of the centre


def test_the_partnership_page_shows_parties_agreements_projects_and_money(client, staff, world):
    response = client.get(world.partnership.get_absolute_url())

    assert response.status_code == 200
    page = response.text
    assert "Antibody licence" in page and "Technology transfer" in page
    assert 'href="/partners/enterprises/HHB/"' in page
    assert f'href="/partners/institutions/{world.institution.code}/"' in page
    assert 'href="/agreements/AGR-ELU-1/"' in page and "1,500,000.00 CNY" in page
    assert "ELU-001" in page
    assert "237,000.00 CNY" in money_table(page)


# --- Agreements ------------------------------------------------------------------------


def test_the_agreement_page_shows_header_terms_milestones_reports_ledger_and_projects(
    client, staff, world
):
    response = client.get(world.agreement.get_absolute_url())

    assert response.status_code == 200
    page = response.text
    assert "AGR-ELU-1" in page and "Exclusive licence of ELU-7" in page
    assert "Greater China" in page and "Exclusive" in page
    assert "Hanhai Biopharma" in page and world.institution.name in page
    # Terms in words and numbers.
    assert "1,500,000.00 CNY" in page
    assert "60.00 %" in page and "40.00 %" in page
    assert "If terminated at" in page and "break fee 50,000.00 CNY" in page
    assert "IND filed" in page and "2,000,000.00 CNY" in page
    assert "above 10,000,000.00 CNY" in page
    # Milestones with their invoices and the project they belong to.
    milestones = page[page.index('data-testid="agreement-milestones"') :]
    assert world.overdue_invoice.number in milestones
    assert "Preclinical package" in milestones and "Overdue" in milestones
    assert "Phase I start" in milestones and 'href="/projects/ELU-001/"' in milestones
    # Royalty reports.
    royalties = page[page.index('data-testid="agreement-royalties"') :]
    assert "140,000.00 CNY" in royalties and "7,000.00 CNY" in royalties
    # The cost-sharing ledger: 1,000 spent, 600 / 400 obligations.
    assert "Cost-sharing ledger" in page and "600.00 CNY" in page and "400.00 CNY" in page
    assert "Record a cost" not in page
    money = money_table(page)
    assert "237,000.00 CNY" in money and "155,000.00 CNY" in money


def test_the_agreement_page_shows_the_term_time_left_and_renewal(client, staff, world):
    agreement = world.agreement
    today = timezone.localdate()
    agreement.effective_on = datetime.date(2024, 2, 1)
    agreement.expires_on = add_months(today, 26) + datetime.timedelta(days=3)
    agreement.renewal = "automatic"
    agreement.renewal_notice_days = 180
    agreement.renewal_term_months = 12
    agreement.save()

    page = client.get(agreement.get_absolute_url()).text

    term = page[page.index('data-testid="agreement-term"') :]
    term = term[: term.index("</dd>")]
    assert "2 years 2 months left" in term
    renewal = page[page.index('data-testid="agreement-renewal"') :]
    renewal = renewal[: renewal.index("</dd>")]
    assert "Renewed automatically for 12 months unless notice is given" in renewal
    assert "at least 180 days before expiry" in renewal
    assert "notice by" in renewal and "the next term would run until" in renewal


def test_an_expired_agreement_says_so(client, staff, world):
    world.agreement.expires_on = timezone.localdate() - datetime.timedelta(days=1)
    world.agreement.save()

    page = client.get(world.agreement.get_absolute_url()).text

    term = page[page.index('data-testid="agreement-term"') :]
    assert "Expired" in term[: term.index("</dd>")]
    assert "None: the agreement ends on expiry" in page


def test_the_agreement_page_links_to_the_filtered_milestone_and_royalty_lists(
    client, staff, world
):
    page = client.get(world.agreement.get_absolute_url()).text

    assert f"/milestones/?agreement={world.agreement.pk}" in page
    assert f"/royalties/?agreement={world.agreement.pk}" in page


def test_the_project_page_links_its_agreement(client, staff, world):
    page = client.get(world.project.get_absolute_url()).text

    assert 'href="/agreements/AGR-ELU-1/"' in page


# --- Who reaches the pages ------------------------------------------------------------


def pages_of(world):
    return {
        "institution": world.institution.get_absolute_url(),
        "enterprise": world.enterprise.get_absolute_url(),
        "joint_centre": world.centre.get_absolute_url(),
        "partnership": world.partnership.get_absolute_url(),
        "agreement": world.agreement.get_absolute_url(),
    }


def test_the_routes_are_named_as_other_pages_link_them(world):
    assert reverse("partners:institution_detail", args=["THU"]) == "/partners/institutions/THU/"
    assert reverse("partners:enterprise_detail", args=["HHB"]) == "/partners/enterprises/HHB/"
    assert reverse("partners:joint_centre_detail", args=["JC"]) == "/partners/joint-centres/JC/"
    assert reverse("partners:partnership_detail", args=["P"]) == "/partners/partnerships/P/"
    assert reverse("agreements:detail", args=["A-1"]) == "/agreements/A-1/"


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in pages_of(world).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_staff_of_another_institution_do_not_find_its_partnership_or_agreement(client, world):
    client.force_login(world.other_staff)

    assert client.get(world.partnership.get_absolute_url()).status_code == 404
    assert client.get(world.agreement.get_absolute_url()).status_code == 404
    assert client.get(world.other_agreement.get_absolute_url()).status_code == 200


def test_partner_users_get_not_found_on_every_page(client, world):
    """Partners have the portal; the staff pages answer 404 even for their
    own enterprise's objects."""
    client.force_login(world.partner)

    for name, url in pages_of(world).items():
        assert client.get(url).status_code == 404, name


def test_the_list_pages_link_to_the_detail_pages(client, staff, world):
    lists = {
        "/partners/institutions/": world.institution.get_absolute_url(),
        "/partners/enterprises/": world.enterprise.get_absolute_url(),
        "/partners/joint-centres/": world.centre.get_absolute_url(),
        "/partners/partnerships/": world.partnership.get_absolute_url(),
        "/agreements/": world.agreement.get_absolute_url(),
    }
    for list_url, detail_url in lists.items():
        assert f'href="{detail_url}"' in client.get(list_url).text, list_url


def test_the_pages_render_in_chinese(client, staff, world):
    client.cookies["django_language"] = "zh-hans"

    for name, url in pages_of(world).items():
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 200, name


# --- Speed ----------------------------------------------------------------------------


def test_the_pages_take_as_many_queries_for_many_rows_as_for_few(client, staff, world):
    """Partnerships, agreements, projects, milestones, reports and people do
    not add queries per row."""

    def add_rows(n):
        partnership = PartnershipFactory(
            institution=world.institution,
            enterprise=world.enterprise,
        )
        agreement = AgreementFactory(partnership=partnership, currency="CNY")
        AgreementFactory(partnership=world.partnership, currency="CNY")
        project = ProjectUnderAgreementFactory(
            agreement=world.agreement, joint_centre=world.centre
        )
        ProjectUnderAgreementFactory(agreement=agreement)
        invoice = invoiced_milestone(project, staff, "1000", LONG_AGO, f"Extra {n}")
        pay(invoice, "100", staff)
        MilestoneFactory(project=project, status="claimed", due_date=FAR_AHEAD)
        RoyaltyReportFactory(
            agreement=world.agreement,
            project=project,
            period_start=datetime.date(2000 + n, 1, 1),
            period_end=datetime.date(2000 + n, 3, 31),
        )
        FixedPaymentFactory(agreement=world.agreement, due_date=LONG_AGO)
        services.fixed_payment_invoice(
            fixed_payment=FixedPaymentFactory(agreement=world.agreement, kind="option_fee"),
            by=staff,
        )
        PersonFactory(institution=world.institution)
        PersonFactory(institution=None, enterprise=world.enterprise)
        PartnerUserFactory(enterprise=world.enterprise)
        centre = JointCentreFactory()
        JointCentrePartyFactory(centre=centre, institution=world.institution)
        JointCentrePartyFactory(centre=world.centre, institution=InstitutionFactory())

    add_rows(0)
    few = {}
    for name, url in pages_of(world).items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        few[name] = len(queries)
    for n in range(1, 8):
        add_rows(n)
    for name, url in pages_of(world).items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == few[name], name


# --- Links to the forms -------------------------------------------------------------


def route_exists(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def test_each_page_offers_its_edit_form_when_there_is_one(client, staff, world):
    """The forms are their own routes; a page links them once they exist
    and shows no dead button before."""
    forms = {
        world.institution.get_absolute_url(): [
            ("partners:institution_edit", world.institution.code)
        ],
        world.enterprise.get_absolute_url(): [("partners:enterprise_edit", world.enterprise.code)],
        world.centre.get_absolute_url(): [("partners:joint_centre_edit", world.centre.code)],
        world.partnership.get_absolute_url(): [
            ("partners:partnership_edit", world.partnership.code)
        ],
        world.agreement.get_absolute_url(): [
            ("agreements:edit", world.agreement.reference),
            ("agreements:terms", world.agreement.reference),
        ],
    }
    for page_url, routes in forms.items():
        page = client.get(page_url).text
        for name, arg in routes:
            form_url = route_exists(name, arg)
            if form_url:
                assert f'href="{form_url}"' in page, name
            else:
                assert "Edit" not in page.split("</header>")[0].split("<header")[-1], name


def test_the_people_cards_offer_to_add_a_person_to_the_organisation(client, staff, world):
    create_url = route_exists("partners:person_create")
    institution_page = client.get(world.institution.get_absolute_url()).text
    enterprise_page = client.get(world.enterprise.get_absolute_url()).text

    if create_url:
        assert f"{create_url}?institution={world.institution.code}" in institution_page
        assert f"{create_url}?enterprise=HHB" in enterprise_page
    else:
        assert "Add person" not in institution_page + enterprise_page
