"""The production settings pass Django's deployment checks, and refuse to
start with a mailer that would not deliver invitation and reset links.

Each case runs `manage.py` in a fresh process: settings are read once per
process, and the test settings of this one must not leak in."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _manage(*args, **environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "SECURE_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-long-random-production-key-" + "x7Qp2Lm9" * 8,
        ALLOWED_HOSTS="biobridge.example.org",
        DATABASE_URL="postgres://biobridge:secret@db.example.org:5432/biobridge",
        LOG_LEVEL="WARNING",
    )
    env.update({key: value for key, value in environment.items() if value is not None})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checks_find_nothing_in_production_with_a_real_mailer():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.org:587",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


# None: EMAIL_URL is not set at all.
@pytest.mark.parametrize("email_url", [None, "consolemail://", "memorymail://", "dummymail://"])
def test_production_refuses_to_start_with_a_mailer_that_does_not_deliver(email_url):
    result = _manage("check", EMAIL_URL=email_url)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "set EMAIL_URL" in result.stderr


def test_production_logs_one_json_object_a_line():
    result = _manage(
        "shell",
        "-c",
        "import logging; logging.getLogger('biobridge.check').warning('disk %s full', 'media')",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.org:587",
    )

    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["level"] == "WARNING"
    assert record["logger"] == "biobridge.check"
    assert record["message"] == "disk media full"
    assert record["request_id"] is None


def test_plain_logs_may_be_chosen_in_production():
    result = _manage(
        "shell",
        "-c",
        "import logging; logging.getLogger('biobridge.check').warning('disk full')",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.org:587",
        LOG_FORMAT="plain",
    )

    assert result.stderr.strip().endswith("WARNING biobridge.check disk full")
