from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("projects", views.ResearchProjectViewSet, "project")
router.register("stage-transitions", views.StageTransitionViewSet, "stage-transition")
router.register("milestones", views.MilestoneViewSet, "milestone")
router.register("fixed-payments", views.FixedPaymentViewSet, "fixed-payment")
router.register("invoices", views.InvoiceViewSet, "invoice")
router.register("payments", views.PaymentViewSet, "payment")
router.register("royalty-reports", views.RoyaltyReportViewSet, "royalty-report")
router.register("cost-entries", views.CostEntryViewSet, "cost-entry")
router.register("documents", views.DocumentViewSet, "document")
router.register("activity", views.ActivityViewSet, "activity")
# Only agreements/{id}/ledger/: the agreement's other routes are partnerships'.
router.register("agreements", views.AgreementLedgerViewSet, "agreement")

urlpatterns = router.urls
