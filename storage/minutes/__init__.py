"""Steering-group minutes: meetings (planned or held), decisions and action points.

Functions a person calls take the Actor and check `is_allowed` on the group's county part, so no
caller can forget: a county-wide group has no county part and is written only by the programme
lead and owner. The reminder jobs call `action_points_due`, `planned_meetings` and
`meetings_without_minutes`, which take no actor; they say whom to remind.

Attendees and action-point owners are staff or officials, so names are allowed in free text;
personnummer never are. Rule violations raise `RuleError` with a text key for the user.

One private module per job: `_groups` (the steering groups and who may read and write their
minutes), `_checks` (the rules a meeting, its text and its owners must keep), `_writing`
(plan, log, edit, decisions, action points), `_reading` (a meeting, the list, search, open
action points), `_jobs` (what the reminder jobs ask, without an actor).
"""

from __future__ import annotations

from storage.minutes._checks import SELF_WORDS, check_text, known_people
from storage.minutes._groups import (
    GroupRef,
    all_groups,
    find_group,
    may_read,
    may_write,
    writable_groups,
)
from storage.minutes._jobs import (
    MeetingDue,
    action_points_due,
    meetings_without_minutes,
    minutes_writers,
    planned_meetings,
)
from storage.minutes._reading import (
    ActionPointRow,
    DecisionHit,
    MeetingDetail,
    MeetingSummary,
    interim_decisions_for,
    list_meetings,
    meeting_detail,
    open_action_points,
    search_decisions,
    split_lines,
)
from storage.minutes._writing import (
    ActionPointInput,
    MinutesInput,
    add_action_point,
    add_decision,
    complete_action_point,
    log_minutes,
    plan_meeting,
    update_meeting,
)

__all__ = [
    "SELF_WORDS",
    "ActionPointInput",
    "ActionPointRow",
    "DecisionHit",
    "GroupRef",
    "MeetingDetail",
    "MeetingDue",
    "MeetingSummary",
    "MinutesInput",
    "action_points_due",
    "add_action_point",
    "add_decision",
    "all_groups",
    "check_text",
    "complete_action_point",
    "find_group",
    "interim_decisions_for",
    "known_people",
    "list_meetings",
    "log_minutes",
    "may_read",
    "may_write",
    "meeting_detail",
    "meetings_without_minutes",
    "minutes_writers",
    "open_action_points",
    "plan_meeting",
    "planned_meetings",
    "search_decisions",
    "split_lines",
    "update_meeting",
    "writable_groups",
]
