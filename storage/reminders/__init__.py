"""Reminder queries: rules and calendar as data, open subjects, planning into the outbox, and the
outbox's claim/mark protocol that makes a crash or a second dispatcher send nothing twice.

Planning is idempotent (unique key per rule, subject, day and recipient; inserts that collide
do nothing). Dispatch claims one row at a time with a lease: a dispatcher that dies leaves its
claim to expire, and the row is claimed again (see README, "Reminders", for the one window in
which a crash can repeat a message).

One private module per job: `_rules` (rules and calendar as data), `_subjects` (what is open
to be reminded of, and who receives it), `_planning` (due reminders into the outbox),
`_dispatch` (the outbox's statuses and its claim/mark protocol), `_mine` (the user's side:
`mina påminnelser`, done, snooze).
"""

from __future__ import annotations

from storage.reminders._dispatch import (
    Outbox,
    claim_due,
    claim_next,
    mark_final,
    mark_retry,
    mark_sent,
)
from storage.reminders._mine import (
    COMING,
    PARTICIPANT_WATCHES,
    UPCOMING_DAYS,
    MyReminder,
    addressed_to,
    complete_reminder,
    my_reminders,
    snooze_reminder,
)
from storage.reminders._planning import plan_reminders
from storage.reminders._rules import (
    add_deadline,
    list_deadlines,
    list_rules,
    remove_deadline,
    rule_config,
    seed_reminders,
    update_deadline,
    update_rule,
)
from storage.reminders._subjects import (
    MEETING_HORIZON_DAYS,
    meeting_reminder_candidates,
    open_subjects,
    resolve_recipients,
)

__all__ = [
    "COMING",
    "MEETING_HORIZON_DAYS",
    "PARTICIPANT_WATCHES",
    "UPCOMING_DAYS",
    "MyReminder",
    "Outbox",
    "add_deadline",
    "addressed_to",
    "claim_due",
    "claim_next",
    "complete_reminder",
    "list_deadlines",
    "list_rules",
    "mark_final",
    "mark_retry",
    "mark_sent",
    "meeting_reminder_candidates",
    "my_reminders",
    "open_subjects",
    "plan_reminders",
    "remove_deadline",
    "resolve_recipients",
    "rule_config",
    "seed_reminders",
    "snooze_reminder",
    "update_deadline",
    "update_rule",
]
