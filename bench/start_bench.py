"""Start and memory: how long `make run` takes to a healthy bot, and what the process holds,
beside the echo floor (bench/echo_bot.py, the same CloudAdapter and nothing else) started in the
same run.

    .venv/bin/python -m bench.start_bench [--runs 5] [--engines sqlite,postgresql]

Measured, each as the median of `--runs` fresh processes:
- echo: start to /healthz, and its resident memory (VmRSS) once healthy;
- migrated: `python -m bot serve --migrate` (what `make run` runs) on a current database, to
  /healthz, and the bot's VmRSS once healthy; beside it `python -m bot migrate` alone;
- empty: the same on an empty database (every migration runs).
Targets (issue 16): migrated start ≤ 1.5× echo; empty start under 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import bot_env, engines, free_port, run, start, stop, wait_healthy


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def serve(argv: list[str], env: dict[str, str], port: int, log: Path) -> tuple[float, float]:
    """Seconds from spawning `argv` to /healthz, and the process' RSS then."""
    began = time.monotonic()
    process = start(argv, env, log)
    try:
        await wait_healthy(port, process)
        return time.monotonic() - began, rss_mb(process.pid)
    finally:
        stop(process)


async def bot_start(url: str, work: Path, migrated: bool) -> tuple[float, float, float]:
    """(seconds of `migrate` alone on a current database, seconds of `make run` to /healthz,
    RSS MB) on `url`."""
    port = free_port()
    env = bot_env(url, port)
    if migrated:
        run(["-m", "bot", "migrate"], env)
        began = time.monotonic()
        run(["-m", "bot", "migrate"], env)
        migrate = time.monotonic() - began
    else:
        migrate = float("nan")
    seconds, rss = await serve(["-m", "bot", "serve", "--migrate"], env, port, work / "bot.log")
    return migrate, seconds, rss


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        echo = []
        for _ in range(args.runs):
            port = free_port()
            echo.append(await serve(["-m", "bench.echo_bot", "serve", "--port", str(port)],
                                    bot_env("", port), port, work / "echo.log"))
        echo_s = statistics.median(s for s, _ in echo)
        echo_rss = statistics.median(r for _, r in echo)
        print(f"echo floor: start {echo_s * 1000:.0f} ms, RSS {echo_rss:.0f} MB")
        for label_name, url in await engines(args.engines.split(",")):
            name = label_name.lower()
            for migrated in (True, False):
                samples = []
                for index in range(args.runs):
                    target = url
                    if name == "sqlite":
                        target = f"sqlite+aiosqlite:///{work / f'start-{migrated}-{index}.db'}"
                    elif not migrated:
                        await engines([name])  # drops and creates the schema again
                    samples.append(await bot_start(target, work, migrated))
                migrate = statistics.median(m for m, _, _ in samples)
                seconds = statistics.median(s for _, s, _ in samples)
                rss = statistics.median(r for _, _, r in samples)
                label = "migrated" if migrated else "empty"
                print(
                    f"{label_name:10} {label:8} migrate {migrate * 1000:5.0f} ms, "
                    f"make run to /healthz "
                    f"{seconds * 1000:5.0f} ms ({seconds / echo_s:.2f}× echo), "
                    f"RSS {rss:.0f} MB "
                    f"({rss / echo_rss:.2f}× echo)"
                )


if __name__ == "__main__":
    asyncio.run(main())
