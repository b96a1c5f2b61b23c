from django.urls import path
from rest_framework.routers import SimpleRouter

from . import mobility, views

router = SimpleRouter()
router.register("staff-mobility", mobility.StaffMobilityViewSet, "staff-mobility")
router.register("transfer-entities", mobility.TransferEntityViewSet, "transfer-entity")

urlpatterns = [
    path(
        "reports/china-annual/", views.ChinaAnnualReportView.as_view(), name="report-china-annual"
    ),
    path("reports/autm/", views.AutmReportView.as_view(), name="report-autm"),
]
urlpatterns += router.urls
