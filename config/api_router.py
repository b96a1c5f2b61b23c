"""The REST API, version 1: the one place that lists its routes.

Each app keeps its routes in ``<app>/api/urls.py``; they are included here
under ``/api/v1/``.
"""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("partnerships.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("achievements.api.urls")),
    path("", include("valuations.api.urls")),
    path("", include("distributions.api.equity")),
    path("", include("distributions.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("distributions.api.run_urls")),
    path("", include("notifications.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("search.api.urls")),
    path("", include("imports.api.urls")),
]
