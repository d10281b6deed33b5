#!/usr/bin/env bash
# Debian packages the test suite needs beyond Python (headless Chromium for the browser
# tests; rasqal's `roqet` for the SPARQL interoperability test; Virtuoso for the external-store
# tests, started by scripts/virtuoso.sh; `wrk`, the HTTP load generator of benchmarks/).
# Idempotent: installs only what is missing, runs `apt-get update` at most once,
# and does nothing (with a note) when not root or not on a Debian-like system.
set -euo pipefail

# One package per line; add more here (e.g. rasqal-utils) rather than writing a second script.
PACKAGES=(
  chromium
  rasqal-utils
  virtuoso-opensource-7
  wrk
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: no apt-get; install by hand: ${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: not root; install by hand: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi

echo "install-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
