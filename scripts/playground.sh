#!/usr/bin/env bash
# `make playground`: the bot and Microsoft 365 Agents Playground (the local Teams emulator),
# ready for a first run. The Playground's user is Agnes Admin (playground/m365agentsplayground.yml),
# whose aadObjectId is the first admin; the bot answers in Swedish (STEGVIS_DEFAULT_LOCALE) even
# though the Playground says en-US. Its own SQLite file (playground.db) keeps it apart from
# `make run`. Ctrl-C stops both.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON_BIN:-$ROOT/.venv/bin/python}"
E2E="$ROOT/tests/e2e"
CLI="$E2E/node_modules/@microsoft/m365agentsplayground/cli.js"
ADMIN_ID="3f6b9c2e-8a1d-4e7f-b5c4-0d2e6a9f1b38"  # currentUser.aadObjectId in the config file
BOT_PORT="${PORT:-3978}"
UI_PORT="${PLAYGROUND_PORT:-56150}"

command -v node >/dev/null || { echo "playground: node and npm are needed (apt-get install nodejs npm)" >&2; exit 1; }
if [ ! -f "$CLI" ]; then
    echo "playground: installing the Agents Playground into tests/e2e/node_modules"
    (cd "$E2E" && npm ci --no-audit --no-fund --ignore-scripts)
fi

export DATABASE_URL="${PLAYGROUND_DATABASE_URL:-sqlite+aiosqlite:///$ROOT/playground.db}"
export HOST=127.0.0.1 PORT="$BOT_PORT"
export STEGVIS_ADMIN_AAD_IDS="$ADMIN_ID" STEGVIS_DEFAULT_LOCALE=sv-SE
# The Playground sends no token and a made-up tenant: no credentials, no tenant filter, whatever
# a developer's .env says.
export MicrosoftAppId="" MicrosoftAppPassword="" MicrosoftAppTenantId="" STEGVIS_ALLOWED_TENANTS=""

cd "$ROOT"
"$PYTHON" -m bot migrate
"$PYTHON" -m bot serve &
BOT_PID=$!
trap 'kill "$BOT_PID" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 100); do
    if "$PYTHON" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$BOT_PORT/healthz', timeout=1)" 2>/dev/null; then
        break
    fi
    kill -0 "$BOT_PID" 2>/dev/null || { echo "playground: the bot did not start" >&2; exit 1; }
    sleep 0.2
done

echo "playground: open http://localhost:$UI_PORT/ (user Agnes Admin, first admin; Ctrl-C stops)"
M365_AGENTS_PLAYGROUND_CONFIG_PATH="$ROOT/playground/m365agentsplayground.yml" \
    M365_AGENTS_PLAYGROUND_LOGFILE="$ROOT/playground/playground.log" \
    node "$CLI" --app-endpoint "http://127.0.0.1:$BOT_PORT/api/messages" --channel-id msteams \
    --port "$UI_PORT" --disable-telemetry
