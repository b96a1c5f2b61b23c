from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuationsConfig(AppConfig):
    name = "valuations"
    verbose_name = _("Valuations")
