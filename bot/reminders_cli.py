"""`python -m bot reminders …`: the rules and the deadline calendar, and one dispatch run."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from bot.config import Settings
from dialogs.texts import t
from storage.clock import clock
from storage.db import Database
from storage.reminders import (
    add_deadline,
    list_deadlines,
    list_rules,
    remove_deadline,
    seed_reminders,
    update_deadline,
    update_rule,
)
from storage.rules import RuleError


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reminders = commands.add_parser(
        "reminders", help="reminder rules, deadline calendar, dispatch"
    ).add_subparsers(dest="reminders_command", required=True)
    reminders.add_parser("rules", help="list the rules")
    rule = reminders.add_parser("rule", help="change a rule")
    rule.add_argument("code")
    rule.add_argument("--days", type=int)
    rule.add_argument("--recipients", help="comma-separated roles or conversation:<id>")
    state = rule.add_mutually_exclusive_group()
    state.add_argument("--on", action="store_true", dest="enable")
    state.add_argument("--off", action="store_true", dest="disable")
    calendar = reminders.add_parser("calendar", help="list the deadline calendar of a year")
    calendar.add_argument("--year", type=int)
    add = reminders.add_parser("add", help="add a deadline")
    add.add_argument("rule")
    add.add_argument("date", type=date.fromisoformat)
    add.add_argument("title")
    move = reminders.add_parser("move", help="change a deadline's date or title")
    move.add_argument("id", type=int)
    move.add_argument("--date", type=date.fromisoformat)
    move.add_argument("--title")
    remove = reminders.add_parser("remove", help="remove a deadline")
    remove.add_argument("id", type=int)
    reminders.add_parser("run-due", help="plan and send due reminders once, then exit")


async def _run_due(settings: Settings, db: Database) -> int:
    from bot.app import build_runtime
    from bot.scheduling import reminder_service

    runtime = build_runtime(settings, db)
    try:
        report = await reminder_service(settings, db, runtime.adapter).run_once()
    finally:
        await runtime.auth.clients.http.close()
    print(
        f"Skickade {report.sent}, försöker igen senare {report.retried}, "
        f"väntar på att mottagaren öppnar Stegvis {report.waiting}, "
        f"borttagna mottagare {report.gone}, appen inte installerad för mottagaren "
        f"(kanal och administratörer meddelade) {report.unreachable}, "
        f"misslyckade {report.failed}."
    )
    if report.errors:
        print("Databasen svarade inte; resten skickas vid nästa körning.", file=sys.stderr)
        return 1
    return 0


async def run(settings: Settings, db: Database, command: argparse.Namespace) -> int:
    """Run one `reminders` subcommand; errors are printed in Swedish with exit code 2."""
    if command.reminders_command == "run-due":
        return await _run_due(settings, db)
    try:
        async with db.session() as session:
            await seed_reminders(session, clock.today())
            if command.reminders_command == "rules":
                for row in await list_rules(session):
                    state = "på" if row.enabled else "av"
                    direction = t(f"reminder_direction.{row.direction}", "sv")
                    print(f"{row.code}  {row.days} {direction}  {row.recipients}  {state}")
            elif command.reminders_command == "rule":
                enabled = True if command.enable else False if command.disable else None
                recipients = command.recipients.split(",") if command.recipients else None
                row = await update_rule(
                    session,
                    command.code,
                    days=command.days,
                    enabled=enabled,
                    recipients=recipients,
                )
                print(f"Sparat: {row.code}.")
            elif command.reminders_command == "calendar":
                year = command.year or clock.today().year
                for d in await list_deadlines(session, date(year, 1, 1), date(year, 12, 31)):
                    print(f"{d.id}  {d.due_date.isoformat()}  {d.rule_code}  {d.title}")
            elif command.reminders_command == "add":
                added = await add_deadline(session, command.rule, command.title, command.date)
                print(f"Sparat: {added.id} {added.due_date.isoformat()} {added.title}.")
            elif command.reminders_command == "move":
                moved = await update_deadline(
                    session, command.id, due=command.date, title=command.title
                )
                print(f"Sparat: {moved.id} {moved.due_date.isoformat()} {moved.title}.")
            else:
                removed = await remove_deadline(session, command.id)
                print(f"Borttaget: {removed.title}.")
    except RuleError as error:
        print(t(error.code, "sv", **error.details), file=sys.stderr)
        return 2
    return 0
