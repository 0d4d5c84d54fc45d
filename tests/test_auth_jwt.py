"""The authenticated path end to end, offline: the bot validates real RS256 channel tokens
against a local OpenID/JWKS endpoint (real signature checks), then replies through the fake
connector with a token that msal fetched from a local token endpoint. Only 127.0.0.1 is used.

The Settings overrides make botbuilder use its *parameterized* authentication; production, with
no overrides, uses the built-in public-cloud class. Both validate through JwtTokenExtractor."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import jwt
import pytest
from aiohttp import ClientResponse, web
from botframework.connector.auth import JwtTokenExtractor

from bot import identity as identity_calls
from bot.config import Settings
from tests.conftest import BotClient, start_bot
from tests.fake_identity import BOT_FRAMEWORK_SCOPE, FakeIdentity, new_rsa_key
from tests.fakes import FakeConnector
from tests.teams import ADMIN_AAD, TENANT, message, user

ADMIN = user(ADMIN_AAD, "Alva Admin")
STRANGER_TENANT = "00000000-1111-2222-3333-444444444444"
LEEWAY = 5 * 60  # botbuilder's clock tolerance for exp/nbf


class RecordingConnector(FakeConnector):
    """The fake connector, also keeping the Authorization header of every call."""

    def __init__(self) -> None:
        super().__init__()
        self.authorizations: list[str | None] = []

    async def _post(self, request: web.Request) -> web.Response:
        self.authorizations.append(request.headers.get("Authorization"))
        return await super()._post(request)


@pytest.fixture
def identity(tmp_path, monkeypatch) -> Iterator[FakeIdentity]:
    # The SDK caches OpenID metadata per URL in a class-level dict for a day; a fresh dict per
    # test keeps a reused port from answering with an earlier test's keys.
    monkeypatch.setattr(JwtTokenExtractor, "metadataCache", {})
    fake = FakeIdentity(tmp_path)
    fake.start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.ca_file))  # msal insists on https
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    yield fake
    fake.close()


@pytest.fixture
async def recording() -> AsyncIterator[RecordingConnector]:
    fake = RecordingConnector()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def authed(secured_settings: Settings, identity: FakeIdentity) -> Settings:
    return replace(
        secured_settings,
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=identity.openid_url,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=identity.issuer,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=identity.login_url,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=BOT_FRAMEWORK_SCOPE,
    )


@pytest.fixture
async def client(db, authed: Settings, recording: RecordingConnector) -> AsyncIterator[BotClient]:
    bot = await start_bot(authed, recording)
    yield bot
    await bot.http.close()


async def post_help(
    client: BotClient, token: str, *, tenant: str = TENANT, **changes: Any
) -> ClientResponse:
    """Teams' "hjälp" message; `changes` overrides top-level activity fields."""
    activity = message("hjälp", client.connector.url, ADMIN, tenant=tenant)
    activity.update(changes)
    return await client.post(activity, Authorization=f"Bearer {token}")


async def assert_rejected(response: ClientResponse, status: int, recording, identity) -> None:
    assert response.status == status, await response.text()
    assert "Traceback" not in await response.text()
    assert recording.activities == []
    assert identity.token_requests == [], "a rejected request must not make the bot log in"


async def test_signed_channel_token_gets_help_reply_sent_with_bot_token(
    client, authed, identity, recording
):
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)

    response = await post_help(client, token)

    assert response.status == 201, await response.text()
    assert len(recording.activities) == 1
    assert "Det här kan jag" in recording.texts()[0]
    assert recording.authorizations == [f"Bearer {identity.bot_token}"]
    assert (identity.openid_requests, identity.jwks_requests) == (1, 1)
    (login,) = identity.token_requests
    assert login["grant_type"] == "client_credentials"
    assert login["client_id"] == authed.APP_ID
    assert login["client_secret"] == authed.APP_PASSWORD
    assert login["scope"] == f"{BOT_FRAMEWORK_SCOPE}/.default"


