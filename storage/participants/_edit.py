"""Corrections of recorded facts, field by field (`ändra <kod> fält=värde`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit import snapshot
from storage.models import Participant
from storage.participants._access import _save, get_participant
from storage.permissions import Action, Actor
from storage.rules import RuleError, check_birth_year, check_code
from storage.write_guard import check_column

# Fields a user may change afterwards with `ändra <kod> fält=värde`.
EDITABLE_FIELDS = {
    "gender": "gender",
    "birth_year": None,
    "income_source_start": "income",
    "income_source_exit": "income",
    "referring_party": "party",
    "referring_unit": None,
    "referral_date": None,
    "enrolment_date": None,
    "exit_date": None,
    "exit_reason": "exit_reason",
    "exit_destination": "destination",
    "consent": None,
    "survey_enrolment_done": None,
    "survey_exit_done": None,
}


def _coerce(field_name: str, value: str) -> Any:
    """Turn typed text into the column's type, checking vocabularies and free text."""
    vocabulary = EDITABLE_FIELDS[field_name]
    if vocabulary:
        return check_code(vocabulary, value)
    if field_name.endswith("_date"):
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise RuleError("bad_date", value=value) from error
    if field_name == "birth_year":
        if not value.isdigit():
            raise RuleError("rule_birth_year_invalid", value=value)
        return int(value)
    if field_name in {"consent", "survey_enrolment_done", "survey_exit_done"}:
        return value.strip().casefold() in {"ja", "yes", "true", "1"}
    check_column(getattr(Participant, field_name), value)
    return value.strip()


async def update_fields(
    session: AsyncSession, actor: Actor, code: str, changes: dict[str, str]
) -> Participant:
    """Correct recorded facts; the previous values stay in the audit log for undo."""
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleError("field_not_editable", fields=", ".join(sorted(unknown)))
    before = snapshot(participant)
    for name, value in changes.items():
        setattr(participant, name, _coerce(name, value))
    if "birth_year" in changes:
        check_birth_year(participant.birth_year, participant.referral_date)
    return await _save(session, actor, participant, before)
