#!/usr/bin/env bash
# Installs Debian's Chromium for the end-to-end tests, unless a Chromium is
# already there. The tests drive it with Playwright (BIOBRIDGE_CHROMIUM names
# another binary). Needs root for apt-get; prints what to do otherwise.
set -euo pipefail

for candidate in "${BIOBRIDGE_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
        echo "Chromium: $candidate"
        exit 0
    fi
done

if [ "$(id -u)" -ne 0 ]; then
    echo "The end-to-end tests need Chromium: sudo apt-get install chromium" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
echo "Chromium: $(command -v chromium)"
