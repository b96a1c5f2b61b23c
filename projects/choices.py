from django.db import models
from django.utils.translation import gettext_lazy as _


class SectorCode(models.TextChoices):
    """The six biotech sub-industries."""

    BIOMEDICINE = "biomedicine", _("Biomedicine")
    AGRICULTURE = "agriculture", _("Agriculture")
    BIO_MANUFACTURING = "bio_manufacturing", _("Bio-manufacturing")
    BIO_ENERGY = "bio_energy", _("Bio-energy")
    ENVIRONMENTAL = "environmental", _("Environmental protection")
    BIO_SERVICES = "bio_services", _("Bio-services")


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    TERMINATED = "terminated", _("Terminated")
    PRODUCTIZED = "productized", _("Productized")


class TransitionKind(models.TextChoices):
    """A recorded stage-gate decision."""

    START = "start", _("Start")
    ADVANCE = "advance", _("Advance")
    SKIP = "skip", _("Skip")
    HOLD = "hold", _("Hold")
    RESUME = "resume", _("Resume")
    TERMINATE = "terminate", _("Terminate")
    REVERT = "revert", _("Revert")


class TherapeuticArea(models.TextChoices):
    """Therapeutic areas of biomedicine projects; phase success rates differ
    markedly between them."""

    ONCOLOGY = "oncology", _("Oncology")
    HAEMATOLOGY = "haematology", _("Haematology")
    INFECTIOUS_DISEASE = "infectious_disease", _("Infectious disease")
    NEUROLOGY = "neurology", _("Neurology")
    PSYCHIATRY = "psychiatry", _("Psychiatry")
    CARDIOVASCULAR = "cardiovascular", _("Cardiovascular")
    METABOLIC = "metabolic", _("Metabolic and endocrinology")
    AUTOIMMUNE = "autoimmune", _("Autoimmune and inflammation")
    RESPIRATORY = "respiratory", _("Respiratory")
    OPHTHALMOLOGY = "ophthalmology", _("Ophthalmology")
    RARE_DISEASE = "rare_disease", _("Rare disease")
    VACCINES = "vaccines", _("Vaccines")
    OTHER = "other", _("Other")
