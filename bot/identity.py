"""Calls to the identity services, off the event loop and with a timeout.

botframework-connector fetches the Bot Framework's signing keys (OpenID metadata and JWKS, once
a day and when a token names a key it has not seen), and msal fetches the bot's own token from
Entra ID, with blocking `requests` calls without a timeout inside the event loop: while either
service is slow every turn, health check and reminder waits, and a connection that never
answers stalls the process for good. Here keys are fetched in a worker thread, the bot's first
token too, and every call has a timeout; a timeout raises `requests.Timeout`, which
`/api/messages` answers with 503 so that the Bot Connector tries again later.

What is left in the loop: msal renews the token (about hourly) inside the SDK's synchronous
`get_access_token`; that call now gives up after `IDENTITY_TIMEOUT`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import requests
from botbuilder.integration.aiohttp import ConfigurationServiceClientCredentialFactory
from botframework.connector.auth import JwtTokenExtractor, MicrosoftAppCredentials
from botframework.connector.auth.jwt_token_extractor import _OpenIdMetadata
from msal import ConfidentialClientApplication

from bot.config import Settings

IDENTITY_TIMEOUT = 10.0  # seconds, for each request to an identity service


def _fetch_keys(url: str, timeout: float) -> list[dict[str, Any]]:
    metadata = requests.get(url, timeout=timeout)
    metadata.raise_for_status()
    keys = requests.get(metadata.json()["jwks_uri"], timeout=timeout)
    keys.raise_for_status()
    return keys.json()["keys"]


class ThreadedOpenIdMetadata(_OpenIdMetadata):
    """The SDK's key cache with its refresh moved to a thread."""

    async def _refresh(self) -> None:
        self.keys = await asyncio.to_thread(_fetch_keys, self.url, IDENTITY_TIMEOUT)
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


class CachedCredentialFactory(ConfigurationServiceClientCredentialFactory):
    """One credentials object per app id and scope, so msal reuses its token between turns
    (the SDK makes new credentials, and a new msal client with a login round trip, each turn).
    The msal client gets a timeout, and the first token is fetched in a worker thread."""

    def __init__(self, configuration: Settings) -> None:
        super().__init__(configuration)
        self._cache: dict[tuple[str, str, str], object] = {}

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> object:
        key = (app_id or "", oauth_scope or "", login_endpoint or "")
        if key not in self._cache:
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
                await asyncio.to_thread(credentials.get_access_token)
            self._cache[key] = credentials
        return self._cache[key]
