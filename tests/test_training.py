"""Staff training (Inkluderingslyftet) through the real HTTP endpoint: sessions with counts per
organisation, the evaluation's counts, progress against the organisation file's goals checked
against an independent count, and every refusal saving nothing."""

from __future__ import annotations

import random
import tomllib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from storage.clock import clock
from storage.models import TrainingAttendance, TrainingSession
from storage.org import DEFAULT_ORG_FILE, OrgConfigError, load_org_file, parse_org
from tests.people import LEAD, NORRA_COACH, VIEWER, add_staff
from tests.teams import message

ORGS = ("AF", "FK", "kommun", "region", "privat utförare", "samordningsförbundet", "annan")


@pytest.fixture(autouse=True)
def monday(monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC))


async def staff(db) -> None:
    await add_staff(db, LEAD, VIEWER, NORRA_COACH)


async def sessions(db) -> list[TrainingSession]:
    async with db.session() as session:
        rows = await session.exec(select(TrainingSession).order_by(TrainingSession.id))
        return list(rows.all())


async def test_sessions_evaluation_and_progress(bot, connector, db):
    await staff(db)
    url = connector.url
    (saved,) = await bot.say(
        message(
            'ny utbildning datum=2026-11-20 tema=BIP deltagare="AF 12, FK 5, kommun 8" '
            'namn="BIP i praktiken, dag 1"',
            url,
            LEAD,
        )
    )
    first, = await sessions(db)
    assert saved == (
        f"Sparat: utbildning {first.id}, 2026-11-20, BIP, 25 deltagare – BIP i praktiken, dag 1."
    )
    await bot.say(
        message(
            'ny utbildning datum=25/11 tema=reflexiv deltagare="AF 10; regionen: 5" '
            "återkommande=8",
            url,
            LEAD,
        )
    )
    _, second = await sessions(db)
    assert await bot.say(
        message(f"utbildningsenkät {first.id} svar=20 användbar=19", url, LEAD)
    ) == [
        f"Utvärderingen är sparad: utbildning {first.id}, 2026-11-20, BIP, 25 deltagare – BIP i "
        "praktiken, dag 1 (utvärdering: 20 svar, 19 tyckte att den var användbar)."
    ]
    await bot.say(message(f"utbildningsenkät {second.id} svar=15 användbar=12", url, LEAD))

    (view,) = await bot.say(message("utbildningar", url, VIEWER))
    assert "**Inkluderingslyftet: utbildade personer**" in view
    assert "Utbildade: **32** av målet 180 (18 %)." in view
    assert "2 tillfällen, 40 deltaganden, varav 8 av personer som redan räknats." in view
    assert (
        "Utvärderingen: 89 % av 35 svarande tyckte att utbildningen var användbar (målet är "
        "minst 90 %)." in view
    )
    assert "- BIP: 1 tillfällen, 25 deltaganden" in view
    assert "- reflexiv praxis: 1 tillfällen, 15 deltaganden" in view
    assert "- Arbetsförmedlingen: 22" in view
    assert view.index(f"utbildning {second.id},") < view.index(f"utbildning {first.id},")
    (year_view,) = await bot.say(message("utbildningar 2025", url, VIEWER))
    assert "Utbildade: **0** av målet 180 (0 %)." in year_view

    assert await bot.say(
        message(f'ändra utbildning {second.id} deltagare="AF 10, regionen 2"', url, LEAD)
    ) == ["15 svar är fler än deltagarna (12). Inget sparades."]
    async with db.session() as session:
        kept = (await session.exec(select(TrainingAttendance))).all()
    # 12 attendees cannot have given 15 answers: the change was refused and nothing changed.
    assert sorted((a.organisation, a.attendees) for a in kept if a.session_id == second.id) == [
        ("af", 10),
        ("region", 5),
    ]


async def test_changes_are_checked_together(bot, connector, db):
    await staff(db)
    url = connector.url
    await bot.say(message('ny utbildning tema=BIP deltagare="AF 10, FK 5"', url, LEAD))
    (row,) = await sessions(db)
    assert row.held_on == date(2026, 11, 30)
    await bot.say(message(f"utbildningsenkät {row.id} svar=14 användbar=14", url, LEAD))
    assert await bot.say(
        message(f'ändra utbildning {row.id} deltagare="AF 10"', url, LEAD)
    ) == ["14 svar är fler än deltagarna (10). Inget sparades."]
    assert await bot.say(
        message(f"ändra utbildning {row.id} återkommande=4 datum=2026-11-29", url, LEAD)
    ) == [
        f"Ändrat: utbildning {row.id}, 2026-11-29, BIP, 15 deltagare (utvärdering: 14 svar, "
        "14 tyckte att den var användbar)."
    ]
    (row,) = await sessions(db)
    assert (row.already_counted, row.held_on) == (4, date(2026, 11, 29))


