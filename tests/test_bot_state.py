"""SqlStorage: the Bot Framework storage contract, with eTag concurrency, on real SQL."""

from __future__ import annotations

import pytest
from botbuilder.dialogs import DialogInstance, DialogState

from storage.bot_state import SqlStorage, StateConflictError


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
