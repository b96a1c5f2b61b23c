from rest_framework.routers import SimpleRouter

from .views import WebhookDeliveryViewSet, WebhookEndpointViewSet

router = SimpleRouter()
router.register("webhook-endpoints", WebhookEndpointViewSet, "webhook-endpoint")
router.register("webhook-deliveries", WebhookDeliveryViewSet, "webhook-delivery")

urlpatterns = router.urls
