"""SQL tables. Participants (later) are pseudonymous codes: no names, no personnummer anywhere.

One private module per area: `_columns` (what a column may hold, timestamps, keys), `_org` (the
association, its county parts, programmes, steering groups and staff), `_participants` (the
participants, their placements, steps, events and spans, and the audit log), `_programme`
(minutes, staff training, surveys, employers), `_reminders` (rules, deadlines, the outbox),
`_bot` (what keeps the bot running: conversations, dialog state, file offers, turns, language,
saved reports). Importing the package registers every table on the metadata (Alembic's env).
"""

from __future__ import annotations

from storage.models._bot import (
    BOOKKEEPING,
    BotStateItem,
    ConversationRef,
    FileOffer,
    ProcessedTurn,
    SavedReport,
    UserLanguage,
)
from storage.models._columns import CODE, IDENTIFIER, PAST, key_col, key_of, table_of, utcnow
from storage.models._org import (
    Association,
    CountyPart,
    Municipality,
    Programme,
    ProgrammeCountyPart,
    Staff,
    StaffCountyPart,
    SteeringGroup,
)
from storage.models._participants import (
    FOREVER,
    AuditEntry,
    CodeCounter,
    Participant,
    ParticipantEvent,
    ParticipantSpan,
    Placement,
    PlacementNote,
    ProgressionStep,
)
from storage.models._programme import (
    ActionPoint,
    Employer,
    EmployerContact,
    InterimDecision,
    Meeting,
    MeetingDecision,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    TrainingAttendance,
    TrainingSession,
)
from storage.models._reminders import OPEN_OUTBOX, Deadline, ReminderOutbox, ReminderRule

__all__ = [
    "BOOKKEEPING",
    "CODE",
    "FOREVER",
    "IDENTIFIER",
    "OPEN_OUTBOX",
    "PAST",
    "ActionPoint",
    "Association",
    "AuditEntry",
    "BotStateItem",
    "CodeCounter",
    "ConversationRef",
    "CountyPart",
    "Deadline",
    "Employer",
    "EmployerContact",
    "FileOffer",
    "InterimDecision",
    "Meeting",
    "MeetingDecision",
    "Municipality",
    "Participant",
    "ParticipantEvent",
    "ParticipantSpan",
    "Placement",
    "PlacementNote",
    "ProcessedTurn",
    "Programme",
    "ProgrammeCountyPart",
    "ProgressionStep",
    "ReminderOutbox",
    "ReminderRule",
    "SavedReport",
    "Staff",
    "StaffCountyPart",
    "SteeringGroup",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "TrainingAttendance",
    "TrainingSession",
    "UserLanguage",
    "key_col",
    "key_of",
    "table_of",
    "utcnow",
]
