from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import ImportKind


class ImportJob(models.Model):
    """A file on its way through the import wizard: uploaded, its columns
    mapped, checked by a dry run, then committed whole or not at all. The
    file is kept with the job until it is committed; the report of the last
    run (every row's outcome and every error) stays with it."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKED = "checked", _("Checked")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        COMMITTED = "committed", _("Committed")
        REFUSED = "refused", _("Refused")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    kind = models.CharField(_("kind of record"), max_length=30, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"), editable=False)
    sheet_name = models.CharField(_("sheet"), max_length=100, blank=True)
    header = models.JSONField(_("header row"), default=list)
    header_hash = models.CharField(_("layout"), max_length=64, db_index=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    result = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.kind})"

    def get_absolute_url(self):
        return reverse("imports:detail", kwargs={"pk": self.pk})


class ColumnMapping(models.Model):
    """The columns chosen for a file layout (its headers, hashed), offered
    again when a file of the same layout is uploaded."""

    kind = models.CharField(_("kind of record"), max_length=30, choices=ImportKind.choices)
    header_hash = models.CharField(_("layout"), max_length=64)
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "header_hash"],
                name="column_mapping_unique_per_layout",
                violation_error_message=_("A layout has one mapping per kind of record."),
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.header_hash[:8]}"
