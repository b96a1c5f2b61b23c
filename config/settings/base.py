"""Settings shared by every environment, read from the environment.

Each variable has a default that lets BioBridge run on one machine with no
services: SQLite, tasks run eagerly in-process, mail to the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.storage import DISK, bucket_from_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "pipelines",
    "partnerships",
    "projects",
    "achievements",
    "distributions",
    "reports",
    "calendars",
    "search",
    "imports",
    "valuations",
    "notifications",
    "webhooks",
    "portal",
    "demo",
    "axes",
]

MIDDLEWARE = [
    # First, so that every response carries the request id and every request
    # is timed and recorded, whatever answers it.
    "core.middleware.RequestIdMiddleware",
    # Before the host check and the HTTPS redirect, which probes by address
    # would fail.
    "core.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.UntrustedProxyWarningMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session, the user or any view reaches the database.
    "core.middleware.NulByteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "core.middleware.NulByteInBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.access.StaffPagesForStaffOnlyMiddleware",
    "accounts.middleware.AwaitingRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the
    # lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Content Security Policy ----------------------------------------------
# Pages load scripts, styles, images and fonts from BioBridge itself and run
# no inline script, event handler or style: an injected <script> or
# onclick= does not run even if it got past escaping. Templates declare
# behaviour with data attributes that static/js/biobridge.js handles. The
# policy is enforced everywhere, tests included, so a page that breaks it
# fails its tests. data: images are Bootstrap's icons in its stylesheet.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Data -----------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; IMMEDIATE transactions make a writer wait for
    # the lock up front instead of failing half-way with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the app's queries read indexes and summaries and
    # run in a millisecond or two, but the planner overestimates some (a few
    # rows of a small table joined to a large one) past the JIT's threshold,
    # and compiling them costs 10-35 ms each (the dashboard at a million
    # projects spent 48 of its 180 ms compiling two queries that then ran
    # in 0.1 ms; docs/benchmarks.md).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache that is down must cost a request little time.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_SAVE_EVERY_REQUEST = True
# A password-reset link works once, for this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_MINUTES", default=60) * 60
# A colleague invited to the partner portal has this long to accept.
INVITATION_TIMEOUT_DAYS = env.int("INVITATION_TIMEOUT_DAYS", default=7)

# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT failed attempts for
# one account from one address, that pair is locked out for
# AXES_COOLOFF_MINUTES. Counting the pair, not the account alone, keeps an
# attacker from locking a real user out from elsewhere. The API's token
# authentication does not sign in and is not counted.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.services.sign_in_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind reverse proxies every request comes from a proxy's address, which
# would lock an account out for everyone: with TRUSTED_PROXY_COUNT proxies in
# front, the client's address is read from X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.services.sign_in_address"

# Single sign-on by OpenID Connect (mozilla-django-oidc), for staff and
# researchers; partners keep their email and password. Off unless
# OIDC_RP_CLIENT_ID is set. The provider's endpoints are read from its
# discovery document (OIDC_ISSUER + /.well-known/openid-configuration) on the
# first sign-in; an endpoint set here explicitly wins over discovery.
# docs/deployment.md, "Single sign-on".
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_ISSUER = env("OIDC_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
# A first sign-in creates an account (with no role) only for these domains.
OIDC_ALLOWED_DOMAINS = [
    domain.strip().lower().lstrip("@") for domain in env.list("OIDC_ALLOWED_DOMAINS", default=[])
]
# The button reads "Sign in with <OIDC_PROVIDER_NAME>".
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "accounts:login"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "accounts.sso.SingleSignOnBackend"]

# --- Languages ------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_TZ = True

# --- Static and uploaded files --------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded documents: on disk under MEDIA_ROOT, or, with S3_BUCKET set, in a
# private bucket of S3-compatible object storage, which every web node reads
# (config/storage.py; docs/deployment.md, "Object storage").
_bucket = bucket_from_env(env)
STORAGES = {
    "default": _bucket or DISK,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Both places by name, for `manage.py move_documents`, which moves the
    # stored files from one to the other.
    "disk": DISK,
    **({"bucket": _bucket} if _bucket else {}),
}

# --- Mail -----------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587, is read by
# django-environ and handed to the default mailer.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    "timeout": env.int("EMAIL_TIMEOUT", default=10),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {key: value for key, value in _smtp_options.items() if value not in (None, "")}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="BioBridge <noreply@biobridge.local>")

# --- Celery ---------------------------------------------------------------
# Without a broker, tasks run eagerly in the calling process, so one machine
# with no services runs the whole product.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Eager tasks never reach a broker; an in-memory one keeps Celery from
    # looking for a server on localhost.
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND",
    default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else None,
)
CELERY_TASK_ACKS_LATE = True
# Nothing reads a task's result: services record outcomes in the database.
# Without results, queuing a task never touches the result backend, which
# would retry for twenty seconds while Redis is down.
CELERY_TASK_IGNORE_RESULT = True
# A broker that is down costs a request about a second, not minutes: the
# task is queued again by the sweeps (webhook outbox, unsent emails, stalled
# valuations) once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# The sweeps that queue what the broker missed (webhook outbox, unsent
# emails, stalled valuations), and how long each waits for the task queued
# on commit before it steps in (docs/reliability.md).
SWEEP_INTERVAL_SECONDS = env.float("SWEEP_INTERVAL_SECONDS", default=60.0)
NOTIFICATION_EMAIL_SWEEP_GRACE_SECONDS = env.int(
    "NOTIFICATION_EMAIL_SWEEP_GRACE_SECONDS", default=2 * 60
)
# Totals across currencies are shown, beside the per-currency figures, in
# this currency at the latest recorded exchange rate (docs/money.md).
REPORTING_CURRENCY = env.str("REPORTING_CURRENCY", default="CNY")
VALUATION_QUEUED_GRACE_SECONDS = env.int("VALUATION_QUEUED_GRACE_SECONDS", default=2 * 60)
VALUATION_RUNNING_GRACE_SECONDS = env.int("VALUATION_RUNNING_GRACE_SECONDS", default=30 * 60)
# Beat schedules a heartbeat task this often; /readyz calls the heartbeat
# stale when the last one ran longer ago than three intervals
# (docs/deployment.md, "Health and logs").
BEAT_HEARTBEAT_INTERVAL_SECONDS = 60
BEAT_HEARTBEAT_STALE_SECONDS = 3 * BEAT_HEARTBEAT_INTERVAL_SECONDS
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "projects.tasks.send_daily_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "achievements-docket": {
        "task": "achievements.tasks.run_docket",
        "schedule": crontab(hour=6, minute=30),
    },
    "webhooks-sweep-outbox": {
        "task": "webhooks.tasks.sweep_outbox",
        "schedule": SWEEP_INTERVAL_SECONDS,
    },
    "notifications-sweep-unsent-emails": {
        "task": "notifications.tasks.sweep_unsent_emails",
        "schedule": SWEEP_INTERVAL_SECONDS,
    },
    "valuations-sweep-stalled": {
        "task": "valuations.tasks.sweep_stalled_valuations",
        "schedule": SWEEP_INTERVAL_SECONDS,
    },
    "beat-heartbeat": {
        "task": "core.tasks.record_beat_heartbeat",
        "schedule": BEAT_HEARTBEAT_INTERVAL_SECONDS,
        # A heartbeat that waited in the queue longer than an interval is
        # superseded by the next one; running it late would hide the delay.
        "options": {"expires": BEAT_HEARTBEAT_INTERVAL_SECONDS},
    },
}

# --- Webhooks -------------------------------------------------------------
# See docs/webhooks.md. Webhook URLs must be https:// on public addresses;
# development and tests may allow private addresses and plain http.
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=False)
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_CONNECT_TIMEOUT_SECONDS = 5
WEBHOOK_READ_TIMEOUT_SECONDS = 10
WEBHOOK_RETRY_BASE_SECONDS = 30
WEBHOOK_RETRY_MAX_DELAY_SECONDS = 6 * 60 * 60
WEBHOOK_RETRY_WINDOW_SECONDS = 72 * 60 * 60
WEBHOOK_DISPATCH_GRACE_SECONDS = env.int("WEBHOOK_DISPATCH_GRACE_SECONDS", default=60)
WEBHOOK_DELIVERY_LEASE_SECONDS = env.int("WEBHOOK_DELIVERY_LEASE_SECONDS", default=5 * 60)
WEBHOOK_SECRET_ROTATION_GRACE_SECONDS = 24 * 60 * 60
WEBHOOK_SWEEP_BATCH_SIZE = 500

# --- API ------------------------------------------------------------------
REST_FRAMEWORK = {
    # The token scheme first: an unauthenticated request then answers 401
    # with a WWW-Authenticate challenge rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Researchers reach only the endpoints that let them in by name
    # (achievements, disclosures, their notifications and tokens).
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.IsStaffOrPartner"],
    # JSON only: a body declared in one content type is what generated
    # clients handle well. Uploads declare multipart/form-data on their view.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.negotiation.ContentNegotiation",
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.OrjsonRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.throttling.UserOrTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_THROTTLE_RATE", default="1200/minute")},
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "BioBridge API",
    "DESCRIPTION": (
        "Industry–research partnerships in biotechnology: partners, projects, "
        "milestone money, valuations, and the achievements and patent docket."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The interactive docs are served from BioBridge itself, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CurrencyEnum": "core.money.Currency.choices",
        "InstitutionKindEnum": "partnerships.choices.InstitutionKind",
        "AgreementKindEnum": "partnerships.choices.AgreementKind",
        "AgreementStatusEnum": "partnerships.models.Agreement.Status",
        "PartnershipStatusEnum": "partnerships.choices.PartnershipStatus",
        "MilestoneKindEnum": "partnerships.choices.MilestoneKind",
        "PartyEnum": "partnerships.choices.Party",
        "RoyaltyBasisEnum": "partnerships.choices.RoyaltyBasis",
        "ProjectStatusEnum": "projects.choices.ProjectStatus",
        "MilestoneStatusEnum": "projects.choices.MilestoneStatus",
        "VerificationEvidenceEnum": "projects.choices.VerificationEvidence",
        "RoyaltyReportStatusEnum": "projects.choices.RoyaltyReportStatus",
        "VatInvoiceKindEnum": "projects.choices.VatInvoiceKind",
        "VatRateEnum": "projects.choices.VatRate",
        "DeliveryStatusEnum": "webhooks.choices.DeliveryStatus",
        "ValuationStatusEnum": "valuations.choices.ValuationStatus",
        "SolveForEnum": "valuations.engine.solve.SOLVE_TERMS",
        "InfeasibleStructureReasonEnum": "valuations.engine.menu.INFEASIBLE_REASONS",
        "AchievementKindEnum": "achievements.choices.AchievementKind",
        "AchievementStatusEnum": "achievements.choices.AchievementStatus",
        "FundingSourceEnum": "achievements.choices.FundingSource",
        "TransferModeEnum": "achievements.choices.TransferMode",
        # The cooperation mode's name from before transfers had a mode.
        "ModeEnum": "partnerships.choices.CooperationMode",
        "DisclosureStatusEnum": "achievements.choices.DisclosureStatus",
        "JurisdictionEnum": "achievements.choices.Jurisdiction",
        "ApplicationKindEnum": "achievements.choices.ApplicationKind",
        "ApplicationStatusEnum": "achievements.choices.ApplicationStatus",
        "DeadlineKindEnum": "achievements.choices.DeadlineKind",
        "DeadlineStateEnum": "achievements.choices.DeadlineState",
        "SearchKindEnum": "search.selectors.KIND_KEYS",
        "IpCostKindEnum": "achievements.choices.IpCostKind",
        "CounselKindEnum": "achievements.choices.CounselKind",
        "RunStateEnum": "distributions.choices.RunState",
        "LineStateEnum": "distributions.choices.LineState",
        "RecipientKindEnum": "distributions.choices.RecipientKind",
        "RewardFormEnum": "distributions.choices.RewardForm",
        "TaxTreatmentEnum": "distributions.choices.TaxTreatment",
        "RewardSourceEnum": "distributions.choices.RewardSource",
        "MobilityKindEnum": "reports.choices.MobilityKind",
        "EntityKindEnum": "reports.choices.EntityKind",
        "EntityBuiltEnum": "reports.choices.EntityBuilt",
    },
}

# --- Logging --------------------------------------------------------------
# Records go to standard error, one a line, each with the id of the request
# or task it was made for: JSON in production (LOG_FORMAT=json), plain text
# elsewhere. One access record per request (logger biobridge.request); see
# docs/deployment.md, "Health and logs".
LOG_FORMATS = ("plain", "json")


def logging_settings(log_format: str) -> dict:
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(
            f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}."
        )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {
                "()": "core.logs.PlainFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            },
            "json": {"()": "core.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
        "loggers": {
            # Eager tasks would log a line each in the web process.
            "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        },
    }


LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = logging_settings(LOG_FORMAT)

COUNTRIES_FIRST = ["CN", "HK", "SG", "US", "DE", "GB", "JP"]
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
API_MAX_JSON_BYTES = env.int("API_MAX_JSON_BYTES", default=1024 * 1024)
# How long the shared cache (Redis) may answer for an API token and its user
# instead of the database (accounts/token_cache.py); 0 reads the database on
# every request. Changes reach the cache at once; this bounds only what a
# change made while the cache was unreachable leaves there.
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=60)
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=25 * 1024 * 1024)
# Imports of existing records (imports/): the largest file and the most rows
# read, and from how many rows an import runs as a background task.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=2_000)
