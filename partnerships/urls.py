from django.urls import path

from . import detail_views, editing_urls, views

app_name = "partners"

urlpatterns = [
    path("", views.partners_index, name="index"),
    path("institutions/", views.InstitutionListView.as_view(), name="institutions"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprises"),
    path("joint-centres/", views.JointCentreListView.as_view(), name="joint_centres"),
    path("partnerships/", views.PartnershipListView.as_view(), name="partnerships"),
    *editing_urls.directory_urlpatterns,
    path(
        "institutions/<str:code>/",
        detail_views.institution_detail,
        name="institution_detail",
    ),
    path(
        "enterprises/<str:code>/",
        detail_views.enterprise_detail,
        name="enterprise_detail",
    ),
    path(
        "joint-centres/<str:code>/",
        detail_views.joint_centre_detail,
        name="joint_centre_detail",
    ),
    path(
        "partnerships/<str:code>/",
        detail_views.partnership_detail,
        name="partnership_detail",
    ),
]
