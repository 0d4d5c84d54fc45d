"""SqlStorage: the Bot Framework storage contract, with eTag concurrency, on real SQL; documents
are plain JSON that cannot be turned against the process."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from unittest.mock import ANY

import jsonpickle
import pytest
from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.dialogs.choices import Choice, ListStyle
from botbuilder.dialogs.prompts import PromptOptions
from botbuilder.schema import Activity, ActivityTypes
from sqlalchemy import text

from bot.state import SqlStorage
from bot.state_codec import convert_legacy, convert_legacy_rows, decode_state, encode_state
from storage.bot_state import StateConflictError
from storage.models import BotStateItem, utcnow
from tests.teams import message
from tests.test_participants_http import ADMIN, COORDINATOR, staff


async def test_write_read_delete_roundtrip(db):
    storage = SqlStorage(db)
    state = DialogState([DialogInstance("staff_edit", {"values": {"name": "Åsa Öberg"}})])
    await storage.write({"conv/1": {"DialogState": state, "n": 1}})
    read = await storage.read(["conv/1", "missing"])
    assert list(read) == ["conv/1"]
    restored = read["conv/1"]["DialogState"]
    assert isinstance(restored, DialogState)
    assert restored.dialog_stack[0].id == "staff_edit"
    assert restored.dialog_stack[0].state["values"]["name"] == "Åsa Öberg"
    assert read["conv/1"]["e_tag"]

    await storage.delete(["conv/1"])
    assert await storage.read(["conv/1"]) == {}


async def test_stale_etag_is_a_conflict(db):
    storage = SqlStorage(db)
    await storage.write({"k": {"count": 1}})
    first = (await storage.read(["k"]))["k"]
    second = (await storage.read(["k"]))["k"]
    first["count"] = 2
    await storage.write({"k": first})
    second["count"] = 3
    with pytest.raises(StateConflictError):
        await storage.write({"k": second})
    assert (await storage.read(["k"]))["k"]["count"] == 2


async def test_etag_is_refreshed_after_write_so_a_second_save_works(db):
    storage = SqlStorage(db)
    await storage.write({"k": {"count": 1}})
    item = (await storage.read(["k"]))["k"]
    item["count"] = 2
    await storage.write({"k": item})
    item["count"] = 3
    await storage.write({"k": item})
    assert (await storage.read(["k"]))["k"]["count"] == 3


async def test_star_and_missing_etag_overwrite(db):
    storage = SqlStorage(db)
    await storage.write({"k": {"v": "a"}})
    await storage.write({"k": {"v": "b", "e_tag": "*"}})
    await storage.write({"k": {"v": "c"}})
    assert (await storage.read(["k"]))["k"]["v"] == "c"


async def test_etag_for_a_deleted_row_recreates_it(db):
    storage = SqlStorage(db)
    await storage.write({"k": {"v": 1}})
    item = (await storage.read(["k"]))["k"]
    await storage.delete(["k"])
    await storage.write({"k": item})
    assert (await storage.read(["k"]))["k"]["v"] == 1


async def test_empty_calls_are_harmless(db):
    storage = SqlStorage(db)
    assert await storage.read([]) == {}
    await storage.write({})
    await storage.delete([])
    with pytest.raises(ValueError):
        await storage.write(None)


# --- plain JSON, never jsonpickle (issue 11, point 9) ---------------------------------------


async def stored_documents(db) -> list[str]:
    async with db.connect() as connection:
        return list((await connection.execute(text("SELECT document FROM bot_state"))).scalars())


async def put_document(db, key: str, document: str) -> None:
    async with db.begin() as connection:
        await connection.execute(
            BotStateItem.__table__.insert().values(
                key=key, document=document, etag="e1", updated_at=utcnow()
            )
        )


def conversation_key(sender: dict[str, str]) -> str:
    return f"msteams/conversations/a:personal-{sender['aadObjectId']}"


async def test_a_half_filled_form_is_stored_as_plain_readable_json(bot, connector, db):
    await staff(db)
    await bot.say(message("ny aktualisering kommun=Flen", connector.url, COORDINATOR))
    await bot.say(message("kvinna", connector.url, COORDINATOR))
    (document,) = await stored_documents(db)
    assert "py/" not in document
    assert "Vilket år är personen född?" in document  # not \u00e5r: a text scan sees it
    parsed = json.loads(document)
    (form,) = parsed["data"]["DialogState"]["stack"]
    assert form["$type"] == "DialogInstance" and form["id"] == "referral"
    prompt, steps = form["state"]["dialogs"]["stack"]
    assert prompt["state"]["options"]["$type"] == "PromptOptions"
    assert steps["state"]["values"]["values"] == {"municipality": "Flen", "gender": "woman"}


def test_every_value_round_trips():
    question = Activity(type="message", text="Vilket år?", input_hint="acceptingInput")
    options = PromptOptions(
        prompt=question,
        choices=[Choice("ja", synonyms=["j"]), Choice("nej")],
        style=ListStyle.suggested_action,
        validations={"$type": "a card input called $type", "n": [1, 2.5, None, True]},
        number_of_attempts=2,
    )
    state = DialogState(
        [DialogInstance("form", {"options": options, "pair": ("a", 1), "nested": {"x": {}}})]
    )
    document = encode_state({"DialogState": state, "e_tag": "dropped"})
    back = decode_state(document)["DialogState"].dialog_stack[0]
    assert back.id == "form" and back.state["pair"] == ("a", 1)
    assert back.state["nested"] == {"x": {}}
    again = back.state["options"]
    assert again.prompt.text == "Vilket år?" and again.prompt.type == "message"
    assert [c.value for c in again.choices] == ["ja", "nej"] and again.choices[0].synonyms == ["j"]
    assert again.style is ListStyle.suggested_action and again.number_of_attempts == 2
    assert again.validations == options.validations
    assert encode_state(decode_state(document)) == document


@pytest.mark.parametrize(
    "value", [object(), {1: "int key"}, float("nan"), ListStyle, ActivityTypes.message]
)
def test_what_dialog_state_should_not_hold_is_refused_when_written(value):
    with pytest.raises(TypeError):
        encode_state({"x": value})


MARKER = "stegvis-state-pwned"


def payloads(marker: Path) -> dict[str, str]:
    """Rows an attacker with database access could write: each runs a shell command when
    decoded by jsonpickle (`py/repr` is evaluated; `py/reduce` calls what it names)."""
    command = f"touch {marker}"
    return {
        "repr": json.dumps({"DialogState": {"py/repr": f"os/os.system({command!r})"}}),
        "reduce": json.dumps(
            {"x": {"py/reduce": [{"py/function": "os.system"}, {"py/tuple": [command]}]}}
        ),
        "reduce of a type": json.dumps(
            {"x": {"py/reduce": [{"py/type": "subprocess.Popen"}, {"py/tuple": [[command]]}]}}
        ),
        "object with newargs": json.dumps(
            {"x": {"py/object": "subprocess.Popen", "py/newargs": {"py/tuple": [[command]]}}}
        ),
        "tagged as new": json.dumps(
            {"$state": 1, "data": {"x": {"$type": "subprocess.Popen", "args": [command]}}}
        ),
    }


@pytest.mark.parametrize("kind", list(payloads(Path("/x"))))
async def test_a_row_written_by_an_attacker_runs_nothing(bot, connector, db, tmp_path, kind):
    marker = tmp_path / MARKER
    await put_document(db, conversation_key(ADMIN), payloads(marker)[kind])
    replies = await bot.say(message("hjälp", connector.url, ADMIN))
    await asyncio.sleep(0.1)
    assert not marker.exists(), "the stored document ran a command"
    assert replies[0].startswith("Det här kan jag")  # the conversation simply starts afresh
    (document,) = await stored_documents(db)  # and the row now holds that fresh state
    assert decode_state(document) == {"DialogState": ANY}


@pytest.mark.parametrize("kind", [k for k in payloads(Path("/x")) if k != "tagged as new"])
def test_converting_old_rows_runs_and_imports_nothing(tmp_path, kind):
    marker = tmp_path / MARKER
    assert "tabnanny" not in sys.modules
    assert convert_legacy(payloads(marker)[kind]) is None
    assert convert_legacy('{"x": {"py/object": "tabnanny.NannyNag"}}') is None
    assert convert_legacy('{"x": {"py/type": "tabnanny.NannyNag"}}') is None
    assert not marker.exists() and "tabnanny" not in sys.modules


async def test_a_half_filled_form_survives_the_upgrade(
    bot, connector, db, on_23_november_2026, monkeypatch
):
    """A row as the old code wrote it (jsonpickle) is converted by the migration's function
    and the user finishes the form as if nothing happened. The new etag is random: here one
    whose digits look like a personnummer, which an identifier column must still take."""
    import uuid

    await staff(db)
    url = connector.url
    await bot.say(message("ny aktualisering kommun=Flen kön=kvinna", url, COORDINATOR))
    key = conversation_key(COORDINATOR)
    current = (await SqlStorage(db).read([key]))[key]
    current.pop("e_tag")
    legacy = jsonpickle.encode(current, keys=True)  # what storage/bot_state.py wrote before
    assert '"py/object": "botbuilder.dialogs.dialog_state.DialogState"' in legacy
    async with db.begin() as connection:
        await connection.execute(
            BotStateItem.__table__.update().values(document=legacy, etag="old")
        )
        with monkeypatch.context() as patched:
            patched.setattr(uuid, "uuid4", lambda: uuid.UUID("198501011234abcdefabcdefabcdefab"))
            assert await connection.run_sync(convert_legacy_rows) == (1, 0)
        assert await connection.run_sync(convert_legacy_rows) == (0, 0)  # idempotent
    (document,) = await stored_documents(db)
    assert "py/" not in document

    replies = [
        reply
        for answer in ("1985", "sjukpenning", "FK", "ja")
        for reply in await bot.say(message(answer, url, COORDINATOR))
    ]
    assert replies[-1].startswith("Registrerat **V-2026-0001**: kvinna, född 1985, Flen")


async def test_old_rows_that_name_other_classes_are_deleted_by_the_upgrade(db, tmp_path):
    marker = tmp_path / MARKER
    await put_document(db, "a", payloads(marker)["reduce"])
    await put_document(db, "b", '{"x": {"py/object": "collections.OrderedDict"}}')
    await put_document(db, "c", "not json at all")
    await put_document(db, "d", jsonpickle.encode({"count": 3}, keys=True))
    async with db.begin() as connection:
        assert await connection.run_sync(convert_legacy_rows) == (1, 3)
    assert await SqlStorage(db).read(["a", "b", "c", "d"]) == {"d": {"count": 3, "e_tag": ANY}}
    assert not marker.exists()
