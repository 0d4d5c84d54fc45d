"""The migrations build exactly the schema the models describe (tables, columns, indexes), on
SQLite and PostgreSQL: a model change without its migration fails here, not in production.
An empty database built from the models in one go (what `serve --migrate` does on a new
database) is the same, down to the catalogue, as one every migration ran on; and two instances
starting at once on an empty database both come up on it."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on the metadata)
from bench.common import bot_env, free_port, start, stop, wait_healthy
from storage.db import Database, normalise_database_url
from storage.migrate import alembic_config, database_revisions, script_heads, upgrade
from tests.conftest import _own_postgres_database

FreshDatabase = Callable[[], Awaitable[Database]]


@pytest.fixture
async def fresh_database(tmp_path: Path) -> AsyncIterator[FreshDatabase]:
    """New empty databases on the engine under test (PostgreSQL: TEST_DATABASE_URL's server)."""
    made: list[Database] = []
    closing: list[Any] = []

    async def make() -> Database:
        configured = os.environ.get("TEST_DATABASE_URL")
        if configured:
            own = _own_postgres_database(normalise_database_url(configured))
            url = own.__enter__()
            closing.append(own)
        else:
            url = f"sqlite+aiosqlite:///{tmp_path / f'fresh-{len(made)}.db'}"
        made.append(Database(url))
        return made[-1]

    yield make
    for database in made:
        await database.dispose()
    for own in closing:
        own.__exit__(None, None, None)


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


async def test_migrated_schema_matches_the_models(fresh_database: FreshDatabase) -> None:
    db = await fresh_database()
    await upgrade(db, from_models=False)
    async with db.connect() as connection:
        assert await connection.run_sync(_differences) == []


def _plain(described: Any) -> str:
    """The inspector's description as text (a partial index's condition is an SQL clause)."""
    return json.dumps(described, sort_keys=True, default=str)


def _catalogue(connection: Connection) -> dict[str, Any]:
    """Everything the database says about its schema: each table's columns in order (type,
    nullability, default), keys, foreign keys, indexes (partial and covering parts too), unique
    and check constraints, plus the engine's own definitions of indexes and constraints."""
    inspector = inspect(connection)
    found: dict[str, Any] = {}
    for table in inspector.get_table_names():
        found[table] = {
            "columns": [
                _plain({**column, "type": repr(column["type"])})
                for column in inspector.get_columns(table)
            ],
            "primary key": _plain(inspector.get_pk_constraint(table)),
            "foreign keys": sorted(map(_plain, inspector.get_foreign_keys(table))),
            "indexes": sorted(map(_plain, inspector.get_indexes(table))),
            "unique": sorted(map(_plain, inspector.get_unique_constraints(table))),
            "checks": sorted(map(_plain, inspector.get_check_constraints(table))),
        }
    if connection.dialect.name == "postgresql":
        definitions = (
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
            "UNION ALL SELECT 'sequence', sequencename, data_type::text || ' ' || "
            "start_value || ' ' || increment_by FROM pg_sequences WHERE schemaname = 'public' "
            "UNION ALL SELECT 'type', typname, typtype::text FROM pg_type "
            "WHERE typnamespace = 'public'::regnamespace"
        )
    else:
        definitions = (
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND sql IS NOT NULL"
        )
    found["definitions"] = sorted(
        (row[0], row[1], " ".join(str(row[2]).split()))
        for row in connection.execute(text(definitions))
    )
    found["rows"] = {
        table: sorted(repr(sorted(row._mapping.items())) for row in connection.execute(
            text(f'SELECT * FROM "{table}"')
        ))
        for table in inspector.get_table_names()
    }
    return found


async def test_an_empty_database_built_from_the_models_is_the_migrated_one(
    fresh_database: FreshDatabase,
) -> None:
    migrated, built = await fresh_database(), await fresh_database()
    await upgrade(migrated, from_models=False)
    await upgrade(built)
    async with migrated.connect() as connection:
        expected = await connection.run_sync(_catalogue)
    async with built.connect() as connection:
        found = await connection.run_sync(_catalogue)
    assert expected["rows"]["alembic_version"] == found["rows"]["alembic_version"]
    assert len(expected) > 30
    for table in sorted(expected.keys() | found.keys()):
        assert found.get(table) == expected.get(table), table


@pytest.mark.parametrize("from_models", [True, False], ids=["from models", "every migration"])
async def test_two_instances_migrate_an_empty_database_at_once(
    fresh_database: FreshDatabase, from_models: bool
) -> None:
    """README "Running on PostgreSQL with several instances": each runs `serve --migrate`."""
    first = await fresh_database()
    second = Database(first.url)
    try:
        # Without the lock the two interleave their DDL: on PostgreSQL one fails, or both wait.
        both = asyncio.gather(
            upgrade(first, from_models=from_models), upgrade(second, from_models=from_models)
        )
        await asyncio.wait_for(both, timeout=120)
        assert await database_revisions(second) == script_heads()
        async with first.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await second.dispose()


def test_the_heads_read_from_the_files_are_alembics():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script_heads() == frozenset(script.get_heads())


async def test_a_current_database_is_not_handed_to_alembic(db, monkeypatch):
    """`make run` and every start: a database at the heads is recognised without Alembic."""
    import alembic.command

    def refuse(*args, **kwargs):
        raise AssertionError("Alembic ran on a current database")

    monkeypatch.setattr(alembic.command, "upgrade", refuse)
    assert await database_revisions(db) == script_heads()
    await upgrade(db)


@pytest.mark.parametrize("from_models", [True, False], ids=["from models", "every migration"])
async def test_an_empty_database_is_migrated(
    fresh_database: FreshDatabase, from_models: bool
) -> None:
    fresh = await fresh_database()
    assert await database_revisions(fresh) == frozenset()
    await upgrade(fresh, from_models=from_models)
    assert await database_revisions(fresh) == script_heads()


async def test_serve_migrate_comes_up_on_an_empty_database(
    fresh_database: FreshDatabase, tmp_path: Path
) -> None:
    """`make run` on a new database: /healthz answers, and the schema is at the heads."""
    fresh = await fresh_database()
    port = free_port()
    process = start(["-m", "bot", "serve", "--migrate"], bot_env(fresh.url, port), tmp_path / "log")
    try:
        await wait_healthy(port, process)
        assert await database_revisions(fresh) == script_heads()
    finally:
        stop(process)
