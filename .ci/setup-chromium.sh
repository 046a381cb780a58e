#!/usr/bin/env bash
# Installs Debian's Chromium for the browser end-to-end tests (packages/e2e-tests), which drive it
# with playwright-core: no browser download, the system package only. Needs root and apt-get.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if [ -x /usr/bin/chromium ]; then
  echo "[setup-chromium] $(/usr/bin/chromium --version 2>/dev/null | head -n1)" >&2
  exit 0
fi
echo "[setup-chromium] installing chromium" >&2
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium >&2
echo "[setup-chromium] $(/usr/bin/chromium --version 2>/dev/null | head -n1)" >&2
