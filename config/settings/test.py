"""Settings for the test suite: fast hashing, mail kept in memory.

The database and broker still come from the environment, so the same suite
runs on SQLite with eager tasks and on PostgreSQL with a real Redis broker.
"""

import os
import re

from .base import *  # noqa: F403
from .base import (
    CACHES,
    CELERY_BROKER_URL,
    CELERY_RESULT_BACKEND,
    DATABASES,
    REST_FRAMEWORK,
    STORAGES,
)

SECRET_KEY = "test-only-secret-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Documents in memory; a test of the bucket brings its own (the ``bucket``
# fixture), whatever S3_BUCKET says.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "disk": STORAGES["disk"],
}
LANGUAGE_CODE = "en"

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = "test_" + DATABASES["default"]["NAME"]
    # A test database need not survive a crash of the server: commits return
    # without waiting for the write-ahead log to reach the disk, which the
    # transactional tests (a commit and a flush each) would otherwise do.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()

# Static files come from the app folders; the suite never runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Throttling has its own tests; elsewhere it must not interfere.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "100000/minute"}}

# The cache of API tokens has its own tests (tests/accounts/test_token_cache.py).
# Elsewhere a test's changes are rolled back without telling the cache, and
# the next test would meet what the last one kept.
API_TOKEN_CACHE_SECONDS = 0

# The sign-in lockout has its own tests, which switch it on; elsewhere it
# would log every sign-in and refuse Client.login(), which authenticates
# without a request.
AXES_ENABLED = False

# pytest-xdist runs the suite in several processes (`make test` starts one per
# core, up to four). pytest-django gives each its own test database; each also
# needs its own Redis databases, or one process's worker would take another's
# queued tasks and a cache.clear() in one would empty the other's cache.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw"):
    _redis_shift = 2 * int(_XDIST_WORKER[2:])

    def _shifted(url):
        """The same Redis server, `_redis_shift` databases further down."""
        if not url or not url.startswith("redis"):
            return url
        match = re.fullmatch(r"(redis://[^/]+)/(\d+)", url)
        if match is None:
            return url
        return f"{match[1]}/{(int(match[2]) - _redis_shift) % 16}"

    CELERY_BROKER_URL = _shifted(CELERY_BROKER_URL)
    CELERY_RESULT_BACKEND = _shifted(CELERY_RESULT_BACKEND)
    if "LOCATION" in CACHES["default"]:
        _cache_location = _shifted(CACHES["default"]["LOCATION"])
        CACHES = {"default": {**CACHES["default"], "LOCATION": _cache_location}}

# Every page of the API's lists whose SQL is kept compiled (core.db.compiled)
# is compiled again and compared: a key that misses what the SQL depends on
# fails the test that meets it.
COMPILED_SQL_CHECK = True
