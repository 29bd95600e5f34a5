#!/usr/bin/env bash
# What `make bench` needs beyond the virtualenv and `make browser` (Debian's chromium), installed
# only when missing, so a second run does nothing:
#   - hyperfine (Debian's package), which times the builds, the examples and `make test`;
#   - Lighthouse CI (@lhci/cli, pinned with its Lighthouse in scripts/bench/package-lock.json),
#     installed into scripts/bench/node_modules with `npm ci` when missing or older than the lock.
# Called by `make bench`.
set -euo pipefail
cd "$(dirname "$0")/bench"

STAMP=node_modules/.installed-from-package-lock.json

if ! command -v hyperfine >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "ensure-bench-tools: installing Debian's hyperfine"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hyperfine
    else
        echo "ensure-bench-tools: hyperfine is missing. Install Debian's package as root:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y hyperfine" >&2
        exit 1
    fi
fi

if ! cmp -s package-lock.json "$STAMP" || [ ! -x node_modules/.bin/lhci ]; then
    echo "ensure-bench-tools: installing Lighthouse CI with npm ci (scripts/bench/package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$STAMP"
fi
