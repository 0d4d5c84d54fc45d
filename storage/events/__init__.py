"""A participant's history as events with valid time, and their state at any date from it.

Every change of state is a `ParticipantEvent`: the date it took effect (`effective_on`) and the
time it was recorded (`recorded_at`), with coded values only. The storage write paths record
them in their own transaction through `track` (a row before and after a change) and
`take_back` (an undo), both called from the one funnel every participant write goes through
(storage/participants/_access.py, `_audit`), so no write path records a change without its event.

History is not rewritten: a correction is a new event that names the one it replaces
(`corrects_id`); an undo records a "void" (or the earlier version of what it corrected). So the
state at date D can be computed as the records stand now, or as they stood at any time T
(`known_at`), and a report can say how many changes for its period came in after it ended.

A participant's state at D folds the live events that took effect on or before D, in date
order; a felregistrering removes the participant from every count at every date.

One private module per job: `_kinds` (the kinds of event and the statuses they lead to),
`_recording` (events from a row before and after a write, undo, forgetting), `_bulk` (events
for rows loaded in bulk), `_state` (the fold: a participant's state at a date), `_spans` (the
spans of valid time reports read), `_sql` (the same states in SQL, for reports).
"""

from __future__ import annotations

from storage.events._bulk import record_rows
from storage.events._kinds import (
    DECIDED,
    IN_PLACEMENT,
    ON_CASELOAD,
    RANK,
    REGISTRATION_ERROR,
    VALUES,
    WAITING_FOR_DECISION,
    Kind,
)
from storage.events._recording import (
    forget,
    forget_actors,
    live_events,
    record_change,
    take_back,
    track,
)
from storage.events._spans import late_changes, rebuild_spans, spans_of
from storage.events._sql import (
    caseload_sql,
    enrolled_sql,
    extended_sql,
    in_placement_sql,
    status_at_sql,
    waiting_sql,
)
from storage.events._state import (
    Figures,
    State,
    end_of_day,
    figures,
    figures_at,
    histories,
    live,
    state_at,
)

__all__ = [
    "DECIDED",
    "IN_PLACEMENT",
    "ON_CASELOAD",
    "RANK",
    "REGISTRATION_ERROR",
    "VALUES",
    "WAITING_FOR_DECISION",
    "Figures",
    "Kind",
    "State",
    "caseload_sql",
    "end_of_day",
    "enrolled_sql",
    "extended_sql",
    "figures",
    "figures_at",
    "forget",
    "forget_actors",
    "histories",
    "in_placement_sql",
    "late_changes",
    "live",
    "live_events",
    "rebuild_spans",
    "record_change",
    "record_rows",
    "spans_of",
    "state_at",
    "status_at_sql",
    "take_back",
    "track",
    "waiting_sql",
]
