#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it; no browser download ever).
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
    exit 0
fi
if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "browser: /usr/bin/chromium is missing; install Debian's chromium package" >&2
    exit 1
fi
echo "browser: installing Debian's chromium (browser tests)" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
