from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # The services announce events without knowing that integrations
        # hear of them; importing the handlers subscribes them, before the
        # first request or task publishes anything.
        from . import handlers  # noqa: F401
