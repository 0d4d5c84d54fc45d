"""Smoke test through Microsoft 365 Agents Playground (the local Teams emulator) in Chromium.

The bot and the playground run as real subprocesses (tests/playground.py); Debian's Chromium,
driven by Playwright, types "hjälp" into the emulator's compose box and waits for the help card,
then clicks one card button. `scripts/install-e2e.sh` installs Chromium and the playground;
without them this test skips and says why. tests/test_playground_clicks.py clicks a participant's
whole path.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.playground import (
    ADAPTIVE_CARD,
    BOT_MESSAGE,
    COMPOSE_BOX,
    SEND_BUTTON,
    PageWatch,
    Running,
    chromium_page,
    running_playground,
)

# A browser and real processes on a shared machine: run alone, after the parallel part of the
# suite (make test).
pytestmark = pytest.mark.serial

WELCOME_TITLE = "Hej! Jag är Stegvis"
WELCOME_ADMIN = "Välkommen, Agnes Admin! Du är registrerad som administratör."
HELP_TITLE = "Det här kan jag"
HELP_BUTTON = "Visa hjälp"
UNKNOWN_TITLE = "Det förstod jag inte."
# The bot's texts when a turn fails (dialogs/texts/sv.py: error_generic, error_conflict).
ERROR_GENERIC = "Något gick fel hos mig"
ERROR_CONFLICT = "Två ändringar krockade"
# Known bot bug: on first contact the playground (like Teams) sends conversationUpdate and
# installationUpdate at the same moment; both turns insert the same conversation_ref row
# (storage/conversations.py: remember_conversation checks, then inserts) and the loser fails.
TEST_BUDGET = 60.0  # seconds until the browser is done; then at most ~20 s to stop processes


async def _drive_browser(running: Running, watch: PageWatch) -> dict[str, int]:
    """Greeting and help card in the UI; returns how many error bubbles the bot showed."""
    from playwright.async_api import expect

    relay = running.relay
    async with chromium_page(running, watch) as page:
        compose = page.locator(COMPOSE_BOX)
        await expect(compose).to_be_visible(timeout=20_000)

        # On connecting, the playground sends conversationUpdate (bot added) and
        # installationUpdate (add) to the bot: the bot should greet once.
        for _ in range(50):
            if relay.seen("conversationUpdate", "installationUpdate"):
                break
            await asyncio.sleep(0.1)
        if relay.seen("conversationUpdate", "installationUpdate"):
            welcome = page.locator(ADAPTIVE_CARD, has_text=WELCOME_TITLE)
            await expect(welcome).to_have_count(1, timeout=15_000)
            # The Playground's user is the first admin, greeted in Swedish.
            await expect(welcome).to_contain_text(WELCOME_ADMIN)

        await compose.click()
        await page.keyboard.type("hjälp")
        await expect(compose).to_have_text("hjälp")
        await page.locator(SEND_BUTTON).click()

        help_card = page.locator(ADAPTIVE_CARD, has_text=HELP_TITLE)
        await expect(help_card).to_be_visible(timeout=15_000)
        await help_card.scroll_into_view_if_needed()

        # Clicking, not typing: a word the bot does not know gets a card with a help
        # button (a plain Action.Submit; the playground threw on the msteams imBack
        # form, "object is not extensible", and the click did nothing).
        await compose.click()
        await page.keyboard.type("xyzzy")
        await page.locator(SEND_BUTTON).click()
        suggestions = page.locator(ADAPTIVE_CARD, has_text=UNKNOWN_TITLE)
        await expect(suggestions).to_be_visible(timeout=15_000)
        await suggestions.get_by_role("button", name=HELP_BUTTON).click()
        await expect(help_card).to_have_count(2, timeout=15_000)
        await help_card.last.scroll_into_view_if_needed()
        # Bot messages only: the chat list and the log panel repeat the same text.
        return {
            text: await page.locator(BOT_MESSAGE, has_text=text).count()
            for text in (ERROR_GENERIC, ERROR_CONFLICT)
        }


async def test_help_card_through_agents_playground(tmp_path: Path) -> None:
    watch = PageWatch()
    async with running_playground(tmp_path) as running:
        try:
            async with asyncio.timeout(TEST_BUDGET):
                bubbles = await _drive_browser(running, watch)
        except Exception as error:  # expect() and Playwright errors, with what we know
            running.assert_bot_alive()
            pytest.fail(f"{type(error).__name__}: {error}\n{running.diagnostics()}")
        running.assert_bot_alive()
        exchanges = running.relay.exchanges

    failed = [exchange for exchange in exchanges if exchange["status"] >= 400]
    assert not failed, f"the bot refused activities from the playground: {failed}"
    sent = [item["text"] for item in exchanges if item["type"] == "message"]
    assert "hjälp" in sent, f"the playground did not send 'hjälp': {exchanges}"
    clicked = [item for item in exchanges
               if item["type"] == "message" and item["command"] == "hjälp"]
    assert clicked, f"the click sent no card submit: {exchanges}"
    assert (tmp_path / "playground.png").is_file()
    assert bubbles[ERROR_CONFLICT] == 0, "the bot answered with a state conflict (error_conflict)"
    assert bubbles[ERROR_GENERIC] == 0, "the bot answered with its generic error"
    assert watch.errors() == [], "the Playground's console logged errors"
