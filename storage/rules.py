"""Business rules of the participant's path, as plain functions (no Bot Framework, no SQL).

Vocabularies are stable English codes; their Swedish and English labels live in the texts
(`dialogs/texts`, keys like `income.sickness_benefit`).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

GENDERS = ("woman", "man", "other")

REFERRING_PARTIES = (
    "af",
    "fk",
    "municipality_social_services",
    "municipality_labour_market",
    "region_psychiatry",
    "region_primary_care",
    "self_referral",
    "other",
)

INCOME_SOURCES = (
    "sickness_benefit",
    "sickness_compensation",
    "activity_compensation",
    "unemployment_insurance",
    "activity_support",
    "establishment_allowance",
    "social_assistance",
    "salary",
    "no_public",
    "unknown",
)

NOT_ACCEPTED_REASONS = (
    "outside_target_group",
    "other_programme_better",
    "declined",
    "unreachable",
    "other",
)

PLACEMENT_TYPES = (
    "work_training",
    "af_internship",
    "taster",
    "municipal_occupation",
    "non_profit",
    "subsidised_employment",
    "unsubsidised_employment",
)

SECTORS = ("private", "public", "non_profit", "social_enterprise")

# In the order a person usually moves; a step past "mapping" is a positive progression.
PROGRESSION_STEPS = (
    "mapping",
    "motivation",
    "job_search",
    "employer_contact",
    "work_training",
    "increased_hours",
    "studies",
    "employment",
)

EXIT_REASONS = (
    "according_to_plan",
    "own_initiative",
    "consent_withdrawn",
    "ill_health",
    "moved",
    "other_programme_better",
    "unreachable",
    "registration_error",
    "other",
)


class SusGroup(StrEnum):
    """The national follow-up's (SUS) groups for status at exit."""

    EMPLOYMENT = "employment"
    STUDIES = "studies"
    JOB_SEEKING = "job_seeking"
    OTHER = "other"


DESTINATIONS: dict[str, SusGroup] = {
    "work_unsubsidised": SusGroup.EMPLOYMENT,
    "subsidised_employment": SusGroup.EMPLOYMENT,
    "own_business": SusGroup.EMPLOYMENT,
    "studies": SusGroup.STUDIES,
    "jobseeker_af": SusGroup.JOB_SEEKING,
    "enhanced_cooperation_af_fk": SusGroup.JOB_SEEKING,
    "municipal_labour_market": SusGroup.OTHER,
    "daily_activity": SusGroup.OTHER,
    "other_programme_or_care": SusGroup.OTHER,
    "none": SusGroup.OTHER,
    "unknown": SusGroup.OTHER,
}

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "gender": GENDERS,
    "party": REFERRING_PARTIES,
    "income": INCOME_SOURCES,
    "not_accepted": NOT_ACCEPTED_REASONS,
    "placement_type": PLACEMENT_TYPES,
    "sector": SECTORS,
    "step": PROGRESSION_STEPS,
    "exit_reason": EXIT_REASONS,
    "destination": tuple(DESTINATIONS),
    "training_theme": ("bip", "reflexive_practice", "employer_perspective", "other"),
    "training_org": (
        "af",
        "fk",
        "municipality",
        "region",
        "private_provider",
        "association",
        "other",
    ),
}

MIN_AGE, MAX_AGE = 18, 64
PROGRAMME_MONTHS = 12


class Status(StrEnum):
    REFERRED = "referred"
    WAITING = "waiting"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    ENROLLED = "enrolled"
    EXITED = "exited"


ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.REFERRED: frozenset({Status.WAITING, Status.ACCEPTED, Status.NOT_ACCEPTED}),
    Status.WAITING: frozenset({Status.ACCEPTED, Status.NOT_ACCEPTED}),
    Status.ACCEPTED: frozenset({Status.ENROLLED, Status.NOT_ACCEPTED}),
    Status.NOT_ACCEPTED: frozenset(),
    Status.ENROLLED: frozenset({Status.EXITED}),
    Status.EXITED: frozenset(),
}


