#!/usr/bin/env bash
# Debian packages the tests drive, installed when missing (apt-get, as root or with sudo):
#   chromium   browser tests (playwright never downloads a browser here)
#   nginx      tests/test_deploy.py: `nginx -t` on deploy/nginx-cds.conf
#   systemd    tests/test_deploy.py: `systemd-analyze verify` on the deploy/ units
set -euo pipefail
PATH="$PATH:/usr/sbin:/sbin"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
# nginx is only wanted for `nginx -t`: keep the package from starting a server on port 80
# (invoke-rc.d's policy hook; an existing policy, as in containers, is left as it is)
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod 755 "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
if [ -n "$policy" ] && [[ " ${missing[*]} " == *" nginx "* ]]; then
    $SUDO systemctl disable --quiet nginx.service 2>/dev/null || true    # nor at the next boot
fi
