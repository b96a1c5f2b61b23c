#!/usr/bin/env bash
# Fetches the front-end libraries BioBridge serves from static/vendor/, at
# pinned versions, from the npm registry. The files are committed: the app
# runs offline and never loads assets from a CDN. Run it only to upgrade.
set -euo pipefail
cd "$(dirname "$0")/.."

BOOTSTRAP=5.3.9
HTMX=2.0.11
CHARTJS=4.6.1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # package version
    (cd "$work" && npm pack --silent "$1@$2" >/dev/null && mkdir -p "$1" \
        && tar -xzf "$(ls ./*.tgz | head -n 1)" -C "$1" && rm ./*.tgz)
}

fetch bootstrap "$BOOTSTRAP"
fetch htmx.org "$HTMX"
fetch chart.js "$CHARTJS"

dest=static/vendor
rm -rf "$dest" && mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/chartjs"
cp "$work/bootstrap/package/dist/css/bootstrap.min.css" "$dest/bootstrap/"
cp "$work/bootstrap/package/dist/js/bootstrap.bundle.min.js" "$dest/bootstrap/"
cp "$work/bootstrap/package/LICENSE" "$dest/bootstrap/LICENSE"
cp "$work/htmx.org/package/dist/htmx.min.js" "$dest/htmx/"
cp "$work/htmx.org/package/LICENSE" "$dest/htmx/LICENSE"
cp "$work/chart.js/package/dist/chart.umd.min.js" "$dest/chartjs/"
cp "$work/chart.js/package/LICENSE.md" "$dest/chartjs/LICENSE.md"
# The source maps are not shipped; drop the references to them, which the
# manifest storage would otherwise try to resolve.
sed -i -E '/sourceMappingURL=/d' "$dest"/*/*.min.css "$dest"/*/*.js
printf 'bootstrap %s\nhtmx.org %s\nchart.js %s\n' "$BOOTSTRAP" "$HTMX" "$CHARTJS" > "$dest/VERSIONS"
echo "Vendored into $dest:"
cat "$dest/VERSIONS"
