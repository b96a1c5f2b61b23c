"""Where documents are kept follows the environment: local disk when
S3_BUCKET is unset (as ``make run`` has it), a private bucket when it is set.

Each case reads the settings in a fresh process: settings are read once per
process, and the test settings of this one must not leak in."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent

PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-key-" + "x7Qp2Lm9" * 8,
    "ALLOWED_HOSTS": "biobridge.example.org",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def storages_of(settings_module, **environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "S3_", "DEFAULT_FILE_STORAGE"))
    }
    env.update(environment)
    script = (
        "import importlib, json, sys; "
        f"settings = importlib.import_module({settings_module!r}); "
        "json.dump(settings.STORAGES, sys.stdout)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("settings_module", "environment"),
    [("config.settings.local", {}), ("config.settings.production", PRODUCTION)],
)
def test_without_a_bucket_documents_are_kept_on_local_disk(settings_module, environment):
    storages = storages_of(settings_module, **environment)

    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storages["disk"] == storages["default"]
    assert "bucket" not in storages


@pytest.mark.parametrize(
    ("settings_module", "environment"),
    [("config.settings.local", {}), ("config.settings.production", PRODUCTION)],
)
def test_with_a_bucket_documents_are_private_objects_in_it(settings_module, environment):
    storages = storages_of(
        settings_module,
        S3_BUCKET="biobridge-documents",
        S3_ENDPOINT_URL="https://minio.example.org:9000",
        S3_REGION="cn-hangzhou",
        S3_ACCESS_KEY_ID="access",
        S3_SECRET_ACCESS_KEY="secret",
        S3_ADDRESSING_STYLE="virtual",
        **environment,
    )

    storage = storages["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    # The disk stays known by name, for moving documents out of the bucket.
    assert storages["bucket"] == storage
    assert storages["disk"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "biobridge-documents"
    assert options["endpoint_url"] == "https://minio.example.org:9000"
    assert options["region_name"] == "cn-hangzhou"
    assert (options["access_key"], options["secret_key"]) == ("access", "secret")
    assert options["addressing_style"] == "virtual"
    # No ACL on the objects (the bucket's private policy holds), only signed
    # URLs, and an upload never replaces an object of the same name.
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_a_bucket_on_aws_needs_no_endpoint_and_defaults_to_us_east_1_and_path_style():
    storages = storages_of("config.settings.local", S3_BUCKET="biobridge-documents")

    options = storages["default"]["OPTIONS"]
    assert options["endpoint_url"] is None
    assert options["region_name"] == "us-east-1"
    assert options["addressing_style"] == "path"
    # Left to boto3's own chain (an instance role, say), not set empty.
    assert (options["access_key"], options["secret_key"]) == (None, None)
