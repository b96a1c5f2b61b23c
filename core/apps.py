from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Money, errors, domain events and the front-door kit. The OpenAPI token
    scheme registers itself when DRF loads ``core.api.schema.AutoSchema``,
    the schema class named in the settings."""

    name = "core"
    verbose_name = _("Core")
