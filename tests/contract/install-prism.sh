#!/usr/bin/env bash
# Installs the pinned Prism (tests/contract/package-lock.json) into
# tests/contract/node_modules, which is git-ignored. Used by .ci/run and, when Prism is
# missing, by the contract test itself.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "install-prism: npm is not installed; the contract tests need Node.js and npm" >&2
  exit 1
fi
if [ -x node_modules/.bin/prism ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
