#!/usr/bin/env bash
# Installs the OpenID Connect provider that the single sign-on browser tests
# start (tests/oidc/: the oidc-provider package, at the versions of the
# committed package-lock.json). Without Node.js those tests are skipped, and
# this installs nothing. `make test` runs it.
set -euo pipefail
cd "$(dirname "$0")/../tests/oidc"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "Node.js and npm are not installed: the single sign-on browser tests will be skipped." >&2
    exit 0
fi
# npm ci leaves its own copy of the lock file in node_modules; newer than
# the committed one means installed already.
if [ node_modules/.package-lock.json -nt package-lock.json ]; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
