"""The money side of the portal: milestones, invoices and payments, and
royalty reports."""

from django.urls import path

from portal.views import milestones, royalties

urlpatterns = [
    path("milestones/", milestones.milestone_list, name="milestones"),
    path("milestones/<int:milestone_pk>/", milestones.milestone_detail, name="milestone_detail"),
    path(
        "milestones/<int:milestone_pk>/verify/",
        milestones.milestone_verify,
        name="milestone_verify",
    ),
    path(
        "milestones/<int:milestone_pk>/dispute/",
        milestones.milestone_dispute,
        name="milestone_dispute",
    ),
    path("invoices/", milestones.invoice_list, name="invoices"),
    path(
        "invoices/<int:invoice_pk>/download/",
        milestones.invoice_download,
        name="invoice_download",
    ),
    path("royalty-reports/", royalties.royalty_report_list, name="royalty_reports"),
    path("royalty-reports/new/", royalties.royalty_report_new, name="royalty_report_new"),
    path(
        "royalty-reports/<int:report_pk>/",
        royalties.royalty_report_detail,
        name="royalty_report_detail",
    ),
    path(
        "royalty-reports/<int:report_pk>/resubmit/",
        royalties.royalty_report_resubmit,
        name="royalty_report_resubmit",
    ),
]
