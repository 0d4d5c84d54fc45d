"""The bot and Microsoft 365 Agents Playground (the local Teams emulator), started for a browser
test, and Debian's Chromium driven by Playwright; shared by the Playground tests.

The bot and the playground run as real subprocesses (`python -m bot serve`, the playground's
`cli.js` on node). `scripts/install-e2e.sh` installs Chromium and the playground
(tests/e2e/package.json); without them a test skips and says why.

The playground runs with the repository's config file (playground/m365agentsplayground.yml, as
`make playground` does), whose user has a GUID aadObjectId named as first admin. It hard-codes
`locale: "en-US"` in every activity; the bot answers in Swedish anyway (its default locale, until
a user chooses `språk en`). A small relay between the playground and the bot records the bot's
HTTP answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

REPO = Path(__file__).resolve().parents[1]
PLAYGROUND = REPO / "tests" / "e2e" / "node_modules" / "@microsoft" / "m365agentsplayground"
PLAYGROUND_CLI = PLAYGROUND / "cli.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCALE = "sv-SE"
PLAYGROUND_CONFIG = REPO / "playground" / "m365agentsplayground.yml"
PLAYGROUND_ADMIN = "3f6b9c2e-8a1d-4e7f-b5c4-0d2e6a9f1b38"  # currentUser.aadObjectId there

COMPOSE_BOX = 'div[contenteditable="true"][data-lexical-editor="true"][role="textbox"]'
SEND_BUTTON = 'button[aria-label="Send Message"]'
ADAPTIVE_CARD = ".ac-adaptiveCard"
BOT_MESSAGE = ".fai-OutputCard"  # one bot message (text or card) in the conversation
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def missing_prerequisite() -> str | None:
    """Why a Playground test cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (run scripts/install-e2e.sh)"
    if shutil.which("node") is None:
        return "node is not installed (run scripts/install-e2e.sh)"
    if not PLAYGROUND_CLI.is_file():
        return f"{PLAYGROUND.relative_to(REPO)} is missing (run scripts/install-e2e.sh)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the python playwright package is not installed (pip install -e '.[dev]')"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, limit: int = 6000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return text[-limit:] or "(no output)"


