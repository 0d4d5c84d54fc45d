"""What the load benchmarks share: databases to run on, processes to start and stop."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import normalise_database_url
from storage.db import Database

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/stegvis_bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def engines(names: list[str]) -> list[tuple[str, str]]:
    """(label, URL) of each database asked for that answers: SQLite in a fresh temporary file;
    PostgreSQL from BENCH_POSTGRES_URL, whose public schema is dropped and created again."""
    found = []
    for name in names:
        if name == "sqlite":
            folder = tempfile.mkdtemp(prefix="stegvis-bench-")
            found.append(("SQLite", f"sqlite+aiosqlite:///{folder}/bench.db"))
        elif name == "postgresql":
            url = normalise_database_url(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
            if await _fresh_postgres(url):
                found.append(("PostgreSQL", url))
            else:
                print(f"PostgreSQL at {make_url(url).render_as_string()} does not answer; skipped")
    return found


async def _fresh_postgres(url: str) -> bool:
    target = make_url(url)
    try:
        import psycopg

        admin = target.set(drivername="postgresql", database="postgres")
        dsn = admin.render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{target.database}"')
    except Exception as error:  # any failure means "skip PostgreSQL"
        print(f"PostgreSQL: {type(error).__name__}: {error}")
        return False
    db = Database(url)
    try:
        async with db.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await db.dispose()
    return True


def bot_env(database_url: str, port: int, **extra: str) -> dict[str, str]:
    """A clean environment for `python -m bot …`: no .env of the developer's leaks in."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "STEGVIS_REMINDERS": "off",
    }
    env.update(extra)
    return env


def run(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> str:
    done = subprocess.run(
        [sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def start(argv: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen(
        [sys.executable, *argv], cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT
    )


async def wait_healthy(port: int, process: subprocess.Popen, seconds: float = 60) -> float:
    """Seconds until /healthz answers 200."""
    began = time.monotonic()
    async with aiohttp.ClientSession() as http:
        while time.monotonic() - began < seconds:
            if process.poll() is not None:
                raise RuntimeError(f"the process ended with {process.returncode}")
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return time.monotonic() - began
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError("no /healthz in time")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
