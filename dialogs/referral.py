"""Referral (aktualisering), the coordinator's decision, coach assignment, enrolment, extension."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select

from dialogs.forms import (
    CODE_FIELD,
    DATE_FIELD,
    SURVEY_FIELD,
    Field,
    FieldError,
    FormDialog,
    FormTurn,
    form_route,
)
from dialogs.router import Route, Turn
from dialogs.texts import error_text, t
from dialogs.vocab import label
from storage.lookups import find_programme, organisation
from storage.models import Participant, Staff
from storage.participants import (
    ReferralInput,
    assign_coach,
    coaches_in_area,
    decide,
    enrol,
    extend,
    find_coach,
    find_municipality,
    register_referral,
)
from storage.permissions import Action
from storage.rules import RuleError, Status, programme_end


class ReferralForm(FormDialog):
    """`ny aktualisering`: everything the national follow-up needs, and nothing that identifies."""

    ID = "referral"
    title = "form_title_referral"
    rule_fields = {"rule_age_outside": "birth_year", "rule_birth_year_invalid": "birth_year",
                   "rule_date_future": "date"}
    fields = (
        Field("municipality", ("kommun",), "municipality", "q_municipality"),
        Field("gender", ("kön", "kon"), "vocab", "q_gender", vocabulary="gender"),
        Field("birth_year", ("född", "fodd", "födelseår"), "year", "q_birth_year"),
        Field("income", ("försörjning", "forsorjning"), "vocab", "q_income", vocabulary="income"),
        Field("party", ("från", "fran", "aktualiserad"), "vocab", "q_party", vocabulary="party"),
        Field("consent", ("samtycke",), "bool", "q_consent"),
        DATE_FIELD,
        Field(
            "unit", ("enhet",), "text", "q_unit", required=False, column=Participant.referring_unit
        ),
        Field("programme", ("insats",), "programme", "q_programme", required=False),
    )

    async def choices(self, field: Field, values: dict[str, Any], locale: str | None) -> list[str]:
        if field.kind == "municipality":
            async with self.db.read() as session:
                return sorted(m.name for m in (await organisation(session)).municipalities)
        return await super().choices(field, values, locale)

    async def parse(
        self, field: Field, raw: str, values: dict[str, Any], locale: str | None
    ) -> Any:
        if field.kind == "municipality":
            async with self.db.read() as session:
                try:
                    return (await find_municipality(session, raw)).name
                except RuleError as error:
                    raise FieldError(field.name, error_text(error, locale)) from error
        if field.kind == "programme":
            async with self.db.read() as session:
                programme = await find_programme(session, raw)
            if programme is None:
                raise FieldError(field.name, t("unknown_programme", locale, value=raw))
            return programme.code
        return await super().parse(field, raw, values, locale)

    async def complete(self, turn: FormTurn, values: dict[str, Any]) -> None:
        locale = turn.locale
        data = ReferralInput(
            referral_date=date.fromisoformat(values["date"]),
            referring_party=values["party"],
            municipality=values["municipality"],
            gender=values["gender"],
            birth_year=values["birth_year"],
            income_source=values["income"],
            consent=values["consent"],
            referring_unit=values.get("unit") or "",
            programme=values.get("programme") or "sikta",
        )
        if not data.consent:
            raise RuleError("referral_needs_consent")
        actor = turn.actor
        async with self.db.session() as session:
            code = (await register_referral(session, actor, data)).code
        summary = ", ".join(
            [
                label("gender", data.gender, locale),
                t("born_in", locale, year=data.birth_year),
                data.municipality,
                label("income", data.income_source, locale),
                t("referred_by", locale, party=label("party", data.referring_party, locale)),
            ]
        )
        await turn.reply(t("referral_saved", locale, code=code, summary=summary))


class DecisionForm(FormDialog):
    """aktuell / ej aktuell / väntar: asks only for the coach or the reason when missing."""

    ID = "decision"
    access = Action.DECIDE_REFERRAL
    title = "form_title_decision"
    fields = (
        CODE_FIELD,
        Field("decision", ("beslut",), "decision", "q_decision"),
        Field("coach", ("coach",), "coach", "q_coach", required=False),
        Field(
            "reason",
            ("orsak",),
            "vocab",
            "q_not_accepted",
            vocabulary="not_accepted",
            required=False,
        ),
        DATE_FIELD,
    )

    async def _county_part_id(self, code: str) -> int | None:
        async with self.db.session() as session:
            participant = (
                await session.exec(select(Participant).where(Participant.code == code))
            ).first()
        return participant.county_part_id if participant else None

    async def choices(self, field: Field, values: dict[str, Any], locale: str | None) -> list[str]:
        if field.kind == "coach":
            part_id = await self._county_part_id(values.get("code", ""))
            async with self.db.session() as session:
                return [c.display_name for c in await coaches_in_area(session, part_id or -1)]
        return await super().choices(field, values, locale)

    async def parse(
        self, field: Field, raw: str, values: dict[str, Any], locale: str | None
    ) -> Any:
        if field.kind == "decision":
            return Status(raw).value
        if field.kind == "coach":
            part_id = await self._county_part_id(values.get("code", ""))
            async with self.db.session() as session:
                try:
                    return (await find_coach(session, raw, part_id or -1)).display_name
                except RuleError as error:
                    raise FieldError(field.name, error_text(error, locale)) from error
        return await super().parse(field, raw, values, locale)

    async def complete(self, turn: FormTurn, values: dict[str, Any]) -> None:
        locale = turn.locale
        decision = Status(values["decision"])
        if decision == Status.ACCEPTED and not values.get("coach"):
            raise FieldError("coach", t("q_coach", locale, code=values["code"]))
        if decision == Status.NOT_ACCEPTED and not values.get("reason"):
            raise FieldError("reason", t("q_not_accepted", locale, code=values["code"]))
        actor = turn.actor
        async with self.db.session() as session:
            participant = await decide(
                session,
                actor,
                values["code"],
                decision,
                day=date.fromisoformat(values["date"]),
                reason=values.get("reason"),
                coach=values.get("coach"),
            )
            code = participant.code
        key = {
            Status.ACCEPTED: "decision_accepted",
            Status.NOT_ACCEPTED: "decision_not_accepted",
            Status.WAITING: "decision_waiting",
        }[decision]
        reason = label("not_accepted", values["reason"], locale) if values.get("reason") else ""
        await turn.reply(
            t(key, locale, code=code, coach=values.get("coach") or "", reason=reason)
        )

    def question_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"code": values.get("code", "")}


class EnrolForm(FormDialog):
    """Inskrivning: the date starts the one-year clock."""

    ID = "enrol"
    access = Action.WRITE_PARTICIPANT
    title = "form_title_enrol"
    fields = (
        CODE_FIELD,
        DATE_FIELD,
        SURVEY_FIELD,
    )

    async def complete(self, turn: FormTurn, values: dict[str, Any]) -> None:
        locale = turn.locale
        actor = turn.actor
        async with self.db.session() as session:
            participant = await enrol(
                session,
                actor,
                values["code"],
                date.fromisoformat(values["date"]),
                survey_done=bool(values.get("survey")),
            )
            assert participant.enrolment_date is not None, "enrol sets the date"
            end = programme_end(participant.enrolment_date, participant.extended_until)
            code = participant.code
        await turn.reply(
            t("enrolled", locale, code=code, date=values["date"], end=end.isoformat())
        )


class ExtendForm(FormDialog):
    """Förlängning past the guideline year needs a date and a motivation."""

    ID = "extend"
    access = Action.WRITE_PARTICIPANT
    title = "form_title_extend"
    rule_fields = {"rule_extension_not_longer": "until",
                   "rule_extension_needs_motivation": "motivation",
                   "rule_full_name": "motivation", "rule_personal_number": "motivation"}
    fields = (
        CODE_FIELD,
        Field("until", ("till",), "date", "q_extend_until"),
        Field(
            "motivation",
            ("motivering",),
            "text",
            "q_motivation",
            column=Participant.extension_motivation,
        ),
    )

    async def complete(self, turn: FormTurn, values: dict[str, Any]) -> None:
        locale = turn.locale
        actor = turn.actor
        async with self.db.session() as session:
            participant = await extend(
                session, actor, values["code"], date.fromisoformat(values["until"]),
                values["motivation"],
            )
            code = participant.code
        await turn.reply(t("extended", locale, code=code, date=values["until"]))


async def change_coach(turn: Turn) -> None:
    """`coach V-2026-0042 Cem Coach`: move a participant to another coach."""
    if len(turn.args) < 2:
        await turn.reply(turn.text("coach_usage"))
        return
    code, name = turn.args[0], " ".join(turn.args[1:])
    async with turn.db.session() as session:
        participant = await assign_coach(session, turn.actor, code, name)
        coach = await session.get(Staff, participant.coach_id)
        code = participant.code
    assert coach is not None, "assign_coach sets an existing coach"
    await turn.reply(turn.text("coach_assigned", code=code, coach=coach.display_name))


ROUTES = [
    Route(
        ("ny aktualisering", "aktualisering", "new referral"),
        form_route(ReferralForm),
        "help_cmd_referral",
        Action.REGISTER_REFERRAL,
    ),
    Route(
        ("aktuell", "accept"),
        form_route(DecisionForm, {"decision": Status.ACCEPTED.value}),
        "help_cmd_decide",
        Action.DECIDE_REFERRAL,
    ),
    Route(
        ("ej aktuell", "inte aktuell", "reject"),
        form_route(DecisionForm, {"decision": Status.NOT_ACCEPTED.value}),
        action=Action.DECIDE_REFERRAL,
    ),
    Route(
        ("väntar", "vänta", "wait"),
        form_route(DecisionForm, {"decision": Status.WAITING.value}),
        action=Action.DECIDE_REFERRAL,
    ),
    Route(
        ("skriv in", "inskrivning", "enrol"),
        form_route(EnrolForm),
        "help_cmd_enrol",
        Action.WRITE_PARTICIPANT,
    ),
    Route(
        ("förläng", "förlängning", "extend"),
        form_route(ExtendForm),
        "help_cmd_extend",
        Action.WRITE_PARTICIPANT,
    ),
    Route(("coach",), change_coach, "help_cmd_coach", Action.DECIDE_REFERRAL),
]


def dialogs(db: Any) -> list[FormDialog]:
    return [ReferralForm(db), DecisionForm(db), EnrolForm(db), ExtendForm(db)]
