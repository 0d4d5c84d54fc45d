"""A card button whose turn changed no record may be pressed again, so its ledger row is
forgotten at the turn's commit (bot/once.py). Its replies must all be sent all the same: the
report's "Visa rapport" answered with four cards (overview with the chart, then the tables), and
the Playground showed only the first, the sender having taken the forgotten row for a
delivery that another one had taken over (found by tests/test_playground_clicks.py). The report
is one card now; the funders' tables, submitted from the same form, still come as several."""

from __future__ import annotations

import logging

from tests.teams import card_submit, message
from tests.test_choice_cards import COORDINATOR, staff


def _titles(texts: list[str]) -> list[str]:
    return [text.split("\n", 1)[0] for text in texts]


async def test_every_reply_of_a_card_button_that_changed_nothing_is_sent(
    bot, connector, db, caplog
):
    await staff(db)
    url = connector.url
    await bot.say(message("rapport", url, COORDINATOR))
    form = connector.activities[-1]["attachments"][0]["content"]
    [button] = form["actions"]
    assert button["data"]["command"] == "rapport" and button["data"]["once"]
    inputs = {item["id"]: item.get("value", "") for item in form["body"]
              if item["type"].startswith("Input.")}

    with caplog.at_level(logging.WARNING, logger="bot.once"):
        replies = await bot.say(card_submit({**button["data"], **inputs}, url, COORDINATOR))
        assert _titles(replies) == ["Rapport: Översikt och mål"]
        funders = {**button["data"], **inputs, "command": "finansiärstabeller"}
        replies = await bot.say(card_submit(funders, url, COORDINATOR))
        assert len(replies) > 1
        # Pressed again (nothing was saved, so it is answered again), all of them come again.
        again = await bot.say(card_submit(funders, url, COORDINATOR))
        assert _titles(again) == _titles(replies)
    assert [r.getMessage() for r in caplog.records] == []


async def test_a_question_card_answer_is_sent_without_a_false_alarm(bot, connector, db, caplog):
    """One reply, and no warning that a delivery was taken over when none was."""
    await staff(db)
    url = connector.url
    await bot.say(message("ny aktualisering", url, COORDINATOR))
    question = connector.activities[-1]["attachments"][0]["content"]
    data = {**question["actions"][0]["data"], "answer": "Flen"}
    with caplog.at_level(logging.WARNING, logger="bot.once"):
        replies = await bot.say(card_submit(data, url, COORDINATOR))
    assert replies[0].startswith("Vilket kön har personen?")
    assert [r.getMessage() for r in caplog.records] == []
