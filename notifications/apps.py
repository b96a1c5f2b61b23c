from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The services announce events without knowing who is told of them;
        # importing the handlers subscribes them, before the first request
        # or task publishes anything.
        from . import handlers  # noqa: F401
