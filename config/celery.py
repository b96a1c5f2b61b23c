"""The Celery application: configured from Django settings, tasks found in
each app's ``tasks.py``. Tasks carry the request id of whatever queued them
(``core.request_id``), and workers and beat log as the web processes do."""

import os

from celery import Celery
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from django.apps import apps
from django.conf import settings
from django.utils.log import configure_logging

from core.request_id import (
    TASK_HEADER,
    accepted_request_id,
    current_request_id,
    new_request_id,
    request_id_begin,
    request_id_end,
)

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


@setup_logging.connect
def _log_as_the_web_does(**kwargs):
    # Connected, this signal keeps Celery from installing its own handlers
    # and format on the root logger: a worker's and beat's records then go
    # through LOGGING, as JSON lines with the request id in production. The
    # level is LOG_LEVEL's, not the command line's -l.
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


@before_task_publish.connect
def _carry_the_request_id(headers=None, **kwargs):
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


@task_prerun.connect
def _run_under_the_request_id(task=None, **kwargs):
    request = task.request
    request_id = getattr(request, TASK_HEADER, None)
    if not request_id and request.is_eager:
        # Run in the queuing process: no message, the id is still current.
        request_id = current_request_id()
    request_id = accepted_request_id(request_id) if request_id else new_request_id()
    request.request_id_token = request_id_begin(request_id)


@task_postrun.connect
def _end_the_request_id(task=None, **kwargs):
    token = getattr(task.request, "request_id_token", None)
    if token is not None:
        request_id_end(token)