def start(command: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    """A subprocess in its own process group, its output (stdout and stderr) in `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen | None) -> None:
    """Terminate the whole process group; SIGKILL if it does not go within 4 s."""
    if process is None:
        return
    for sig, wait in ((signal.SIGTERM, 4.0), (signal.SIGKILL, 4.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # A group leader that exited first may leave children behind: make sure they go too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def bot_env(tmp_path: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'stegvis-e2e.db'}",  # Running.database
        HOST="127.0.0.1",
        PORT=str(port),
        PYTHONUNBUFFERED="1",
        # No credentials and no tenant filter: the playground sends no token and a made-up tenant.
        # Set (empty) so that a developer's .env cannot switch them on for this process.
        MicrosoftAppId="",
        MicrosoftAppPassword="",
        MicrosoftAppTenantId="",
        STEGVIS_ALLOWED_TENANTS="",
        STEGVIS_ADMIN_AAD_IDS=PLAYGROUND_ADMIN,
        STEGVIS_DEFAULT_LOCALE=LOCALE,
    )
    return env


def _playground_env(tmp_path: Path, endpoint: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTH_", "M365_AGENTS"))}
    env.update(
        BOT_ENDPOINT=endpoint,
        DEFAULT_CHANNEL_ID="msteams",
        TEAMSAPPTESTER_PORT=str(port),
        TEAMSAPPTESTER_BROWSER="none",  # do not open a browser of its own
        M365_AGENTS_PLAYGROUND_LOGFILE=str(tmp_path / "playground-console.log"),
        M365_AGENTS_PLAYGROUND_CONFIG_PATH=str(PLAYGROUND_CONFIG),
    )
    return env


def assert_alive(process: subprocess.Popen, name: str, log: Path) -> None:
    code = process.poll()
    if code is not None:
        pytest.fail(f"{name} exited with code {code}:\n{tail(log)}")


async def wait_for_health(url: str, bot: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while time.monotonic() < deadline:
            assert_alive(bot, "the bot", log)
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
    pytest.fail(f"{url} did not answer 200 within {timeout:.0f} s:\n{tail(log)}")


async def _wait_for_playground(process: subprocess.Popen, log: Path, timeout: float) -> str:
    """The playground prints `Listening on PORT` (it falls back to a random port when busy)."""
    deadline = time.monotonic() + timeout
    port = None
    while port is None and time.monotonic() < deadline:
        assert_alive(process, "the playground", log)
        match = re.search(r"Listening on (\d+)", tail(log))
        if match:
            port = int(match.group(1))
        else:
            await asyncio.sleep(0.2)
    if port is None:
        pytest.fail(f"the playground did not start within {timeout:.0f} s:\n{tail(log)}")
    url = f"http://127.0.0.1:{port}/"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while time.monotonic() < deadline:
            assert_alive(process, "the playground", log)
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with session.get(url) as response:
                    if response.status == 200 and "Agents Playground" in await response.text():
                        return url
            await asyncio.sleep(0.2)
    pytest.fail(f"the playground UI at {url} did not answer within {timeout:.0f} s")


class Relay:
    """Between the playground and the bot: records what came back."""

    def __init__(self, bot_url: str) -> None:
        self.bot_url = bot_url
        self.exchanges: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20))
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/api/messages", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/api/messages"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def seen(self, *types: str) -> bool:
        return any(exchange["type"] in types for exchange in self.exchanges)

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        activity = None
        if request.method == "POST" and body:
            with contextlib.suppress(ValueError):
                activity = json.loads(body)
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in {"content-type", "authorization"}
        }
        async with self._session.request(
            request.method, self.bot_url, data=body or None, headers=headers
        ) as response:
            answer = await response.read()
            status = response.status
            content_type = response.headers.get("Content-Type")
        if isinstance(activity, dict):
            value = activity.get("value")
            self.exchanges.append(
                {
                    "type": activity.get("type"),
                    "name": activity.get("name") or activity.get("action"),
                    "text": activity.get("text"),
                    "command": value.get("command") if isinstance(value, dict) else None,
                    "value": value if isinstance(value, dict) else None,
                    "status": status,
                    "answer": answer[:500].decode("utf-8", "replace"),
                }
            )
        response_headers = {"Content-Type": content_type} if content_type else None
        return web.Response(status=status, body=answer, headers=response_headers)


def log_problems(log: str) -> list[str]:
    """The bot log's error records and tracebacks."""
    records: list[str] = []
    for line in log.splitlines():
        if re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line) or not records:
            records.append(line)
        else:
            records[-1] += "\n" + line
    return [
        record
        for record in records
        if re.match(r"\S+ \S+ (ERROR|CRITICAL) ", record) or "Traceback" in record
    ]


@dataclass
class Running:
    """A bot and a playground in front of it, for one test."""

    tmp_path: Path
    ui_url: str
    relay: Relay
    bot: subprocess.Popen

    @property
    def bot_log(self) -> Path:
        return self.tmp_path / "bot.log"

    @property
    def screenshot(self) -> Path:
        return self.tmp_path / "playground.png"

    @property
    def database(self) -> Path:
        """The bot's SQLite file (bot_env)."""
        return self.tmp_path / "stegvis-e2e.db"

    @property
    def page_html(self) -> Path:
        return self.tmp_path / "playground.html"

    def assert_bot_alive(self) -> None:
        assert_alive(self.bot, "the bot", self.bot_log)

    def diagnostics(self) -> str:
        return (
            f"screenshot: {self.screenshot}, page: {self.page_html}\n"
            f"activities: {self.relay.exchanges}\n"
            f"bot log:\n{tail(self.bot_log)}\n"
            f"playground log:\n{tail(self.tmp_path / 'playground-console.log')}"
        )


