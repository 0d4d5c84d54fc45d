"""A participant's whole path, clicked in Microsoft 365 Agents Playground in Chromium.

The Playground's user, Agnes Admin, is the first admin (tests/playground.py). Admins may not
handle participants, so she first clicks her way through the staff form three times: a second
admin, a coach in Västra, and herself as insatsledare (the last admin cannot change her role).
Then, as insatsledare: a referral on its form card, the decision (a suggested action), the
enrolment, a placement answered one question card at a time, the exit on its form card, a
report whose chart must load inside the card above its table, and Ångra on the exit's summary.

She types only what a list cannot answer (ids, names, a year, an employer) and the commands
that start each step; every choice is a click: a card button, a suggested action, a drop-down,
a search list, a tick box. The test reads what she sees: the bot's answers in the chat and the
summary card that replaces a submitted card. It fails on any console error in the page (less
the CDN loads the test itself blocks, see PageWatch) and on any error the bot logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from storage.clock import STOCKHOLM
from tests.playground import (
    BOT_MESSAGE,
    COMPOSE_BOX,
    SEND_BUTTON,
    PageWatch,
    Running,
    chromium_page,
    running_playground,
)

# A browser and real processes: run alone, after the parallel part of the suite.
pytestmark = pytest.mark.serial

TEST_BUDGET = 150.0  # seconds for the browser; the path takes about a minute on a laptop
VERA = "2e9a4c6f-3b7d-4e1a-9c8f-6d0b2a5e7c49"  # Vera Läsare in playground/m365agentsplayground.yml
CEM = "1a7c3e9b-6d2f-4b8a-9c5e-4f0d2b7a1e63"  # Cem Coach there
# The bot runs in its own process on the real clock (STEGVIS_TEST_NOW shifts only this one's):
# the code carries this year.
CODE = f"V-{datetime.now(STOCKHOLM).year}-0001"
REPLY_TIMEOUT = 20_000  # ms for the bot's answer to show (CI shares two cores)
SUBMITTED = "Skickat och sparat"  # the title of a card replaced by what it saved


class Chat:
    """The conversation as Agnes sees it."""

    def __init__(self, page: Any) -> None:
        from playwright.async_api import expect

        self.page = page
        self.expect = expect
        self.messages = page.locator(BOT_MESSAGE)

    async def _answered(self, action: Callable[[], Awaitable[None]], text: str) -> Any:
        """Do `action`, then wait for one more bot message that shows `text`; that message."""
        matching = self.page.locator(BOT_MESSAGE, has_text=text)
        before = await matching.count()
        await action()
        await self.expect(matching.nth(before)).to_be_visible(timeout=REPLY_TIMEOUT)
        reply = matching.last
        await reply.scroll_into_view_if_needed()
        return reply

    async def say(self, text: str, answer: str) -> Any:
        """Type `text` in the compose box and send it; the bot's answer that shows `answer`."""

        async def send() -> None:
            compose = self.page.locator(COMPOSE_BOX)
            await compose.click()
            await self.page.keyboard.type(text)
            await self.expect(compose).to_have_text(text)
            await self.page.locator(SEND_BUTTON).click()

        return await self._answered(send, answer)

    async def press(self, message: Any, button: str, answer: str) -> Any:
        """Click a button on a card; the answer that shows `answer`."""
        target = message.get_by_role("button", name=button, exact=True)
        return await self._answered(target.click, answer)

    async def tap(self, suggestion: str, answer: str) -> Any:
        """Tap a suggested action (the Playground shows them as buttons under the last
        message, outside it); the answer that shows `answer`."""
        target = self.page.get_by_role("button", name=suggestion, exact=True).last
        return await self._answered(target.click, answer)

    async def choose(self, card: Any, option: str, *, label: str = "", search: str = "") -> None:
        """Pick `option` in the card's drop-down (the one labelled `label`, or its only one),
        typing `search` first into a search list (`"style": "filtered"`)."""
        box = card.get_by_role("combobox", name=label) if label else card.get_by_role("combobox")
        await box.click()
        if search:
            await box.fill(search)
            # A search list shows only the options that match what was typed.
            others = self.page.get_by_role("option").filter(
                has_not_text=re.compile(re.escape(search), re.IGNORECASE)
            )
            await self.expect(others).to_have_count(0)
        await self.page.get_by_role("option", name=option, exact=True).click()
        await self.expect(box).to_have_value(option)

    async def answer_card(self, card: Any, option: str, answer: str, search: str = "") -> Any:
        """A question card: choose `option`, press Svara; the answer that shows `answer`."""
        await self.choose(card, option, search=search)
        return await self.press(card, "Svara", answer)


