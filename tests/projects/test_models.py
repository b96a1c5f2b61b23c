"""Project rules backed by the database, and the append-only gate history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pipelines.models import StageDefinition
from projects.models import StageTransition
from tests.factories import (
    AgreementFactory,
    PartnershipFactory,
    ResearchProjectFactory,
    StageTransitionFactory,
    first_stage,
)

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


class TestResearchProject:
    def test_sector_and_pipeline_follow_from_the_current_stage(self):
        project = ResearchProjectFactory(current_stage=first_stage("AGRI-GMO"))

        assert project.pipeline.code == "AGRI-GMO"
        assert project.sector.code == "agriculture"

    @pytest.mark.parametrize("trl", [0, 10])
    def test_trl_lies_between_1_and_9(self, trl):
        assert_rejected_by_database(lambda: ResearchProjectFactory(trl=trl))

    def test_budget_is_not_negative(self):
        assert_rejected_by_database(lambda: ResearchProjectFactory(budget=-1))

    def test_codes_are_unique(self):
        ResearchProjectFactory(code="BIO-1")

        assert_rejected_by_database(lambda: ResearchProjectFactory(code="BIO-1"))

    def test_only_biomedicine_has_a_therapeutic_area(self):
        project = ResearchProjectFactory(current_stage=first_stage("ENV"))
        project.therapeutic_area = "oncology"

        with pytest.raises(ValidationError) as error:
            project.full_clean()

        assert "therapeutic_area" in error.value.message_dict

    def test_agreement_belongs_to_the_projects_partnership(self):
        project = ResearchProjectFactory(partnership=PartnershipFactory())
        project.agreement = AgreementFactory()

        with pytest.raises(ValidationError) as error:
            project.full_clean()

        assert error.value.message_dict["agreement"] == [
            "The agreement belongs to another partnership."
        ]


class TestStageDefinition:
    def test_probability_lies_between_0_and_1(self):
        stage = first_stage()

        with pytest.raises(IntegrityError), transaction.atomic():
            StageDefinition.objects.filter(pk=stage.pk).update(default_success_probability="1.5")

    def test_trl_range_is_ordered(self):
        stage = first_stage()

        with pytest.raises(IntegrityError), transaction.atomic():
            StageDefinition.objects.filter(pk=stage.pk).update(trl_min=5, trl_max=3)

    def test_positions_are_unique_within_a_pipeline(self):
        stage = first_stage()
        stage.pk = None
        stage.code = "another"

        with pytest.raises(IntegrityError), transaction.atomic():
            stage.save()


class TestStageTransitionHistory:
    def test_a_recorded_decision_cannot_be_changed(self):
        transition = StageTransitionFactory()
        transition.rationale = "Rewritten afterwards."

        with pytest.raises(TypeError, match="append-only"):
            transition.save()

    def test_recorded_decisions_cannot_be_updated_or_deleted_in_bulk(self):
        StageTransitionFactory()

        with pytest.raises(TypeError, match="append-only"):
            StageTransition.objects.update(rationale="")
        with pytest.raises(TypeError, match="append-only"):
            StageTransition.objects.all().delete()

    def test_every_decision_states_its_rationale(self):
        assert_rejected_by_database(lambda: StageTransitionFactory(rationale=""))

    def test_a_project_with_history_cannot_be_deleted(self):
        transition = StageTransitionFactory()

        with pytest.raises(Exception, match="protected"), transaction.atomic():
            transition.project.delete()
