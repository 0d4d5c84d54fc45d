"""The authenticated path end to end, offline: the bot validates real RS256 channel tokens
against a local OpenID/JWKS endpoint (real signature checks), then replies through the fake
connector with a token that msal fetched from a local token endpoint. Only 127.0.0.1 is used.

The Settings overrides make botbuilder use its *parameterized* authentication; production, with
no overrides, uses the built-in public-cloud class. Both validate through JwtTokenExtractor."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import jwt
import msal.application
import msal.token_cache
import pytest
from aiohttp import ClientResponse, web
from botframework.connector.auth import JwtTokenExtractor

from bot import identity as identity_calls
from bot.config import Settings
from tests.conftest import BotClient, start_bot
from tests.fake_identity import BOT_FRAMEWORK_SCOPE, FakeIdentity, new_rsa_key, public_jwk
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
    monkeypatch.setattr(identity_calls, "IDENTITY_TIMEOUT", 2.0)
    identity.hold_tokens()  # Entra ID does not answer before the bot has given up
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    pending = asyncio.ensure_future(post_help(client, token))
    await identity.token_request_held()
    health = await client.http.get("/healthz")
    assert health.status == 200
    assert not pending.done()
    response = await pending
    assert response.status == 503, await response.text()
    assert recording.activities == []

    identity.answer_tokens()  # Entra ID answers again: the next activity goes through
    response = await post_help(client, token)
    assert response.status == 201, await response.text()
    assert recording.authorizations == [f"Bearer {identity.bot_token}"]


@pytest.fixture
def msal_clock(monkeypatch) -> list[float]:
    """Seconds added to msal's clock: its token cache decides what has expired by `time.time()`
    in these two modules (a token is stale to msal with less than five minutes left)."""
    offset = [0.0]
    shifted = SimpleNamespace(time=lambda: time.time() + offset[0])
    for module in (msal.application, msal.token_cache):
        monkeypatch.setattr(module, "time", shifted)
    return offset


async def test_the_bots_token_is_renewed_off_the_event_loop(
    client, authed, identity, recording, clock_offset, msal_clock
):
    """msal would renew an expiring token inside the SDK's synchronous call, holding up every
    other turn while Entra ID answers; it is renewed in a worker thread before that.

    The clocks are moved, not waited for: with a token good for a few seconds of wall time, a
    busy machine let the renewed token go stale again before the SDK used it (a third fetch)."""
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    response = await post_help(client, token)
    assert response.status == 201, await response.text()
    assert len(identity.token_requests) == 1

    # The token has a second under msal's five minutes left, for msal and for the bot's renewal
    # clock alike (less than an hour on: the signing keys stay as they are).
    clock_offset[0] = msal_clock[0] = identity.token_expires_in - 5 * 60 + 1
    identity.hold_tokens()  # Entra ID answers the renewal only when the test says so
    pending = asyncio.ensure_future(post_help(client, token))
    await identity.token_request_held()
    health = await client.http.get("/healthz")
    assert health.status == 200
    assert not pending.done()
    identity.answer_tokens()
    response = await pending
    assert response.status == 201, await response.text()
    assert len(identity.token_requests) == 2
    assert recording.authorizations == [f"Bearer {identity.bot_token}"] * 2


# --- the specification's rules, one test each (bot/tokens.py) ---------------------------------
# https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
# "Connector to bot": Bearer scheme; issuer https://api.botframework.com; audience the bot's
# app id; within the validity period with at most 5 minutes of skew; RS256 with a published key.

EMULATOR_ISSUER = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"
SKILL_ISSUER = "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0"


def _moments(changes: dict[str, Any]) -> dict[str, Any]:
    """`expires_in`/`not_before_in` (seconds from now) as the times they are when the token is
    made: a token made at collection would drift out of its window on a slow run."""
    made = dict(changes)
    for relative, absolute in (("expires_in", "expires"), ("not_before_in", "not_before")):
        if relative in made:
            made[absolute] = time.time() + made.pop(relative)
    return made


def _token(**changes: Any):
    """A maker of an otherwise valid channel token with `changes` (see FakeIdentity)."""

    def make(identity: FakeIdentity, app_id: str, service_url: str) -> str:
        return identity.channel_token(
            audience=app_id, service_url=service_url, **_moments(changes)
        )

    return make


def _signed_claims(identity: FakeIdentity, claims: dict[str, Any]) -> str:
    """Claims PyJWT would refuse to encode, signed with the published key."""
    now = time.time()
    payload = json.dumps({"nbf": int(now - 60), "exp": int(now + 3600), **claims}).encode()
    return jwt.api_jws.encode(
        payload, identity.signing_key, algorithm="RS256", headers={"kid": identity.kid}
    )


FORGED = {
    # exp and nbf are required (PyJWT checks them only when present: both were accepted)
    "no exp": _token(omit=("exp",)),
    "no nbf": _token(omit=("nbf",)),
    "no exp and no nbf": _token(omit=("exp", "nbf")),
    "exp a string": _token(extra={"exp": "2999-01-01"}),
    "exp a boolean": _token(extra={"exp": True}),
    "exp not a number": _token(extra={"exp": float("nan")}),
    "exp infinite": _token(extra={"exp": float("inf")}),
    "nbf a string": _token(extra={"nbf": "0"}),
    # validity with at most five minutes of clock skew
    "expired six minutes ago": _token(expires_in=-6 * 60),
    "valid in six minutes": _token(not_before_in=6 * 60),
    # issuer: exactly the Bot Framework's
    "no issuer": _token(omit=("iss",)),
    "issuer with a trailing slash": _token(issuer="https://api.botframework.com/"),
    "issuer in capitals": _token(issuer="HTTPS://API.BOTFRAMEWORK.COM"),
    "issuer a prefix": _token(issuer="https://api.botframework.co"),
    "issuer a list": lambda identity, app_id, url: _signed_claims(
        identity,
        {"iss": ["https://api.botframework.com"], "aud": app_id, "serviceurl": url},
    ),
    "the Emulator's issuer": _token(
        issuer=EMULATOR_ISSUER, extra={"ver": "1.0", "appid": "6d2bdc1c"}
    ),
    "a skill's issuer": _token(
        issuer=SKILL_ISSUER, extra={"ver": "2.0", "azp": "11111111-2222-3333-4444-555555555555"}
    ),
    # audience: exactly this bot's app id
    "no audience": _token(omit=("aud",)),
    "audience a list": _token(extra={"aud": ["6d2bdc1c-1b79-4c25-8e39-7e3ab1f9d0a4"]}),
    "audience in capitals": _token(extra={"aud": "6D2BDC1C-1B79-4C25-8E39-7E3AB1F9D0A4"}),
    "audience the Bot Framework": _token(extra={"aud": "https://api.botframework.com"}),
    # signature: RS256 with a key the metadata publishes
    "RS512": _token(algorithm="RS512"),
    "PS256": _token(algorithm="PS256"),
    "no key id": _token(omit=("kid",)),
    "a key id not published": _token(kid="not-published"),
    "another key under the published id": _token(key=new_rsa_key()),
}


@pytest.mark.parametrize("name", list(FORGED))
async def test_every_forged_token_is_401(client, authed, identity, recording, name):
    token = FORGED[name](identity, authed.APP_ID, recording.url)
    await assert_rejected(await post_help(client, token), 401, recording, identity)


async def test_a_token_without_exp_was_accepted_by_the_sdk_alone(client, authed, identity):
    """Why bot/tokens.py exists: botbuilder's own validation takes a token without `exp`."""
    from botframework.connector.auth import ChannelValidation, SimpleCredentialProvider

    token = FORGED["no exp"](identity, authed.APP_ID, client.connector.url)
    extractor = JwtTokenExtractor(
        ChannelValidation.TO_BOT_FROM_CHANNEL_TOKEN_VALIDATION_PARAMETERS,
        identity.openid_url,
        ["RS256"],
    )
    claims = await extractor.get_identity_from_auth_header(f"Bearer {token}", "msteams")
    assert claims.is_authenticated and "exp" not in claims.claims
    assert await SimpleCredentialProvider(authed.APP_ID, "").is_valid_appid(
        claims.claims["aud"]
    )