class RuleError(ValueError):
    """A rule said no. `code` is a text key; `details` fill its placeholders.

    The block that raised it is undone (storage/db.py), except the unsaved rows in `keep`,
    which are written all the same: the audit of a denied access outlives the refusal.
    """

    def __init__(self, code: str, /, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details
        self.keep: list[Any] = []


def check_transition(current: str, target: Status) -> None:
    if target not in ALLOWED_TRANSITIONS[Status(current)]:
        raise RuleError("rule_transition", current=current, target=target.value)


def age_in_year(birth_year: int, on: date) -> int:
    """Age reached during the year of `on`; only the birth year is stored, never the date."""
    return on.year - birth_year


def check_birth_year(birth_year: int, on: date) -> None:
    """The target group is 18–64 years."""
    if not 1900 < birth_year <= on.year:
        raise RuleError("rule_birth_year_invalid", value=birth_year)
    age = age_in_year(birth_year, on)
    if not MIN_AGE <= age <= MAX_AGE:
        raise RuleError("rule_age_outside", age=age, min=MIN_AGE, max=MAX_AGE)


def check_code(vocabulary: str, code: str) -> str:
    if code not in VOCABULARIES[vocabulary]:
        raise RuleError("rule_unknown_value", vocabulary=vocabulary, value=code)
    return code


def sus_group(destination: str) -> SusGroup:
    return DESTINATIONS[check_code("destination", destination)]


def is_work_or_studies(destination: str | None) -> bool:
    return destination is not None and sus_group(destination) in {
        SusGroup.EMPLOYMENT,
        SusGroup.STUDIES,
    }


def is_positive_progression(steps: list[str]) -> bool:
    """Any step past the initial mapping counts as moving towards work or studies."""
    return any(step != "mapping" for step in steps)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def programme_end(enrolment: date, extended_until: date | None) -> date:
    """Guideline: at most one year, unless an extension with a motivation says otherwise."""
    return extended_until or add_months(enrolment, PROGRAMME_MONTHS)


def check_extension(enrolment: date, until: date, motivation: str) -> None:
    if until <= add_months(enrolment, PROGRAMME_MONTHS):
        raise RuleError("rule_extension_not_longer", until=until.isoformat())
    if len(motivation.strip()) < 10:
        raise RuleError("rule_extension_needs_motivation")


# Every date Stegvis stores lies in this window: from EARLIEST_DATE to some days after today,
# per column (storage/models/, `days_ahead`); DEFAULT_DAYS_AHEAD where a column says nothing.
EARLIEST_DATE = date(2000, 1, 1)
DEFAULT_DAYS_AHEAD = 5 * 366
# Past events (a referral, an exit) may be dated tomorrow at most: clocks and time zones differ.
PAST_EVENT = 1


def check_date_window(day: date, today: date, days_ahead: int = DEFAULT_DAYS_AHEAD) -> None:
    """A far-off date (9999-12-25, 1900-01-01) is a typing mistake, and would break every
    calculation that adds months to it."""
    latest = today + timedelta(days=days_ahead)
    if not EARLIEST_DATE <= day <= latest:
        raise RuleError(
            "rule_date_window",
            value=day.isoformat(),
            earliest=EARLIEST_DATE.isoformat(),
            latest=latest.isoformat(),
        )


def check_length(text: str, limit: int) -> None:
    """Free text has a length per field; measured before anything else looks at it."""
    if len(text) > limit:
        raise RuleError("rule_text_too_long", limit=limit, length=len(text))


def check_dates_in_order(earlier: date, later: date, what: str) -> None:
    if later < earlier:
        raise RuleError("rule_date_order", what=what, earlier=earlier.isoformat())


def check_not_future(day: date, today: date) -> None:
    if day > today + timedelta(days=1):
        raise RuleError("rule_date_future", value=day.isoformat())


def participant_code(prefix: str, year: int, number: int) -> str:
    """A pseudonymous code like V-2026-0042: county part prefix, year, running number."""
    return f"{prefix or 'X'}-{year}-{number:04d}"
