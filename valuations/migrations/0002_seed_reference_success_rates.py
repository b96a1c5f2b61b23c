"""Seed the reference probabilities of success of clinical phases.

Every figure names its source. The data is written out here, not imported,
so that this migration keeps doing what it did when it was first applied;
staff correct or extend the figures in the admin.
"""

from decimal import Decimal

from django.db import migrations

BIO_2021 = (
    "BIO, Informa Pharma Intelligence and QLS, 'Clinical Development Success "
    "Rates and Contributing Factors 2011-2020' (February 2021)"
)
PAUL_2010 = (
    "Paul S.M. et al., 'How to improve R&D productivity: the pharmaceutical "
    "industry's grand challenge', Nature Reviews Drug Discovery 9, 203-214 (2010)"
)
BIO_2016 = (
    "BIO, Biomedtracker and Amplion, 'Clinical Development Success Rates "
    "2006-2015' (June 2016)"
)

# phase, therapeutic area ("" = all), probability, typical years, typical
# cost (USD), source
RATES = [
    ("phase_1", "", "0.520", "1.5", 15_000_000,
     f"Probability: {BIO_2021}, all indications. Duration and cost per "
     f"project entering the phase: {PAUL_2010}."),
    ("phase_2", "", "0.289", "2.5", 40_000_000,
     f"Probability: {BIO_2021}, all indications. Duration and cost per "
     f"project entering the phase: {PAUL_2010}."),
    ("phase_3", "", "0.578", "2.5", 150_000_000,
     f"Probability: {BIO_2021}, all indications. Duration and cost per "
     f"project entering the phase: {PAUL_2010}."),
    ("registration", "", "0.906", "1.5", 40_000_000,
     f"Probability: {BIO_2021}, all indications. Duration and cost per "
     f"project entering the phase: {PAUL_2010}."),
    ("phase_1_to_approval", "", "0.079", None, None,
     f"Likelihood of approval from Phase I: {BIO_2021}, all indications."),
    # Likelihood of approval from Phase I by disease area, as the 2021
    # report's summary gives it.
    ("phase_1_to_approval", "haematology", "0.239", None, None,
     f"Likelihood of approval from Phase I, hematology: {BIO_2021}."),
    ("phase_1_to_approval", "oncology", "0.053", None, None,
     f"Likelihood of approval from Phase I, oncology: {BIO_2021}."),
    ("phase_1_to_approval", "rare_disease", "0.170", None, None,
     f"Likelihood of approval from Phase I, rare diseases: {BIO_2021}."),
    ("phase_1_to_approval", "vaccines", "0.097", None, None,
     f"Likelihood of approval from Phase I, vaccines (by modality): {BIO_2021}."),
    # Oncology phase by phase, from the previous edition of the study.
    ("phase_1", "oncology", "0.628", None, None,
     f"Oncology, Phase I to Phase II: {BIO_2016}."),
    ("phase_2", "oncology", "0.246", None, None,
     f"Oncology, Phase II to Phase III: {BIO_2016}."),
    ("phase_3", "oncology", "0.401", None, None,
     f"Oncology, Phase III to NDA/BLA: {BIO_2016}."),
    ("registration", "oncology", "0.824", None, None,
     f"Oncology, NDA/BLA to approval: {BIO_2016}."),
]


def seed(apps, schema_editor):
    ReferenceSuccessRate = apps.get_model("valuations", "ReferenceSuccessRate")
    for phase, area, probability, years, cost, source in RATES:
        ReferenceSuccessRate.objects.update_or_create(
            phase=phase,
            therapeutic_area=area,
            defaults={
                "success_probability": Decimal(probability),
                "typical_years": Decimal(years) if years is not None else None,
                "typical_cost": Decimal(cost) if cost is not None else None,
                "typical_cost_currency": "USD",
                "source": source,
            },
        )


def unseed(apps, schema_editor):
    ReferenceSuccessRate = apps.get_model("valuations", "ReferenceSuccessRate")
    for phase, area, *_rest in RATES:
        ReferenceSuccessRate.objects.filter(phase=phase, therapeutic_area=area).delete()


class Migration(migrations.Migration):
    dependencies = [("valuations", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
