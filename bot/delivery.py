"""Replies within a turn, retried like proactive messages when Teams throttles or stumbles.

A reply is sent while the Bot Connector waits for the turn to finish, after the handler has
written whatever the message asked for, so a reply that fails must be sent again on its own:
failing the turn would lose the reply, and running the handler again would repeat its write.
Here each reply is retried on 429 (after at least Retry-After), 412 and 5xx with exponential
backoff, within a budget per turn so that the turn still ends before the Bot Connector gives up
waiting for it.

What counts is the status the connector answered, recorded for the turn that sent the request
(`LastAnswer`, bot/_sender.py), not the exception botbuilder raises: it raises for an accepted
204, and its JSON decoding raises the same DeserializationError for a 200 and a 500 whose body
is not JSON.
Any 2xx means the connector accepted the activity, so it is never posted again. A request that
got no answer at all (a read timeout) is not retried either, since the connector may have taken
it; a connection that could not be opened is retried by the sender below.

Connector clients are kept per app id, service URL and audience (`ConnectorClients`): the SDK
builds a new one for every turn, with a new `requests` session, so every reply opened a new
connection. Their requests go out on one aiohttp session (bot/_sender.py). Turns running at once
share a client; what the connector answered is therefore kept per task, not per client.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
)
from botframework.connector.auth.user_token_client import UserTokenClient
from msrest.pipeline.async_abc import AsyncPipeline
from msrest.pipeline.universal import RawDeserializer

from bot._sender import AioHttpSender, HttpSessions, LastAnswer, SignedRequests, answering
from bot.activity_json import ActivitySerializer
from bot.proactive import CALLER_RETRIES, RETRYABLE, backoff_delay

log = logging.getLogger(__name__)

# Proactive sends retry 412/429/502/503/504 (Microsoft's list); a reply also retries 500, which
# the connector answers when Teams behind it fails, and which the issue saw lose replies.
REPLY_RETRYABLE = RETRYABLE | {500}
_SPENT = "stegvis.reply_retry_seconds"
# A list in turn_state: replies are appended to it instead of being sent (bot/once.py).
HELD_REPLIES = "stegvis.held_replies"


# Where a turn's LastAnswer lives (one per turn, whatever client it shares).
_ANSWER_KEY = "stegvis.last_answer"
# Clients kept: a deployment talks to a handful of service URLs (one per Teams region).
CLIENTS_KEPT = 32


def last_answer(context: TurnContext) -> LastAnswer:
    """This turn's record of the connector's last answer to its replies."""
    answer = context.turn_state.get(_ANSWER_KEY)
    if not isinstance(answer, LastAnswer):
        answer = LastAnswer()
        context.turn_state[_ANSWER_KEY] = answer
    return answer


def _fit(client: ConnectorClient, sessions: HttpSessions) -> None:
    """Replies serialised without msrest's walks through every card (bot/activity_json.py), and
    sent with aiohttp on the loop (bot/_sender.py) after the user agent and the bot's token."""
    client.conversations._serialize = ActivitySerializer()
    config = client.config
    policies: list[Any] = [config.user_agent_policy, RawDeserializer(), config.http_logger_policy]
    if config.credentials:
        policies.insert(1, SignedRequests(config.credentials))
    client._client.config.pipeline = AsyncPipeline(
        policies, AioHttpSender(sessions, config.connection.timeout)
    )


class ConnectorClients:
    """Connector clients kept per app id, service URL and audience (see the module text)."""

    def __init__(self, kept: int = CLIENTS_KEPT) -> None:
        self._kept = kept
        self.http = HttpSessions()
        self._clients: OrderedDict[tuple[object, ...], ConnectorClient] = OrderedDict()

    def __len__(self) -> int:
        return len(self._clients)

    def around(self, factory: ConnectorFactory | None) -> ConnectorFactory | None:
        return _KeptConnectorFactory(factory, self) if factory is not None else None

    async def client(self, inner: ConnectorFactory, service_url: str,
                     audience: str | None) -> ConnectorClient:
        # The SDK's factory keeps what it needs in private fields; another factory is used as
        # it is, without keeping its clients.
        fields = ("_app_id", "_to_channel_from_bot_oauth_scope", "_login_endpoint",
                  "_validate_authority", "_credential_factory")
        if not all(hasattr(inner, name) for name in fields):
            client = await inner.create(service_url, audience)
            _fit(client, self.http)
            return client
        app_id, scope = inner._app_id, audience or inner._to_channel_from_bot_oauth_scope
        # Asked every time: the credential factory (bot/identity.py) renews the token here.
        credentials = await inner._credential_factory.create_credentials(
            app_id, scope, inner._login_endpoint, inner._validate_authority
        )
        key = (app_id, service_url, scope, inner._login_endpoint)
        client = self._clients.get(key)
        if client is not None and client.config.credentials is credentials:
            self._clients.move_to_end(key)
            return client
        client = await inner.create(service_url, audience)
        _fit(client, self.http)
        self._clients[key] = client
        while len(self._clients) > self._kept:
            self._clients.popitem(last=False)  # a turn still using it keeps it alive
        return client


