"""Participants: referral, decision, enrolment, placements, progression, exit, edit and undo.

Every function takes the acting person, checks `is_allowed` and writes the audit log, so no
caller can forget either. Rule violations raise `RuleError` with a text key for the user; free
text is checked for personal data by the storage engine itself (storage/pii.py).

One private module per job: `_access` (the permission check, the audit row and its events for
every read and write), `_referral` (aktualisering, the decision, the coach), `_progress`
(enrolment, extension, placements, steps, exit), `_edit` (corrections field by field), `_undo`
(taking back one's own latest change), `_listing` (lists, the full record, caseloads).
"""

from __future__ import annotations

from storage.participants._access import get_participant
from storage.participants._edit import EDITABLE_FIELDS, update_fields
from storage.participants._listing import (
    ParticipantDetail,
    ParticipantPage,
    ParticipantSummary,
    caseload,
    list_participants,
    participant_detail,
)
from storage.participants._progress import (
    ExitInput,
    PlacementInput,
    add_placement,
    add_placement_note,
    end_placement,
    enrol,
    exit_participant,
    extend,
    notes_on,
    placements_of,
    record_step,
    steps_of,
)
from storage.participants._referral import (
    ReferralInput,
    assign_coach,
    coaches_in_area,
    decide,
    find_coach,
    find_municipality,
    register_referral,
)
from storage.participants._undo import UNDO_WINDOW, UndoResult, undo_last

__all__ = [
    "EDITABLE_FIELDS",
    "UNDO_WINDOW",
    "ExitInput",
    "ParticipantDetail",
    "ParticipantPage",
    "ParticipantSummary",
    "PlacementInput",
    "ReferralInput",
    "UndoResult",
    "add_placement",
    "add_placement_note",
    "assign_coach",
    "caseload",
    "coaches_in_area",
    "decide",
    "end_placement",
    "enrol",
    "exit_participant",
    "extend",
    "find_coach",
    "find_municipality",
    "get_participant",
    "list_participants",
    "notes_on",
    "participant_detail",
    "placements_of",
    "record_step",
    "register_referral",
    "steps_of",
    "undo_last",
    "update_fields",
]
