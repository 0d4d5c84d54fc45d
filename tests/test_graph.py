"""Minutes to a Teams channel's Files through Microsoft Graph, offline: msal fetches an app-only
token from a local HTTPS token endpoint (msal insists on https), and the bot calls a local fake
Graph. Both run in their own thread, as msal's requests are blocking."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from docx import Document
from sqlmodel import select

from bot.config import Settings
from bot.graph import GraphClient, GraphError, GraphSettings, safe_file_name
from storage.clock import clock
from storage.models import Meeting
from storage.permissions import Role
from storage.staff import upsert_staff
from tests.conftest import BotClient, start_bot
from tests.fake_identity import _tls_context
from tests.fakes import FakeConnector
from tests.teams import BOT_ID, COORDINATOR_AAD, TENANT, message, user

COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
TEAM_GROUP_ID = "8a1c2d3e-4f50-4a6b-9c7d-8e9fa0b1c2d3"
TEAM_THREAD = "19:team-general@thread.tacv2"
CHANNEL_ID = "19:styrgrupp-vastra@thread.tacv2"
CLIENT_ID = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
SECRET = "graph-test-secret"


class FakeGraph:
    """An Entra ID token endpoint (HTTPS) and the two Graph calls the bot makes (HTTP)."""

    def __init__(self, directory: Any) -> None:
        self.token = "graph-token-1"
        self.token_requests: list[dict[str, str]] = []
        self.calls: list[tuple[str, str, str | None]] = []
        self.uploads: dict[str, bytes] = {}
        self.fail_status: int | None = None
        self.ca_file = directory / "fake-graph.pem"
        self._tls = _tls_context(self.ca_file)
        login = web.Application()
        login.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._discovery)
        login.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        graph = web.Application()
        graph.router.add_get(
            "/v1.0/teams/{team}/channels/{channel}/filesFolder", self._files_folder
        )
        graph.router.add_put("/v1.0/drives/{drive}/items/{rest:.*}", self._upload)
        self._login = TestServer(login, host="127.0.0.1")
        self._graph = TestServer(graph, host="127.0.0.1")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()
        for server, tls in ((self._login, self._tls), (self._graph, None)):
            asyncio.run_coroutine_threadsafe(server.start_server(ssl=tls), self._loop).result(
                timeout=10
            )

    def close(self) -> None:
        for server in (self._login, self._graph):
            asyncio.run_coroutine_threadsafe(server.close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    @property
    def authority_host(self) -> str:
        return str(self._login.make_url("")).rstrip("/")

    @property
    def base_url(self) -> str:
        return str(self._graph.make_url("/v1.0"))

    async def _discovery(self, request: web.Request) -> web.Response:
        root = f"{self.authority_host}/{request.match_info['tenant']}"
        return web.json_response(
            {
                "issuer": f"{root}/v2.0",
                "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
                "token_endpoint": f"{root}/oauth2/v2.0/token",
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        form = {key: str(value) for key, value in (await request.post()).items()}
        form["tenant"] = request.match_info["tenant"]
        self.token_requests.append(form)
        if form.get("client_secret") != SECRET:
            return web.json_response(
                {"error": "invalid_client", "error_description": "AADSTS7000215: bad secret"},
                status=401,
            )
        return web.json_response(
            {"token_type": "Bearer", "expires_in": 3599, "access_token": self.token}
        )

    def _record(self, request: web.Request) -> web.Response | None:
        self.calls.append((request.method, request.path, request.headers.get("Authorization")))
        if self.fail_status:
            return web.json_response({"error": {"code": "accessDenied"}}, status=self.fail_status)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": {"code": "InvalidAuthenticationToken"}}, status=401)
        return None

    async def _files_folder(self, request: web.Request) -> web.Response:
        if failed := self._record(request):
            return failed
        return web.json_response(
            {
                "id": "01FOLDER",
                "name": "Styrgrupp Västra",
                "webUrl": "https://contoso.sharepoint.com/sites/Sikta/Shared%20Documents/Vastra",
                "parentReference": {"driveId": "b!drive-sikta"},
            }
        )

    async def _upload(self, request: web.Request) -> web.Response:
        if failed := self._record(request):
            return failed
        item, name, tail = request.match_info["rest"].split(":/")
        assert (item, tail) == ("01FOLDER", "content")
        self.uploads[name] = await request.read()
        return web.json_response(
            {
                "id": "01FILE",
                "name": name,
                "webUrl": f"https://contoso.sharepoint.com/sites/Sikta/Vastra/{name}",
            },
            status=201,
        )


@pytest.fixture
def graph(tmp_path, monkeypatch) -> Iterator[FakeGraph]:
    fake = FakeGraph(tmp_path)
    fake.start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.ca_file))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    yield fake
    fake.close()


def graph_settings(fake: FakeGraph, secret: str = SECRET) -> GraphSettings:
    return GraphSettings(
        client_id=CLIENT_ID,
        client_secret=secret,
        tenant_id="",
        base_url=fake.base_url,
        authority_host=fake.authority_host,
    )


async def test_upload_gets_a_client_credentials_token_and_puts_the_file(graph):
    client = GraphClient(graph_settings(graph))

    uploaded = await client.upload_to_channel(
        TENANT, TEAM_GROUP_ID, CHANNEL_ID, "Möte 2026/11: budget?.docx", b"PK-bytes"
    )

    assert uploaded.name == "Möte 2026-11- budget-.docx"
    assert uploaded.web_url.endswith("/Möte 2026-11- budget-.docx")
    assert graph.uploads == {"Möte 2026-11- budget-.docx": b"PK-bytes"}
    (login,) = graph.token_requests
    assert login["tenant"] == TENANT
    assert login["grant_type"] == "client_credentials"
    assert (login["client_id"], login["client_secret"]) == (CLIENT_ID, SECRET)
    assert login["scope"] == f"{graph.base_url.rsplit('/v1.0', 1)[0]}/.default"
    assert [(method, auth) for method, _, auth in graph.calls] == [
        ("GET", "Bearer graph-token-1"),
        ("PUT", "Bearer graph-token-1"),
    ]
    assert graph.calls[0][1] == (f"/v1.0/teams/{TEAM_GROUP_ID}/channels/{CHANNEL_ID}/filesFolder")
    # msal keeps the token: a second upload does not log in again.
    await client.upload_to_channel(TENANT, TEAM_GROUP_ID, CHANNEL_ID, "b.md", b"#")
    assert len(graph.token_requests) == 1


async def test_a_refused_secret_or_graph_error_is_a_graph_error(graph):
    with pytest.raises(GraphError) as refused:
        await GraphClient(graph_settings(graph, "wrong")).token(TENANT)
    assert refused.value.status == 401 and "AADSTS7000215" in str(refused.value)

    graph.fail_status = 403
    with pytest.raises(GraphError) as denied:
        await GraphClient(graph_settings(graph)).upload_to_channel(
            TENANT, TEAM_GROUP_ID, CHANNEL_ID, "a.md", b"#"
        )
    assert denied.value.status == 403


def test_graph_is_off_unless_switched_on_and_defaults_to_the_bot_identity():
    bot_identity = Settings(APP_ID=CLIENT_ID, APP_PASSWORD=SECRET, APP_TENANTID=TENANT)
    assert GraphSettings.from_settings(bot_identity) is None
    on = GraphSettings.from_settings(replace(bot_identity, graph_upload=True))
    assert on is not None
    assert (on.client_id, on.client_secret, on.tenant_id) == (CLIENT_ID, SECRET, TENANT)
    assert on.scope == "https://graph.microsoft.com/.default"
    assert safe_file_name(' ..a<b>"c".md ') == "a-b-c-.md"


class TeamsConnector(FakeConnector):
    """The fake connector, also answering GET /v3/teams/{id} (team details)."""

    def __init__(self) -> None:
        super().__init__()
        self.server.app.router.add_get("/v3/teams/{team}", self._team)

    async def _team(self, request: web.Request) -> web.Response:
        assert request.match_info["team"] == TEAM_THREAD
        return web.json_response({"id": TEAM_THREAD, "name": "Sikta", "aadGroupId": TEAM_GROUP_ID})


@pytest.fixture
async def teams_connector() -> AsyncIterator[TeamsConnector]:
    fake = TeamsConnector()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def graph_bot(db, settings, teams_connector, graph) -> AsyncIterator[BotClient]:
    configured = replace(
        settings,
        graph_upload=True,
        graph_client_id=CLIENT_ID,
        graph_client_secret=SECRET,
        graph_base_url=graph.base_url,
        graph_authority_host=graph.authority_host,
    )
    client = await start_bot(configured, teams_connector)
    yield client
    await client.http.close()


def channel_message(text: str, service_url: str, *, with_group_id: bool = True) -> dict[str, Any]:
    """A message in a team channel, addressed to the bot with an @mention."""
    activity = message(
        f"<at>Stegvis</at> {text}",
        service_url,
        COORDINATOR,
        conversation_id=f"{CHANNEL_ID};messageid=1700000000001",
    )
    activity["conversation"]["conversationType"] = "channel"
    activity["entities"].append(
        {
            "type": "mention",
            "mentioned": {"id": BOT_ID, "name": "Stegvis"},
            "text": "<at>Stegvis</at>",
        }
    )
    team = {"id": TEAM_THREAD, "name": "Sikta"}
    if with_group_id:
        team["aadGroupId"] = TEAM_GROUP_ID
    activity["channelData"].update(
        {
            "team": team,
            "channel": {"id": CHANNEL_ID},
            "teamsTeamId": TEAM_THREAD,
            "teamsChannelId": CHANNEL_ID,
        }
    )
    return activity


async def logged_meeting(db, bot: BotClient) -> int:
    """A logged meeting's number (ids are not reset between tests on PostgreSQL)."""
    async with db.session() as session:
        await upsert_staff(
            session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR, ["vastra"]
        )
    replies = await bot.say(
        message(
            'nytt möte grupp="Lokal styrgrupp Västra" datum=2026-11-20 närvarande="Anna A"',
            bot.connector.url,
            COORDINATOR,
        )
    )
    assert replies[0].startswith("Sparat")
    async with db.session() as session:
        return (await session.exec(select(Meeting.id))).one()


