from django.db.models import QuerySet

from accounts.selectors import has_full_access

from .models import ImportJob


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    """Each staff member's own imports; superusers see all. The file and
    its report are the uploader's."""
    jobs = ImportJob.objects.select_related("created_by").defer("content")
    if has_full_access(user):
        return jobs
    return jobs.filter(created_by=user)
