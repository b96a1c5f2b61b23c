from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _

from core.request_id import request_id_end_request


class CoreConfig(AppConfig):
    """Money, errors, domain events and the front-door kit. The OpenAPI token
    scheme registers itself when DRF loads ``core.api.schema.AutoSchema``,
    the schema class named in the settings."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # The request id that core.middleware.RequestIdMiddleware made
        # current stays so until the response is written.
        request_finished.connect(request_id_end_request, dispatch_uid="core.request_id")