@pytest.mark.parametrize("with_group_id", [True, False])
async def test_export_in_a_channel_uploads_to_the_channel_files(
    db, graph_bot, graph, with_group_id
):
    meeting_id = await logged_meeting(db, graph_bot)

    replies = await graph_bot.say(
        channel_message(
            f"exportera protokoll {meeting_id}",
            graph_bot.connector.url,
            with_group_id=with_group_id,
        )
    )

    name = "Minnesanteckningar Lokal styrgrupp Västra 2026-11-20.docx"
    assert replies == [
        f"Minnesanteckningarna finns nu i kanalens filer: [{name}]"
        f"(https://contoso.sharepoint.com/sites/Sikta/Vastra/{name})"
    ]
    document = Document(io.BytesIO(graph.uploads[name]))
    assert document.paragraphs[0].text == "Minnesanteckningar Lokal styrgrupp Västra"
    assert graph.token_requests[0]["tenant"] == TENANT  # the team's tenant: none configured


async def test_when_graph_refuses_the_minutes_come_as_text(db, graph_bot, graph):
    meeting_id = await logged_meeting(db, graph_bot)
    graph.fail_status = 403

    replies = await graph_bot.say(
        channel_message(f"exportera protokoll {meeting_id} md", graph_bot.connector.url)
    )

    assert replies[0] == (
        "Jag kunde inte spara filen i kanalens filer (fel 403). Här är minnesanteckningarna "
        "som text i stället."
    )
    assert replies[1].startswith("# Minnesanteckningar Lokal styrgrupp Västra\n")
    assert graph.uploads == {}
