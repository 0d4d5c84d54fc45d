"""The HTTP under the connector clients: aiohttp on the event loop instead of `requests` on a
worker thread.

msrest's async client sends each request with `requests` in the loop's thread pool: a reply
was a hand-over to another thread and back, with the GIL passed each way, and the HTTP work
itself (http.client, urllib3) in Python on that thread. That was the largest single part of a
short turn (README, "Replies on the event loop"). Here the request goes out on a shared
aiohttp session (kept-alive connections, its parser in C) in the task that sends it.

What the `requests` path did and this keeps: the credentials' Authorization header on every
request (`SignedRequests`); proxies and certificate authorities as `requests` took them from
the environment (HTTPS_PROXY, NO_PROXY, ALL_PROXY; REQUESTS_CA_BUNDLE, else certifi's bundle),
read once per host (aiohttp's own `trust_env` reads them, and ~/.netrc, on a worker thread for
every request); no redirect followed for a POST (aiohttp would turn it into a GET without the
body, and a login page's 200 would count as delivered); the client's timeout; the connector's
status and Retry-After recorded for the turn that sent, as soon as its status line arrives
(`LastAnswer`, read by bot/delivery.py and bot/once.py: a 2xx whose body was cut off is still
a 2xx, never sent again). A connection that could not be opened is tried again, since nothing
was sent; a certificate that does not verify is not. Any other failure raises msrest's
ClientRequestError, as before: whether the message went through is then unknown, and it is not
sent again here. Error texts name the failure only: aiohttp's own carry the request's headers
(the bot's token) and the proxy's address with its password. A new connection's DNS lookup still
goes to the thread pool (aiohttp keeps the answer 10 s; connections are kept alive).
"""

from __future__ import annotations

import asyncio
import functools
import os
import ssl
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from msrest.exceptions import ClientRequestError
from msrest.pipeline import Request, Response
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender
from msrest.universal_http import ClientRequest, HTTPClientResponse
from requests.utils import (
    DEFAULT_CA_BUNDLE_PATH,
    get_environ_proxies,
    prepend_scheme_if_needed,
    select_proxy,
)

from bot.proactive import parse_retry_after

# A connection refused or reset before the request was written: tried this many times in all.
CONNECT_ATTEMPTS = 3
CONNECT_PAUSE = 0.2
# Hosts whose proxy is remembered (a deployment talks to one or two service URLs).
PROXIES_KEPT = 64


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


def _decoded(body: bytes, charset: str | None) -> str:
    """Never raises: an error page in a charset Python does not know is an answer all the
    same (its status is what counts)."""
    try:
        return body.decode(charset or "utf-8-sig", errors="replace")
    except LookupError:
        return body.decode("utf-8-sig", errors="replace")


@dataclass(frozen=True)
class _Received:
    """What `requests.Response` offered of an answer, where msrest's errors keep it
    (`HttpOperationError.response`: bot/proactive.py reads its status and Retry-After)."""

    status_code: int
    headers: Any
    reason: str | None
    content: bytes
    charset: str | None = None

    @property
    def text(self) -> str:
        return _decoded(self.content, self.charset)


class _Answered(HTTPClientResponse):
    """A response read whole, as msrest's deserialiser expects."""

    def __init__(self, request: ClientRequest, received: _Received) -> None:
        super().__init__(request, received)
        self.status_code, self.headers = received.status_code, received.headers
        self.reason, self._charset = received.reason, received.charset
        self._body = received.content

    def body(self) -> bytes:
        return self._body

    def text(self, encoding: str | None = None) -> str:
        return _decoded(self._body, encoding or self._charset)


def _bundle() -> str:
    """Where `requests` looked for certificate authorities: REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE
    (a file or a directory), else certifi's bundle."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") \
        or DEFAULT_CA_BUNDLE_PATH


@functools.lru_cache(maxsize=4)
def _trusted(where: str) -> ssl.SSLContext:
    """Reading a bundle takes about 30 ms: once per process and bundle, at start-up
    (`HttpSessions.prepare`), not in a turn."""
    if os.path.isdir(where):
        return ssl.create_default_context(capath=where)
    return ssl.create_default_context(cafile=where)


def _described(error: BaseException) -> str:
    """What failed, without what aiohttp puts in its texts (headers, the proxy's password)."""
    if isinstance(error, aiohttp.ClientConnectorError):
        reason = error.os_error.strerror if error.os_error else None
        return f"could not connect to {error.host}:{error.port} ({reason or 'no reason given'})"
    status = getattr(error, "status", None)
    return f"{type(error).__name__}" + (f" (HTTP {status})" if status else "")


class HttpSessions:
    """One aiohttp session per event loop (the bot has one; tests and the CLI make others)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}
        self.tls: ssl.SSLContext | None = None

    def prepare(self) -> None:
        """The trusted authorities, read from the environment as it is now (at start-up)."""
        self.tls = _trusted(_bundle())

    def get(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            if self._session is not None and not self._session.closed:
                self._session.detach()  # its loop is gone (a test's, a finished CLI run)
            if self.tls is None:
                self.prepare()  # a runtime without an app (the CLI, tests) on its first send
            self._session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
            self._loop = loop
        return self._session

    def proxy(self, url: str) -> str | None:
        """The proxy `requests` would have used for `url` (its own rules: NO_PROXY with ports
        and address ranges, ALL_PROXY, a proxy given without a scheme), per scheme and host."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._proxies:
            if len(self._proxies) >= PROXIES_KEPT:
                self._proxies.clear()
            chosen = select_proxy(url, get_environ_proxies(url))
            self._proxies[key] = prepend_scheme_if_needed(chosen, "http") if chosen else None
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
        sessions, turn = self._sessions, answering.get()
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                async with sessions.get().request(
                    http.method, http.url, headers=http.headers, data=http.data,
                    timeout=self._timeout, proxy=sessions.proxy(http.url), ssl=sessions.tls or True,
                    allow_redirects=False,
                ) as answer:
                    if turn is not None:
                        turn.record(answer.status, answer.headers.get("Retry-After"))
                    body = await answer.read()
                break
            except (aiohttp.ClientSSLError, aiohttp.ClientConnectorCertificateError) as error:
                raise ClientRequestError(_described(error)) from None
            except aiohttp.ClientConnectorError as error:
                if attempt + 1 == CONNECT_ATTEMPTS:
                    raise ClientRequestError(_described(error)) from None
                await asyncio.sleep(CONNECT_PAUSE * 2**attempt)
            except (aiohttp.ClientError, TimeoutError) as error:
                raise ClientRequestError(_described(error)) from None
        received = _Received(answer.status, answer.headers, answer.reason, body, answer.charset)
        return Response(request, _Answered(http, received))
