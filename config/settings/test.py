"""Settings for the test suite: fast hashing, mail kept in memory.

The database and broker still come from the environment, so the same suite
runs on SQLite with eager tasks and on PostgreSQL with a real Redis broker.
"""

from .base import *  # noqa: F403
from .base import DATABASES, REST_FRAMEWORK

SECRET_KEY = "test-only-secret-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = "test_" + DATABASES["default"]["NAME"]

# Static files come from the app folders; the suite never runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Throttling has its own tests; elsewhere it must not interfere.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "100000/minute"}}

# The sign-in lockout has its own tests, which switch it on; elsewhere it
# would log every sign-in and refuse Client.login(), which authenticates
# without a request.
AXES_ENABLED = False
