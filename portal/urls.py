"""The partner portal under ``/portal/``. Its routes are grouped by area;
``tests/portal/test_foreign_objects.py`` tries every one of them with another
enterprise's objects."""

from django.urls import include, path

app_name = "portal"

urlpatterns = [
    # Overview, projects and agreements.
    path("", include("portal.urls_projects")),
    # Milestones, invoices, payments and royalty reports.
    path("", include("portal.urls_money")),
    # Documents, notifications and the enterprise's team.
    path("", include("portal.urls_collaboration")),
]
