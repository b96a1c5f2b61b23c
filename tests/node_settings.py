"""The settings of a BioBridge node started by tests/test_two_nodes.py: the
test settings, with what several nodes must share switched on as in
production. Documents are kept in the bucket (S3_* variables), the API
throttle and the sign-in lockout are on, at the limits the test gives."""

from config.settings.base import env
from config.settings.test import *  # noqa: F403
from config.settings.test import REST_FRAMEWORK, STORAGES
from config.storage import bucket_from_env

_bucket = bucket_from_env(env)
STORAGES = {**STORAGES, "default": _bucket, "bucket": _bucket}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"user": env("API_THROTTLE_RATE")},
}
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT")
