#!/usr/bin/env bash
# Installs what the tests need beyond Node's packages, with apt-get, only when something is missing:
# Debian's Chromium, driven by playwright-core (never `playwright install`, which downloads a browser
# build and fails here); a CJK font, without which the console's Chinese text renders as boxes; and
# openssl, which the TLS tests use to make their certificate.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi zen hei" || missing+=(fonts-wqy-zenhei)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then SUDO=sudo; else SUDO=; fi
echo "test-deps: installing ${missing[*]} with apt-get" >&2
$SUDO apt-get update >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >&2