class _KeptConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, clients: ConnectorClients) -> None:
        self._inner, self._clients = inner, clients

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        return await self._clients.client(self._inner, service_url, audience)


class KeptClientsAuthentication(ConfigurationBotFrameworkAuthentication):
    """The SDK's authentication, with connector clients kept between turns and proactive
    messages (`ConnectorClients`) instead of built anew for each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clients = ConnectorClients()
        self._token_clients: OrderedDict[str | None, UserTokenClient] = OrderedDict()

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """Kept per app id too: Stegvis signs no one in, yet the SDK built one for every turn
        (a token API client with its own msrest configuration and retry policy)."""
        app_id = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM) \
            or claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
        client = self._token_clients.get(app_id)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            self._token_clients[app_id] = client
            while len(self._token_clients) > CLIENTS_KEPT:
                self._token_clients.popitem(last=False)
        return client

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        result.connector_factory = self.clients.around(result.connector_factory)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        factory = self.clients.around(super().create_connector_factory(claims_identity))
        assert factory is not None
        return factory


class ReplyRetryingAdapter(CloudAdapter):
    """CloudAdapter whose replies are retried one activity at a time (see the module text)."""

    def __init__(
        self,
        auth: BotFrameworkAuthentication,
        *,
        attempts: int = 4,
        base_delay: float = 0.5,
        max_delay: float = 5.0,
        budget: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(auth)
        self._attempts, self._base, self._cap = attempts, base_delay, max_delay
        self._budget, self._sleep = budget, sleep

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        held = context.turn_state.get(HELD_REPLIES)
        if isinstance(held, list):
            # The turn's transaction has not committed: keep the replies until it has
            # (bot/once.py). Invoke responses are not sent anyway: they answer the request.
            return [await self._hold(context, held, activity) for activity in activities]
        if context.turn_state.get(CALLER_RETRIES) or len(activities) == 0:
            sent: list[Any] = await super().send_activities(context, activities)
            return sent
        answer = last_answer(context)
        return [await self._send_one(context, activity, answer) for activity in activities]

    async def _hold(
        self, context: TurnContext, held: list[Activity], activity: Activity
    ) -> ResourceResponse:
        if activity.type == ActivityTypes.invoke_response:
            (response,) = await super().send_activities(context, [activity])
            return response
        held.append(activity)
        return ResourceResponse(id=f"held-{len(held)}")

    async def _send_one(
        self, context: TurnContext, activity: Activity, answer: LastAnswer
    ) -> ResourceResponse:
        attempt = 0
        while True:
            answer.clear()
            bound = answering.set(answer)
            try:
                (response,) = await super().send_activities(context, [activity])
                return response
            except Exception:
                status = answer.status
                if status is not None and 200 <= status < 300:
                    log.warning("the connector accepted a reply (HTTP %s) the SDK could not read",
                                status)
                    return ResourceResponse()
                attempt += 1
                if status not in REPLY_RETRYABLE or attempt >= self._attempts:
                    raise
                delay = max(backoff_delay(attempt - 1, self._base, self._cap),
                            answer.retry_after or 0.0)
                spent = context.turn_state.get(_SPENT, 0.0)
                if spent + delay > self._budget:
                    log.warning("reply not sent: HTTP %s, and %.1f s more is past the budget",
                                status, delay)
                    raise
                log.info("reply got HTTP %s, retrying in %.1f s", status, delay)
                context.turn_state[_SPENT] = spent + delay
            finally:
                answering.reset(bound)
            await self._sleep(delay)
