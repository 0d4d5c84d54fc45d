"""Alembic environment. Used both by `python -m bot migrate` (a connection is passed in) and by
the `alembic` command line for developers (`alembic revision --autogenerate -m ...`)."""

import asyncio
import os

from alembic import context
from dotenv import load_dotenv
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on the metadata)
from storage.db import DEFAULT_DATABASE_URL, normalise_database_url


def do_run_migrations(connection):
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url_from_env() -> str:
    """The `alembic` command line: DATABASE_URL as `python -m bot` reads it (.env loses to the
    environment), without importing the bot's settings from a layer above."""
    load_dotenv(".env", override=False)
    return normalise_database_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))


async def run_async_migrations():
    url = context.config.get_main_option("sqlalchemy.url") or _url_from_env()
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
        await connection.commit()
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    do_run_migrations(connection)
else:
    asyncio.run(run_async_migrations())
