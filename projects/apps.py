from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        # Subscribe the timeline to the domain events of the apps below; the
        # handlers need the models, so they are imported once apps are ready.
        from . import handlers  # noqa: F401
