#!/usr/bin/env bash
# Quick start, command 1: install and start the whole system on its embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node_modules/.bin/tsx gateway/src/main.ts "$@"
