"""Run Alembic migrations from code, inside the caller's event loop.

A database already at the newest revision is recognised without Alembic: its revision table is
compared with the heads read from the migration files' `revision`/`down_revision` lines, so
`make run` and every start skip the second or two Alembic's import and environment cost.

An empty database (no tables at all) is built from the models in one go and stamped with the
heads: the migrations insert no rows into empty tables, so the result is what running every
migration gives (tests/test_migrations.py compares the two on both engines), without importing
Alembic or replaying 23 migrations' intermediate DDL.

Several processes may start at once against one database (`serve --migrate` on several
instances): the upgrade holds a lock for its whole transaction and looks at the revision again
once it has it, so the second process finds the work done. On PostgreSQL that is a
transaction-level advisory lock; on SQLite the write transaction's BEGIN IMMEDIATE.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_mock_engine,
    inspect,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on the metadata)
from storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\b[^=]*=\s*(.+)$", re.MULTILINE)
# pg_advisory_xact_lock's key for "the schema is being changed": "Stegvis" in ASCII.
ADVISORY_LOCK_KEY = 0x5374_6567_7669_73
# Alembic's own revision table, as `alembic upgrade` creates it.
_VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def script_heads() -> frozenset[str]:
    """The revisions no migration builds on, read from the files as text."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_ASSIGNMENT.findall(path.read_text(encoding="utf-8")))
        revisions.add(ast.literal_eval(found["revision"]))
        down = ast.literal_eval(found["down_revision"])
        parents.update([down] if isinstance(down, str) else down or ())
    return frozenset(revisions - parents)


async def database_revisions(database: Database) -> frozenset[str]:
    """What `alembic_version` holds (nothing for an empty database)."""
    try:
        async with database.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(row[0] for row in rows)
    except DBAPIError:
        return frozenset()


async def upgrade(
    database: Database, revision: str = "heads", *, from_models: bool = True
) -> None:
    """Bring the schema to `revision`; safe, and quick, when it is already there.

    "heads": conversation modules may add migrations on their own branch from a shared parent.
    `from_models=False` runs every migration on an empty database too (the tests' schema).
    """
    heads = script_heads()
    if revision == "heads" and await database_revisions(database) == heads:
        return

    def _run(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:key)")
            connection.execute(lock, {"key": ADVISORY_LOCK_KEY})
        # Looked at again under the lock: another process may have finished meanwhile.
        tables = inspect(connection).get_table_names()
        if revision == "heads" and "alembic_version" in tables:
            rows = connection.execute(text("SELECT version_num FROM alembic_version"))
            if frozenset(row[0] for row in rows) == heads:
                return
        if revision == "heads" and from_models and not tables:
            create_from_models(connection, heads)
            return
        from alembic import command

        config = alembic_config(database.url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.begin() as connection:
        await connection.run_sync(_run)


def create_from_models(connection: Connection, heads: frozenset[str]) -> None:
    """Every table and index of the models on an empty database, stamped with `heads`."""
    if connection.dialect.name == "postgresql":
        # The same statements create_all sends, in one round trip instead of a hundred: the
        # server runs them back to back, without waiting for this process each time.
        statements: list[str] = []

        def collect(ddl: ClauseElement, *_args: Any, **_kwargs: Any) -> None:
            statements.append(str(ddl.compile(dialect=connection.dialect)).strip())

        mock = create_mock_engine(connection.engine.url, collect)
        for metadata in (SQLModel.metadata, _VERSION_TABLE.metadata):
            metadata.create_all(mock, checkfirst=False)
        connection.exec_driver_sql(";\n".join(statements))
    else:
        SQLModel.metadata.create_all(connection, checkfirst=False)
        _VERSION_TABLE.create(connection, checkfirst=False)
    connection.execute(_VERSION_TABLE.insert(), [{"version_num": head} for head in sorted(heads)])
