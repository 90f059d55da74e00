#!/usr/bin/env bash
# Installs what helpkey needs on a fresh clone: pnpm (the pinned version) and the workspace's
# packages. better-sqlite3 compiles against Node's headers here (no prebuilt binary can be
# downloaded), which needs npm_config_nodedir pointing at them (pnpm ignores it in .npmrc).
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
want="$(node -p 'require("./package.json").packageManager.split("@")[1]')"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want" ]; then
  echo "setup: installing pnpm@$want" >&2
  npm install -g "pnpm@$want" >&2
fi
pnpm install --frozen-lockfile >&2
pnpm build:dashboard >&2
