"""Who may do what: the one permission check, a plain function the whole bot calls."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    COACH = "coach"
    COORDINATOR = "samordnare"
    PROGRAMME_LEAD = "insatsledare"
    PROGRAMME_OWNER = "insatsagare"
    ADMIN = "admin"
    VIEWER = "viewer"


# Roles whose work is tied to one or more county parts.
AREA_ROLES = frozenset({Role.COACH, Role.COORDINATOR})
COUNTY_WIDE_ROLES = frozenset({Role.PROGRAMME_LEAD, Role.PROGRAMME_OWNER})


class Action(StrEnum):
    MANAGE_STAFF = "manage_staff"
    MANAGE_ORG = "manage_org"
    MANAGE_REMINDERS = "manage_reminders"
    REGISTER_REFERRAL = "register_referral"
    READ_PARTICIPANT = "read_participant"
    WRITE_PARTICIPANT = "write_participant"
    DECIDE_REFERRAL = "decide_referral"
    READ_REPORT = "read_report"
    READ_UNMASKED_REPORT = "read_unmasked_report"
    READ_MINUTES = "read_minutes"
    WRITE_MINUTES = "write_minutes"
    # The employer register: employers, their business contact, contacts and open slots.
    MANAGE_EMPLOYERS = "manage_employers"
    # Staff-training sessions and their survey counts (Inkluderingslyftet).
    RECORD_TRAINING = "record_training"
    # Register extract and erasure per participant code (GDPR requests), handled by admins.
    PRIVACY_REQUESTS = "privacy_requests"
    # The evaluator's pseudonymised row-level extract: handed over under agreement, by admins.
    EVALUATOR_EXTRACT = "evaluator_extract"


@dataclass(frozen=True)
class Actor:
    """The person behind a turn. `role` None: known to Teams but not registered as staff."""

    aad_object_id: str
    role: Role | None = None
    county_parts: frozenset[str] = frozenset()
    staff_id: int | None = None
    display_name: str = ""

    @property
    def is_staff(self) -> bool:
        return self.role is not None


@dataclass(frozen=True)
class Scope:
    """What an action touches: a county part (code), a coach's caseload, or county-wide data."""

    county_part: str | None = None
    coach_staff_id: int | None = None


_ADMIN_ONLY = frozenset(
    {Action.MANAGE_STAFF, Action.MANAGE_ORG, Action.PRIVACY_REQUESTS, Action.EVALUATOR_EXTRACT}
)
_ALWAYS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(
        {
            Action.MANAGE_STAFF,
            Action.MANAGE_ORG,
            Action.MANAGE_REMINDERS,
            Action.READ_REPORT,
            Action.PRIVACY_REQUESTS,
            Action.EVALUATOR_EXTRACT,
        }
    ),
    Role.VIEWER: frozenset({Action.READ_REPORT, Action.READ_MINUTES}),
    Role.PROGRAMME_LEAD: frozenset(Action) - _ADMIN_ONLY,
    Role.PROGRAMME_OWNER: frozenset(Action) - _ADMIN_ONLY,
}

_IN_OWN_AREA: dict[Role, frozenset[Action]] = {
    Role.COORDINATOR: frozenset(
        {
            Action.REGISTER_REFERRAL,
            Action.READ_PARTICIPANT,
            Action.WRITE_PARTICIPANT,
            Action.DECIDE_REFERRAL,
            Action.READ_REPORT,
            Action.READ_UNMASKED_REPORT,
            Action.READ_MINUTES,
            Action.WRITE_MINUTES,
            Action.MANAGE_REMINDERS,
            Action.MANAGE_EMPLOYERS,
        }
    ),
    Role.COACH: frozenset(
        {
            Action.REGISTER_REFERRAL,
            Action.READ_REPORT,
            Action.READ_MINUTES,
            Action.MANAGE_EMPLOYERS,
        }
    ),
}

_OWN_CASELOAD = frozenset({Action.READ_PARTICIPANT, Action.WRITE_PARTICIPANT})


def is_allowed(actor: Actor, action: Action, scope: Scope | None = None) -> bool:
    """True when `actor` may do `action` on `scope`.

    Coaches work on their own participants; coordinators on their county parts; the programme
    lead and owner county-wide; viewers and admins see aggregated (masked) reports only.
    `scope=None` asks whether the role may do the action at all (to offer a command);
    `Scope()` without a county part means county-wide data, such as the county-wide
    steering group's minutes, which only the lead and owner write.
    """
    if actor.role is None:
        return False
    if action in _ALWAYS.get(actor.role, frozenset()):
        return True
    in_area = _IN_OWN_AREA.get(actor.role, frozenset())
    if scope is None:
        return action in in_area or (actor.role == Role.COACH and action in _OWN_CASELOAD)
    if actor.role == Role.COACH and action in _OWN_CASELOAD:
        return scope.coach_staff_id is not None and scope.coach_staff_id == actor.staff_id
    if action in in_area:
        if scope.county_part is None:
            # County-wide data: area roles may ask for reports and read minutes, narrowed to
            # their own areas by the query.
            return action in {Action.READ_REPORT, Action.READ_MINUTES}
        return scope.county_part in actor.county_parts
    return False


def visible_county_parts(actor: Actor, all_parts: frozenset[str]) -> frozenset[str]:
    """The county parts whose data queries may include for this actor."""
    if actor.role in COUNTY_WIDE_ROLES or actor.role in {Role.ADMIN, Role.VIEWER}:
        return all_parts
    return actor.county_parts & all_parts
