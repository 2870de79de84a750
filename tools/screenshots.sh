#!/usr/bin/env bash
# Developer tool (not part of the two commands): screenshot every rendered report page in headless
# Chromium so a person can check them by eye. Needs root once for Debian's packages:
#   apt-get install -y chromium fonts-noto-cjk
# Usage: tools/screenshots.sh [reports/seeds] [out-dir]
set -euo pipefail
src=${1:-reports/seeds}
out=${2:-reports/_screenshots}
mkdir -p "$out"
command -v chromium >/dev/null || { echo "chromium is not installed: apt-get install -y chromium fonts-noto-cjk" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for page in "$src"/*.html "$(dirname "$src")/index.html"; do
  [ -f "$page" ] || continue
  name=$(basename "$(dirname "$page")")_$(basename "$page" .html)
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size=1280,${HEIGHT:-2400} \
    --screenshot="$out/$name.png" "file://$(realpath "$page")" >/dev/null 2>&1
  echo "$out/$name.png"
done
