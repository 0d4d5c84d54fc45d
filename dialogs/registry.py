"""Every conversation module plugs in here: its routes (commands) and its dialogs."""

from __future__ import annotations

from dataclasses import replace

from dialogs import (
    annual,
    employers,
    evaluator,
    exit_document,
    funders,
    interim,
    minutes,
    participants,
    placement,
    privacy,
    referral,
    reminders,
    report,
    saved_reports,
    staff,
    status_report,
    surveys,
    training,
)
from dialogs import exit as exit_dialogs
from dialogs.files import FileBuilder
from dialogs.forms import Dialog
from dialogs.router import Route, always
from storage.db import Database


def conversation_routes() -> list[Route]:
    """Routes of all conversations except help, which needs the finished router.

    Everything about participants names one, so in a channel it is answered in personal chat.
    """
    about_participants = [
        replace(route, private=always)
        for route in (
            *referral.ROUTES,
            *placement.ROUTES,
            *exit_dialogs.ROUTES,
            *exit_document.ROUTES,
            *surveys.ROUTES,
            *participants.ROUTES,
            *privacy.ROUTES,
            *evaluator.ROUTES,  # rows about participants, if pseudonymised
        )
    ]
    return [
        *about_participants,
        *staff.ROUTES,
        *reminders.ROUTES,
        *minutes.ROUTES,
        *interim.ROUTES,
        *training.ROUTES,
        *employers.ROUTES,
        *status_report.ROUTES,
        *surveys.RESULT_ROUTES,
        *saved_reports.ROUTES,
        *funders.ROUTES,
        *annual.ROUTES,
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
        evaluator.FILE_KIND: evaluator.extract_file,
        exit_document.FILE_KIND: exit_document.exit_document_file,
        status_report.FILE_KIND: status_report.status_report_file,
        annual.FILE_KIND: annual.rebuild_annual_file,
    }
