"""What goes into a participant's exit documentation (slutdokumentation), as plain data.

The coach hands the finished Word file to the participant and the referring officer. Stegvis
keeps nothing of it beyond the record itself: the file is made from the record when asked for
(and again when the user accepts it), and the coach's recommendations travel only in the
one-time file offer, which forgets them when it is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.models import Association, Placement, ProgressionStep
from storage.participants import get_participant, participant_detail
from storage.permissions import Action, Actor
from storage.pii import Policy, check
from storage.rules import RuleError, Status

MAX_TEXT = 3000
DOCUMENTED = frozenset({Status.ACCEPTED, Status.ENROLLED, Status.EXITED})


@dataclass(frozen=True)
class ExitDocument:
    code: str
    programme: str
    municipality: str
    county_part: str
    coach: str | None
    referring_party: str
    enrolment_date: date | None
    exit_date: date | None
    exit_reason: str | None
    destination: str | None
    income_start: str
    income_exit: str | None
    steps: list[ProgressionStep] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    made_on: date = field(default_factory=lambda: clock.today())
    # The association's Word template (organisation file), None for a blank document.
    template: bytes | None = None

    @property
    def months(self) -> int | None:
        """Whole months in the programme, to the exit or to today."""
        if self.enrolment_date is None:
            return None
        end = self.exit_date or self.made_on
        months = (end.year - self.enrolment_date.year) * 12 + end.month - self.enrolment_date.month
        return max(0, months - (end.day < self.enrolment_date.day))


def check_free_text(text: str) -> str:
    """The coach's recommendations or the recipient: no name, no personnummer, bounded."""
    text = "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
    if len(text) > MAX_TEXT:
        raise RuleError("exit_doc_too_long", most=MAX_TEXT)
    if text:
        check(text, Policy.NO_NAMES)
    return text


async def exit_document(session: AsyncSession, actor: Actor, code: str) -> ExitDocument:
    """The record of someone the actor may write (their coach, the county part's samordnare,
    the programme lead), once they have been accepted; audited as a read."""
    await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    detail = await participant_detail(session, actor, code)
    p = detail.participant
    if Status(p.status) not in DOCUMENTED:
        raise RuleError("exit_doc_not_enrolled", code=p.code)
    return ExitDocument(
        code=p.code,
        programme=detail.programme,
        municipality=detail.municipality,
        county_part=detail.county_part,
        coach=detail.coach,
        referring_party=p.referring_party,
        enrolment_date=p.enrolment_date,
        exit_date=p.exit_date,
        exit_reason=p.exit_reason,
        destination=p.exit_destination,
        income_start=p.income_source_start,
        income_exit=p.income_source_exit,
        steps=detail.steps,
        placements=detail.placements,
        template=(
            await session.exec(select(Association.exit_document_template))
        ).first(),
    )
