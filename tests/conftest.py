from importlib import import_module

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import translation

from tests.factories import (
    EnterpriseFactory,
    InstitutionFactory,
    PartnerUserFactory,
    UserFactory,
)


@pytest.fixture
def institution(db):
    return InstitutionFactory()


@pytest.fixture
def staff_user(db, institution):
    """Research-centre staff working for ``institution``."""
    return UserFactory(institutions=[institution])


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory()


@pytest.fixture
def partner_user(db, enterprise):
    return PartnerUserFactory(enterprise=enterprise)


@pytest.fixture
def other_partner_user(db):
    """A user of another enterprise: must never see ``partner_user``'s data."""
    return PartnerUserFactory()


# The data migrations that seed reference data (sectors, pipelines, stages,
# success rates). The flush that ends a transactional test removes it.
REFERENCE_DATA_SEEDS = [
    "projects.migrations.0002_seed_sectors_and_pipelines",
    "valuations.migrations.0002_seed_reference_success_rates",
]


def seed_reference_data():
    for module in REFERENCE_DATA_SEEDS:
        import_module(module).seed(apps, None)


@receiver(post_migrate, dispatch_uid="tests.reference_data_after_flush")
def reference_data_after_flush(sender, **kwargs):
    """The flush that ends a transactional test empties every table, then
    sends post_migrate as a migration would. Under pytest-xdist a process runs
    database tests of later files after it, so the data comes back at once;
    valuations is the last app whose data is seeded. Nor may the cache
    remember what the database no longer holds."""
    if sender.label == "valuations":
        seed_reference_data()
        cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have been left empty by the flush of a
    transactional test in an earlier run; start every run with the data."""
    with django_db_blocker.unblock():
        seed_reference_data()


@pytest.fixture(autouse=True)
def language_of_each_test_starts_afresh():
    """A request in Chinese leaves the language active in the thread (the
    locale middleware activates, nothing deactivates); what a later test
    renders or records must not depend on the one before it."""
    yield
    translation.deactivate()


@pytest.fixture
def tasks_run_in_process():
    """Tasks queued on commit run in the test's process (and thread), also
    when a broker is configured: no worker runs in the suite. A module whose
    tests all need it says so with ``pytest.mark.usefixtures``."""
    from config.celery import app as celery_app

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def worker_on_the_real_broker():
    """A Celery worker thread on the configured broker. The queue is emptied
    first: messages left by earlier runs on the same broker database (tasks
    queued by tests that ran no worker) would otherwise keep it busy."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture(scope="module")
def s3_server():
    """A local S3-compatible server for the tests of a module. Not kept for
    the whole run: its thread would outlive the module, and a later test
    that forks (the generator's drafting processes) must not fork a process
    with other threads in it."""
    # Imported here: moto and boto3 take a third of a second to import, which
    # a run without bucket tests need not pay.
    from tests.object_storage import S3Server

    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    """Documents are kept in a fresh, empty bucket of the local server for
    the test: the default storage is switched to it, as S3_BUCKET would
    (Django's storages are reset whenever STORAGES changes, and again when
    the test ends)."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": bucket.storage(),
        "bucket": bucket.storage(),
    }
    return bucket
