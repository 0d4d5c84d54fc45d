"""The Bot Framework's token-signing keys, fetched off the event loop and with a timeout.

botframework-connector refreshes its OpenID metadata and keys (once a day, and when a token
names a key it has not seen) with blocking `requests.get` calls without a timeout, inside the
event loop: while login.botframework.com is slow every turn, health check and reminder waits,
and a connection that never answers stalls the process for good. `install()` makes the SDK's
per-URL metadata cache hold `ThreadedOpenIdMetadata`, which fetches in a worker thread; a
timeout raises `requests.Timeout`, which the endpoint answers with 503.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import requests
from botframework.connector.auth import JwtTokenExtractor
from botframework.connector.auth.jwt_token_extractor import _OpenIdMetadata

KEY_FETCH_TIMEOUT = 10.0  # seconds, for each of the two requests


def _fetch_keys(url: str, timeout: float) -> list[dict[str, Any]]:
    metadata = requests.get(url, timeout=timeout)
    metadata.raise_for_status()
    keys = requests.get(metadata.json()["jwks_uri"], timeout=timeout)
    keys.raise_for_status()
    return keys.json()["keys"]


class ThreadedOpenIdMetadata(_OpenIdMetadata):
    """The SDK's key cache with its refresh moved to a thread."""

    async def _refresh(self) -> None:
        self.keys = await asyncio.to_thread(_fetch_keys, self.url, KEY_FETCH_TIMEOUT)
        self.last_updated = datetime.now()


def _metadata_for(url: str) -> _OpenIdMetadata:
    cache = JwtTokenExtractor.metadataCache
    found = cache.get(url)
    if found is None:
        found = cache.setdefault(url, ThreadedOpenIdMetadata(url))
    return found


def install() -> None:
    """Every JwtTokenExtractor made from now on uses the threaded key cache."""
    JwtTokenExtractor.get_open_id_metadata = staticmethod(_metadata_for)