@pytest.mark.parametrize(
    "header",
    [
        "bearer {token}",
        "Bearer  {token}",
        "Bearer {token} {token}",
        "Bearer {token}.x",
        "{token}",
        "Basic {token}",
        "Bearer ",
        "Bearer " + "a" * 8100 + ".b.c",
    ],
)
async def test_an_authorization_header_not_of_the_form_bearer_token_is_401(
    client, authed, identity, recording, header
):
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    activity = message("hjälp", recording.url, ADMIN)
    response = await client.post(activity, Authorization=header.format(token=token))
    await assert_rejected(response, 401, recording, identity)


@pytest.mark.parametrize(
    "name",
    ["no exp", "the Emulator's issuer", "a skill's issuer", "audience a list", "RS512"],
)
async def test_tokens_that_break_a_claim_rule_are_refused_before_any_key_is_fetched(
    client, authed, identity, recording, name
):
    """The Emulator and skill issuers sent the SDK to login.microsoftonline.com for keys."""
    token = FORGED[name](identity, authed.APP_ID, recording.url)
    await assert_rejected(await post_help(client, token), 401, recording, identity)
    assert (identity.openid_requests, identity.jwks_requests) == (0, 0)


@pytest.mark.parametrize(
    "changes",
    [
        {"expires_in": -4 * 60},
        {"not_before_in": 4 * 60},
    ],
    ids=["expired four minutes ago", "valid in four minutes"],
)
async def test_clock_skew_up_to_five_minutes_is_allowed(
    client, authed, identity, recording, changes
):
    token = _token(**changes)(identity, authed.APP_ID, recording.url)
    response = await post_help(client, token)
    assert response.status == 201, await response.text()


