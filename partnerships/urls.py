"""The staff UI's directory of parties: lists and forms. A party's own page
shows its projects and money, so projects' staff UI serves it;
``config/urls.py`` mounts both under the ``partners:`` namespace."""

from django.urls import path

from . import editing_urls, views

urlpatterns = [
    path("", views.partners_index, name="index"),
    path("institutions/", views.InstitutionListView.as_view(), name="institutions"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprises"),
    path("joint-centres/", views.JointCentreListView.as_view(), name="joint_centres"),
    path("partnerships/", views.PartnershipListView.as_view(), name="partnerships"),
    *editing_urls.directory_urlpatterns,
]
