from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo world behind ``make run`` and the projects the benchmarks
    generate. It sits above every other app and nothing imports it but the
    benchmarks and the tests."""

    name = "demo"
    verbose_name = _("Demo data")
