from django.urls import path

from projects.views import money

app_name = "milestones"

urlpatterns = [
    path("", money.MilestoneListView.as_view(), name="list"),
    path("bulk/", money.MilestoneBulkView.as_view(), name="bulk"),
    path("payments/", money.PaymentListView.as_view(), name="payments"),
    path("invoices/", money.InvoiceListView.as_view(), name="invoices"),
    path("invoices/bulk/", money.InvoiceBulkView.as_view(), name="invoices_bulk"),
    path("invoices/<int:invoice_pk>/", money.invoice_detail, name="invoice_detail"),
    path(
        "invoices/<int:invoice_pk>/download/",
        money.invoice_download,
        name="invoice_download",
    ),
]