async def test_refusals_save_nothing(bot, connector, db):
    await staff(db)
    url = connector.url
    cases = [
        (NORRA_COACH, 'ny utbildning tema=BIP deltagare="AF 3"', None),
        (LEAD, "ny utbildning", "Skriv till exempel"),
        (LEAD, 'ny utbildning tema=BIP', "Ange både tema och deltagare"),
        (LEAD, 'ny utbildning tema=juggling deltagare="AF 3"', "Okänt tema."),
        (LEAD, 'ny utbildning tema=BIP deltagare="Kemiföretaget 3"', "Jag förstår inte en av"),
        (LEAD, 'ny utbildning tema=BIP deltagare="AF 0"', "Antalet 0 går inte"),
        (LEAD, 'ny utbildning tema=BIP deltagare="AF 5000"', "Antalet 5000 går inte"),
        (LEAD, 'ny utbildning tema=BIP deltagare="AF 3" återkommande=4', "Återkommande (4)"),
        (LEAD, 'ny utbildning tema=BIP deltagare="AF 3" återkommande=tre', "som ett antal"),
        (LEAD, 'ny utbildning tema=BIP deltagare="AF 3" datum=2027-01-10', "har inte varit än"),
        (LEAD, 'ny utbildning tema=BIP deltagare="AF 3" datum=32/13', "förstår inte datumet"),
        (LEAD, 'ny utbildning tema=BIP deltagare="AF 3" namn="Med Kalle Karlsson"', "sparades"),
        (LEAD, 'ny utbildning tema=BIP deltagare="AF 3" namn="19850101-1234"', "sparades"),
        (LEAD, "utbildningsenkät 99 svar=1 användbar=1", "Det finns ingen utbildning med nummer"),
    ]
    for sender, text, expected in cases:
        (reply,) = await bot.say(message(text, url, sender))
        if expected is not None:
            assert expected in reply, (text, reply)
        assert not reply.startswith("Sparat"), text
        assert "Kalle" not in reply and "1234" not in reply
    assert await sessions(db) == []

    await bot.say(message('ny utbildning tema=BIP deltagare="AF 3"', url, LEAD))
    (row,) = await sessions(db)
    for text, expected in (
        (f"utbildningsenkät {row.id} svar=4 användbar=1", "4 svar är fler än deltagarna (3)."),
        (f"utbildningsenkät {row.id} svar=2 användbar=3", "3 som tyckte att den var användbar"),
        (f"utbildningsenkät {row.id} svar=2", "Skriv `utbildningsenkät <nummer>"),
    ):
        (reply,) = await bot.say(message(text, url, LEAD))
        assert expected in reply, reply
    (row,) = await sessions(db)
    assert row.survey_responses is None


async def test_redelivery_saves_once(bot, connector, db):
    await staff(db)
    activity = message('ny utbildning tema=BIP deltagare="AF 3"', connector.url, LEAD)
    await bot.say(activity)
    await bot.post(activity)
    assert len(await sessions(db)) == 1


async def test_progress_matches_an_independent_count(bot, connector, db):
    """Thirty random sessions over two years, typed as a hurried lead would (mixed labels,
    separators and case); the overview equals a count made from what was typed."""
    await staff(db)
    url = connector.url
    rng = random.Random(20261201)
    themes = {"BIP": "bip", "reflexiv praxis": "reflexive_practice",
              "arbetsgivarperspektiv": "employer_perspective", "annat": "other"}
    expected_people = {2025: 0, 2026: 0}
    expected_org: dict[str, int] = {}
    responses = useful = 0
    for n in range(30):
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 690))
        counts = {org: rng.randint(1, 30) for org in rng.sample(ORGS, rng.randint(1, 4))}
        total = sum(counts.values())
        back = rng.randint(0, total // 2)
        separator = rng.choice([", ", "; ", ","])
        typed = separator.join(f"{org.upper() if n % 2 else org} {c}" for org, c in counts.items())
        theme = rng.choice(list(themes))
        await bot.say(
            message(
                f'ny utbildning datum={day.isoformat()} tema="{theme}" deltagare="{typed}" '
                f"återkommande={back}",
                url,
                LEAD,
            )
        )
        expected_people[day.year] += total - back
        for org, c in counts.items():
            expected_org[org] = expected_org.get(org, 0) + c
        if rng.random() < 0.6:
            (row,) = (await sessions(db))[-1:]
            answered = rng.randint(0, total)
            liked = rng.randint(0, answered)
            await bot.say(
                message(f"utbildningsenkät {row.id} svar={answered} användbar={liked}", url, LEAD)
            )
            responses += answered
            useful += liked
    assert len(await sessions(db)) == 30
    (view,) = await bot.say(message("utbildningar", url, VIEWER))
    people = sum(expected_people.values())
    assert f"Utbildade: **{people}** av målet 180 ({round(100 * people / 180)} %)." in view
    if responses:
        assert f"{round(100 * useful / responses)} % av {responses} svarande" in view
    for year, count in expected_people.items():
        (year_view,) = await bot.say(message(f"utbildningar {year}", url, VIEWER))
        assert f"Utbildade: **{count}** av målet" in year_view
    labels = {"AF": "Arbetsförmedlingen", "FK": "Försäkringskassan", "annan": "annan organisation"}
    for org, count in expected_org.items():
        assert f"- {labels.get(org, org)}: {count}" in view, org
    # The report carries the progress up to its period's end, masked or not (staff counts).
    for who, command in ((VIEWER, "rapport period=2025-H2"),
                         (LEAD, "rapport från=2025-07-01 till=2025-12-31")):
        overview = (await bot.say(message(command, url, who)))[0]
        n = expected_people[2025]
        assert f"till periodens slut: {n} av målet 180 ({round(100 * n / 180)} %)" in overview


def test_goals_come_from_the_organisation_file():
    org = load_org_file()
    (lyftet,) = [p for p in org.programmes if p.code == "inkluderingslyftet"]
    assert (lyftet.training_target, lyftet.training_useful_goal) == (180, 90)
    data = tomllib.loads(DEFAULT_ORG_FILE.read_text(encoding="utf-8"))
    for value in (0, -5, 101, "90", True):
        data["programmes"][-1]["training_useful_goal"] = value
        with pytest.raises(OrgConfigError, match="training_useful_goal"):
            parse_org(data)
