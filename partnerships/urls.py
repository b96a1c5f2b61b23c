from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.partners_index, name="index"),
    path("institutions/", views.InstitutionListView.as_view(), name="institutions"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprises"),
    path("joint-centres/", views.JointCentreListView.as_view(), name="joint_centres"),
    path("partnerships/", views.PartnershipListView.as_view(), name="partnerships"),
]
