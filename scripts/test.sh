#!/usr/bin/env bash
# Quick start, command 2: install and run every test (typecheck, unit, end-to-end, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/test-deps.sh
pnpm typecheck
pnpm test
