"""Settings for production: PostgreSQL, Redis, gunicorn behind a proxy."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, MAILERS, STORAGES, env, logging_settings

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Keep connections open between requests; a new one costs about 10 ms.
# Health checks replace a connection the server closed while it sat idle.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, whose health check looks at the socket before it
    # sends a query (core/db/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "core.db.postgresql"

# One JSON object a line, for a log collector to parse (docs/deployment.md).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = logging_settings(LOG_FORMAT)

STORAGES = {
    **STORAGES,
    # S3_BUCKET chooses between disk and bucket (base settings); a backend of
    # another kind may still be named by its dotted path.
    "default": (
        {"BACKEND": env("DEFAULT_FILE_STORAGE")}
        if env("DEFAULT_FILE_STORAGE", default="")
        else STORAGES["default"]
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
# Every subdomain of the site's domain must be served over HTTPS too, and the
# domain may be submitted to the browsers' preload list. Switch either off
# only for a domain whose other hosts still speak plain HTTP (see
# docs/deployment.md): preloading is hard to undo.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True

# Invitations and password resets are links sent by email: a console or
# in-memory mailer would write them to the log or lose them, so production
# does not start without a real one.
_UNDELIVERING_MAILERS = {
    f"django.core.mail.backends.{name}.EmailBackend"
    for name in ("console", "dummy", "filebased", "locmem")
}
if not env("EMAIL_URL", default="") or MAILERS["default"]["BACKEND"] in _UNDELIVERING_MAILERS:
    raise ImproperlyConfigured(
        "Production needs a mailer that delivers: set EMAIL_URL, e.g. "
        "smtp+tls://user:password@smtp.example.com:587. Invitation and "
        "password-reset links would otherwise be written to the log or lost."
    )
