"""The staff UI's agreements: the list and the forms for agreements and
their terms. An agreement's page shows its projects and money, so projects'
staff UI serves it; ``config/urls.py`` mounts both under ``agreements:``."""

from django.urls import path

from . import editing_urls, views

urlpatterns = [
    path("", views.AgreementListView.as_view(), name="list"),
    path("bulk/", views.AgreementBulkView.as_view(), name="bulk"),
    *editing_urls.agreement_urlpatterns,
]
