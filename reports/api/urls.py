from django.urls import path

from . import views

urlpatterns = [
    path(
        "reports/china-annual/", views.ChinaAnnualReportView.as_view(), name="report-china-annual"
    ),
    path("reports/autm/", views.AutmReportView.as_view(), name="report-autm"),
]
