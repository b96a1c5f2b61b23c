"""The API's project list is written from plain rows for speed; clients must
not notice: every project comes out as ProjectListSerializer writes it."""

import datetime

import pytest
from django.db import connection
from rest_framework import serializers
from rest_framework.test import APIClient

from pipelines.api.serializers import StageSummarySerializer
from pipelines.models import StageDefinition
from projects.api.serializers import ProjectListSerializer
from projects.selectors import project_list_for
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    JointCentreFactory,
    ResearchProjectFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


@pytest.fixture
def projects(institution, enterprise):
    """Projects with none, one and two partners, with and without a joint
    centre, partnership and agreement, in two sectors."""
    agreement = AgreementFactory(partnership__institution=institution)
    stage = StageDefinition.objects.filter(pipeline__sector__code="agriculture").first()
    return [
        ResearchProjectFactory(lead_institution=institution),
        ResearchProjectFactory(
            lead_institution=institution,
            partner_enterprises=[enterprise],
            title_zh="抗体项目",
            joint_centre=JointCentreFactory(),
        ),
        ResearchProjectFactory(
            lead_institution=institution,
            partner_enterprises=[EnterpriseFactory(name="Zeta Bio"), enterprise],
            partnership=agreement.partnership,
            agreement=agreement,
            current_stage=stage,
            trl=stage.trl_min,
            start_date=datetime.date(2025, 12, 31),
        ),
    ]


def field_by_field(projects):
    """What DRF's ListSerializer makes of the model instances, field by field."""
    return serializers.ListSerializer(child=ProjectListSerializer(), instance=projects).data


def test_each_project_in_the_list_is_written_as_the_list_serializer_writes_it(superuser, projects):
    client = APIClient()
    client.force_authenticate(superuser)

    results = client.get(URL).json()["results"]

    assert results == field_by_field(project_list_for(superuser).order_by("-id"))
    assert len(results) == len(projects)


def test_the_list_has_the_fields_its_schema_documents(superuser, projects):
    client = APIClient()
    client.force_authenticate(superuser)

    project = client.get(URL).json()["results"][0]

    assert list(project) == ProjectListSerializer.Meta.fields
    assert list(project["stage"]) == StageSummarySerializer.Meta.fields
    assert list(project["lead_institution"]) == ["id", "code", "name"]
    assert [list(partner) for partner in project["partner_enterprises"]] == [
        ["id", "code", "name"],
        ["id", "code", "name"],
    ]


def test_a_partner_sees_its_projects_written_the_same_way(partner_user, projects):
    client = APIClient()
    client.force_authenticate(partner_user)

    results = client.get(URL, {"sector": "agriculture"}).json()["results"]

    assert [project["id"] for project in results] == [projects[2].pk]
    assert results == field_by_field(project_list_for(partner_user).filter(pk=projects[2].pk))


def test_the_list_takes_the_same_number_of_queries_for_1_and_50_projects(
    superuser, institution, enterprise, django_assert_max_num_queries
):
    client = APIClient()
    client.force_authenticate(superuser)
    ResearchProjectFactory(lead_institution=institution, partner_enterprises=[enterprise])
    with django_assert_max_num_queries(2) as one:
        client.get(URL)
    ResearchProjectFactory.create_batch(
        49, lead_institution=institution, partner_enterprises=[enterprise]
    )

    with django_assert_max_num_queries(2) as fifty:
        assert len(client.get(URL).json()["results"]) == 50

    assert len(fifty.captured_queries) == len(one.captured_queries)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the partners come in a subquery on PostgreSQL"
)
def test_on_postgresql_a_page_brings_its_partners_in_the_same_query(
    superuser, projects, django_assert_num_queries
):
    client = APIClient()
    client.force_authenticate(superuser)

    with django_assert_num_queries(1):
        results = client.get(URL).json()["results"]

    assert results == field_by_field(project_list_for(superuser).order_by("-id"))
    assert [len(row["partner_enterprises"]) for row in results] == [2, 1, 0]


def test_partners_of_two_enterprises_each_see_their_own_projects_one_after_the_other(
    partner_user, other_partner_user, projects
):
    theirs = ResearchProjectFactory(partner_enterprises=[other_partner_user.enterprise])
    client = APIClient()

    for _ in range(2):
        client.force_authenticate(partner_user)
        mine = [row["id"] for row in client.get(URL).json()["results"]]
        client.force_authenticate(other_partner_user)
        other = [row["id"] for row in client.get(URL).json()["results"]]

        assert mine == [projects[2].pk, projects[1].pk]
        assert other == [theirs.pk]


def test_a_partner_moved_to_another_enterprise_sees_that_enterprises_projects(
    partner_user, other_partner_user, projects
):
    theirs = ResearchProjectFactory(partner_enterprises=[other_partner_user.enterprise])
    client = APIClient()
    client.force_authenticate(partner_user)
    client.get(URL)

    partner_user.enterprise = other_partner_user.enterprise
    partner_user.save()
    client.force_authenticate(partner_user)

    assert [row["id"] for row in client.get(URL).json()["results"]] == [theirs.pk]


def test_a_superuser_sees_projects_added_since_the_last_page(superuser, projects):
    client = APIClient()
    client.force_authenticate(superuser)
    client.get(URL)

    added = ResearchProjectFactory()

    assert client.get(URL).json()["results"][0]["id"] == added.pk
