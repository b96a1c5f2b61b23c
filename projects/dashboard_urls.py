"""The dashboard at ``/`` and the reports at ``/reports/`` (mounted under the
``reports`` namespace by ``reports_urls``)."""

from django.urls import path

from projects.views import dashboard as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Where a signed-in user starts (LOGIN_REDIRECT_URL): the dashboard.
    path("", views.dashboard, name="home"),
]

reports_patterns = [
    path("", views.reports, name="index"),
    path("annual.csv", views.annual_metrics_csv, name="annual-csv"),
    path("conversion.csv", views.conversion_csv, name="conversion-csv"),
]

reports_urls = (reports_patterns, "reports")
