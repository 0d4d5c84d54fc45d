"""Which reminders are due on a day: plain functions over plain data, no SQL, no Bot Framework.

A rule watches one kind of subject (a calendar deadline, a referral without a decision, an
enrolment without a placement, …) and fires `days` before or after the subject's anchor date.
Reminders *before* something move to the previous working day, so they are never late;
reminders that something is *overdue* move to the next working day, so they never fire before
the condition is really true. Rule rows live in the `reminder_rule` table; DEFAULT_RULES seeds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from storage.calendar import next_working_day, previous_working_day


class Watch(StrEnum):
    """What a rule watches; storage.reminders produces the open subjects of each kind."""

    DEADLINE = "deadline"
    MEETING = "meeting"
    MINUTES_MISSING = "minutes_missing"
    ACTION_POINT = "action_point"
    REFERRAL_UNDECIDED = "referral_undecided"
    NO_PLACEMENT = "no_placement"
    PLACEMENT_ACTIVE = "placement_active"
    PROGRAMME_END = "programme_end"
    SURVEY_ENROLMENT = "survey_enrolment"
    SURVEY_EXIT = "survey_exit"


class Direction(StrEnum):
    BEFORE = "before"
    AFTER = "after"


# Recipient words in `reminder_rule.recipients`; `conversation:<id>` names a Teams channel.
# "coach" is the participant's coach (or an action point's owner); "protokollforare" are those
# expected to write the steering group's minutes (storage.minutes.minutes_writers); the others
# are everyone with that role (samordnare: of the subject's county part).
WRITERS = "protokollforare"
RECIPIENT_ROLES = ("coach", "samordnare", "insatsledare", "insatsagare", "admin", WRITERS)
CHANNEL_PREFIX = "conversation:"


@dataclass(frozen=True)
class RuleConfig:
    """One row of `reminder_rule` as the engine sees it."""

    code: str
    watch: Watch
    direction: Direction
    days: int
    recipients: tuple[str, ...]
    enabled: bool = True


@dataclass(frozen=True)
class Subject:
    """Something a rule can remind about. `ref` is stable (it goes into idempotency keys);
    `label` is what the user reads (a participant code, a deadline's title, a meeting)."""

    watch: Watch
    ref: str
    label: str
    anchor: date
    county_part: str | None = None
    coach_aad: str | None = None
    rule_code: str | None = None  # deadlines name the rule they belong to
    writers: tuple[str, ...] = ()  # steering-group subjects: who writes the minutes


@dataclass(frozen=True)
class DueReminder:
    rule: RuleConfig
    subject: Subject
    remind_on: date
    params: dict[str, str] = field(default_factory=dict)


DEFAULT_RULES: tuple[RuleConfig, ...] = (
    # Report deadlines: the dates are rows in the `deadline` calendar.
    RuleConfig(
        "status_report", Watch.DEADLINE, Direction.BEFORE, 10, ("samordnare", "insatsledare")
    ),
    RuleConfig("finsam_registration", Watch.DEADLINE, Direction.BEFORE, 5, ("samordnare",)),
    RuleConfig(
        "annual_report_data", Watch.DEADLINE, Direction.BEFORE, 10, ("samordnare", "insatsledare")
    ),
    RuleConfig(
        "evaluator_data", Watch.DEADLINE, Direction.BEFORE, 10, ("samordnare", "insatsledare")
    ),
    RuleConfig(
        "budget_request", Watch.DEADLINE, Direction.BEFORE, 14, ("insatsledare", "insatsagare")
    ),
    RuleConfig(
        "operational_plan", Watch.DEADLINE, Direction.BEFORE, 14, ("insatsledare", "insatsagare")
    ),
    # Steering groups (meetings and action points are recorded by the minutes module).
    RuleConfig("meeting_agenda", Watch.MEETING, Direction.BEFORE, 5, (WRITERS,)),
    RuleConfig("minutes_missing", Watch.MINUTES_MISSING, Direction.AFTER, 5, (WRITERS,)),
    RuleConfig(
        "action_point_due", Watch.ACTION_POINT, Direction.BEFORE, 2, ("coach", WRITERS)
    ),
    # Participants.
    RuleConfig("referral_waiting", Watch.REFERRAL_UNDECIDED, Direction.AFTER, 14, ("samordnare",)),
    RuleConfig("no_placement", Watch.NO_PLACEMENT, Direction.AFTER, 42, ("coach",)),
    RuleConfig("placement_follow_up", Watch.PLACEMENT_ACTIVE, Direction.AFTER, 14, ("coach",)),
    RuleConfig("programme_end", Watch.PROGRAMME_END, Direction.BEFORE, 30, ("coach", "samordnare")),
    RuleConfig("survey_enrolment", Watch.SURVEY_ENROLMENT, Direction.AFTER, 7, ("samordnare",)),
    # The "no exit survey 14 days after the exit": calendar days, sent the next
    # working day (as every overdue reminder), so never before the 14 days have passed.
    RuleConfig("survey_exit", Watch.SURVEY_EXIT, Direction.AFTER, 14, ("samordnare",)),
)

# Yearly report deadlines (month, day, rule code, title); the calendar is seeded from these for
# the current and next year and then edited as data.
DEFAULT_DEADLINES: tuple[tuple[int, int, str, str], ...] = (
    (1, 20, "finsam_registration", "Uppföljning Finsam: registreringar för förra året klara"),
    (2, 15, "annual_report_data", "Underlag till årsredovisningen"),
    (3, 1, "status_report", "Lägesrapport till styrelsen (mars)"),
    (4, 20, "budget_request", "Budgetframställan till medlemmarna"),
    (4, 20, "finsam_registration", "Uppföljning Finsam: registreringar för första kvartalet"),
    (5, 15, "status_report", "Lägesrapport till styrelsen (juni)"),
    (7, 20, "finsam_registration", "Uppföljning Finsam: registreringar för andra kvartalet"),
    (9, 15, "status_report", "Lägesrapport till styrelsen (oktober)"),
    (10, 1, "evaluator_data", "Underlag till utvärderarens datainsamling"),
    (10, 20, "finsam_registration", "Uppföljning Finsam: registreringar för tredje kvartalet"),
    (10, 31, "operational_plan", "Verksamhetsplan för nästa år"),
    (11, 15, "status_report", "Lägesrapport till styrelsen (december)"),
)


def remind_on(rule: RuleConfig, anchor: date) -> date:
    """The working day the reminder is sent for a subject with this anchor date."""
    if rule.direction == Direction.BEFORE:
        return previous_working_day(anchor - timedelta(days=rule.days))
    return next_working_day(anchor + timedelta(days=rule.days))


def still_relevant(rule: RuleConfig, subject: Subject, today: date) -> bool:
    """A reminder before a date that has passed is pointless; overdue subjects stay relevant
    (the query only returns subjects whose condition still holds)."""
    return rule.direction == Direction.AFTER or subject.anchor >= today


def due_reminders(
    rules: list[RuleConfig], subjects: list[Subject], today: date, catch_up_days: int = 7
) -> list[DueReminder]:
    """Reminders whose send day is today or up to `catch_up_days` back (missed while the bot was
    down), for enabled rules and subjects whose condition still holds."""
    return _reminders_between(
        rules, subjects, today, today - timedelta(days=catch_up_days), today
    )


def upcoming_reminders(
    rules: list[RuleConfig], subjects: list[Subject], today: date, days: int
) -> list[DueReminder]:
    """Reminders whose send day is after today and at most `days` ahead, as they will be sent
    if nothing changes before then (a decision taken meanwhile makes one moot)."""
    return _reminders_between(
        rules, subjects, today, today + timedelta(days=1), today + timedelta(days=days)
    )


def _reminders_between(
    rules: list[RuleConfig], subjects: list[Subject], today: date, earliest: date, latest: date
) -> list[DueReminder]:
    by_watch: dict[Watch, list[RuleConfig]] = {}
    for rule in rules:
        if rule.enabled:
            by_watch.setdefault(rule.watch, []).append(rule)
    due = []
    for subject in subjects:
        for rule in by_watch.get(subject.watch, []):
            if subject.rule_code is not None and subject.rule_code != rule.code:
                continue
            day = remind_on(rule, subject.anchor)
            if earliest <= day <= latest and still_relevant(rule, subject, today):
                params = {
                    "watch": subject.watch.value,
                    "label": subject.label,
                    "date": subject.anchor.isoformat(),
                    "days": str(rule.days),
                }
                due.append(DueReminder(rule, subject, day, params))
    return due


def idempotency_key(rule_code: str, subject_ref: str, remind_day: date, recipient: str) -> str:
    """The same reminder to the same person is planned once, however often planning runs."""
    return f"{rule_code}:{subject_ref}:{remind_day.isoformat()}:{recipient}"


def snooze_day(today: date, choice: str) -> date:
    """ "day": the next working day; "week": the first working day a week from now."""
    if choice == "week":
        return next_working_day(today + timedelta(days=7))
    return next_working_day(today + timedelta(days=1))
