"""The HTTP contract of /api/messages and /healthz, with real activity JSON over loopback."""

from __future__ import annotations

import re
from dataclasses import replace

import jwt

from bot.app import APP_KEY
from bot.config import Settings
from tests.conftest import start_bot
from tests.teams import ADMIN_AAD, TENANT, message, user

ADMIN = user(ADMIN_AAD, "Alva Admin")


async def test_healthz_reports_database_ok(bot):
    response = await bot.http.get("/healthz")
    assert response.status == 200
    assert (await response.json()) == {
        "status": "ok",
        "database": "ok",
        "turns_in_flight": 0,
        "turns_refused": 0,
        "scheduler": {"state": "off"},  # Settings() in tests runs no reminder scheduler
    }


async def test_healthz_reports_unreachable_database(db, connector, tmp_path):
    broken = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db")
    client = await start_bot(broken, connector)
    try:
        response = await client.http.get("/healthz")
        assert response.status == 503
        body = await response.json()
        assert body["database"] == "unreachable"
        assert "Traceback" not in await response.text()
    finally:
        await client.http.close()


async def test_non_json_content_type_is_415(bot):
    response = await bot.http.post(
        "/api/messages", data="hej", headers={"Content-Type": "text/plain"}
    )
    assert response.status == 415


async def test_broken_json_is_400(bot):
    response = await bot.http.post(
        "/api/messages", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert "JSON" in (await response.json())["error"]


async def test_json_that_is_not_an_activity_is_400(bot):
    for body in ([1, 2], {"text": "hej"}, {"type": "message", "text": "hej"}):
        response = await bot.http.post("/api/messages", json=body)
        assert response.status == 400, body


async def test_bad_service_url_is_400(bot, connector):
    activity = message("hjälp", connector.url, ADMIN)
    activity["serviceUrl"] = "file:///etc/passwd"
    response = await bot.post(activity)
    assert response.status == 400
    assert connector.activities == []


async def test_message_without_token_is_401_when_app_id_is_set(db, secured_settings, connector):
    client = await start_bot(secured_settings, connector)
    try:
        response = await client.post(message("hjälp", connector.url, ADMIN))
        assert response.status == 401
        assert connector.activities == []
    finally:
        await client.http.close()


async def test_malformed_and_forged_tokens_are_401_not_500(db, secured_settings, connector):
    forged = jwt.encode(
        {"iss": "https://evil.example", "aud": secured_settings.APP_ID, "serviceurl": "x"},
        "secret-key-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    client = await start_bot(secured_settings, connector)
    try:
        for header in ("Bearer", "Bearer abc", "Bearer a.b.c", f"Bearer {forged}", "Basic Zm9v"):
            response = await client.post(
                message("hjälp", connector.url, ADMIN), Authorization=header
            )
            assert response.status == 401, header
            assert "Traceback" not in await response.text()
        assert connector.activities == []
    finally:
        await client.http.close()


async def test_unknown_tenant_is_403(db, settings, connector):
    restricted = replace(settings, allowed_tenants=frozenset({TENANT}))
    client = await start_bot(restricted, connector)
    try:
        stranger = "00000000-1111-2222-3333-444444444444"
        other = message("hjälp", connector.url, ADMIN, tenant=stranger)
        assert (await client.post(other)).status == 403
        assert connector.activities == []
        assert (await client.post(message("hjälp", connector.url, ADMIN))).status == 201
        assert len(connector.activities) == 1
    finally:
        await client.http.close()


async def test_failing_turn_answers_in_swedish_without_traceback(
    bot, connector, monkeypatch, caplog
):
    async def explode(turn_context):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(bot.http.app[APP_KEY].bot, "on_message_activity", explode)
    response = await bot.post(message("hjälp", connector.url, ADMIN))
    assert response.status == 201
    assert "Traceback" not in await response.text()
    reply = connector.texts()[-1]
    assert "Något gick fel" in reply
    # The reply names a reference that the one log line about the failure carries too.
    found = re.search(r"Felkod: ([A-Z]{8})\.", reply)
    assert found is not None, reply
    failed = [r for r in caplog.records if r.getMessage() == f"turn failed (felkod {found[1]})"]
    assert len(failed) == 1 and failed[0].exc_info is not None


async def test_tenant_in_conversation_only_is_checked_too(db, settings, connector):
    restricted = replace(settings, allowed_tenants=frozenset({TENANT}))
    client = await start_bot(restricted, connector)
    try:
        activity = message("hjälp", connector.url, ADMIN)
        del activity["channelData"]
        assert (await client.post(activity)).status == 201
        activity["conversation"]["tenantId"] = "00000000-1111-2222-3333-444444444444"
        assert (await client.post(activity)).status == 403
    finally:
        await client.http.close()


def test_the_access_log_line_says_what_an_admin_needs(caplog):
    """`serve` logs each request in one short line (bot.app.AccessLog)."""
    import logging

    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from bot.app import AccessLog

    caplog.set_level(logging.INFO, logger="aiohttp.access")
    logger = AccessLog(logging.getLogger("aiohttp.access"), "")
    response = web.Response(status=201, body=b"{}")
    logger.log(make_mocked_request("POST", "/api/messages"), response, 0.0123)
    assert caplog.messages == [f"POST /api/messages 201 {response.body_length} 12.3 ms"]
