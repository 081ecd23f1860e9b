#!/usr/bin/env bash
# Puts promtool (from Debian's `prometheus` package) and amtool (from `prometheus-alertmanager`)
# into a cache folder WITHOUT installing the packages: installing them would start a Prometheus
# and an Alertmanager in this machine's own namespace. `apt-get download` fetches the .deb only,
# `dpkg-deb -x` unpacks it into a scratch folder, and only the two binaries are kept.
# Prints the bin folder on stdout; tests read TSPLAY_TOOLS_DIR or use the same default.
set -euo pipefail
CACHE="${TSPLAY_TOOLS_DIR:-$(cd "$(dirname "$0")/.." && pwd)/.cache/tools}"
BIN="$CACHE/bin"
mkdir -p "$BIN" "$CACHE/debs"

fetch() { # package, binary path inside the .deb
  local pkg="$1" inside="$2" name
  name="$(basename "$inside")"
  if [ -x "$BIN/$name" ] && "$BIN/$name" --version >/dev/null 2>&1; then return 0; fi
  (cd "$CACHE/debs" && { ls "${pkg}"_*.deb >/dev/null 2>&1 || apt-get download -q "$pkg" >&2 || {
    apt-get update -qq >&2 && apt-get download -q "$pkg" >&2; }; })
  local deb scratch
  deb="$(ls -t "$CACHE/debs/${pkg}"_*.deb | head -n1)"
  scratch="$(mktemp -d "$CACHE/x.XXXXXX")"
  trap 'rm -rf "$scratch"' RETURN
  dpkg-deb -x "$deb" "$scratch"
  if [ ! -x "$scratch/$inside" ]; then echo "fetch-promtool: $inside not found in $deb" >&2; return 1; fi
  install -m 0755 "$scratch/$inside" "$BIN/$name.tmp"
  mv "$BIN/$name.tmp" "$BIN/$name"
}

fetch prometheus usr/bin/promtool
fetch prometheus-alertmanager usr/bin/amtool
echo "$BIN"
