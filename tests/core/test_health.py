"""/healthz says the process answers; /readyz says whether it can serve:
database, cache, broker, storage and migrations, with the beat heartbeat
shown beside them. Neither needs a sign-in, and neither says why a check
failed."""

import time

import pytest
from django.core.cache import cache
from django.db import OperationalError

from core import health
from core.tasks import record_beat_heartbeat

pytestmark = pytest.mark.django_db

SECRET_LOOKING = "password=hunter2 host=db-primary.internal.example user=biobridge"


@pytest.fixture(autouse=True)
def no_heartbeat_yet():
    cache.delete(health.BEAT_HEARTBEAT_CACHE_KEY)
    yield
    cache.delete(health.BEAT_HEARTBEAT_CACHE_KEY)


@pytest.fixture
def migrations_not_yet_checked(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


@pytest.fixture
def celery_conf():
    """Celery's configuration, as it was again after the test."""
    from config.celery import app

    eager = app.conf.task_always_eager
    yield app.conf
    app.conf.task_always_eager = eager


def failing(*args, **kwargs):
    raise OperationalError(SECRET_LOOKING)


# --- /healthz ---------------------------------------------------------------------


def test_healthz_answers_ok_without_a_single_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_while_the_database_and_the_cache_are_down(client, monkeypatch):
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", failing)
    monkeypatch.setattr(cache, "get", failing)
    monkeypatch.setattr(cache, "set", failing)

    response = client.get("/healthz")

    assert response.status_code == 200


def test_probes_by_address_are_answered_despite_the_host_check_and_https_redirect(
    client, settings
):
    """An orchestrator probes the node's own address over plain HTTP."""
    settings.ALLOWED_HOSTS = ["biobridge.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    liveness = client.get("/healthz", HTTP_HOST="10.0.3.17:8000")
    readiness = client.get("/readyz", HTTP_HOST="10.0.3.17:8000")

    assert liveness.status_code == 200
    assert readiness.status_code == 200


def test_probes_answer_get_and_head_only(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


# --- /readyz ----------------------------------------------------------------------


def test_readyz_answers_ok_when_everything_answers(client, settings):
    record_beat_heartbeat()

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "broker": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok",
            "storage": "ok",
            "migrations": "ok",
            "beat": "ok",
        },
        "beat_age_seconds": 0,
    }


def test_the_older_health_address_answers_as_readyz(client):
    record_beat_heartbeat()

    assert client.get("/health/").json() == client.get("/readyz").json()


def test_readyz_answers_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", failing)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == "error"


def test_readyz_answers_503_when_the_cache_is_down(client, monkeypatch):
    monkeypatch.setattr(cache, "set", failing)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error"


def test_readyz_answers_503_when_the_broker_is_unreachable(client, monkeypatch, celery_conf):
    from config.celery import app

    class UnreachableBroker:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def ensure_connection(self, **kwargs):
            assert kwargs["max_retries"] == 0 and kwargs["timeout"] <= 2
            raise ConnectionRefusedError(SECRET_LOOKING)

    celery_conf.task_always_eager = False
    monkeypatch.setattr(app, "connection_for_write", UnreachableBroker)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"


def test_with_tasks_run_eagerly_the_broker_is_reported_eager(client, celery_conf):
    celery_conf.task_always_eager = True

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "eager"


def test_readyz_answers_503_when_the_storage_does_not_answer(client, monkeypatch):
    from django.core.files.storage import storages

    monkeypatch.setattr(storages["default"], "exists", failing)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error"


def test_local_storage_must_have_a_writable_directory(client, settings, tmp_path):
    media = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    # Before the first upload the directory need not exist yet.
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"

    # A file where the directory should be: an unmounted or misnamed volume.
    media.write_text("not a directory")
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error"


def test_readyz_answers_503_while_a_migration_is_unapplied(
    client, monkeypatch, migrations_not_yet_checked
):
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("webhooks", "0099_not_yet")],
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "error"


def test_migrations_are_read_once_per_process_after_they_were_found_applied(
    client, monkeypatch, migrations_not_yet_checked
):
    assert client.get("/readyz").json()["checks"]["migrations"] == "ok"
    monkeypatch.setattr("core.health.MigrationExecutor", failing)

    assert client.get("/readyz").json()["checks"]["migrations"] == "ok"


def test_nothing_about_a_failure_but_its_name_reaches_the_answer(client, monkeypatch):
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", failing)
    monkeypatch.setattr(cache, "set", failing)

    response = client.get("/readyz")

    body = response.content.decode()
    assert response.status_code == 503
    for fragment in ("hunter2", "db-primary", "internal", "OperationalError", "biobridge"):
        assert fragment not in body
    assert set(response.json()["checks"].values()) <= {"ok", "error", "stale", "eager"}


# --- The beat heartbeat -----------------------------------------------------------


def test_the_heartbeat_task_is_scheduled_every_minute(settings):
    scheduled = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "core.tasks.record_beat_heartbeat"
    ]

    assert len(scheduled) == 1
    assert scheduled[0]["schedule"] == 60


def test_the_heartbeat_task_records_when_it_ran(tasks_run_in_process):
    before = time.time()

    record_beat_heartbeat.delay()

    assert before <= cache.get(health.BEAT_HEARTBEAT_CACHE_KEY) <= time.time()


def test_without_a_heartbeat_beat_is_stale_but_the_node_stays_ready(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["beat"] == "stale"
    assert response.json()["beat_age_seconds"] is None


def test_an_old_heartbeat_is_stale_with_its_age_shown(client):
    health.beat_heartbeat_record(now=time.time() - 600)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["beat"] == "stale"
    assert 600 <= response.json()["beat_age_seconds"] <= 605


def test_a_heartbeat_within_three_intervals_is_ok(client):
    health.beat_heartbeat_record(now=time.time() - 150)

    response = client.get("/readyz")

    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["beat"] == "ok"
