"""Process configuration, read once from the environment and an optional `.env` file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from dotenv import load_dotenv

from dialogs.files import DEFAULT_UPLOAD_HOSTS
from storage.db import DEFAULT_DATABASE_URL, normalise_database_url


def _split(value: str | None) -> frozenset[str]:
    return frozenset(part.strip().lower() for part in (value or "").split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the process needs; attribute names in capitals are what botbuilder reads."""

    APP_ID: str = ""
    APP_PASSWORD: str = ""
    APP_TYPE: str = "MultiTenant"
    APP_TENANTID: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "0.0.0.0"
    port: int = 3978
    allowed_tenants: frozenset[str] = field(default_factory=frozenset)
    bootstrap_admins: frozenset[str] = field(default_factory=frozenset)
    org_file: Path | None = None
    default_locale: str = "sv-SE"
    # Minutes to a channel's Files through Microsoft Graph (app-only; off unless switched on).
    # Client id and secret default to the bot's own; tenant to the bot's, else the team's.
    graph_upload: bool = False
    graph_tenant_id: str = ""
    graph_client_id: str = ""
    graph_client_secret: str = ""
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    graph_authority_host: str = "https://login.microsoftonline.com"
    # Hosts an accepted FileConsentCard may upload to (dialogs/files.py): a domain allows https
    # to it and its subdomains, an entry with a scheme allows exactly that (tests: loopback).
    file_upload_hosts: tuple[str, ...] = DEFAULT_UPLOAD_HOSTS
    # Reminders: the scheduler runs in `serve` (one leader among instances) unless switched off;
    # Settings() in tests leaves it off. Times are Europe/Stockholm.
    reminders_enabled: bool = False
    reminder_time: time = time(8, 0)
    reminder_dispatch_seconds: float = 60
    reminder_lease_seconds: float = 120
    reminder_catch_up_days: int = 7
    reminder_senders: int = 1
    reminder_app_limit: int = 30
    # Load: turns handled at once (more wait up to turn_wait_seconds, then get 503); the
    # PostgreSQL pool is sized from it.
    max_turns: int = 32
    turn_wait_seconds: float = 0.5
    # Exactly-once turns (bot/once.py): how long a delivery holds a message it is running or
    # answering before a redelivery may take it over (its process is then taken for dead).
    turn_lease_seconds: float = 20
    # Bot Framework endpoints; None means the public cloud. Set for sovereign clouds, and by
    # tests that sign their own tokens against a local OpenID/token endpoint.
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str | None = None
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str | None = None

    @property
    def pool_size(self) -> int:
        """PostgreSQL connections: one per turn in flight (a turn holds one at a time), the
        reminder senders, and a few for the leader lock, planning and /healthz."""
        return self.max_turns + self.reminder_senders + 4

    @property
    def auth_enabled(self) -> bool:
        """Without an app id the bot runs open, for local development and the emulator."""
        return bool(self.APP_ID)

    def tenant_allowed(self, tenant_id: str | None) -> bool:
        """An explicit allow-list wins; a single-tenant app accepts its own tenant only."""
        allowed = self.allowed_tenants or _split(self.APP_TENANTID)
        if not allowed:
            return True
        return bool(tenant_id) and tenant_id.lower() in allowed

    @classmethod
    def from_env(cls, env_file: str | os.PathLike[str] | None = ".env") -> Settings:
        """Read `MicrosoftAppId` and friends (Azure's names) plus Stegvis' own variables."""
        if env_file and Path(env_file).is_file():
            load_dotenv(env_file, override=False)
        env = os.environ
        org_file = env.get("STEGVIS_ORG_FILE")
        return cls(
            APP_ID=env.get("MicrosoftAppId", ""),
            APP_PASSWORD=env.get("MicrosoftAppPassword", ""),
            APP_TYPE=env.get("MicrosoftAppType", "MultiTenant") or "MultiTenant",
            APP_TENANTID=env.get("MicrosoftAppTenantId", ""),
            database_url=normalise_database_url(env.get("DATABASE_URL", DEFAULT_DATABASE_URL)),
            host=env.get("HOST", "0.0.0.0"),
            port=int(env.get("PORT", "3978")),
            allowed_tenants=_split(env.get("STEGVIS_ALLOWED_TENANTS")),
            bootstrap_admins=_split(env.get("STEGVIS_ADMIN_AAD_IDS")),
            org_file=Path(org_file) if org_file else None,
            default_locale=env.get("STEGVIS_DEFAULT_LOCALE", "sv-SE"),
            reminders_enabled=env.get("STEGVIS_REMINDERS", "on").strip().lower()
            not in {"0", "false", "no", "nej", "off", "av"},
            reminder_time=time.fromisoformat(env.get("STEGVIS_REMINDER_TIME", "08:00")),
            reminder_dispatch_seconds=float(env.get("STEGVIS_REMINDER_DISPATCH_SECONDS", "60")),
            reminder_lease_seconds=float(env.get("STEGVIS_REMINDER_LEASE_SECONDS", "120")),
            reminder_catch_up_days=int(env.get("STEGVIS_REMINDER_CATCH_UP_DAYS", "7")),
            reminder_senders=max(1, int(env.get("STEGVIS_REMINDER_SENDERS", "1"))),
            reminder_app_limit=max(1, int(env.get("STEGVIS_REMINDER_APP_LIMIT", "30"))),
            max_turns=max(1, int(env.get("STEGVIS_MAX_TURNS", "32"))),
            turn_wait_seconds=max(0.0, float(env.get("STEGVIS_TURN_WAIT_SECONDS", "0.5"))),
            turn_lease_seconds=max(1.0, float(env.get("STEGVIS_TURN_LEASE_SECONDS", "20"))),
            graph_upload=env.get("STEGVIS_GRAPH_UPLOAD", "").strip().lower()
            in {"1", "on", "true", "yes", "ja"},
            graph_tenant_id=env.get("STEGVIS_GRAPH_TENANT_ID", ""),
            graph_client_id=env.get("STEGVIS_GRAPH_CLIENT_ID", ""),
            graph_client_secret=env.get("STEGVIS_GRAPH_CLIENT_SECRET", ""),
            graph_base_url=env.get("STEGVIS_GRAPH_BASE_URL")
            or "https://graph.microsoft.com/v1.0",
            graph_authority_host=env.get("STEGVIS_GRAPH_AUTHORITY_HOST")
            or "https://login.microsoftonline.com",
            file_upload_hosts=tuple(
                host.strip()
                for host in (env.get("STEGVIS_FILE_UPLOAD_HOSTS") or "").split(",")
                if host.strip()
            )
            or DEFAULT_UPLOAD_HOSTS,
        )
