"""The pipelines seeded for the six sectors (DESIGN §3)."""

from decimal import Decimal

import pytest

from pipelines.models import Pipeline, Sector

pytestmark = pytest.mark.django_db


def stage_codes(pipeline_code):
    return list(
        Pipeline.objects.get(code=pipeline_code)
        .stages.order_by("position")
        .values_list("code", flat=True)
    )


def test_every_sector_has_a_pipeline():
    assert set(Sector.objects.values_list("code", flat=True)) == {
        "biomedicine",
        "agriculture",
        "bio_manufacturing",
        "bio_energy",
        "environmental",
        "bio_services",
    }
    assert all(sector.pipelines.exists() for sector in Sector.objects.all())


def test_biomedicine_runs_from_basic_research_through_the_clinic_to_market():
    assert stage_codes("BIOMED-DRUG") == [
        "basic_research",
        "lead_discovery",
        "preclinical",
        "ind_filing",
        "phase_1",
        "phase_2",
        "phase_3",
        "registration",
        "gmp_scale_up",
        "market",
    ]


def test_agriculture_follows_the_gmo_safety_evaluation():
    assert stage_codes("AGRI-GMO") == [
        "laboratory_research",
        "intermediate_trial",
        "environmental_release",
        "production_trial",
        "biosafety_certificate",
        "variety_registration",
        "seed_production",
        "market",
    ]


def test_clinical_success_rates_are_the_published_ones():
    stages = {stage.code: stage for stage in Pipeline.objects.get(code="BIOMED-DRUG").stages.all()}

    assert stages["phase_1"].default_success_probability == Decimal("0.52")
    assert stages["phase_2"].default_success_probability == Decimal("0.289")
    assert stages["phase_3"].default_success_probability == Decimal("0.578")
    assert stages["registration"].default_success_probability == Decimal("0.906")


def test_every_pipeline_is_ordered_consistently_and_names_its_source():
    for pipeline in Pipeline.objects.prefetch_related("stages"):
        stages = sorted(pipeline.stages.all(), key=lambda stage: stage.position)
        assert [stage.position for stage in stages] == list(range(1, len(stages) + 1))
        assert pipeline.source, pipeline.code
        trl_floors = [stage.trl_min for stage in stages]
        assert trl_floors == sorted(trl_floors), pipeline.code
        assert stages[-1].trl_max == 9
        assert stages[-1].default_success_probability == 1
        assert all(stage.name_zh for stage in stages)
        assert all(0 < stage.default_success_probability <= 1 for stage in stages)
