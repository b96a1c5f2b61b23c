"""The Celery application: configured from Django settings, tasks found in
each app's ``tasks.py``."""

import os

from celery import Celery
from django.apps import apps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("biobridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _discover_tasks_in_every_process(sender, **kwargs):
    # A worker imports the apps' task modules when it starts; web processes
    # and eager runs must know them too, because services queue tasks by
    # name from the registry (``app.tasks[name]``) rather than import the
    # task modules above them. The registry is finalized on first use, once
    # Django is set up.
    if apps.ready:
        sender.autodiscover_tasks(force=True)
