from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CENTRE_STAFF = "centre_staff", _("Research-centre staff")
    PARTNER = "partner", _("Enterprise partner")
    RESEARCHER = "researcher", _("Researcher")
    # Signed in by single sign-on for the first time: an administrator
    # grants staff or researcher access in BioBridge; until then the user
    # sees only the page that says so.
    AWAITING = "awaiting_role", _("Awaiting a role")
