"""The kinds of event and the statuses and values they carry, shared by the recording and the
folds.
"""

from __future__ import annotations

from enum import StrEnum

from storage.rules import Status


class Kind(StrEnum):
    REFERRAL = "referral"
    DECISION = "decision"
    COACH = "coach"
    ENROLMENT = "enrolment"
    EXTENSION = "extension"
    PLACEMENT_START = "placement_start"
    PLACEMENT_END = "placement_end"
    STEP = "step"
    EXIT = "exit"
    FELREGISTRERING = "felregistrering"
    VOID = "void"


# Events of one day apply in the order of the path (a decision before the enrolment it allows).
RANK = {kind: rank for rank, kind in enumerate(Kind)}
DECIDED = frozenset({Status.WAITING, Status.ACCEPTED, Status.NOT_ACCEPTED})
REGISTRATION_ERROR = "registration_error"
# The values an event carries besides who, when and what it corrects.
VALUES = ("status", "reason", "destination", "coach_id", "until", "placement_id",
          "placement_type", "sector", "step", "step_id")
ON_CASELOAD = frozenset({Status.ACCEPTED, Status.ENROLLED})
WAITING_FOR_DECISION = frozenset({Status.REFERRED, Status.WAITING})
# Spans in a placement share the table with the status spans, under this name.
IN_PLACEMENT = "in_placement"
