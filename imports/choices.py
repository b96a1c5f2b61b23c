from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    """What a file holds: one kind of record, or a workbook with a sheet
    per kind."""

    INSTITUTIONS = "institutions", _("Institutions")
    ENTERPRISES = "enterprises", _("Enterprises")
    PEOPLE = "people", _("People")
    PARTNERSHIPS = "partnerships", _("Partnerships")
    AGREEMENTS = "agreements", _("Agreements")
    PROJECTS = "projects", _("Research projects")
    MILESTONES = "milestones", _("Milestones")
    ROYALTY_REPORTS = "royalty_reports", _("Royalty reports")
    ACHIEVEMENTS = "achievements", _("Achievements")
    PATENT_APPLICATIONS = "patent_applications", _("Patent applications")
    WORKBOOK = "workbook", _("A workbook with a sheet per kind")
