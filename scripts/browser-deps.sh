#!/usr/bin/env bash
# Installs what the browser tests need (TOOLCHAIN.md "Browser tests"): Debian's Chromium, driven by
# playwright-core (never `playwright install`, which downloads a browser build and fails here), and
# a CJK font, without which the console's Chinese text renders as boxes. Does nothing when present.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "wenquanyi zen hei"; then exit 0; fi
if [ "$(id -u)" != "0" ]; then SUDO=sudo; else SUDO=; fi
echo "browser-deps: installing chromium and fonts-wqy-zenhei with apt-get" >&2
$SUDO apt-get update >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei >&2
