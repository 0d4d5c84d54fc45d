"""`python -m bot …`: serve, migrate, staff, organisation, reports, retention, register extract,
erasure and manifest commands for IT admins."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from aiohttp import web

from bot import privacy_cli, reminders_cli, report_cli
from bot.config import Settings, SettingsError
from bot.privacy import install_log_redaction
from dialogs.texts import role_phrase, t
from storage.audit import CLI
from storage.db import Database
from storage.migrate import upgrade
from storage.org import OrgConfigError, apply_org, ensure_org, load_org_file
from storage.permissions import Role
from storage.rules import RuleError
from storage.staff import deactivate_staff, list_staff, upsert_staff


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Stegvis Teams bot")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the bot (http://HOST:PORT/api/messages)")
    serve.add_argument(
        "--migrate",
        action="store_true",
        help="first bring the schema up to date, as `migrate` does (make run: one process)",
    )
    commands.add_parser("migrate", help="create or upgrade the database schema")

    staff = commands.add_parser("staff", help="list, add or remove staff").add_subparsers(
        dest="staff_command", required=True
    )
    staff.add_parser("list", help="list active staff")
    add = staff.add_parser("add", help="add a person or change their role")
    add.add_argument("aad_object_id", help="the person's Entra ID object id (GUID)")
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument(
        "--county-part",
        action="append",
        default=[],
        dest="county_parts",
        help="county part code (repeat for several); required for coach and samordnare",
    )
    remove = staff.add_parser("remove", help="remove a person's access")
    remove.add_argument("aad_object_id")

    org = commands.add_parser("org", help="organisation data").add_subparsers(
        dest="org_command", required=True
    )
    load = org.add_parser("load", help="apply an organisation file (TOML) to the database")
    load.add_argument("file", type=Path)

    reminders_cli.add_parser(commands)
    report_cli.add_parser(commands)
    report_cli.add_annual_parser(commands)
    privacy_cli.add_parser(commands)

    manifest = commands.add_parser("manifest", help="build the Teams app package (zip)")
    manifest.add_argument("--app-id", required=True, help="the bot's Microsoft App ID (GUID)")
    manifest.add_argument("--out", type=Path, default=Path("build/stegvis.zip"))
    manifest.add_argument("--version", default="1.0.0")
    manifest.add_argument("--valid-domain", action="append", default=[], dest="valid_domains")
    return parser


async def _with_db(settings: Settings, command: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    try:
        if command.command == "migrate":
            await upgrade(db)
            async with db.session() as session:
                await ensure_org(session, settings.org_file)
            print(f"Databasen är uppdaterad ({db.url.split('://')[0]}).")
            return 0
        if command.command == "reminders":
            return await reminders_cli.run(settings, db, command)
        if command.command == "report":
            return await report_cli.run(db, command)
        if command.command == "annual":
            return await report_cli.run_annual(db, command)
        if command.command in privacy_cli.COMMANDS:
            return await privacy_cli.run(db, command)
        async with db.session() as session:
            if command.command == "org":
                await apply_org(session, load_org_file(command.file))
                print(f"Organisationen från {command.file} är inläst.")
            elif command.staff_command == "list":
                for row in await list_staff(session):
                    role = role_phrase("sv", row.role.value, row.county_parts)
                    print(f"{row.aad_object_id}  {row.display_name}  {role}")
            elif command.staff_command == "add":
                await upsert_staff(
                    session,
                    command.aad_object_id,
                    command.name,
                    Role(command.role),
                    command.county_parts,
                    by=CLI,
                )
                print(f"Sparat: {command.name} ({command.role}).")
            else:
                staff = await deactivate_staff(session, command.aad_object_id, by=CLI)
                print(f"{staff.display_name} har inte längre behörighet.")
        return 0
    except RuleError as error:
        print(t(error.code, "sv", **error.details), file=sys.stderr)
        return 2
    except OrgConfigError as error:
        print(f"Fel i organisationsfilen: {error}", file=sys.stderr)
        return 2
    finally:
        await db.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    install_log_redaction()
    command = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(t("settings_invalid", "sv", problems="\n".join(error.problems)), file=sys.stderr)
        return 2
    if command.command == "serve":
        from bot.app import AccessLog, create_app

        if command.migrate:
            asyncio.run(_with_db(settings, argparse.Namespace(command="migrate")))
        web.run_app(create_app(settings), host=settings.host, port=settings.port,
                    access_log_class=AccessLog)
        return 0
    if command.command == "manifest":
        from manifest.package import build_package

        try:
            out = build_package(
                command.app_id,
                command.out,
                version=command.version,
                valid_domains=command.valid_domains,
            )
        except ValueError as error:
            print(str(error), file=sys.stderr)
            return 2
        print(f"Appaketet är skrivet till {out}.")
        return 0
    return asyncio.run(_with_db(settings, command))
