"""The staff UI's directory of parties: lists and forms. A party's own page
shows its projects and money, so projects' staff UI serves it;
``config/urls.py`` mounts both under the ``partners:`` namespace."""

from django.urls import path

from . import editing_urls, views

urlpatterns = [
    path("", views.partners_index, name="index"),
    path("institutions/", views.InstitutionListView.as_view(), name="institutions"),
    path("institutions/bulk/", views.InstitutionBulkView.as_view(), name="institutions_bulk"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprises"),
    path("enterprises/bulk/", views.EnterpriseBulkView.as_view(), name="enterprises_bulk"),
    path("joint-centres/", views.JointCentreListView.as_view(), name="joint_centres"),
    path("joint-centres/bulk/", views.JointCentreBulkView.as_view(), name="joint_centres_bulk"),
    path("partnerships/", views.PartnershipListView.as_view(), name="partnerships"),
    path("partnerships/bulk/", views.PartnershipBulkView.as_view(), name="partnerships_bulk"),
    *editing_urls.directory_urlpatterns,
]
