"""Steering-group minutes in the chat: log a meeting (card or one line), edit it, list and search,
action points, and export as a Word or Markdown file.

One private module per job: `_input` (what is typed, as storage's input), `_form` (log and
edit), `_show` (the record, list, search, decisions, action points), `_export` (the files).

The card carries its own data: a submit arrives as a message whose `value` holds the form, and a
form with a mistake comes back filled in as it was sent, so nothing typed is lost and no dialog
state is needed. Rules and permissions live in `storage.minutes`.
"""

from __future__ import annotations

from dialogs.minutes._export import export_minutes, rebuild_minutes_file
from dialogs.minutes._form import edit_meeting, new_meeting, save_form
from dialogs.minutes._input import FIELD_ALIASES, FILE_KIND, SAVE_COMMAND, parse_date, positional
from dialogs.minutes._show import action_done, action_point, action_points, decision, show_minutes
from dialogs.router import Route
from storage.permissions import Action

# What other conversations use: the one-line field names and parsing, and the file's rebuild.
__all__ = [
    "FIELD_ALIASES",
    "FILE_KIND",
    "ROUTES",
    "parse_date",
    "positional",
    "rebuild_minutes_file",
]

ROUTES = [
    Route(
        ("nytt möte", "logga möte", "new meeting"),
        new_meeting,
        "help_cmd_minutes_new",
        Action.WRITE_MINUTES,
    ),
    Route((SAVE_COMMAND,), save_form, None, Action.WRITE_MINUTES),
    Route(
        ("ändra möte", "edit meeting"), edit_meeting, "help_cmd_minutes_edit", Action.WRITE_MINUTES
    ),
    Route(("protokoll", "möten", "minutes"), show_minutes, "help_cmd_minutes", Action.READ_MINUTES),
    Route(("beslut", "decisions"), decision, "help_cmd_minutes_decision", Action.READ_MINUTES),
    Route(
        ("åtgärd klar", "action done"), action_done, "help_cmd_minutes_done", Action.READ_MINUTES
    ),
    Route(("åtgärd", "action"), action_point, "help_cmd_minutes_action", Action.WRITE_MINUTES),
    Route(("åtgärder", "actions"), action_points, "help_cmd_minutes_actions", Action.READ_MINUTES),
    Route(
        ("exportera protokoll", "export minutes"),
        export_minutes,
        "help_cmd_minutes_export",
        Action.READ_MINUTES,
    ),
]
