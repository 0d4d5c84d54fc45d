"""Every conversation module plugs in here: its routes (commands) and its dialogs."""

from __future__ import annotations

from botbuilder.dialogs import Dialog

from dialogs import exit as exit_dialogs
from dialogs import (
    minutes,
    participants,
    placement,
    privacy,
    referral,
    reminders,
    report,
    staff,
)
from dialogs.files import FileBuilder
from dialogs.router import Route
from storage.db import Database


def conversation_routes() -> list[Route]:
    """Routes of all conversations except help, which needs the finished router."""
    return [
        *referral.ROUTES,
        *placement.ROUTES,
        *exit_dialogs.ROUTES,
        *participants.ROUTES,
        *staff.ROUTES,
        *reminders.ROUTES,
        *minutes.ROUTES,
        *report.ROUTES,
        *privacy.ROUTES,
    ]


def conversation_dialogs(db: Database) -> list[Dialog]:
    return [
        staff.StaffDialog(db),
        *referral.dialogs(db),
        *placement.dialogs(db),
        *exit_dialogs.dialogs(db),
    ]


def file_builders() -> dict[str, FileBuilder]:
    """How each kind of file offered in chat is made again when the user accepts it."""
    return {
        minutes.FILE_KIND: minutes.rebuild_minutes_file,
        report.FILE_KIND: report.report_file,
        privacy.FILE_KIND: privacy.extract_file,
    }
