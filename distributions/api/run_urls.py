from rest_framework.routers import SimpleRouter

from . import runs

router = SimpleRouter()
router.register("distribution-runs", runs.DistributionRunViewSet, "distribution-run")
router.register("distribution-lines", runs.DistributionLineViewSet, "distribution-line")

urlpatterns = router.urls
