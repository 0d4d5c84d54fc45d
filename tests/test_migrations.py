"""The migrations build exactly the schema the models describe (tables, columns, indexes), on
SQLite and PostgreSQL: a model change without its migration fails here, not in production."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on the metadata)


async def test_migrated_schema_matches_the_models(db):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    async with db.connect() as connection:
        found = await connection.run_sync(differences)
    assert found == []