async def _add_staff(chat: Chat, who: str, name: str, role: str, parts: tuple[str, ...] = (),
                     *, button_on: Any = None) -> None:
    """`personal lägg till` (typed, or the button on `button_on`): the id or name typed, the
    role chosen, the county parts ticked, the summary confirmed with a tap."""
    question = "Vem ska läggas till eller ändras?"
    if button_on is not None:
        await chat.press(button_on, "personal lägg till", question)
    else:
        await chat.say("personal lägg till", question)
    if who != name:  # someone who never wrote to the bot: the id, then the name to show
        await chat.say(who, "Vilket namn ska visas för personen?")
    role_card = await chat.say(name, f"Vilken roll ska {name} ha?")
    if parts:
        parts_card = await chat.answer_card(role_card, role, f"Vilka länsdelar arbetar {name} i?")
        for part in parts:
            await parts_card.get_by_role("checkbox", name=part).check()
        await chat.press(parts_card, "Svara", f"Spara {name} som")
    else:
        await chat.answer_card(role_card, role, f"Spara {name} som")
    await chat.tap("Ja", f"Klart: {name} är nu")


async def _drive(running: Running, watch: PageWatch) -> dict[str, Any]:
    """The whole path in the browser; what the report card showed."""
    async with chromium_page(running, watch) as page:
        chat = Chat(page)
        expect = chat.expect
        welcome = chat.messages.filter(has_text="Välkommen, Agnes Admin!")
        await expect(welcome).to_have_count(1, timeout=20_000)

        # Staff, as admin: the welcome card's own button starts the first form.
        await _add_staff(chat, VERA, "Vera Läsare", "administratör", button_on=welcome)
        await expect(chat.messages.last).to_contain_text("Klart: Vera Läsare är nu administratör.")
        await _add_staff(chat, CEM, "Cem Coach", "coach", ("Västra",))
        await expect(chat.messages.last).to_contain_text("Klart: Cem Coach är nu coach i Västra.")
        await _add_staff(chat, "Agnes Admin", "Agnes Admin", "insatsledare")
        await expect(chat.messages.last).to_contain_text("Klart: Agnes Admin är nu insatsledare.")

        # The referral, on its form card (a question card for the first field comes too).
        referral = await chat.say("ny aktualisering", "Ny aktualisering")
        await expect(chat.messages.last).to_contain_text("Vilken kommun bor personen i?",
                                                         timeout=REPLY_TIMEOUT)
        await chat.choose(referral, "Flen", label="Vilken kommun bor personen i?", search="Fle")
        await chat.choose(referral, "kvinna", label="Vilket kön har personen?")
        await referral.get_by_role("spinbutton").fill("1985")  # a year: typed
        await chat.choose(referral, "sjukpenning", label="Vilken försörjning har personen nu?",
                          search="sjukp")
        await chat.choose(referral, "Försäkringskassan", label="Vem aktualiserade personen?")
        await referral.get_by_role("checkbox", name="Har personen samtyckt").check()
        saved = await chat.press(referral, "Spara", f"Registrerat {CODE}")
        await expect(saved).to_contain_text("kvinna, född 1985, Flen, sjukpenning")
        # The form card itself became a read-only summary with the way back.
        summary = chat.messages.filter(has_text=SUBMITTED).filter(has_text=f"Registrerat {CODE}")
        await expect(summary).to_have_count(1, timeout=REPLY_TIMEOUT)
        await expect(summary.get_by_role("button", name="Ångra")).to_be_visible()
        await expect(chat.messages.filter(has_text="Ny aktualisering")).to_have_count(0)

        # The decision: the only coach in Västra is one suggested action.
        await chat.say(f"aktuell {CODE}", f"Vilken coach ska {CODE} ha?")
        await chat.tap("Cem Coach", f"{CODE} är aktuell med Cem Coach som coach.")
        await chat.say(f"skriv in {CODE}", f"{CODE} är inskriven från")

        # The placement, one question card at a time (its form card stays unused).
        kind = await chat.say(f"ny placering {CODE}", "Vilken sorts placering?")
        sector = await chat.answer_card(kind, "arbetsträning", "Vilken sektor hör arbetsplatsen",
                                        search="arbetst")
        await chat.answer_card(sector, "privat", "Vilken arbetsgivare eller arbetsplats?")
        await chat.say("Coop Flen", f"Placering 1 för {CODE}: arbetsträning hos Coop Flen")

        # The exit, on its form card.
        exit_form = await chat.say(f"skriv ut {CODE}", f"Utskrivning av {CODE}")
        await chat.choose(exit_form, "enligt plan", label=f"Varför avslutas {CODE}?",
                          search="enligt")
        await chat.choose(exit_form, "studier", label=f"Vad går {CODE} vidare till?",
                          search="stud")
        await chat.choose(exit_form, "lön", label=f"Vilken försörjning har {CODE} vid avslutet?")
        await chat.press(exit_form, "Spara", f"{CODE} är utskriven")
        summary = chat.messages.filter(has_text=SUBMITTED).filter(has_text=f"{CODE} är utskriven")
        await expect(summary).to_have_count(1, timeout=REPLY_TIMEOUT)

        # The report: its form card, then the overview with the chart, then the tables.
        report_form = await chat.say("rapport", "Välj period och, om du vill")
        overview = await chat.press(report_form, "Visa rapport", "Rapport: Översikt och mål")
        await expect(overview).to_contain_text("100 % (1/1) – målet minst 35 % är nått")
        chart = overview.locator("img.ac-image")
        await expect(chart).to_be_visible()
        loaded = await page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0 && [img.naturalWidth, img.naturalHeight]",
            arg=await chart.element_handle(),
        )
        await chart.screenshot(path=str(running.tmp_path / "report-chart.png"))
        exits = chat.messages.filter(has_text="Placeringar och avslut")
        await expect(exits).to_have_count(1, timeout=REPLY_TIMEOUT)
        await exits.scroll_into_view_if_needed()
        destination = exits.get_by_role("table").filter(has_text="Avslut per status vid avslut")
        await expect(destination).to_have_count(1)
        seen = {
            "chart": await loaded.json_value(),
            "chart_src": await chart.get_attribute("src") or "",
            "header": await destination.get_by_role("columnheader").all_inner_texts(),
            "studies": await destination.get_by_role("row").filter(has_text="studier")
            .get_by_role("cell").all_inner_texts(),
        }

        # The way back: Ångra on the exit's summary card undoes the exit.
        await chat.press(summary, "Ångra", f"Klart, jag ångrade ändringen för {CODE}.")
        return seen


