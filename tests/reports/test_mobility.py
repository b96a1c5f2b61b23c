"""Staff mobility (兼职从事成果转化, 离岗创业; item 4c of China's annual
report) and the R&D and transfer entities an institution built (自建, 共建;
item 4a), recorded by the office on pages of their own. The services refuse
bad input with a code at the field and save nothing; another institution's
staff, partners and researchers get a 404."""

import datetime

import pytest
from django.urls import reverse

from core.errors import DomainError
from reports.models import StaffMobility, TransferEntity
from reports.services import china_annual_report
from reports.services.mobility import (
    create_entity,
    create_mobility,
    delete_entity,
    delete_mobility,
    update_entity,
    update_mobility,
)
from tests.api.conftest import client_for
from tests.factories import (
    EnterpriseFactory,
    InstitutionFactory,
    PartnerUserFactory,
    PersonFactory,
    ResearcherUserFactory,
    UserFactory,
)

D = datetime.date
MOBILITY = reverse("annual_reports:mobility")
ENTITIES = reverse("annual_reports:entities")


@pytest.fixture
def institution(db):
    return InstitutionFactory(name="Institute of Enzymes")


@pytest.fixture
def staff(institution):
    return UserFactory(institutions=[institution])


@pytest.fixture
def person(institution):
    return PersonFactory(institution=institution, full_name="Wang Fang")


def _period(staff, institution, person, **values):
    values = {"kind": "part_time", "starts_on": D(2025, 3, 1), "ends_on": None, **values}
    return create_mobility(staff, institution=institution, person=person, **values)


def _entity(staff, institution, **values):
    values = {
        "name": "Enzyme Transfer Office",
        "kind": "transfer_office",
        "built": "own",
        "established_on": D(2024, 5, 1),
        "technology_managers": 3,
        **values,
    }
    return create_entity(staff, institution=institution, **values)


