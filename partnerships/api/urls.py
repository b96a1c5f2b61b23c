from rest_framework.routers import SimpleRouter

from . import views

AGREEMENT = r"agreements/(?P<agreement_pk>[0-9]+)"

router = SimpleRouter()
router.register("institutions", views.InstitutionViewSet, "institution")
router.register("enterprises", views.EnterpriseViewSet, "enterprise")
router.register("people", views.PersonViewSet, "person")
router.register("joint-centres", views.JointCentreViewSet, "joint-centre")
router.register("partnerships", views.PartnershipViewSet, "partnership")
router.register("agreements", views.AgreementViewSet, "agreement")
router.register(
    f"{AGREEMENT}/failure-clauses", views.FailureClauseViewSet, "agreement-failure-clause"
)
router.register(
    f"{AGREEMENT}/milestone-schedule", views.MilestoneScheduleViewSet, "agreement-schedule-item"
)

urlpatterns = router.urls
