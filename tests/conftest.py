"""Fixtures: a migrated database (SQLite file, or TEST_DATABASE_URL for PostgreSQL), the fake
connector, and the bot's real aiohttp app behind a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Table, create_engine, make_url, text
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from bot._sender import HttpSessions
from bot.app import create_app
from bot.cli import main
from bot.config import Settings, normalise_database_url
from dialogs.files import DEFAULT_UPLOAD_HOSTS
from storage import lookups
from storage.clock import clock
from storage.conversations import forget_confirmed
from storage.db import Database
from storage.migrate import upgrade
from storage.org import ensure_org
from tests.fakes import FakeConnector, FakeUpload
from tests.teams import ADMIN_AAD


@contextmanager
def _own_postgres_database(configured: str) -> Iterator[str]:
    """A fresh database `test_<random>` on TEST_DATABASE_URL's server for this run (or this
    xdist worker), dropped at the end: runs side by side never touch each other's tables, and
    the database named in TEST_DATABASE_URL is only connected to, to create and drop it."""
    name = f"test_{secrets.token_hex(6)}"
    admin = create_engine(configured, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(configured).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("TEST_DATABASE_URL")
    if not configured:
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'stegvis-test.db'}"
        return
    with _own_postgres_database(normalise_database_url(configured)) as url:
        yield url


@dataclass
class _Fresh:
    """A database just after migration and the organisation's first load: every table's rows
    and, on PostgreSQL, every sequence's position."""

    rows: list[tuple[Table, list[dict[str, Any]]]]
    sequences: list[tuple[str, int | None]]


_fresh: dict[str, _Fresh] = {}

SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
RESTORE_SEQUENCES = (
    "SELECT setval(CAST(name AS regclass), coalesce(value, 1), value IS NOT NULL)"
    " FROM unnest(CAST(:names AS text[]), CAST(:values AS bigint[])) AS s(name, value)"
)


async def reset_database(db: Database) -> None:
    """Migrate once per run (the database is new) and load the organisation, then before each
    test put every table back as it was then. DELETE and a copy of the organisation's rows,
    not TRUNCATE and a new load: those cost 0.25-1 s per test on PostgreSQL, this ~0.07 s."""
    fresh = _fresh.get(db.url)
    if fresh is None:
        await upgrade(db, from_models=False)  # the suite runs on what the migrations build
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    async with db.begin() as connection:
        if db.is_sqlite:
            for table in tables:
                await connection.execute(table.delete())
        elif fresh is None:  # a test without `db` may have run first: sequences from 1
            names = ", ".join(f'"{t.name}"' for t in tables)
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:  # one round trip
            await connection.execute(text("; ".join(f'DELETE FROM "{t.name}"' for t in tables)))
        if fresh is not None:
            for table, rows in fresh.rows:
                await connection.execute(table.insert(), rows)
            if fresh.sequences:
                # Ids go on as after a first load, so a test that says "möte 1" does not
                # depend on which tests ran before it (SQLite's emptied tables do the same).
                names, values = zip(*fresh.sequences, strict=True)
                await connection.execute(
                    text(RESTORE_SEQUENCES),
                    {"names": [f'"{n}"' for n in names], "values": list(values)},
                )
    async with db.session() as session:
        await ensure_org(session)  # reads only, once the rows are back; the guard learns places
    if fresh is None:
        async with db.connect() as connection:
            rows = [
                (table, [dict(row._mapping) for row in await connection.execute(table.select())])
                for table in SQLModel.metadata.sorted_tables
            ]
            sequences = [] if db.is_sqlite else list(await connection.execute(text(SEQUENCES)))
        _fresh[db.url] = _Fresh(
            [(table, found) for table, found in rows if found],
            [(name, value) for name, value in sequences],
        )


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await reset_database(database)
    yield database
    await database.dispose()


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


# The fake upload server (FakeUpload) serves plain HTTP on loopback: allowed explicitly.
LOOPBACK_UPLOADS = "http://127.0.0.1"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        bootstrap_admins=frozenset({ADMIN_AAD}),
        file_upload_hosts=(*DEFAULT_UPLOAD_HOSTS, LOOPBACK_UPLOADS),
    )


class BotClient:
    """Posts activities to the running app, as the Bot Connector would."""

    def __init__(self, client: TestClient, connector: FakeConnector) -> None:
        self.http = client
        self.connector = connector

    async def post(self, activity: dict[str, Any], **headers: str) -> Any:
        return await self.http.post("/api/messages", json=activity, headers=headers)

    async def say(self, activity: dict[str, Any]) -> list[str]:
        """Send one activity; return the texts of the replies it caused."""
        before = len(self.connector.activities)
        response = await self.post(activity)
        assert response.status in (200, 201), await response.text()
        return self.connector.texts()[before:]


async def start_bot(settings: Settings, connector: FakeConnector) -> BotClient:
    client = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
    await client.start_server()
    return BotClient(client, connector)


@pytest.fixture
async def bot(
    db: Database, settings: Settings, connector: FakeConnector
) -> AsyncIterator[BotClient]:
    client = await start_bot(settings, connector)
    yield client
    await client.http.close()


@pytest.fixture
def secured_settings(settings: Settings) -> Settings:
    return replace(
        settings,
        APP_ID="6d2bdc1c-1b79-4c25-8e39-7e3ab1f9d0a4",
        APP_PASSWORD="not-a-real-secret",
        allowed_tenants=frozenset({"72f988bf-86f1-41af-91ab-2d7cd011db47"}),
    )


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


@pytest.fixture
async def upload() -> AsyncIterator[FakeUpload]:
    fake = FakeUpload()
    await fake.server.start_server()
    yield fake
    await fake.server.close()


@pytest.fixture
async def closing_http(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """For tests that build a runtime without an app around it (whose cleanup would close it):
    the HTTP sessions its connector clients opened are closed after the test."""
    opened: list[HttpSessions] = []
    original = HttpSessions.get

    def get(self: HttpSessions) -> Any:
        opened.append(self)
        return original(self)

    monkeypatch.setattr(HttpSessions, "get", get)
    yield
    for sessions in opened:
        await sessions.close()


@pytest.fixture(autouse=True)
def fresh_organisation() -> None:
    """Each test has its own database, and on PostgreSQL the same address as the last one's:
    the organisation snapshot (storage/lookups.py) and the conversations confirmed
    (storage/conversations.py) are read anew."""
    lookups.forget()
    forget_confirmed()


@pytest.fixture(autouse=True)
def shifted_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """STEGVIS_TEST_NOW=2027-06-15T09:00:00+00:00 runs the suite as on another day (time still
    moves), to catch tests that only pass in the year they were written."""
    configured = os.environ.get("STEGVIS_TEST_NOW")
    if not configured:
        return
    offset = datetime.fromisoformat(configured) - datetime.now(UTC)
    monkeypatch.setattr(clock, "now", lambda: datetime.now(UTC) + offset)


@pytest.fixture
def on_23_november_2026(shifted_clock: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests whose expected text follows from today's date (codes carry the year)."""
    offset = datetime(2026, 11, 23, 9, 15, tzinfo=UTC) - datetime.now(UTC)
    monkeypatch.setattr(clock, "now", lambda: datetime.now(UTC) + offset)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, db: Database) -> None:
    """`python -m bot …` against the test database, from the repository root."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(repo_root())


async def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI as from a shell: it starts its own event loop, so in a worker thread."""
    code = await asyncio.to_thread(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err