def _refusal(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


# The services --------------------------------------------------------------


def test_a_period_of_part_time_work_is_recorded_and_counts_in_item_4c(staff, institution, person):
    company = EnterpriseFactory()

    period = _period(staff, institution, person, enterprise=company, ends_on=D(2026, 2, 28))

    assert (period.kind, period.enterprise, period.starts_on) == (
        "part_time",
        company,
        D(2025, 3, 1),
    )
    report = china_annual_report(institution, 2025)
    assert report["cn.4c.part_time"].value == 1
    assert report["cn.4c.leave"].value == 0


def test_a_period_ending_before_it_starts_is_refused_at_its_end(staff, institution, person):
    error = _refusal(
        lambda: _period(staff, institution, person, starts_on=D(2025, 3, 1), ends_on=D(2025, 2, 1))
    )

    assert (error.code, error.field) == ("period_unordered", "ends_on")
    assert not StaffMobility.objects.exists()


def test_a_person_of_another_institution_is_refused(staff, institution):
    stranger = PersonFactory(full_name="Li Lei")

    error = _refusal(lambda: _period(staff, institution, stranger))

    assert (error.code, error.field) == ("person_not_of_institution", "person")
    assert not StaffMobility.objects.exists()


def test_a_contact_of_an_enterprise_is_not_staff_either(staff, institution):
    contact = PersonFactory(institution=None, enterprise=EnterpriseFactory())

    error = _refusal(lambda: _period(staff, institution, contact))

    assert error.code == "person_not_of_institution"


def test_periods_of_the_same_kind_of_the_same_person_may_not_overlap(staff, institution, person):
    _period(staff, institution, person, starts_on=D(2025, 1, 1), ends_on=D(2025, 6, 30))

    error = _refusal(
        lambda: _period(staff, institution, person, starts_on=D(2025, 6, 30), ends_on=None)
    )

    assert (error.code, error.field) == ("period_overlaps", "starts_on")
    assert StaffMobility.objects.count() == 1


def test_an_open_period_overlaps_every_later_one(staff, institution, person):
    _period(staff, institution, person, starts_on=D(2024, 1, 1), ends_on=None)

    error = _refusal(
        lambda: _period(staff, institution, person, starts_on=D(2030, 1, 1), ends_on=D(2030, 2, 1))
    )

    assert error.code == "period_overlaps"


def test_the_next_period_and_leave_beside_part_time_work_are_allowed(staff, institution, person):
    _period(staff, institution, person, starts_on=D(2025, 1, 1), ends_on=D(2025, 6, 30))

    _period(staff, institution, person, starts_on=D(2025, 7, 1), ends_on=None)
    _period(staff, institution, person, kind="leave", starts_on=D(2025, 3, 1), ends_on=None)

    assert StaffMobility.objects.count() == 3


def test_a_date_out_of_range_is_refused(staff, institution, person):
    error = _refusal(lambda: _period(staff, institution, person, starts_on=D(1980, 1, 1)))

    assert (error.code, error.field) == ("date_out_of_range", "starts_on")
    assert not StaffMobility.objects.exists()


def test_only_staff_of_the_institution_or_a_superuser_record_its_periods(institution, person):
    outsider = UserFactory(institutions=[InstitutionFactory()])
    researcher = ResearcherUserFactory()

    for user in (outsider, researcher, PartnerUserFactory()):
        assert _refusal(lambda u=user: _period(u, institution, person)).code == (
            "not_institution_staff"
        )
    assert not StaffMobility.objects.exists()

    _period(UserFactory(is_superuser=True), institution, person)
    assert StaffMobility.objects.count() == 1


def test_changing_a_period_does_not_overlap_itself(staff, institution, person):
    period = _period(staff, institution, person, starts_on=D(2025, 1, 1), ends_on=None)

    update_mobility(staff, period, ends_on=D(2025, 12, 31), kind="leave")

    period.refresh_from_db()
    assert (period.kind, period.ends_on) == ("leave", D(2025, 12, 31))


def test_a_refused_change_leaves_the_period_as_it_was(staff, institution, person):
    period = _period(staff, institution, person, starts_on=D(2025, 1, 1), ends_on=None)

    error = _refusal(lambda: update_mobility(staff, period, ends_on=D(2024, 1, 1)))

    assert error.code == "period_unordered"
    period.refresh_from_db()
    assert period.ends_on is None


def test_a_period_cannot_move_to_another_institution(staff, institution, person):
    period = _period(staff, institution, person)

    error = _refusal(lambda: update_mobility(staff, period, institution=InstitutionFactory()))

    assert "institution" in error.fields


def test_another_institutions_staff_may_not_delete_a_period(staff, institution, person):
    period = _period(staff, institution, person)
    outsider = UserFactory(institutions=[InstitutionFactory()])

    assert _refusal(lambda: delete_mobility(outsider, period)).code == "not_institution_staff"
    delete_mobility(staff, period)

    assert not StaffMobility.objects.exists()


def test_an_entity_is_recorded_and_counts_in_item_4a(staff, institution):
    _entity(staff, institution)
    _entity(
        staff,
        institution,
        name="Joint Enzyme Lab",
        kind="rd_institution",
        built="joint",
        technology_managers=None,
    )

    report = china_annual_report(institution, 2025)

    assert report["cn.4a.transfer_office.own"].value == 1
    assert report["cn.4a.rd_institution.joint"].value == 1
    assert report["cn.4a.technology_managers"].value == 3


def test_an_entity_closing_before_it_is_established_is_refused(staff, institution):
    error = _refusal(lambda: _entity(staff, institution, closed_on=D(2024, 4, 30)))

    assert (error.code, error.field) == ("period_unordered", "closed_on")
    assert not TransferEntity.objects.exists()


def test_an_entity_established_in_the_future_is_refused(staff, institution):
    error = _refusal(lambda: _entity(staff, institution, established_on=D(2099, 1, 1)))

    assert (error.code, error.field) == ("date_out_of_range", "established_on")
    assert not TransferEntity.objects.exists()


def test_an_entity_needs_a_name_and_a_known_kind(staff, institution):
    assert _refusal(lambda: _entity(staff, institution, name="  ")).field == "name"
    assert _refusal(lambda: _entity(staff, institution, built="bought")).field == "built"
    assert not TransferEntity.objects.exists()


def test_only_staff_of_the_institution_record_and_change_its_entities(staff, institution):
    entity = _entity(staff, institution)
    outsider = UserFactory(institutions=[InstitutionFactory()])

    assert _refusal(lambda: _entity(outsider, institution)).code == "not_institution_staff"
    assert _refusal(lambda: update_entity(outsider, entity, name="X")).code == (
        "not_institution_staff"
    )
    assert _refusal(lambda: delete_entity(outsider, entity)).code == "not_institution_staff"

    update_entity(staff, entity, closed_on=D(2025, 6, 30), technology_managers=5)
    entity.refresh_from_db()
    assert (entity.closed_on, entity.technology_managers) == (D(2025, 6, 30), 5)


# The pages -----------------------------------------------------------------


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client


def test_the_annual_report_links_items_4a_and_4c_to_their_records(signed_in, institution):
    page = signed_in.get(
        reverse("annual_reports:index"),
        {"report": "china_annual", "institution": institution.pk, "year": 2025},
    )

    html = page.content.decode()
    query = f"?institution={institution.pk}&amp;year=2025"
    assert f'href="{ENTITIES}{query}"' in html
    assert f'href="{MOBILITY}{query}"' in html


def test_the_list_shows_the_institutions_periods_of_the_year(
    signed_in, staff, institution, person
):
    _period(staff, institution, person, starts_on=D(2023, 1, 1), ends_on=D(2023, 12, 31))
    current = _period(staff, institution, person, kind="leave", starts_on=D(2025, 2, 1))
    other = InstitutionFactory()
    PersonFactory(institution=other)

    page = signed_in.get(MOBILITY, {"institution": institution.pk, "year": 2025})

    assert page.status_code == 200
    assert list(page.context["records"]) == [current]
    assert "Wang Fang" in page.content.decode()


def test_staff_record_a_period_on_its_page(signed_in, institution, person):
    page = signed_in.post(
        reverse("annual_reports:mobility-create"),
        {
            "institution": institution.pk,
            "person": person.pk,
            "kind": "leave",
            "starts_on": "2025-04-01",
            "ends_on": "2028-03-31",
        },
    )

    assert page.status_code == 302
    period = StaffMobility.objects.get()
    assert (period.person, period.kind, period.ends_on) == (person, "leave", D(2028, 3, 31))


def test_the_page_shows_a_refusal_at_its_field_and_saves_nothing(
    signed_in, staff, institution, person
):
    _period(staff, institution, person, starts_on=D(2025, 1, 1))

    page = signed_in.post(
        reverse("annual_reports:mobility-create"),
        {
            "institution": institution.pk,
            "person": person.pk,
            "kind": "part_time",
            "starts_on": "2025-05-01",
        },
    )

    assert page.status_code == 400
    assert page.context["form"].errors["starts_on"]
    assert StaffMobility.objects.count() == 1


def test_staff_change_and_delete_a_period(signed_in, staff, institution, person):
    period = _period(staff, institution, person, starts_on=D(2025, 1, 1))

    page = signed_in.post(
        reverse("annual_reports:mobility-edit", args=[period.pk]),
        {
            "person": person.pk,
            "kind": "part_time",
            "starts_on": "2025-01-01",
            "ends_on": "2025-09-30",
        },
    )
    assert page.status_code == 302
    period.refresh_from_db()
    assert period.ends_on == D(2025, 9, 30)

    assert (
        signed_in.post(reverse("annual_reports:mobility-delete", args=[period.pk])).status_code
        == 302
    )
    assert not StaffMobility.objects.exists()


def test_staff_record_change_and_delete_an_entity(signed_in, institution):
    page = signed_in.post(
        reverse("annual_reports:entity-create"),
        {
            "institution": institution.pk,
            "name": "Enzyme Service Platform",
            "kind": "service_platform",
            "built": "joint",
            "established_on": "2024-09-01",
            "technology_managers": "2",
        },
    )
    assert page.status_code == 302
    entity = TransferEntity.objects.get()
    assert (entity.kind, entity.built, entity.technology_managers) == (
        "service_platform",
        "joint",
        2,
    )

    page = signed_in.post(
        reverse("annual_reports:entity-edit", args=[entity.pk]),
        {
            "name": "Enzyme Service Platform",
            "kind": "service_platform",
            "built": "joint",
            "established_on": "2024-09-01",
            "closed_on": "2024-08-01",
        },
    )
    assert page.status_code == 400
    assert page.context["form"].errors["closed_on"]

    listing = signed_in.get(ENTITIES, {"institution": institution.pk, "year": 2025})
    assert list(listing.context["records"]) == [entity]

    signed_in.post(reverse("annual_reports:entity-delete", args=[entity.pk]))
    assert not TransferEntity.objects.exists()


@pytest.mark.parametrize(
    "outsider",
    [
        lambda: UserFactory(institutions=[InstitutionFactory()]),
        PartnerUserFactory,
        ResearcherUserFactory,
    ],
    ids=["other-staff", "partner", "researcher"],
)
def test_outsiders_get_a_404(client, staff, institution, person, outsider):
    period = _period(staff, institution, person)
    entity = _entity(staff, institution)
    user = outsider()
    client.force_login(user)

    for name, record in (("mobility", period), ("entity", entity)):
        assert (
            client.get(reverse(f"annual_reports:{name}-edit", args=[record.pk])).status_code == 404
        )
        assert (
            client.post(reverse(f"annual_reports:{name}-delete", args=[record.pk])).status_code
            == 404
        )
    assert StaffMobility.objects.count() == TransferEntity.objects.count() == 1
    if user.institutions.exists():
        assert list(client.get(MOBILITY).context["records"]) == []
        assert list(client.get(ENTITIES).context["records"]) == []
    else:
        assert client.get(MOBILITY).status_code == 404
        assert client.get(ENTITIES).status_code == 404


def test_another_institutions_people_cannot_be_chosen(signed_in, institution, person):
    stranger = PersonFactory(institution=InstitutionFactory())

    page = signed_in.get(reverse("annual_reports:mobility-create"))

    people = list(page.context["form"].fields["person"].queryset)
    assert person in people
    assert stranger not in people


# The API -------------------------------------------------------------------


def test_the_api_records_a_period_and_refuses_an_overlap_at_its_field(staff, institution, person):
    client = client_for(staff)
    url = reverse("api:staff-mobility-list")
    body = {
        "institution": institution.pk,
        "person": person.pk,
        "kind": "leave",
        "starts_on": "2025-04-01",
    }

    created = client.post(url, body, format="json")
    refused = client.post(url, {**body, "starts_on": "2026-01-01"}, format="json")

    assert created.status_code == 201
    assert created.json()["person_name"] == "Wang Fang"
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "period_overlaps"
    assert "starts_on" in refused.json()["error"]["fields"]
    assert StaffMobility.objects.count() == 1


def test_the_api_refuses_a_person_of_another_institution(staff, institution):
    response = client_for(staff).post(
        reverse("api:staff-mobility-list"),
        {
            "institution": institution.pk,
            "person": PersonFactory().pk,
            "kind": "part_time",
            "starts_on": "2025-04-01",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "person_not_of_institution"
    assert not StaffMobility.objects.exists()


def test_the_api_changes_and_deletes_an_entity_but_not_its_institution(staff, institution):
    entity = _entity(staff, institution)
    client = client_for(staff)
    url = reverse("api:transfer-entity-detail", args=[entity.pk])

    moved = client.patch(url, {"institution": InstitutionFactory().pk}, format="json")
    unordered = client.patch(url, {"closed_on": "2020-01-01"}, format="json")
    changed = client.patch(url, {"technology_managers": 7}, format="json")

    assert moved.status_code == unordered.status_code == 400
    assert unordered.json()["error"]["code"] == "period_unordered"
    assert changed.json()["technology_managers"] == 7
    assert client.delete(url).status_code == 204
    assert not TransferEntity.objects.exists()
