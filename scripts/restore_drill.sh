#!/usr/bin/env bash
# Restore drill: back up BioBridge's database and documents the way
# docs/deployment.md tells operators to, restore them into a fresh database
# and a fresh directory, and check that the restore holds what the source
# holds: every table's row count, the migrations applied, and a sample of
# documents byte for byte. Exits non-zero, saying what differs, if anything
# does.
#
# Run it with the environment BioBridge runs with (DATABASE_URL on
# PostgreSQL; MEDIA_ROOT, or S3_BUCKET and the other S3_* variables when the
# documents are in a bucket):
#
#     bash scripts/restore_drill.sh [--sample N]
#
# The fresh database is named restore_drill_<time>_<process> and is dropped at
# the end, as is the backup, unless BACKUP_DIR names a directory to keep it
# in. The database's client tools (pg_dump, pg_restore, createdb, dropdb,
# psql) come from PATH, or from PG_BINDIR; pg_dump must be at least as new as
# the server. A bucket is mirrored with the MinIO client (mc) or the AWS CLI
# (aws), whichever is installed, or else its documents are copied with
# `manage.py move_documents --to disk --keep-source`.
#
# Rows written to the source between the dump and the count show up as
# differences: drill on a quiet database (a copy, or at a quiet hour).
set -euo pipefail
cd "$(dirname "$0")/.."

SAMPLE=20
while [ $# -gt 0 ]; do
    case "$1" in
        --sample) SAMPLE="$2"; shift 2 ;;
        --sample=*) SAMPLE="${1#*=}"; shift ;;
        *) echo "usage: $0 [--sample N]" >&2; exit 2 ;;
    esac
done

if [ -z "${PY:-}" ]; then
    if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python; fi
fi
pg() { "${PG_BINDIR:+$PG_BINDIR/}$1" "${@:2}"; }
step() { printf '\n--- %s\n' "$*"; }
fail() { printf 'restore drill: %s\n' "$*" >&2; exit 1; }

# The database's connection as libpq variables, and where documents are, as
# BioBridge's own settings see them (DATABASE_URL, .env, MEDIA_ROOT).
settings_env=$("$PY" manage.py shell --no-imports -c '
import shlex
from django.conf import settings
database = settings.DATABASES["default"]
if "postgresql" not in database["ENGINE"]:
    raise SystemExit("The drill needs PostgreSQL: set DATABASE_URL to a postgres:// URL.")
values = {
    "PGHOST": database["HOST"], "PGPORT": database["PORT"], "PGUSER": database["USER"],
    "PGPASSWORD": database["PASSWORD"], "SOURCE_DATABASE": database["NAME"],
    "MEDIA_ROOT": settings.MEDIA_ROOT,
}
for name, value in values.items():
    if value:
        print(f"export {name}={shlex.quote(str(value))}")
') || fail "could not read BioBridge's settings."
eval "$settings_env"

client_major=$(pg pg_dump --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
server_major=$(( $(pg psql -XtAc 'SHOW server_version_num' -d "$SOURCE_DATABASE") / 10000 ))
if [ "$client_major" -lt "$server_major" ]; then
    fail "pg_dump $client_major cannot dump a PostgreSQL $server_major server: put client tools" \
         "of version $server_major or newer on PATH, or name their directory in PG_BINDIR."
fi

RESTORED_DATABASE="restore_drill_$(date -u +%Y%m%d%H%M%S)_$$"
if [ -n "${BACKUP_DIR:-}" ]; then
    mkdir -p "$BACKUP_DIR"
    backup=$BACKUP_DIR
else
    backup=$(mktemp -d)
fi
restored_media=$(mktemp -d)
cleanup() {
    pg dropdb --if-exists "$RESTORED_DATABASE" || true
    rm -rf "$restored_media"
    if [ -z "${BACKUP_DIR:-}" ]; then rm -rf "$backup"; fi
}
trap cleanup EXIT

step "Backing up database $SOURCE_DATABASE (pg_dump $client_major, server $server_major)"
pg pg_dump -Fc -f "$backup/biobridge.dump" "$SOURCE_DATABASE"

if [ -n "${S3_BUCKET:-}" ]; then
    step "Mirroring bucket $S3_BUCKET"
    mkdir -p "$backup/documents"
    if command -v mc >/dev/null; then
        endpoint=${S3_ENDPOINT_URL:-https://s3.amazonaws.com}
        MC_HOST_drillsource="${endpoint%%://*}://${S3_ACCESS_KEY_ID}:${S3_SECRET_ACCESS_KEY}@${endpoint#*://}" \
            mc mirror --quiet --overwrite "drillsource/$S3_BUCKET" "$backup/documents"
    elif command -v aws >/dev/null; then
        AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$S3_SECRET_ACCESS_KEY \
        AWS_DEFAULT_REGION=${S3_REGION:-us-east-1} \
            aws s3 sync --only-show-errors ${S3_ENDPOINT_URL:+--endpoint-url "$S3_ENDPOINT_URL"} \
                "s3://$S3_BUCKET" "$backup/documents"
    else
        # Without either client, BioBridge's own copy: every document's file
        # into the backup directory, each verified by its SHA-256.
        MEDIA_ROOT="$backup/documents" "$PY" manage.py move_documents --to disk --keep-source \
            --verbosity 0
    fi
    # A mirror is restored by mirroring it back; the drill reads it where it is.
    restored_documents=$backup/documents
else
    step "Archiving documents in $MEDIA_ROOT"
    mkdir -p "$MEDIA_ROOT"
    tar czf "$backup/documents.tar.gz" -C "$MEDIA_ROOT" .
    step "Restoring documents into $restored_media"
    tar xzf "$backup/documents.tar.gz" -C "$restored_media"
    restored_documents=$restored_media
fi

step "Restoring into a fresh database $RESTORED_DATABASE"
pg createdb "$RESTORED_DATABASE"
pg pg_restore --no-owner --exit-on-error -d "$RESTORED_DATABASE" "$backup/biobridge.dump"

step "Comparing the restore with its source"
"$PY" manage.py restore_check --restored-database "$RESTORED_DATABASE" \
    --restored-documents "$restored_documents" --sample "$SAMPLE"
