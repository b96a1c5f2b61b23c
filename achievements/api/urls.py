from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("achievements", views.AchievementViewSet, "achievement")
router.register("disclosures", views.DisclosureViewSet, "disclosure")
router.register("patent-families", views.PatentFamilyViewSet, "patent-family")
router.register("patent-applications", views.PatentApplicationViewSet, "patent-application")
router.register("deadlines", views.DeadlineViewSet, "deadline")
router.register("counsel", views.CounselViewSet, "counsel")
router.register("ip-costs", views.IpCostViewSet, "ip-cost")

urlpatterns = router.urls
