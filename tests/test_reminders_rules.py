"""Reminder business rules as plain functions: working days, send times, due reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.proactive import backoff_delay
from storage.calendar import (
    add_working_days,
    in_dst_window,
    is_working_day,
    next_working_day,
    previous_working_day,
    send_moment,
)
from storage.clock import STOCKHOLM
from storage.reminder_rules import (
    DEFAULT_DEADLINES,
    DEFAULT_RULES,
    Direction,
    RuleConfig,
    Subject,
    Watch,
    due_reminders,
    idempotency_key,
    remind_on,
    snooze_day,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 23), True),  # Monday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday (whatever the library's include_sundays says)
        (date(2026, 6, 19), False),  # Midsummer Eve: de facto holiday
        (date(2026, 12, 24), False),  # Christmas Eve
        (date(2026, 12, 31), False),  # New Year's Eve
        (date(2027, 1, 6), False),  # Epiphany
        (date(2027, 3, 26), False),  # Good Friday 2027
        (date(2027, 3, 29), False),  # Easter Monday 2027
        (date(2027, 5, 6), False),  # Ascension Day 2027
        (date(2027, 6, 7), True),  # Monday after National Day (a Sunday in 2027)
        (date(2026, 4, 2), True),  # Maundy Thursday is a working day
    ],
)
def test_swedish_working_days(day, working):
    assert is_working_day(day) is working


def test_shifting_to_working_days():
    assert previous_working_day(date(2026, 12, 26)) == date(2026, 12, 23)
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert previous_working_day(date(2026, 11, 23)) == date(2026, 11, 23)
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday → Monday


def test_send_moment_is_stockholm_time_and_never_in_the_dst_window():
    winter = send_moment(date(2027, 1, 11), time(8, 0))
    summer = send_moment(date(2027, 6, 14), time(8, 0))
    assert winter == datetime(2027, 1, 11, 7, 0, tzinfo=UTC)
    assert summer == datetime(2027, 6, 14, 6, 0, tzinfo=UTC)
    # 28 March 2027: 02:30 does not exist; 31 October 2027: it exists twice. Both go to 03:00.
    spring = send_moment(date(2027, 3, 28), time(2, 30))
    autumn = send_moment(date(2027, 10, 31), time(2, 30))
    assert spring.astimezone(STOCKHOLM).time() == time(3, 0)
    assert autumn.astimezone(STOCKHOLM).time() == time(3, 0)
    assert not in_dst_window(spring) and not in_dst_window(autumn)
    assert in_dst_window(datetime(2027, 1, 11, 1, 30, tzinfo=UTC))  # 02:30 in Stockholm


def test_before_moves_earlier_and_after_moves_later():
    before = RuleConfig("x", Watch.DEADLINE, Direction.BEFORE, 10, ("samordnare",))
    after = RuleConfig("y", Watch.REFERRAL_UNDECIDED, Direction.AFTER, 14, ("samordnare",))
    # 10 days before Wed 6 Jan 2027 is Sun 27 Dec → Wed 23 Dec (24–26 are holidays).
    assert remind_on(before, date(2027, 1, 6)) == date(2026, 12, 23)
    # 14 days after Thu 10 Dec 2026 is Thu 24 Dec → Mon 28 Dec: never before it is overdue.
    assert remind_on(after, date(2026, 12, 10)) == date(2026, 12, 28)


def _subject(watch: Watch, anchor: date, **kw) -> Subject:
    return Subject(watch, f"participant:{anchor.toordinal()}", "V-2026-0001", anchor, **kw)


def test_due_reminders_pick_todays_and_missed_ones_only():
    rules = list(DEFAULT_RULES)
    today = date(2026, 11, 23)
    subjects = [
        _subject(Watch.REFERRAL_UNDECIDED, date(2026, 11, 9)),  # 14 days: due today
        _subject(Watch.REFERRAL_UNDECIDED, date(2026, 11, 10)),  # due tomorrow
        _subject(Watch.REFERRAL_UNDECIDED, date(2026, 11, 5)),  # due 19 Nov: caught up
        _subject(Watch.REFERRAL_UNDECIDED, date(2026, 10, 1)),  # long ago: not nagged about
        _subject(Watch.NO_PLACEMENT, date(2026, 10, 12)),  # 42 days
        Subject(
            Watch.DEADLINE,
            "deadline:1",
            "Lägesrapport",
            date(2026, 12, 3),
            rule_code="status_report",
        ),  # 10 days before: 23 Nov
        Subject(
            Watch.DEADLINE, "deadline:2", "Budget", date(2026, 12, 3), rule_code="budget_request"
        ),  # 14 days before: 19 Nov
        Subject(
            Watch.DEADLINE, "deadline:3", "Passed", date(2026, 11, 20), rule_code="status_report"
        ),  # the deadline is past
        Subject(
            Watch.MINUTES_MISSING, "meeting:7", "Lokal styrgrupp Norra", date(2026, 11, 16)
        ),  # 5 days after: 21 Nov (Sat) → 23 Nov
    ]
    due = due_reminders(rules, subjects, today)
    got = sorted((d.rule.code, d.subject.ref, d.remind_on) for d in due)
    assert got == sorted(
        [
            ("referral_waiting", subjects[0].ref, today),
            ("referral_waiting", subjects[2].ref, date(2026, 11, 19)),
            ("no_placement", subjects[4].ref, today),
            ("status_report", "deadline:1", today),
            ("budget_request", "deadline:2", date(2026, 11, 19)),
            ("minutes_missing", "meeting:7", today),
        ]
    )
    disabled = [
        RuleConfig(r.code, r.watch, r.direction, r.days, r.recipients, enabled=False) for r in rules
    ]
    assert due_reminders(disabled, subjects, today) == []


def test_every_default_deadline_has_a_deadline_rule():
    deadline_rules = {r.code for r in DEFAULT_RULES if r.watch == Watch.DEADLINE}
    assert {code for _, _, code, _ in DEFAULT_DEADLINES} <= deadline_rules
    assert {
        "status_report",
        "finsam_registration",
        "annual_report_data",
        "evaluator_data",
        "budget_request",
        "operational_plan",
    } == deadline_rules


def test_idempotency_key_and_snooze():
    assert idempotency_key("r", "participant:1", date(2026, 11, 23), "aad") == (
        "r:participant:1:2026-11-23:aad"
    )
    assert snooze_day(date(2026, 11, 27), "day") == date(2026, 11, 30)
    assert snooze_day(date(2026, 12, 17), "week") == date(2026, 12, 28)


def test_backoff_is_jittered_and_capped():
    delays = [backoff_delay(attempt, 0.5, 4.0) for attempt in range(10) for _ in range(20)]
    assert all(0 <= d <= 4.0 for d in delays)
    assert len(set(delays)) > 100
    assert max(backoff_delay(0, 0.5, 4.0) for _ in range(50)) <= 0.5
    assert timedelta(seconds=max(delays)) <= timedelta(seconds=4)
