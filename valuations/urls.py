from django.urls import path

from . import portfolio_views, termsheet_views, views

app_name = "valuations"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("projects/<str:code>/new/", views.valuation_new, name="new"),
    path("<int:pk>/", views.valuation_detail, name="detail"),
    path("<int:pk>/status/", views.valuation_status, name="status"),
    path("<int:pk>/rerun/", views.valuation_rerun_view, name="rerun"),
    path("<int:pk>/solve/", views.valuation_solve, name="solve"),
    path("<int:pk>/term-sheet/", termsheet_views.term_sheet, name="term_sheet"),
    path("<int:pk>/term-sheet.pdf", termsheet_views.term_sheet_download, name="term_sheet_pdf"),
    path(
        "<int:pk>/term-sheet/agreement/",
        termsheet_views.term_sheet_agreement,
        name="term_sheet_agreement",
    ),
    path("portfolios/", portfolio_views.portfolio_list, name="portfolios"),
    path(
        "portfolios/<str:scope>/<int:party_id>/new/",
        portfolio_views.portfolio_new,
        name="portfolio-new",
    ),
    path("portfolios/<int:pk>/", portfolio_views.portfolio_detail, name="portfolio-detail"),
    path("portfolios/<int:pk>/status/", portfolio_views.portfolio_status, name="portfolio-status"),
]
