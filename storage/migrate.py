"""Run Alembic migrations from code, inside the caller's event loop.

A database already at the newest revision is recognised without Alembic: its revision table is
compared with the heads read from the migration files' `revision`/`down_revision` lines, so
`make run` and every start skip the second or two Alembic's import and environment cost.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\b[^=]*=\s*(.+)$", re.MULTILINE)


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


async def upgrade(database: Database, revision: str = "heads") -> None:
    """Bring the schema to `revision`; safe, and quick, when it is already there.

    "heads": conversation modules may add migrations on their own branch from a shared parent.
    """
    if revision == "heads" and await database_revisions(database) == script_heads():
        return

    def _run(connection: Connection) -> None:
        from alembic import command

        config = alembic_config(database.url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.begin() as connection:
        await connection.run_sync(_run)
