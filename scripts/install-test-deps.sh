#!/usr/bin/env bash
# npm packages the browser tests need: axe-core (the accessibility checker injected into
# each page by tests/test_browser.py). Installed into .cache/npm of the project, never
# fetched from a CDN at test time. Idempotent; does nothing (with a note) without npm.
set -euo pipefail

cd "$(dirname "$0")/.."
PREFIX=.cache/npm
PACKAGES=(axe-core@4)

if [ -f "$PREFIX/node_modules/axe-core/axe.min.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install-test-deps: no npm; install Node.js and npm, then run this script again" >&2
  exit 0
fi
mkdir -p "$PREFIX"
npm install --silent --no-audit --no-fund --prefix "$PREFIX" "${PACKAGES[@]}"
