"""Reminder fan-out against a fake Bot Connector that enforces Teams' limits (429 with
Retry-After): Stegvis' dispatcher (`python -m bot reminders run-due`, a real process) beside
the floor, a bare paced sender on the same CloudAdapter without a database, and the
theoretical minimum. Then the same with `kill -9` of the sending process mid-run, counting
reminders lost and sent twice.

    .venv/bin/python -m bench.fanout_bench [--reminders 1000] [--recipients 200]
        [--engines sqlite,postgresql] [--latency-ms 0] [--kills 3] [--lease 10] [--senders 1,4]

PostgreSQL runs when BENCH_POSTGRES_URL (default stegvis_bench on 127.0.0.1) answers; its
public schema is dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import subprocess
import tempfile
import time
from collections import Counter
from datetime import UTC, timedelta
from pathlib import Path

from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference
from sqlalchemy import delete, func
from sqlmodel import select

from bench.common import bot_env, engines, free_port, run, start
from bench.fake_connector import FakeConnector
from bot.activity_json import model_json
from storage.clock import clock
from storage.conversations import remember_conversation
from storage.db import Database
from storage.models import ReminderOutbox
from storage.reminders import Outbox, list_rules, seed_reminders
from tests.teams import BOT_ID, TENANT

PARAMS = json.dumps(
    {
        "watch": "referral_undecided",
        "label": "V-2026-0001",
        "date": "2026-11-09",
        "days": "14",
        "send_time": "08:00",
    }
)


def aad(n: int) -> str:
    return f"7{n:07d}-1111-4222-8333-444455556666"


def reference(url: str, n: int) -> ConversationReference:
    return ConversationReference(
        activity_id=None,
        user=ChannelAccount(id=f"29:fan-{n}", name=f"Person {n}", aad_object_id=aad(n)),
        bot=ChannelAccount(id=BOT_ID, name="Stegvis"),
        conversation=ConversationAccount(
            id=f"a:fan-{n}", conversation_type="personal", tenant_id=TENANT
        ),
        channel_id="msteams",
        locale="sv-SE",
        service_url=url,
    )


async def setup(url: str, connector_url: str, recipients: int) -> None:
    """Staff who have opened the bot (conversation references), and no rules that plan more."""
    db = Database(url)
    try:
        async with db.session() as session:
            await seed_reminders(session, clock.today())
            for rule in await list_rules(session):
                rule.enabled = False
                session.add(rule)
            for n in range(recipients):
                await remember_conversation(
                    session,
                    model_json(reference(connector_url, n)),
                    conversation_type="personal",
                    tenant_id=TENANT,
                    aad_object_id=aad(n),
                    user_name=f"Person {n}",
                )
    finally:
        await db.dispose()


async def fill_outbox(url: str, count: int, recipients: int, run_label: str) -> set[int]:
    """`count` reminders due now, spread over the recipients; returns their ids."""
    db = Database(url)
    due = clock.now() - timedelta(minutes=1)
    try:
        async with db.session() as session:
            await session.exec(delete(ReminderOutbox))
            for n in range(count):
                session.add(
                    ReminderOutbox(
                        idempotency_key=f"bench:{run_label}:{n}",
                        rule_code="referral_waiting",
                        subject_ref=f"participant:{n}",
                        params=PARAMS,
                        remind_on=clock.today(),
                        recipient=aad(n % recipients),
                        next_attempt_at=due,
                    )
                )
        async with db.read() as session:
            return set((await session.exec(select(ReminderOutbox.id))).all())
    finally:
        await db.dispose()


async def unsent(url: str) -> int:
    db = Database(url)
    try:
        async with db.read() as session:
            statement = select(func.count()).where(ReminderOutbox.status != Outbox.SENT)
            return (await session.exec(statement)).one()
    finally:
        await db.dispose()


def delivered(connector: FakeConnector, since: int) -> list[tuple[float, int]]:
    """(moment, reminder id) of each reminder card the connector accepted."""
    found = []
    for received in connector.received[since:]:
        for attachment in received.activity.get("attachments") or []:
            actions = attachment.get("content", {}).get("actions") or []
            if actions:
                found.append((received.at, actions[0]["data"]["reminder"]))
    return found


async def run_due(env: dict[str, str], label: str) -> subprocess.Popen:
    name = "".join(c if c.isalnum() or c == "-" else "_" for c in label)
    log = Path(tempfile.gettempdir()) / f"stegvis-fanout-{name}.log"
    return start(["-m", "bot", "reminders", "run-due"], env, log)


async def finish(process: subprocess.Popen, seconds: float = 600) -> int:
    return await asyncio.to_thread(process.wait, seconds)


def span(moments: list[float]) -> float:
    return max(moments) - min(moments) if moments else float("nan")


async def floor(connector: FakeConnector, count: int, recipients: int, per_app: int) -> None:
    targets = Path(tempfile.gettempdir()) / "stegvis-fanout-targets.json"
    targets.write_text(
        json.dumps([reference(connector.url, n % recipients).serialize() for n in range(count)])
    )
    since, throttled = len(connector.received), connector.throttled
    began = time.monotonic()
    argv = ["-m", "bench.echo_bot", "fanout", "--targets", str(targets), "--per-second",
            str(per_app)]
    await asyncio.to_thread(run, argv, bot_env("", 0))  # the connector answers meanwhile
    wall = time.monotonic() - began
    moments = [r.at for r in connector.received[since:]]
    minimum = (count - 1) / per_app
    print(
        f"  floor (bare sender, no database): {len(moments)} sent, first→last "
        f"{span(moments):.1f} s ({span(moments) / minimum:.2f}× minimum), wall {wall:.1f} s, "
        f"429s {connector.throttled - throttled}"
    )


async def fanout(
    label: str, url: str, args: argparse.Namespace, connector: FakeConnector, senders: str
) -> None:
    env = bot_env(
        url,
        free_port(),
        STEGVIS_REMINDER_LEASE_SECONDS=str(args.lease),
        STEGVIS_REMINDER_SENDERS=senders,
    )
    run(["-m", "bot", "migrate"], env)
    await setup(url, connector.url, args.recipients)
    minimum = (args.reminders - 1) / 30
    label = f"{label}, {senders} sender{'s' if senders != '1' else ''}"

    ids = await fill_outbox(url, args.reminders, args.recipients, "plain")
    since, throttled = len(connector.received), connector.throttled
    began = time.monotonic()
    code = await finish(await run_due(env, f"{label}-plain"))
    wall = time.monotonic() - began
    rounds = await until_sent(url, env, f"{label}-plain-rest") if await unsent(url) else 0
    got = delivered(connector, since)
    counts = Counter(i for _, i in got)
    moments = [at for at, _ in got]
    print(
        f"  Stegvis {label}: {len(counts)} of {len(ids)} sent (exit {code}), first→last "
        f"{span(moments):.1f} s ({span(moments) / minimum:.2f}× minimum), wall {wall:.1f} s "
        f"(with process start), 429s {connector.throttled - throttled}, lost "
        f"{len(ids - set(counts))}, sent twice {sum(1 for c in counts.values() if c > 1)}, "
        f"unsent rows {await unsent(url)}"
        + (f" (after {rounds} more runs for rows put back by a 429)" if rounds else "")
    )

    ids = await fill_outbox(url, args.reminders, args.recipients, "killed")
    since, throttled = len(connector.received), connector.throttled
    rng = random.Random(2026)
    began = time.monotonic()
    kills: list[int] = []
    for k in range(args.kills):
        process = await run_due(env, f"{label}-kill{k}")
        base = len(delivered(connector, since))
        target = rng.randint(20, max(21, args.reminders // (2 * args.kills)))
        while process.poll() is None and len(delivered(connector, since)) - base < target:
            await asyncio.sleep(0.005)
        if process.poll() is not None:
            break
        process.send_signal(signal.SIGKILL)
        await finish(process)
        kills.append(len(Counter(i for _, i in delivered(connector, since))))
        await asyncio.sleep(args.lease + 0.5)  # the dead sender's claims expire
    rounds = await until_sent(url, env, f"{label}-after")
    wall = time.monotonic() - began
    counts = Counter(i for _, i in delivered(connector, since))
    twice = sum(c - 1 for c in counts.values() if c > 1)
    print(
        f"  Stegvis {label}, kill -9 ×{len(kills)} (with {', '.join(map(str, kills))} sent), "
        f"restarted after the {args.lease:g} s lease ({rounds} runs to finish): "
        f"{len(counts)} of {len(ids)} sent, lost {len(ids - set(counts))}, duplicates {twice} "
        f"({twice / max(1, len(kills)):.1f} per kill), 429s {connector.throttled - throttled}, "
        f"wall {wall:.1f} s, unsent rows {await unsent(url)}"
    )


async def until_sent(url: str, env: dict[str, str], label: str, rounds: int = 8) -> int:
    """Run the dispatcher as the scheduler would, until every row is sent (a row put back for
    later by a 429 waits for its time); returns how many runs it took."""
    for n in range(1, rounds + 1):
        await finish(await run_due(env, f"{label}{n}"))
        wait = await next_due(url)
        if wait is None:
            return n
        await asyncio.sleep(min(max(wait, 0.0) + 0.2, 130))
    return rounds


async def next_due(url: str) -> float | None:
    """Seconds until the earliest unsent row is due (claims included); None when all are sent."""
    db = Database(url)
    try:
        async with db.read() as session:
            open_rows = select(ReminderOutbox).where(ReminderOutbox.status != Outbox.SENT)
            rows = (await session.exec(open_rows)).all()
    finally:
        await db.dispose()
    if not rows:
        return None
    moments = [r.claimed_until or r.next_attempt_at for r in rows]
    earliest = min(m if m.tzinfo else m.replace(tzinfo=UTC) for m in moments)
    return (earliest - clock.now()).total_seconds()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--recipients", type=int, default=200)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--lease", type=float, default=10.0)
    parser.add_argument("--senders", default="1", help="STEGVIS_REMINDER_SENDERS values, e.g. 1,4")
    args = parser.parse_args()
    connector = FakeConnector(enforce_limits=True, latency=args.latency_ms / 1000)
    await connector.start()
    try:
        minimum = args.reminders / 30
        print(
            f"Fan-out: {args.reminders} reminders to {args.recipients} people, Teams' limits "
            f"enforced (30/s per app; 7/1 s, 8/2 s, 60/30 s per conversation), connector "
            f"latency {args.latency_ms:.0f} ms. Minimum {minimum:.1f} s "
            f"(first→last {(args.reminders - 1) / 30:.1f} s). Shared machine: noisy."
        )
        await floor(connector, args.reminders, args.recipients, 30)
        for label, url in await engines(args.engines.split(",")):
            for senders in args.senders.split(","):
                await fanout(label, url, args, connector, senders)
    finally:
        await connector.close()


if __name__ == "__main__":
    asyncio.run(main())
