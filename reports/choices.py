from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    CHINA_ANNUAL = "china_annual", _("Annual report on the transformation of achievements")
    AUTM = "autm", _("AUTM Licensing Activity Survey")


class MobilityKind(models.TextChoices):
    """How a staff member takes part in commercialisation outside their post
    (国发〔2016〕16号; leave may run up to three years)."""

    PART_TIME = "part_time", _("Part-time work on commercialisation")
    LEAVE = "leave", _("Leave to start a business")


class EntityKind(models.TextChoices):
    RD_INSTITUTION = "rd_institution", _("R&D institution")
    TRANSFER_OFFICE = "transfer_office", _("Technology transfer office")
    SERVICE_PLATFORM = "service_platform", _("Transformation service platform")


class EntityBuilt(models.TextChoices):
    OWN = "own", _("Built alone")
    JOINT = "joint", _("Built jointly")
