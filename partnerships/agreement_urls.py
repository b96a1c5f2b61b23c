from django.urls import path

from . import detail_views, editing_urls, views

app_name = "agreements"

urlpatterns = [
    path("", views.AgreementListView.as_view(), name="list"),
    *editing_urls.agreement_urlpatterns,
    path("<str:reference>/", detail_views.agreement_detail, name="detail"),
]
