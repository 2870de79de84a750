#!/usr/bin/env bash
# Developer tool (not part of the two commands): screenshot every rendered report page in headless
# Chromium so a person can check them by eye. Installs Debian's chromium and fonts-noto-cjk
# when they are missing (needs root for that, once).
# Usage: tools/screenshots.sh [reports/seeds] [out-dir]
set -euo pipefail
src=${1:-reports/seeds}
out=${2:-reports/_screenshots}
mkdir -p "$out"
if ! command -v chromium >/dev/null || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  echo "installing Debian's chromium and fonts-noto-cjk (needs root)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
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
