from django.urls import path
from rest_framework.routers import SimpleRouter

from . import portfolio_views, termsheet_views, views

router = SimpleRouter()
router.register("valuations/reference-rates", views.ReferenceSuccessRateViewSet, "reference-rate")
router.register("valuations/comparable-deals", views.ComparableDealViewSet, "comparable-deal")
router.register("valuations/portfolios", portfolio_views.PortfolioRunViewSet, "portfolio-run")
router.register("valuations", views.ValuationViewSet, "valuation")

compute = [
    ("rnpv", views.RnpvComputeView),
    ("relief-from-royalty", views.ReliefFromRoyaltyComputeView),
    ("profit-split", views.ProfitSplitComputeView),
    ("excess-earnings", views.ExcessEarningsComputeView),
    ("cost-approach", views.CostApproachComputeView),
    ("market-approach", views.MarketApproachComputeView),
    ("scorecard", views.ScorecardComputeView),
    ("solve", views.SolveComputeView),
]

urlpatterns = [
    *(
        path(f"valuations/compute/{name}/", view.as_view(), name=f"valuation-compute-{name}")
        for name, view in compute
    ),
    path(
        "valuations/<int:pk>/term-sheet.pdf",
        termsheet_views.TermSheetPdfView.as_view(),
        name="valuation-term-sheet-pdf",
    ),
    path(
        "valuations/<int:pk>/term-sheet/",
        termsheet_views.TermSheetView.as_view(),
        name="valuation-term-sheet",
    ),
    path(
        "valuations/<int:pk>/agreement/",
        termsheet_views.TermSheetAgreementView.as_view(),
        name="valuation-agreement",
    ),
    *router.urls,
]
