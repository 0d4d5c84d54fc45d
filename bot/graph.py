"""Microsoft Graph, app-only: put a file in a Teams channel's Files tab.

The token comes from msal's ConfidentialClientApplication with client credentials for the
conversation's tenant; msal caches it in memory until it expires. msal is blocking (requests), so
it runs in a worker thread; the Graph calls themselves use aiohttp. The authority host and the
Graph base URL are settings, for sovereign clouds and for tests against a local fake.

The app registration needs the application permission Files.ReadWrite.All with admin consent.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import msal

from bot.config import Settings
from dialogs.channel_files import GraphError, UploadedFile

# SharePoint refuses these in file names.
_BAD_NAME_CHARS = re.compile(r'["*:<>?/\\|#%]+')
_TIMEOUT = aiohttp.ClientTimeout(total=60)


@dataclass(frozen=True)
class GraphSettings:
    client_id: str
    client_secret: str
    tenant_id: str
    base_url: str
    authority_host: str

    @classmethod
    def from_settings(cls, settings: Settings) -> GraphSettings | None:
        """None unless uploads are switched on and there is an app id and secret to use."""
        client_id = settings.graph_client_id or settings.APP_ID
        secret = settings.graph_client_secret or settings.APP_PASSWORD
        if not (settings.graph_upload and client_id and secret):
            return None
        return cls(
            client_id=client_id,
            client_secret=secret,
            tenant_id=settings.graph_tenant_id or settings.APP_TENANTID,
            base_url=settings.graph_base_url.rstrip("/"),
            authority_host=settings.graph_authority_host.rstrip("/"),
        )

    @property
    def scope(self) -> str:
        """`https://graph.microsoft.com/.default`, for whichever Graph host is configured."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}/.default"


def safe_file_name(name: str) -> str:
    """A file name SharePoint accepts: no reserved characters, no leading or trailing dots."""
    return " ".join(_BAD_NAME_CHARS.sub("-", name).split()).strip(". ") or "fil"


class GraphClient:
    """Uploads files to channel folders; one instance per process keeps msal's token cache."""

    def __init__(self, settings: GraphSettings) -> None:
        self.settings = settings
        self._apps: dict[str, msal.ConfidentialClientApplication] = {}

    def _app(self, tenant: str) -> msal.ConfidentialClientApplication:
        if tenant not in self._apps:
            self._apps[tenant] = msal.ConfidentialClientApplication(
                self.settings.client_id,
                client_credential=self.settings.client_secret,
                authority=f"{self.settings.authority_host}/{tenant}",
                # Known Microsoft hosts skip discovery anyway; a configured host is trusted.
                instance_discovery=False,
            )
        return self._apps[tenant]

    async def token(self, tenant_id: str | None) -> str:
        """An app-only Graph token for the tenant (the configured one wins over the caller's)."""
        tenant = self.settings.tenant_id or tenant_id
        if not tenant:
            raise GraphError(0, "no tenant id to ask for a token")
        try:
            result = await asyncio.to_thread(
                lambda: self._app(tenant).acquire_token_for_client(scopes=[self.settings.scope])
            )
        except (ValueError, OSError) as error:  # msal: discovery failed; requests: no answer
            raise GraphError(0, f"token endpoint: {error}") from error
        if "access_token" not in result:
            raise GraphError(401, str(result.get("error_description") or result.get("error")))
        token: str = result["access_token"]
        return token

    async def _call(
        self, session: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
    ) -> dict[str, Any]:
        url = f"{self.settings.base_url}{path}"
        try:
            async with session.request(method, url, **kwargs) as response:
                if response.status >= 400:
                    raise GraphError(response.status, (await response.text())[:300])
                body: dict[str, Any] = await response.json(content_type=None)
                return body
        except aiohttp.ClientError as error:
            raise GraphError(0, f"{method} {path}: {error}") from error

    async def upload_to_channel(
        self, tenant_id: str | None, team_id: str, channel_id: str, name: str, data: bytes
    ) -> UploadedFile:
        """Put `data` in the channel's files folder; a file of the same name is replaced.

        GET /teams/{team}/channels/{channel}/filesFolder gives the folder's driveItem; the bytes
        go in one PUT (simple upload, fine below 250 MB).
        """
        token = await self.token(tenant_id)
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(headers=headers, timeout=_TIMEOUT) as session:
            folder = await self._call(
                session,
                "GET",
                f"/teams/{quote(team_id, safe='')}/channels/{quote(channel_id, safe='')}"
                "/filesFolder",
            )
            drive_id = folder.get("parentReference", {}).get("driveId")
            if not drive_id or not folder.get("id"):
                raise GraphError(502, "filesFolder without driveId")
            item = await self._call(
                session,
                "PUT",
                f"/drives/{quote(drive_id, safe='')}/items/{quote(folder['id'], safe='')}"
                f":/{quote(safe_file_name(name))}:/content",
                data=data,
                headers={"Content-Type": "application/octet-stream"},
            )
        return UploadedFile(
            name=item.get("name", name), web_url=item.get("webUrl", ""), item_id=item.get("id", "")
        )
