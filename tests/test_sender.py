"""The connector clients' HTTP (bot/_sender.py): aiohttp on the loop, a refused connection
tried again, anything the connector may have received never sent twice, proxies as `requests`
took them from the environment."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from msrest.exceptions import ClientRequestError, DeserializationError, HttpOperationError

from bot import _sender
from bot._sender import HttpSessions, LastAnswer, answering
from bot.delivery import _fit
from bot.proactive import status_of
from tests.fake_identity import _tls_context
from tests.playground import free_port
from tests.teams import message
from tests.test_participants_http import COORDINATOR, staff

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.the-bots-own-token"


class Signing:
    """Credentials as msrest calls them: they put the bot's token on the session's headers."""

    def signed_session(self, session: Any) -> Any:
        session.headers["Authorization"] = f"Bearer {TOKEN}"
        return session


async def send(url: str, sessions: HttpSessions, text: str = "hej",
               credentials: Any = None) -> Any:
    client = ConnectorClient(credentials or MicrosoftAppCredentials("", ""), base_url=url)
    _fit(client, sessions)
    return await client.conversations.send_to_conversation(
        "a:chat", Activity(type="message", text=text)
    )


async def test_a_turn_sends_its_reply_without_a_worker_thread(bot, connector, db, monkeypatch):
    """The reply goes out in the turn's task: nothing is handed to the loop's thread pool (the
    `requests` path handed over every reply, and aiohttp's trust_env every proxy lookup)."""
    await staff(db)
    handed: list[object] = []
    loop = asyncio.get_running_loop()
    original = loop.run_in_executor

    def counting(executor: Any, function: Any, *args: Any) -> Any:
        handed.append(function)
        return original(executor, function, *args)

    monkeypatch.setattr(loop, "run_in_executor", counting)
    replies = await bot.say(message("hjälp", connector.url, COORDINATOR))
    assert replies and connector.posts == 1
    assert handed == []


async def test_a_refused_connection_is_tried_again_until_the_connector_listens(monkeypatch):
    monkeypatch.setattr(_sender, "CONNECT_PAUSE", 0.1)
    port, received = free_port(), []

    async def post(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({"id": "1"})

    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities", post)
    server = TestServer(app, host="127.0.0.1", port=port)
    sessions = HttpSessions()

    async def listen_later() -> None:
        await asyncio.sleep(0.05)  # after the first try, before the second
        await server.start_server()

    try:
        _, response = await asyncio.gather(listen_later(),
                                           send(f"http://127.0.0.1:{port}", sessions))
    finally:
        await sessions.close()
        await server.close()
    assert response.id == "1"
    assert [activity["text"] for activity in received] == ["hej"]


async def test_nothing_listening_is_a_request_error_after_the_last_try(monkeypatch):
    monkeypatch.setattr(_sender, "CONNECT_PAUSE", 0.01)
    sessions = HttpSessions()
    answer = LastAnswer()
    answering.set(answer)
    try:
        with pytest.raises(ClientRequestError, match="could not connect"):
            await send(f"http://127.0.0.1:{free_port()}", sessions)
    finally:
        await sessions.close()
    assert answer.status is None  # no answer: the reply path does not retry it (may have gone)


async def test_a_connection_closed_after_the_request_was_sent_is_not_sent_again():
    """The connector may have taken the message: sending it again could show it twice. The
    error is raised once, after one connection."""
    connections, bodies = 0, []

    async def answer_nothing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length"))
        bodies.append(await reader.readexactly(length))
        writer.close()

    server = await asyncio.start_server(answer_nothing, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sessions = HttpSessions()
    try:
        with pytest.raises(ClientRequestError):
            await send(f"http://127.0.0.1:{port}", sessions)
    finally:
        await sessions.close()
        server.close()
        await server.wait_closed()
    assert connections == 1 and len(bodies) == 1


async def raw_server(
    answer: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> tuple[asyncio.Server, str]:
    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length"))
    return head + await reader.readexactly(length)


async def test_a_2xx_whose_body_is_cut_off_is_recorded_as_accepted():
    """The status line is the connector's verdict: the reply path never posts a 2xx again,
    even when the body after it never arrived."""
    async def cut_off(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"id\"")
        await writer.drain()
        writer.close()

    server, url = await raw_server(cut_off)
    sessions, answer = HttpSessions(), LastAnswer()
    answering.set(answer)
    try:
        with pytest.raises(ClientRequestError):
            await send(url, sessions)
    finally:
        await sessions.close()
        server.close()
    assert answer.status == 201


async def test_a_redirect_is_not_followed_and_is_not_a_delivery():
    """aiohttp would follow a 302 to a POST with a GET without the body (a proxy's login page
    answering 200 would then count the reply as delivered); `requests` did not follow it."""
    seen: list[str] = []

    async def login_page(request: web.Request) -> web.Response:
        seen.append(request.method)
        return web.Response(text="<html>Logga in</html>")

    async def moved(_: web.Request) -> web.Response:
        raise web.HTTPFound("/login")

    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities", moved)
    app.router.add_route("*", "/login", login_page)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    sessions, answer = HttpSessions(), LastAnswer()
    answering.set(answer)
    try:
        with pytest.raises((HttpOperationError, DeserializationError)):  # msrest's, as before
            await send(str(server.make_url("/")), sessions)
    finally:
        await sessions.close()
        await server.close()
    assert answer.status == 302 and seen == []


async def test_no_error_text_carries_the_bots_token():
    """aiohttp's error for a malformed answer quotes the request's headers; what is raised (and
    logged, and stored on a failed reminder) names the failure only."""
    async def garbled(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n")
        await writer.drain()
        writer.close()

    server, url = await raw_server(garbled)
    sessions = HttpSessions()
    try:
        with pytest.raises(ClientRequestError) as failed:
            await send(url, sessions, credentials=Signing())
    finally:
        await sessions.close()
        server.close()
    printed = "".join(traceback.format_exception(failed.value))
    assert TOKEN not in printed and "Bearer" not in printed


async def test_the_certificate_authorities_requests_trusted_are_trusted(tmp_path, monkeypatch):
    """REQUESTS_CA_BUNDLE (a municipality's TLS-inspecting proxy, a private CA) as `requests`
    read it; a certificate nobody vouches for is refused at once, not tried three times."""
    monkeypatch.setattr(_sender, "CONNECT_PAUSE", 30.0)
    ca_file = tmp_path / "ca.pem"
    app = web.Application()

    async def post(_: web.Request) -> web.Response:
        return web.json_response({"id": "tls-1"})

    app.router.add_post("/v3/conversations/{conversation}/activities", post)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(ssl=_tls_context(ca_file))
    url = f"https://127.0.0.1:{server.port}"
    try:
        monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
        monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
        untrusting = HttpSessions()
        with pytest.raises(ClientRequestError):
            await asyncio.wait_for(send(url, untrusting), 10)
        await untrusting.close()
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_file))
        trusting = HttpSessions()
        assert (await send(url, trusting)).id == "tls-1"
        await trusting.close()
    finally:
        await server.close()


async def test_a_refusal_carries_its_status_and_retry_after_to_the_turn_and_the_error():
    """Replies read them from the task's LastAnswer, proactive sends from the error's response
    (bot/proactive.py `status_of`), as they read `requests.Response` before."""
    async def throttle(_: web.Request) -> web.Response:
        return web.json_response({"error": {"code": "Throttled"}}, status=429,
                                 headers={"Retry-After": "7"})

    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities", throttle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    sessions, answer = HttpSessions(), LastAnswer()
    answering.set(answer)
    try:
        with pytest.raises(HttpOperationError) as refused:
            await send(str(server.make_url("/")), sessions)
    finally:
        await sessions.close()
        await server.close()
    assert (answer.status, answer.retry_after) == (429, 7.0)
    assert status_of(refused.value) == (429, 7.0)
    assert "Throttled" in refused.value.response.text


PROXIES = {
    "HTTPS_PROXY": "proxy.kommun.se:3128",  # no scheme: requests read it as http://
    "HTTP_PROXY": "http://plain-proxy:8080",
    "ALL_PROXY": "http://all-proxy:9000",
    "NO_PROXY": ".kommun.se,127.0.0.1,connector.local:8443,10.0.0.0/8",
}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://smba.trafficmanager.net/emea/", "http://proxy.kommun.se:3128"),
        ("http://connector.example/", "http://plain-proxy:8080"),
        ("https://intern.kommun.se/v3/", None),
        ("http://127.0.0.1:3978/", None),
        ("https://connector.local:8443/", None),
        ("https://connector.local:9443/", "http://proxy.kommun.se:3128"),
        ("https://10.1.2.3/", None),
        ("ftp://files.example/", "http://all-proxy:9000"),
    ],
)
def test_proxies_are_chosen_by_requests_own_rules(monkeypatch, url, expected):
    for name in ("https_proxy", "http_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in PROXIES.items():
        monkeypatch.setenv(name, value)
    assert HttpSessions().proxy(url) == expected


async def test_the_trusted_authorities_are_read_at_start_up_not_in_a_turn(bot):
    """Reading a CA bundle takes tens of milliseconds of the event loop: the app reads it when
    it starts, once per process and bundle."""
    from bot.app import APP_KEY

    sessions = bot.http.app[APP_KEY].auth.clients.http
    assert sessions.tls is not None  # before any reply was sent
    assert _sender._trusted(_sender._bundle()) is sessions.tls
    assert HttpSessions().tls is None  # a runtime without an app reads it on its first send
