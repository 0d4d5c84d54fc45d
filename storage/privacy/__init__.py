"""Register extract and erasure per participant code, and the removal retention shares with
erasure.

What refers to a participant: its row; placements, follow-up notes and progression steps;
reminder outbox rows about it or its placements (`subject_ref`, whose params carry the code);
saved dialog state (`bot_state`) of a form about the code; audit rows; and, possibly, the text
of steering-group minutes. Removal handles each: rows and notes go (or are anonymised), outbox
rows and dialog state mentioning the code go, audit rows keep who did what and when but lose
their values and their link to the row. Minutes are archive documents: they are shown in the
extract and counted, never changed here.

One private module per job: `_mentions` (where text names a participant code, minutes
included), `_removal` (what refers to participants, and removing or anonymising it, shared
with retention), `_requests` (one participant, for an admin: the register extract and the
erasure).
"""

from __future__ import annotations

from storage.privacy._mentions import codes_in, mentions_code
from storage.privacy._removal import ANONYMOUS_PREFIX, RemovalCounts, remove_participants
from storage.privacy._requests import (
    IN_PROGRESS,
    Erasure,
    erase_participant,
    erasure_preview,
    participant_extract,
)

__all__ = [
    "ANONYMOUS_PREFIX",
    "IN_PROGRESS",
    "Erasure",
    "RemovalCounts",
    "codes_in",
    "erase_participant",
    "erasure_preview",
    "mentions_code",
    "participant_extract",
    "remove_participants",
]
