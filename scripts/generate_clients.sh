#!/usr/bin/env bash
# Generates API clients from the live schema as an integrator would, and
# proves they work: the Python client (openapi-python-client) imports every
# module and drives a running server through scripts/api_client_smoke.py;
# the TypeScript types (openapi-typescript) compile with a typed usage file.
# A schema change that breaks either fails here.
#
# The generators live outside the project's environment: .venv-clients/ for
# Python, clients/typescript/node_modules/ for npm. Output goes to
# build/clients/.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
BUILD=build/clients
CLIENTS_VENV=.venv-clients
PORT=${CLIENTS_PORT:-8765}
URL="http://127.0.0.1:$PORT"

step() { printf '\n=== %s\n' "$*"; }

# The server below runs on its own throwaway database with tasks eager,
# whatever the calling shell points at.
unset CELERY_BROKER_URL REDIS_URL DJANGO_SETTINGS_MODULE

step "Schema"
rm -rf "$BUILD"
mkdir -p "$BUILD/python"
"$PY" manage.py spectacular --validate --fail-on-warn --file "$BUILD/schema.yml"

step "Python client"
if [ ! -x "$CLIENTS_VENV/bin/python" ]; then
    "$PY" -m venv "$CLIENTS_VENV"
fi
"$CLIENTS_VENV/bin/pip" install --quiet --disable-pip-version-check -r clients/python/requirements.txt
"$CLIENTS_VENV/bin/openapi-python-client" generate --path "$BUILD/schema.yml" \
    --config clients/python/config.yml --meta none \
    --output-path "$BUILD/python/biobridge_client" --overwrite
PYTHONPATH="$BUILD/python" "$CLIENTS_VENV/bin/python" - <<'PYTHON'
import importlib
import pkgutil

import biobridge_client

failed = []
modules = list(pkgutil.walk_packages(biobridge_client.__path__, "biobridge_client."))
for module in modules:
    try:
        importlib.import_module(module.name)
    except Exception as error:  # noqa: BLE001 - every failure is reported
        failed.append(f"{module.name}: {error!r}")
if failed:
    raise SystemExit("Generated modules that do not import:\n  " + "\n  ".join(failed))
print(f"All {len(modules)} generated modules import")
PYTHON

step "Python client against a running server"
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_demo
STAFF_TOKEN=$("$PY" manage.py create_api_token staff@example.com --name "Client smoke test")
PARTNER_TOKEN=$("$PY" manage.py create_api_token partner.a@example.com --name "Client smoke test")
"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 60); do
    curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.log" >&2; exit 1; fi
    sleep 0.5
done
if ! PYTHONPATH="$BUILD/python" BIOBRIDGE_URL="$URL" \
        BIOBRIDGE_STAFF_TOKEN="$STAFF_TOKEN" BIOBRIDGE_PARTNER_TOKEN="$PARTNER_TOKEN" \
        "$CLIENTS_VENV/bin/python" scripts/api_client_smoke.py; then
    echo "--- server log" >&2
    tail -n 50 "$WORK/server.log" >&2
    exit 1
fi

step "TypeScript types"
(
    cd clients/typescript
    npm ci --no-audit --no-fund --loglevel=error
    npm run --silent generate
    npx --no-install tsc --noEmit
    echo "The typed usage file compiles against the generated types"
)
