"""The HTTP under the connector clients: aiohttp on the event loop instead of `requests` on a
worker thread.

msrest's async client sends each request with `requests` in the loop's thread pool: a reply
was a hand-over to another thread and back, with the GIL passed each way, and the HTTP work
itself (http.client, urllib3) in Python on that thread. That was the largest single part of a
short turn (README, "Replies on the event loop"). Here the request goes out on a shared
aiohttp session (kept-alive connections, its parser in C) in the task that sends it.

What the `requests` path gave and this keeps: the credentials' Authorization header on every
request (`SignedRequests`), proxies from the environment (read once per host: aiohttp's own
`trust_env` reads them, and ~/.netrc, on a worker thread for every request), the client's timeout,
the connector's status and Retry-After recorded for the turn that sent (`LastAnswer`, read by
bot/delivery.py and bot/once.py), and a retry of a connection that could not be opened, when
nothing was sent. Any other failure raises msrest's ClientRequestError, as before; whether the
message went through is then unknown, and it is not sent again here.
"""

from __future__ import annotations

import asyncio
import urllib.request
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from msrest.exceptions import ClientRequestError
from msrest.pipeline import Request, Response
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender
from msrest.universal_http import ClientRequest, HTTPClientResponse

from bot.proactive import parse_retry_after

# A connection refused or reset before the request was written: tried this many times in all.
CONNECT_ATTEMPTS = 3
CONNECT_PAUSE = 0.2


class LastAnswer:
    """The status and Retry-After of the connector's last answer to one turn's replies."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.retry_after: float | None = None

    def record(self, status: int, retry_after: str | None) -> None:
        self.status = status
        self.retry_after = parse_retry_after(retry_after)

    def clear(self) -> None:
        self.status, self.retry_after = None, None


# The LastAnswer of the send in progress in this task (set around each reply).
answering: ContextVar[LastAnswer | None] = ContextVar("stegvis_answering", default=None)


class _Signed:
    """Stands in for the requests.Session that msrest's credentials put their header on."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}


class SignedRequests(AsyncHTTPPolicy[ClientRequest, HTTPClientResponse]):
    """The credentials' headers (the bot's token) on each request."""

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials

    async def send(
        self, request: Request[ClientRequest], **kwargs: Any
    ) -> Response[ClientRequest, HTTPClientResponse]:
        signed = _Signed()
        self._credentials.signed_session(signed)
        request.http_request.headers.update(signed.headers)
        assert self.next is not None  # the pipeline sets it
        return await self.next.send(request, **kwargs)


@dataclass(frozen=True)
class _Received:
    """What `requests.Response` offered of an answer, where msrest's errors keep it
    (`HttpOperationError.response`: bot/proactive.py reads its status and Retry-After)."""

    status_code: int
    headers: Any
    reason: str | None
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


class _Answered(HTTPClientResponse):
    """A response read whole, as msrest's deserialiser expects."""

    def __init__(self, request: ClientRequest, received: _Received) -> None:
        super().__init__(request, received)
        self.status_code, self.headers = received.status_code, received.headers
        self.reason = received.reason
        self._body = received.content

    def body(self) -> bytes:
        return self._body


class HttpSessions:
    """One aiohttp session per event loop (the bot has one; tests and the CLI make others)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    def get(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession()
            self._loop = loop
        return self._session

    def proxy(self, url: str) -> str | None:
        """HTTPS_PROXY / HTTP_PROXY for the URL's scheme unless NO_PROXY names its host, as
        `requests` did; read once per scheme and host (a deployment talks to a few)."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            bypass = bool(key[1]) and urllib.request.proxy_bypass(key[1])
            self._proxies[key] = None if bypass else urllib.request.getproxies().get(key[0])
        return self._proxies[key]

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None and self._loop is asyncio.get_running_loop():
            await session.close()


class AioHttpSender(AsyncHTTPSender[ClientRequest, HTTPClientResponse]):
    """The last stage of a connector client's pipeline (see the module text)."""

    def __init__(self, sessions: HttpSessions, timeout: float) -> None:
        self._sessions = sessions
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def __aenter__(self) -> AioHttpSender:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None  # the session outlives the client: HttpSessions.close

    def build_context(self) -> None:
        return None

    async def send(
        self, request: Request[ClientRequest], **_: Any
    ) -> Response[ClientRequest, HTTPClientResponse]:
        http: ClientRequest = request.http_request
        if http.files:
            raise ClientRequestError("multipart bodies are not sent by this client")
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                async with self._sessions.get().request(
                    http.method, http.url, headers=http.headers, data=http.data,
                    timeout=self._timeout, proxy=self._sessions.proxy(http.url),
                ) as answer:
                    body = await answer.read()
                break
            except aiohttp.ClientConnectorError as error:
                if attempt + 1 == CONNECT_ATTEMPTS:
                    raise ClientRequestError(f"could not connect: {error}") from error
                await asyncio.sleep(CONNECT_PAUSE * 2**attempt)
            except (aiohttp.ClientError, TimeoutError) as error:
                raise ClientRequestError(f"error in the request: {error!r}") from error
        turn = answering.get()
        if turn is not None:
            turn.record(answer.status, answer.headers.get("Retry-After"))
        received = _Received(answer.status, answer.headers, answer.reason, body)
        return Response(request, _Answered(http, received))
