from rest_framework.routers import SimpleRouter

from . import views

# Any id reaches the view, which answers 404 in the API's error format for
# one that is not a visible agreement.
AGREEMENT = r"agreements/(?P<agreement_pk>[^/.]+)"

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
