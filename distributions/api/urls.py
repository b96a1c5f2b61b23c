from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("distribution-policies", views.DistributionPolicyViewSet, "distribution-policy")

urlpatterns = [
    path(
        "distributions/compute/",
        views.DistributionComputeView.as_view(),
        name="distribution-compute",
    ),
    *router.urls,
]
