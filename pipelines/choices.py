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
