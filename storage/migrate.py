"""Run Alembic migrations from code, inside the caller's event loop."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from storage.db import Database

MIGRATIONS = Path(__file__).with_name("migrations")

def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


async def upgrade(database: Database, revision: str = "heads") -> None:
    """Bring the schema to `revision`; safe to call when it is already there.

    "heads": conversation modules may add migrations on their own branch from a shared parent.
    """

    def _run(connection: Connection) -> None:
        config = alembic_config(database.url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.begin() as connection:
        await connection.run_sync(_run)
