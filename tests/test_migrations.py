"""The migrations build exactly the schema the models describe (tables, columns, indexes), on
SQLite and PostgreSQL: a model change without its migration fails here, not in production."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on the metadata)
from storage.db import Database
from storage.migrate import alembic_config, database_revisions, script_heads, upgrade


async def test_migrated_schema_matches_the_models(db):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    async with db.connect() as connection:
        found = await connection.run_sync(differences)
    assert found == []



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


async def test_an_empty_database_is_migrated(tmp_path):
    fresh = Database(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    try:
        assert await database_revisions(fresh) == frozenset()
        await upgrade(fresh)
        assert await database_revisions(fresh) == script_heads()
    finally:
        await fresh.dispose()