def _stored(database: Path) -> tuple[list[tuple[Any, ...]], ...]:
    """What the bot saved, read from its SQLite file once it has stopped."""
    with contextlib.closing(sqlite3.connect(database)) as connection:
        participants = connection.execute(
            "select p.code, p.status, p.gender, p.birth_year, p.income_source_start,"
            " p.referring_party, p.consent, m.name, s.display_name, p.exit_reason,"
            " p.exit_destination, p.income_source_exit"
            " from participant p join municipality m on m.id = p.municipality_id"
            " join staff s on s.id = p.coach_id"
        ).fetchall()
        placements = connection.execute(
            "select placement_type, sector, employer, end_date is not null from placement"
        ).fetchall()
        staff = connection.execute("select display_name, role from staff order by id").fetchall()
    return participants, placements, staff


async def test_a_participants_whole_path_clicked_in_the_playground(tmp_path: Path) -> None:
    watch = PageWatch()
    async with running_playground(tmp_path) as running:
        try:
            async with asyncio.timeout(TEST_BUDGET):
                seen = await _drive(running, watch)
        except Exception as error:  # expect() and Playwright errors, with what we know
            running.assert_bot_alive()
            pytest.fail(
                f"{type(error).__name__}: {error}\nconsole: {watch.console}\n"
                f"{running.diagnostics()}"
            )
        running.assert_bot_alive()
        exchanges = running.relay.exchanges

    assert watch.errors() == [], "the Playground's console logged errors"
    assert watch.unexpected_failures() == [], "requests failed"
    failed = [exchange for exchange in exchanges if exchange["status"] >= 400]
    assert not failed, f"the bot refused activities from the playground: {failed}"

    # The chart is a picture that loaded inside the card, the table is beneath it.
    width, height = seen["chart"]
    assert width > 0 and height > 0, seen["chart"]
    assert seen["chart_src"].startswith("data:image/png;base64,")
    assert seen["header"][1:] == ["Kvinnor", "Män", "Annat", "Totalt"], seen["header"]
    assert seen["studies"] == ["studier", "1", "0", "0", "1"], seen["studies"]

    # What the clicks sent: the referral's choices arrived as the card's inputs (codes; the
    # lists show their Swedish labels).
    [referral] = [e["value"] for e in exchanges
                  if e["command"] == "ny aktualisering" and e["value"].get("kommun")]
    assert {key: referral[key] for key in ("kommun", "kön", "född", "försörjning", "från",
                                           "samtycke")} == {
        "kommun": "Flen", "kön": "woman", "född": "1985", "försörjning": "sickness_benefit",
        "från": "fk", "samtycke": "ja",
    }
    assert all(e["value"].get("once") for e in exchanges if e["value"]), "a submit had no token"

    # Saved: the referral, decision and enrolment; the placement; the exit was undone.
    participants, placements, staff = _stored(running.database)
    assert participants == [
        (CODE, "enrolled", "woman", 1985, "sickness_benefit", "fk", 1, "Flen", "Cem Coach",
         None, None, None),
    ]
    assert placements == [("work_training", "private", "Coop Flen", 1)]
    assert staff == [("Agnes Admin", "insatsledare"), ("Vera Läsare", "admin"),
                     ("Cem Coach", "coach")]


def test_the_page_watch_forgives_only_the_loads_the_test_blocked() -> None:
    """The one filter on console errors: a load this test blocked (no network in CI) is not
    the Playground's fault; anything else, a card's own error included, is."""
    font = "https://res-1.cdn.office.net/files/fonts/segoeui-regular.woff2"
    watch = PageWatch(blocked={font})
    watch.console += [
        f"error: Failed to load resource: net::ERR_BLOCKED_BY_CLIENT.Inspector [{font}]",
        "error: Cannot add property msTeams, object is not extensible [http://127.0.0.1:1/]",
        "warning: something odd [http://127.0.0.1:1/]",
        "pageerror: TypeError: x is undefined",
    ]
    watch.failed_requests += [f"GET {font}: net::ERR_BLOCKED_BY_CLIENT",
                              "POST http://127.0.0.1:1/api/messages: net::ERR_FAILED"]
    assert watch.errors() == [
        "error: Cannot add property msTeams, object is not extensible [http://127.0.0.1:1/]",
        "pageerror: TypeError: x is undefined",
    ]
    assert watch.unexpected_failures() == ["POST http://127.0.0.1:1/api/messages: net::ERR_FAILED"]
