"""Calls to the identity services, off the event loop and with a timeout.

botframework-connector fetches the Bot Framework's signing keys (OpenID metadata and JWKS, once
a day), and msal fetches the bot's own token from
Entra ID, with blocking `requests` calls without a timeout inside the event loop: while either
service is slow every turn, health check and reminder waits, and a connection that never
answers stalls the process for good. Here keys and the bot's token are fetched and renewed in
a worker thread, and every call has a timeout; a timeout raises `requests.Timeout`, which
`/api/messages` answers with 503 so that the Bot Connector tries again later.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import datetime
from typing import Any

import requests
from botbuilder.integration.aiohttp import ConfigurationServiceClientCredentialFactory
from botframework.connector.auth import JwtTokenExtractor, MicrosoftAppCredentials
from botframework.connector.auth.jwt_token_extractor import _OpenIdConfig, _OpenIdMetadata
from jwt.algorithms import RSAAlgorithm
from jwt.exceptions import InvalidKeyError
from msal import ConfidentialClientApplication

from bot.config import Settings

log = logging.getLogger(__name__)

IDENTITY_TIMEOUT = 10.0  # seconds, for each request to an identity service
# msal treats a cached token with less than five minutes left as expired; renew a little before.
MSAL_EXPIRY_MARGIN = 5 * 60 + 10


def _fetch_keys(url: str, timeout: float) -> list[dict[str, Any]]:
    metadata = requests.get(url, timeout=timeout)
    metadata.raise_for_status()
    keys = requests.get(metadata.json()["jwks_uri"], timeout=timeout)
    keys.raise_for_status()
    found = keys.json()["keys"]
    if not isinstance(found, list):
        raise requests.RequestException("the JWKS document has no list of keys")
    return found


KEYS_MAX_AGE = 24 * 3600.0  # seconds; the SDK's daily refresh
UNKNOWN_KEY_REFRESH = 3600.0  # a token naming a key we lack refetches at most this often
RETRY_AFTER_FAILURE = 60.0  # after a failed fetch, the next try waits this long
FETCH_ERRORS = (requests.RequestException, OSError, ValueError, KeyError, TypeError)
monotonic = time.monotonic  # tests move time forward here (key cache and token renewal)


class ThreadedOpenIdMetadata(_OpenIdMetadata):
    """The SDK's key cache, fetched in a worker thread with a timeout, by one request at a time.

    The SDK's own cache refetched on every request while its keys were stale (each request in
    its own blocking call), and raised IndexError for a key id it did not know instead of
    refetching, so a newly published key was refused until the next daily refresh. Here:
    one fetch at a time (others wait for it), a key id not in the cache refetches at most once
    an hour, a failed refresh keeps the keys already known and is retried after a minute,
    and with no keys at all the callers get `requests.ConnectionError` (503) at once until then.
    """

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.keys: list[Any] = self.keys  # the SDK's list of JWKs (dicts), untyped there
        self._lock = asyncio.Lock()
        self._fetched_at: float | None = None
        self._next_try = 0.0

    async def get(self, key_id: str) -> Any:
        fetched_at = self._fetched_at
        if fetched_at is None or monotonic() - fetched_at >= KEYS_MAX_AGE:
            await self._refresh_after(fetched_at)
        key = self._find(key_id)
        seen = self._fetched_at
        if key is None and seen is not None and monotonic() - seen >= UNKNOWN_KEY_REFRESH:
            await self._refresh_after(seen)
            key = self._find(key_id)
        if key is None:
            raise PermissionError("the token's signing key is not published")
        return key

    async def _refresh_after(self, seen: float | None) -> None:
        """Fetch the keys unless someone did since `seen` or a failure is too recent."""
        async with self._lock:
            if self._fetched_at != seen:
                return  # fetched while this request waited for the lock
            if monotonic() < self._next_try:
                if not self.keys:
                    raise requests.ConnectionError("Bot Framework signing keys unavailable")
                return
            try:
                keys = await asyncio.to_thread(_fetch_keys, self.url, IDENTITY_TIMEOUT)
            except FETCH_ERRORS as error:
                self._next_try = monotonic() + RETRY_AFTER_FAILURE
                if not self.keys:
                    raise requests.ConnectionError(str(error)) from error
                log.warning("could not refresh the signing keys, keeping the known ones: %s", error)
                return
            self.keys = keys
            self._fetched_at = monotonic()
            self.last_updated = datetime.now()

    def _find(self, key_id: str) -> Any:
        for key in self.keys:
            if isinstance(key, dict) and key_id and key.get("kid") == key_id:
                try:
                    public_key = RSAAlgorithm.from_jwk(json.dumps(key))
                except (ValueError, TypeError, KeyError, InvalidKeyError):
                    return None
                return _OpenIdConfig(public_key, key.get("endorsements") or [])
        return None


def _metadata_for(url: str) -> _OpenIdMetadata:
    cache = JwtTokenExtractor.metadataCache
    found = cache.get(url)
    if found is None:
        found = cache.setdefault(url, ThreadedOpenIdMetadata(url))
    return found


def install() -> None:
    """Every JwtTokenExtractor made from now on uses the threaded key cache."""
    JwtTokenExtractor.get_open_id_metadata = staticmethod(_metadata_for)


def _seconds_until_renewal(credentials: MicrosoftAppCredentials) -> float:
    """In a worker thread: get the bot's token (msal fetches it if it has none, or none that is
    good for five more minutes), then say how long until msal would go to Entra ID again."""
    credentials.get_access_token()
    scope = credentials.oauth_scope
    scopes = [scope if scope.endswith("/.default") else f"{scope}/.default"]
    cached = credentials.app.acquire_token_silent(scopes, account=None) or {}
    left = cached.get("expires_in", 0) - MSAL_EXPIRY_MARGIN
    if "refresh_on" in cached:  # long-lived tokens: msal renews them from half-life on
        left = min(left, cached["refresh_on"] - time.time())
    seconds: float = max(left, 0.0)
    return seconds


class CachedCredentialFactory(ConfigurationServiceClientCredentialFactory):
    """One credentials object per app id and scope, so msal reuses its token between turns
    (the SDK makes new credentials, and a new msal client with a login round trip, each turn).

    Every turn and every proactive message asks for credentials here before the SDK uses them,
    so this is where the token is kept fresh: fetched and renewed in a worker thread shortly
    before msal would renew it inside the SDK's synchronous call. The msal client also gets a
    timeout, for when that call has to go to Entra ID after all.
    """

    def __init__(self, configuration: Settings) -> None:
        super().__init__(configuration)
        self._cache: dict[tuple[str, str, str], object] = {}
        self._renew_at: dict[tuple[str, str, str], float] = {}
        self._renewing: dict[tuple[str, str, str], asyncio.Lock] = {}

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> object:
        key = (app_id or "", oauth_scope or "", login_endpoint or "")
        credentials = self._cache.get(key)
        if credentials is None:
            credentials = await super().create_credentials(
                app_id, oauth_scope, login_endpoint, validate_authority
            )
            if isinstance(credentials, MicrosoftAppCredentials) and credentials.microsoft_app_id:
                # What the SDK would build on first use, plus the timeout it leaves out.
                credentials.app = ConfidentialClientApplication(
                    client_id=credentials.microsoft_app_id,
                    client_credential=credentials.microsoft_app_password,
                    authority=credentials.oauth_endpoint,
                    timeout=IDENTITY_TIMEOUT,
                )
                self._renewing[key] = asyncio.Lock()
            self._cache[key] = credentials
        if key in self._renewing and monotonic() >= self._renew_at.get(key, 0.0):
            async with self._renewing[key]:
                if monotonic() >= self._renew_at.get(key, 0.0):
                    left = await asyncio.to_thread(_seconds_until_renewal, credentials)
                    self._renew_at[key] = monotonic() + left
        return credentials
