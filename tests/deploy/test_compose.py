"""docker-compose.yml is a valid Compose file, and it runs BioBridge on
several nodes: two web nodes behind nginx, two workers, one beat, documents in
a private MinIO bucket, and nothing shared through a local volume.

No Docker is needed: the file is read as YAML and checked against the Compose
Specification's JSON schema (compose-spec.json beside this file)."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
NGINX = ROOT / "deploy" / "nginx"
SCHEMA = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_IMAGE = "${BIOBRIDGE_IMAGE:-biobridge:local}"
APP_SERVICES = {name for name, service in SERVICES.items() if service.get("image") == APP_IMAGE}
WEB_SERVICES = {"web-1", "web-2"}
NGINX_SITES = ["biobridge.conf", "biobridge-tls.conf"]

# ${NAME:-default} and ${NAME-default} give the default; ${NAME:?message}
# and ${NAME} have none.
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<rest>[^}]*))?\}")


def value_without_environment(value):
    """A compose value as it reads when the operator sets no variable."""

    def default(match):
        return match["rest"] if match["op"] in (":-", "-") else ""

    return INTERPOLATION.sub(default, str(value))


def schema_errors(document):
    validator = jsonschema.Draft7Validator(SCHEMA)
    return sorted(
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(document)
    )


def command_of(service):
    command = service.get("command", [])
    return " ".join(command) if isinstance(command, list) else command


def replicas(service):
    return service.get("scale", service.get("deploy", {}).get("replicas", 1))


def nginx_upstream_servers(config):
    upstream = re.search(r"upstream\s+biobridge\s*\{(?P<body>[^}]*)\}", config)
    assert upstream, "no `upstream biobridge` block"
    servers = re.findall(r"^\s*server\s+(\S+)", upstream["body"], re.MULTILINE)
    return {server.split(":")[0] for server in servers}


def test_the_vendored_schema_is_a_valid_json_schema():
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_the_compose_file_is_valid_under_the_compose_specification():
    assert schema_errors(COMPOSE) == []


def test_the_schema_check_finds_a_misspelt_service_key():
    broken = {"services": {"web-1": {"image": "biobridge:local", "helthcheck": {}}}}

    assert any("helthcheck" in error for error in schema_errors(broken))


def test_two_web_nodes_of_the_app_image_run_behind_the_proxy():
    assert WEB_SERVICES <= APP_SERVICES
    assert set(SERVICES["proxy"]["depends_on"]) == WEB_SERVICES
    for name in WEB_SERVICES:
        assert replicas(SERVICES[name]) == 1
        assert "ports" not in SERVICES[name], f"{name} is reached through the proxy only"


@pytest.mark.parametrize("site", NGINX_SITES)
def test_each_nginx_site_balances_over_both_web_nodes(site):
    config = (NGINX / site).read_text()

    assert nginx_upstream_servers(config) == WEB_SERVICES
    assert "include /etc/nginx/biobridge-proxy.conf;" in config


def test_nginx_passes_the_client_address_and_scheme_to_the_upstream():
    proxy = (NGINX / "proxy.conf").read_text()

    assert "proxy_pass http://biobridge;" in proxy
    assert "proxy_set_header Host $host;" in proxy
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxy
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy


def test_the_proxy_mounts_the_files_its_sites_include():
    mounts = [value_without_environment(volume) for volume in SERVICES["proxy"]["volumes"]]

    assert "./deploy/nginx/biobridge.conf:/etc/nginx/conf.d/default.conf:ro" in mounts
    assert "./deploy/nginx/proxy.conf:/etc/nginx/biobridge-proxy.conf:ro" in mounts


@pytest.mark.parametrize("site", NGINX_SITES)
def test_nginx_accepts_a_document_as_large_as_the_app_does(site):
    config = (NGINX / site).read_text()
    limits = re.findall(r"client_max_body_size\s+(\d+)([km]?);", config)
    unit = {"": 1, "k": 1024, "m": 1024 * 1024}

    assert limits
    for number, suffix in limits:
        assert int(number) * unit[suffix] > settings.DOCUMENT_MAX_BYTES


def test_two_workers_run_and_exactly_one_beat():
    workers = [s for s in SERVICES.values() if command_of(s).startswith("celery -A config worker")]
    beats = [s for s in SERVICES.values() if command_of(s).startswith("celery -A config beat")]

    assert sum(replicas(worker) for worker in workers) == 2
    assert [replicas(beat) for beat in beats] == [1]


def test_minio_holds_the_documents_in_a_private_bucket():
    assert SERVICES["minio"]["image"].startswith("${MINIO_IMAGE:-minio/minio:")
    bucket = SERVICES["bucket"]
    script = command_of(bucket)

    assert 'mc mb --ignore-existing "local/$$S3_BUCKET"' in script
    assert 'mc anonymous set none "local/$$S3_BUCKET"' in script
    assert not re.search(r"anonymous set (public|download|upload)", script)
    assert "ports" not in SERVICES["minio"]
    for name in APP_SERVICES - {"migrate"}:
        assert SERVICES[name]["depends_on"]["bucket"] == {
            "condition": "service_completed_successfully"
        }


def test_no_service_keeps_documents_on_a_local_volume():
    assert "media" not in COMPOSE.get("volumes", {})
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source")
            target = volume.split(":")[1] if isinstance(volume, str) else volume.get("target")
            assert source != "media" and target != "/app/media", f"{name} mounts {volume}"


@pytest.mark.parametrize("name", ["web-1", "web-2", "worker", "beat"])
def test_every_app_process_is_configured_for_several_nodes(name):
    environment = {
        key: value_without_environment(value)
        for key, value in SERVICES[name]["environment"].items()
    }

    assert environment["S3_BUCKET"] == "biobridge-documents"
    assert environment["S3_ENDPOINT_URL"] == "http://minio:9000"
    assert {"S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "CSRF_TRUSTED_ORIGINS"} <= set(environment)
    assert environment["TRUSTED_PROXY_COUNT"] == "1"
    assert environment["LOG_FORMAT"] == "json"
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    assert "MEDIA_ROOT" not in environment


def test_web_nodes_report_liveness_and_the_proxy_readiness():
    for name in WEB_SERVICES:
        assert "http://127.0.0.1:8000/healthz" in " ".join(SERVICES[name]["healthcheck"]["test"])
    assert "http://127.0.0.1/readyz" in " ".join(SERVICES["proxy"]["healthcheck"]["test"])
