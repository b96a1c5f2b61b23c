from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CENTRE_STAFF = "centre_staff", _("Research-centre staff")
    PARTNER = "partner", _("Enterprise partner")
    RESEARCHER = "researcher", _("Researcher")