# --- the signing keys: fetched once, in a thread, kept when the service fails ---------------


@pytest.fixture
def clock_offset(monkeypatch) -> list[float]:
    """Seconds added to the key cache's clock."""
    offset = [0.0]
    monkeypatch.setattr(identity_calls, "monotonic", lambda: time.monotonic() + offset[0])
    return offset


async def test_concurrent_requests_with_an_empty_cache_fetch_the_keys_once(
    client, authed, identity, recording
):
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    responses = await asyncio.gather(*(post_help(client, token) for _ in range(6)))
    assert [r.status for r in responses] == [201] * 6
    assert (identity.openid_requests, identity.jwks_requests) == (1, 1)

    assert (await post_help(client, token)).status == 201
    assert (identity.openid_requests, identity.jwks_requests) == (1, 1)


async def test_keys_are_refetched_after_a_day(client, authed, identity, recording, clock_offset):
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    assert (await post_help(client, token)).status == 201
    clock_offset[0] = identity_calls.KEYS_MAX_AGE + 1
    assert (await post_help(client, token)).status == 201
    assert identity.jwks_requests == 2


async def test_a_newly_published_key_is_fetched_at_most_once_an_hour(
    client, authed, identity, recording, clock_offset
):
    """The SDK raised IndexError for a key id it had not cached, so a key Microsoft rolled over
    to was refused until the next daily refresh."""
    old = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    assert (await post_help(client, old)).status == 201

    new_key = new_rsa_key()
    identity.keys.append(public_jwk(new_key, "rolled-over", ["msteams"]))
    new = identity.channel_token(
        audience=authed.APP_ID, service_url=recording.url, key=new_key, kid="rolled-over"
    )
    assert (await post_help(client, new)).status == 401  # fetched less than an hour ago
    assert identity.jwks_requests == 1

    clock_offset[0] = identity_calls.UNKNOWN_KEY_REFRESH + 1
    assert (await post_help(client, new)).status == 201
    assert identity.jwks_requests == 2
    unknown = identity.channel_token(
        audience=authed.APP_ID, service_url=recording.url, key=new_rsa_key(), kid="made-up"
    )
    for _ in range(3):
        assert (await post_help(client, unknown)).status == 401
    assert identity.jwks_requests == 2


async def test_a_failed_refresh_keeps_the_known_keys_and_waits_before_trying_again(
    client, authed, identity, recording, clock_offset
):
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    assert (await post_help(client, token)).status == 201
    identity.keys_status = 500
    clock_offset[0] = identity_calls.KEYS_MAX_AGE + 1
    assert (await post_help(client, token)).status == 201
    assert (await post_help(client, token)).status == 201
    assert identity.jwks_requests == 2  # one failed try, then a pause

    identity.keys_status = 200
    clock_offset[0] += identity_calls.RETRY_AFTER_FAILURE + 1
    assert (await post_help(client, token)).status == 201
    assert identity.jwks_requests == 3


async def test_without_keys_a_failing_service_is_503_and_not_asked_again_at_once(
    client, authed, identity, recording, clock_offset
):
    identity.keys_status = 500
    token = identity.channel_token(audience=authed.APP_ID, service_url=recording.url)
    responses = await asyncio.gather(*(post_help(client, token) for _ in range(4)))
    assert [r.status for r in responses] == [503] * 4
    assert identity.jwks_requests == 1
    assert recording.activities == []

    identity.keys_status = 200
    clock_offset[0] = identity_calls.RETRY_AFTER_FAILURE + 1
    assert (await post_help(client, token)).status == 201