def _wrong_audience(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    return identity.channel_token(
        audience="11111111-2222-3333-4444-555555555555", service_url=service_url
    )


def _expired(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    now = time.time()
    return identity.channel_token(
        audience=app_id, service_url=service_url, not_before=now - 3600, expires=now - LEEWAY - 60
    )


def _not_yet_valid(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    return identity.channel_token(
        audience=app_id, service_url=service_url, not_before=time.time() + LEEWAY + 60
    )


def _untrusted_issuer(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    return identity.channel_token(
        audience=app_id, service_url=service_url, issuer="https://sts.windows.net/attacker/"
    )


def _other_service_url(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    return identity.channel_token(
        audience=app_id, service_url="https://smba.trafficmanager.net/emea/"
    )


def _no_service_url(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    return identity.channel_token(audience=app_id, service_url=service_url, omit=("serviceurl",))


def _signed_by_another_key(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    """Claims and kid all right, signature from a key the JWKS does not hold."""
    return identity.channel_token(audience=app_id, service_url=service_url, key=new_rsa_key())


@pytest.mark.parametrize(
    "make_token",
    [
        _wrong_audience,
        _expired,
        _not_yet_valid,
        _untrusted_issuer,
        _other_service_url,
        _no_service_url,
        _signed_by_another_key,
    ],
)
async def test_bad_channel_token_is_401(client, authed, identity, recording, make_token):
    token = make_token(identity, authed.APP_ID, recording.url)
    await assert_rejected(await post_help(client, token), 401, recording, identity)


async def test_valid_token_from_tenant_not_allowed_is_403(client, authed, identity, recording):
    assert STRANGER_TENANT not in authed.allowed_tenants
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    response = await post_help(client, token, tenant=STRANGER_TENANT)
    await assert_rejected(response, 403, recording, identity)


# Tokens anyone can make that botframework-connector rejects with IndexError or a bare
# Exception rather than PermissionError; bot/app.py must still answer 401, not 500.


def _unknown_kid(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    """IndexError: `[k for k in keys if k["kid"] == kid][0]` in _OpenIdMetadata._find."""
    return identity.channel_token(
        audience=app_id, service_url=service_url, key=new_rsa_key(), kid="not-published"
    )


def _hs256_without_kid(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    """IndexError as above: kid None matches no key. Needs nothing but the public issuer."""
    claims = {"iss": identity.issuer, "aud": app_id, "serviceurl": service_url}
    return jwt.encode(claims, "a-shared-secret-long-enough-for-hs256", algorithm="HS256")


def _hs256_with_published_kid(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    """Bare Exception("Token signing algorithm not in allowed list")."""
    claims = {"iss": identity.issuer, "aud": app_id, "serviceurl": service_url}
    return jwt.encode(
        claims,
        "a-shared-secret-long-enough-for-hs256",
        algorithm="HS256",
        headers={"kid": identity.kid},
    )


def _alg_none_with_published_kid(identity: FakeIdentity, app_id: str, service_url: str) -> str:
    """Bare Exception("Token signing algorithm not in allowed list")."""
    claims = {"iss": identity.issuer, "aud": app_id, "serviceurl": service_url}
    return jwt.encode(claims, None, algorithm="none", headers={"kid": identity.kid})


@pytest.mark.parametrize(
    "make_token",
    [
        _unknown_kid,
        _hs256_without_kid,
        _hs256_with_published_kid,
        _alg_none_with_published_kid,
    ],
)
async def test_malformed_token_with_trusted_issuer_is_401(
    client, authed, identity, recording, make_token
):
    token = make_token(identity, authed.APP_ID, recording.url)
    await assert_rejected(await post_help(client, token), 401, recording, identity)


async def test_channel_the_key_does_not_endorse_is_401(client, authed, identity, recording):
    """Bare Exception("Could not validate endorsement key"): the key is endorsed for msteams."""
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    response = await post_help(client, token, channelId="webchat")
    await assert_rejected(response, 401, recording, identity)


async def unavailable_while_others_are_served(bot: BotClient, token: str, recording) -> None:
    """Post "hjälp" while an identity service is not answering: /healthz is served in the
    meantime (the event loop is free), then the activity gets 503 and nothing is sent."""
    pending = asyncio.ensure_future(post_help(bot, token))
    await asyncio.sleep(0.2)
    health = await bot.http.get("/healthz")
    assert health.status == 200
    assert not pending.done()
    response = await pending
    assert response.status == 503, await response.text()
    assert recording.activities == []


async def test_identity_service_that_never_answers_is_503_and_stalls_nothing(
    db, authed, identity, recording, monkeypatch
):
    """The keys are fetched in a thread with a timeout: while the identity service hangs the
    bot still answers other requests, and the hung request gets 503, not a frozen process."""
    monkeypatch.setattr(identity_calls, "IDENTITY_TIMEOUT", 1.0)
    release = asyncio.Event()

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await release.wait()
        writer.close()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    hanging = replace(
        authed, TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=f"http://127.0.0.1:{port}/openid"
    )
    bot = await start_bot(hanging, recording)
    try:
        token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
        await unavailable_while_others_are_served(bot, token, recording)
    finally:
        release.set()
        server.close()
        await server.wait_closed()
        await bot.http.close()


async def test_token_service_that_does_not_answer_in_time_is_503_and_stalls_nothing(
    client, authed, identity, recording, monkeypatch
):
    """The bot's first token is fetched in a thread with a timeout: meanwhile the bot answers
    other requests; when Entra ID is too slow the activity gets 503 (the Bot Connector tries
    again) and no reply goes out half-authenticated."""
    monkeypatch.setattr(identity_calls, "IDENTITY_TIMEOUT", 0.5)
    identity.token_delay = 1.5
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    await unavailable_while_others_are_served(client, token, recording)

    identity.token_delay = 0.0  # Entra ID answers again: the next activity goes through
    response = await post_help(client, token)
    assert response.status == 201, await response.text()
    assert recording.authorizations == [f"Bearer {identity.bot_token}"]


async def test_the_bots_token_is_renewed_off_the_event_loop(client, authed, identity, recording):
    """msal would renew an expiring token inside the SDK's synchronous call, holding up every
    other turn while Entra ID answers; it is renewed in a worker thread before that."""
    identity.token_expires_in = 302  # msal keeps five minutes' margin: stale after 2 s
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    response = await post_help(client, token)
    assert response.status == 201, await response.text()

    await asyncio.sleep(2.1)
    identity.token_delay = 1.0
    pending = asyncio.ensure_future(post_help(client, token))
    await asyncio.sleep(0.2)
    health = await client.http.get("/healthz")
    assert health.status == 200
    assert not pending.done()
    response = await pending
    assert response.status == 201, await response.text()
    assert len(identity.token_requests) == 2
    assert recording.authorizations == [f"Bearer {identity.bot_token}"] * 2
