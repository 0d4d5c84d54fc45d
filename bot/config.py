"""Process configuration, read once from the environment and an optional `.env` file.

`Settings` is what the process uses (tests build it directly; `Settings()` reads nothing).
`Environment` is how it is read: pydantic-settings, one field per variable under its own name,
each parsed as before and validated, so a bad value stops the start with an error that names
the variable instead of a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Annotated, Any

from dotenv import load_dotenv
from pydantic import AfterValidator, BeforeValidator, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

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
        if not tenant_id:
            return False
        return tenant_id.lower() in allowed

    @classmethod
    def from_env(cls, env_file: str | os.PathLike[str] | None = ".env") -> Settings:
        """Read `MicrosoftAppId` and friends (Azure's names) plus Stegvis' own variables.

        `.env` is loaded into the environment first (the environment wins); raises
        SettingsError naming every variable with a bad value."""
        if env_file and Path(env_file).is_file():
            load_dotenv(env_file, override=False)
        try:
            return Environment().settings()
        except ValidationError as error:
            raise SettingsError(error) from None


class SettingsError(ValueError):
    """Variables with values that cannot be used; `problems` has one line per variable."""

    def __init__(self, error: ValidationError) -> None:
        self.problems = [
            f"{'.'.join(str(part) for part in issue['loc'])}={str(issue['input'])[:80]!r}: "
            f"{issue['msg']}"
            for issue in error.errors(include_url=False)
        ]
        super().__init__("; ".join(self.problems))


def _on_unless_off(value: str) -> bool:
    return value.strip().lower() not in {"0", "false", "no", "nej", "off", "av"}


def _off_unless_on(value: str) -> bool:
    return value.strip().lower() in {"1", "on", "true", "yes", "ja"}


def _hosts(value: str) -> tuple[str, ...]:
    return tuple(host.strip() for host in value.split(",") if host.strip())


def _at_least(floor: float) -> AfterValidator:
    return AfterValidator(lambda value: max(floor, value))


# Each variable is parsed exactly as the hand-written reader did (int(), float(),
# time.fromisoformat(), the same on/off words and clamps); pydantic adds the variable's name to
# whatever that parse rejects.
Int = Annotated[int, BeforeValidator(int)]
Float = Annotated[float, BeforeValidator(float)]


def _var(name: str, default: Any) -> Any:
    """A field read from the variable `name`."""
    return Field(default, validation_alias=name)


class Environment(BaseSettings):
    """The environment variables, under their own names (README "Configuration")."""

    model_config = SettingsConfigDict(case_sensitive=True, frozen=True, validate_default=False)

    app_id: str = _var("MicrosoftAppId", "")
    app_password: str = _var("MicrosoftAppPassword", "")
    app_type: str = _var("MicrosoftAppType", "MultiTenant")
    app_tenant_id: str = _var("MicrosoftAppTenantId", "")
    database_url: Annotated[str, AfterValidator(normalise_database_url)] = _var(
        "DATABASE_URL", DEFAULT_DATABASE_URL
    )
    host: str = _var("HOST", "0.0.0.0")
    port: Int = _var("PORT", 3978)
    allowed_tenants: str = _var("STEGVIS_ALLOWED_TENANTS", "")
    admin_aad_ids: str = _var("STEGVIS_ADMIN_AAD_IDS", "")
    org_file: str = _var("STEGVIS_ORG_FILE", "")
    default_locale: str = _var("STEGVIS_DEFAULT_LOCALE", "sv-SE")
    reminders: Annotated[bool, BeforeValidator(_on_unless_off)] = _var("STEGVIS_REMINDERS", True)
    reminder_time: Annotated[time, BeforeValidator(time.fromisoformat)] = _var(
        "STEGVIS_REMINDER_TIME", time(8, 0)
    )
    reminder_dispatch_seconds: Float = _var("STEGVIS_REMINDER_DISPATCH_SECONDS", 60.0)
    reminder_lease_seconds: Float = _var("STEGVIS_REMINDER_LEASE_SECONDS", 120.0)
    reminder_catch_up_days: Int = _var("STEGVIS_REMINDER_CATCH_UP_DAYS", 7)
    reminder_senders: Annotated[Int, _at_least(1)] = _var("STEGVIS_REMINDER_SENDERS", 1)
    reminder_app_limit: Annotated[Int, _at_least(1)] = _var("STEGVIS_REMINDER_APP_LIMIT", 30)
    max_turns: Annotated[Int, _at_least(1)] = _var("STEGVIS_MAX_TURNS", 32)
    turn_wait_seconds: Annotated[Float, _at_least(0.0)] = _var("STEGVIS_TURN_WAIT_SECONDS", 0.5)
    turn_lease_seconds: Annotated[Float, _at_least(1.0)] = _var("STEGVIS_TURN_LEASE_SECONDS", 20.0)
    graph_upload: Annotated[bool, BeforeValidator(_off_unless_on)] = _var(
        "STEGVIS_GRAPH_UPLOAD", False
    )
    graph_tenant_id: str = _var("STEGVIS_GRAPH_TENANT_ID", "")
    graph_client_id: str = _var("STEGVIS_GRAPH_CLIENT_ID", "")
    graph_client_secret: str = _var("STEGVIS_GRAPH_CLIENT_SECRET", "")
    graph_base_url: str = _var("STEGVIS_GRAPH_BASE_URL", "")
    graph_authority_host: str = _var("STEGVIS_GRAPH_AUTHORITY_HOST", "")
    file_upload_hosts: str = _var("STEGVIS_FILE_UPLOAD_HOSTS", "")

    def settings(self) -> Settings:
        """The process settings; an empty app type, Graph endpoint or host list means the
        default, as it always has."""
        return Settings(
            APP_ID=self.app_id,
            APP_PASSWORD=self.app_password,
            APP_TYPE=self.app_type or "MultiTenant",
            APP_TENANTID=self.app_tenant_id,
            database_url=self.database_url,
            host=self.host,
            port=self.port,
            allowed_tenants=_split(self.allowed_tenants),
            bootstrap_admins=_split(self.admin_aad_ids),
            org_file=Path(self.org_file) if self.org_file else None,
            default_locale=self.default_locale,
            reminders_enabled=self.reminders,
            reminder_time=self.reminder_time,
            reminder_dispatch_seconds=self.reminder_dispatch_seconds,
            reminder_lease_seconds=self.reminder_lease_seconds,
            reminder_catch_up_days=self.reminder_catch_up_days,
            reminder_senders=self.reminder_senders,
            reminder_app_limit=self.reminder_app_limit,
            max_turns=self.max_turns,
            turn_wait_seconds=self.turn_wait_seconds,
            turn_lease_seconds=self.turn_lease_seconds,
            graph_upload=self.graph_upload,
            graph_tenant_id=self.graph_tenant_id,
            graph_client_id=self.graph_client_id,
            graph_client_secret=self.graph_client_secret,
            graph_base_url=self.graph_base_url or "https://graph.microsoft.com/v1.0",
            graph_authority_host=self.graph_authority_host or "https://login.microsoftonline.com",
            file_upload_hosts=_hosts(self.file_upload_hosts) or DEFAULT_UPLOAD_HOSTS,
        )
