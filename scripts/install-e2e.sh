#!/usr/bin/env bash
# Installs what the Playground tests (tests/test_playground_*.py) need, when it is missing:
#   - Debian's Chromium at /usr/bin/chromium (the tests never download a browser of their own);
#   - Microsoft 365 Agents Playground (local Teams emulator) into tests/e2e/node_modules,
#     pinned by tests/e2e/package-lock.json.
# Idempotent, and never fails its caller: whatever cannot be installed is reported as a warning
# and those tests then skip with a reason.
set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="$ROOT/tests/e2e"
PLAYGROUND="$E2E/node_modules/@microsoft/m365agentsplayground"

warn() { echo "install-e2e: warning: $*" >&2; }
info() { echo "install-e2e: $*"; }

install_chromium() {
    if [ -x /usr/bin/chromium ]; then
        info "chromium present: /usr/bin/chromium"
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        warn "/usr/bin/chromium is missing and apt-get is not available; install Chromium by hand"
        return 0
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        else
            warn "/usr/bin/chromium is missing and installing it needs root (apt-get install chromium)"
            return 0
        fi
    fi
    info "installing Debian chromium (apt-get update, apt-get install -y chromium)"
    if ! $sudo apt-get update -q; then
        warn "apt-get update failed; chromium not installed"
        return 0
    fi
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium; then
        warn "apt-get install chromium failed"
        return 0
    fi
    [ -x /usr/bin/chromium ] || warn "chromium installed but /usr/bin/chromium is still missing"
}

installed_version() {
    node -p "require('$PLAYGROUND/package.json').version" 2>/dev/null
}

pinned_version() {
    node -p "require('$E2E/package.json').devDependencies['@microsoft/m365agentsplayground']" \
        2>/dev/null
}

install_playground() {
    if [ -f "$PLAYGROUND/cli.js" ]; then
        if ! command -v node >/dev/null 2>&1 || [ "$(installed_version)" = "$(pinned_version)" ]; then
            info "playground present: $PLAYGROUND"
            return 0
        fi
        info "playground $(installed_version) installed, $(pinned_version) pinned: reinstalling"
    fi
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        warn "node/npm not available; the Agents Playground is not installed"
        return 0
    fi
    info "installing the Agents Playground into tests/e2e/node_modules"
    local args=(--no-audit --no-fund --ignore-scripts)
    if [ -f "$E2E/package-lock.json" ]; then
        (cd "$E2E" && npm ci "${args[@]}") && return 0
        warn "npm ci failed; trying npm install"
    fi
    (cd "$E2E" && npm install "${args[@]}") || warn "npm install failed in $E2E"
}

install_chromium
install_playground
exit 0
