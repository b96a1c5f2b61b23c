from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Registers the token scheme with the OpenAPI generator.
        from core.api import schema  # noqa: F401