@contextlib.asynccontextmanager
async def running_playground(tmp_path: Path) -> AsyncIterator[Running]:
    """Migrate, start the bot, the relay and the playground; stop them all on the way out, then
    fail on any error the bot logged. Skips, with the reason, where a prerequisite is missing."""
    reason = missing_prerequisite()
    if reason:
        pytest.skip(reason)
    bot_port = free_port()
    env = bot_env(tmp_path, bot_port)
    bot_log = tmp_path / "bot.log"
    playground_log = tmp_path / "playground.log"
    bot: subprocess.Popen | None = None
    playground: subprocess.Popen | None = None
    relay = Relay(f"http://127.0.0.1:{bot_port}/api/messages")
    try:
        migrate = subprocess.run(
            [sys.executable, "-m", "bot", "migrate"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert migrate.returncode == 0, f"migrate failed:\n{migrate.stdout}{migrate.stderr}"
        bot = start([sys.executable, "-m", "bot", "serve"], env=env, cwd=REPO, log=bot_log)
        await wait_for_health(f"http://127.0.0.1:{bot_port}/healthz", bot, bot_log, 20)
        await relay.start()
        ui_port = free_port()  # the playground picks a random one itself if this is taken
        playground = start(
            [
                "node",
                str(PLAYGROUND_CLI),
                "--app-endpoint",
                relay.url,
                "--channel-id",
                "msteams",
                "--port",
                str(ui_port),
                "--disable-telemetry",
            ],
            env=_playground_env(tmp_path, relay.url, ui_port),
            cwd=tmp_path,
            log=playground_log,
        )
        ui_url = await _wait_for_playground(playground, playground_log, 20)
        yield Running(tmp_path, ui_url, relay, bot)
    finally:
        stop(playground)
        stop(bot)
        await relay.close()
    problems = log_problems(tail(bot_log, 200_000))
    if problems:
        pytest.fail("the bot logged an error:\n" + "\n".join(problems))


@dataclass
class PageWatch:
    """What the page said while a test drove it: console messages, page errors, requests that
    failed, and the off-machine requests the test itself blocked."""

    console: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)

    def errors(self) -> list[str]:
        """Console errors and page errors, less those caused by the test's own blocking."""
        return [
            line for line in self.console
            if line.startswith(("error:", "pageerror:")) and not self._blocked_by_test(line)
        ]

    def unexpected_failures(self) -> list[str]:
        return [line for line in self.failed_requests if not self._blocked_by_test(line)]

    def _blocked_by_test(self, line: str) -> bool:
        # Documented noise: the Playground's page loads Segoe UI fonts and a "flair" animation
        # worklet from Microsoft's CDN (res-1.cdn.office.net). The test blocks every request
        # off this machine (CI has no network), and Chromium reports each blocked load as a
        # console error naming the URL. Only those exact URLs are forgiven.
        return any(url in line for url in self.blocked)


@contextlib.asynccontextmanager
async def chromium_page(running: Running, watch: PageWatch) -> AsyncIterator[Any]:
    """A Playwright page in Debian's Chromium on the playground's UI; its HTML
    (running.page_html) and a full-page screenshot (running.screenshot) are kept on the way
    out, whatever happened."""
    from playwright.async_api import async_playwright

    async def block_outside_loopback(route: Any) -> None:
        url = route.request.url
        host = (url.split("://", 1)[-1].split("/", 1)[0]).rsplit(":", 1)[0]
        if url.startswith(("data:", "blob:")) or host in LOOPBACK_HOSTS:
            await route.continue_()
        else:
            watch.blocked.add(url)
            await route.abort("blockedbyclient")

    def on_console(message: Any) -> None:
        where = (message.location or {}).get("url", "")
        watch.console.append(f"{message.type}: {message.text} [{where}]")

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=20_000
        )
        try:
            context = await browser.new_context(
                viewport={"width": 1400, "height": 900}, locale=LOCALE
            )
            await context.route("**/*", block_outside_loopback)
            page = await context.new_page()
            page.on("console", on_console)
            page.on("pageerror", lambda error: watch.console.append(f"pageerror: {error}"))
            page.on(
                "requestfailed",
                lambda request: watch.failed_requests.append(
                    f"{request.method} {request.url}: {request.failure}"
                ),
            )
            page.set_default_timeout(15_000)
            try:
                await page.goto(running.ui_url, wait_until="domcontentloaded", timeout=20_000)
                yield page
            finally:
                with contextlib.suppress(Exception):
                    running.page_html.write_text(await page.content(), encoding="utf-8")
                with contextlib.suppress(Exception):
                    await page.screenshot(
                        path=str(running.screenshot), full_page=True, timeout=10_000
                    )
        finally:
            await browser.close()
