from django.urls import path

from . import editing_urls, views

app_name = "agreements"

urlpatterns = [
    path("", views.AgreementListView.as_view(), name="list"),
    *editing_urls.agreement_urlpatterns,
]
