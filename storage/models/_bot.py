"""What keeps the bot running rather than the association's records: conversations, dialog state,
file offers, turns handled once, the user's language, saved reports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models._columns import IDENTIFIER, _info, utcnow
from storage.models._participants import AuditEntry


class ConversationRef(SQLModel, table=True):
    """Where the bot can write proactively: one row per Teams conversation it is installed in."""

    __tablename__ = "conversation_ref"
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(unique=True, index=True, sa_column_kwargs=IDENTIFIER)
    conversation_type: str = "personal"
    tenant_id: str | None = Field(default=None, sa_column_kwargs=IDENTIFIER)
    aad_object_id: str | None = Field(default=None, index=True, sa_column_kwargs=IDENTIFIER)
    user_name: str | None = None
    reference: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    removed_at: datetime | None = None


class BotStateItem(SQLModel, table=True):
    """Bot Framework conversation/user/dialog state, one JSON document per storage key."""

    __tablename__ = "bot_state"
    __table_args__ = (UniqueConstraint("key"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=1024, sa_column_kwargs=IDENTIFIER)
    document: str = Field(sa_column=Column(Text, nullable=False))
    etag: str = Field(max_length=64, sa_column_kwargs=IDENTIFIER)
    updated_at: datetime = Field(default_factory=utcnow)


class FileOffer(SQLModel, table=True):
    """A file the bot offered one user in one personal chat (a FileConsentCard), until the
    user accepts or declines it, once, or it expires. The card carries only `token`; what to
    build (`kind`, `params` as JSON) stays here, so an accept can name nothing else."""

    __tablename__ = "file_offer"
    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, max_length=64)
    conversation_id: str
    aad_object_id: str
    kind: str = Field(max_length=64)
    params: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    used_at: datetime | None = None


class ProcessedTurn(SQLModel, table=True):
    """One message handled once (storage/turns.py): written done in the same transaction as
    everything the turn wrote, with the replies it made (or claimed "running" first by a
    redelivery that has to run it again), so a redelivered message (a resend, a double tap, a
    retry after a crash) writes nothing again and gets back only the replies that never
    reached the user. A turn that wrote nothing has no row."""

    __tablename__ = "processed_turn"
    key: str = Field(primary_key=True, max_length=512, sa_column_kwargs=IDENTIFIER)
    owner: str = Field(max_length=64, sa_column_kwargs=IDENTIFIER)
    status: str = "running"
    lease_until: datetime
    # The replies as sent (JSON activities), until delivered. Their text went through the reply
    # guard (bot/privacy.py: redact_replies) already; the ids around it are Teams' and random,
    # and a run of their digits must not stop a turn that was saved.
    replies: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True, info={"pii": "identifier"})
    )
    sent: int = 0
    created_at: datetime = Field(default_factory=utcnow, index=True)


class UserLanguage(SQLModel, table=True):
    """The language a user chose with `språk en` / `språk sv`; without a row the bot speaks
    the deployment's default (STEGVIS_DEFAULT_LOCALE), whatever the Teams client says."""

    __tablename__ = "user_language"
    # The user's id in the channel (Teams: "29:…"), which every activity carries.
    user_id: str = Field(primary_key=True, max_length=512, sa_column_kwargs=IDENTIFIER)
    locale: str = Field(max_length=16)
    updated_at: datetime = Field(default_factory=utcnow)


class SavedReport(SQLModel, table=True):
    """A report someone saved with `spara rapport <namn>`: the parameters they asked with and
    the figures exactly as they were shown to them (masked when they read masked reports), so
    running it again can say what has changed since. Only its owner sees it."""

    __tablename__ = "saved_report"
    __table_args__ = (UniqueConstraint("owner_aad_object_id", "name_key"),)
    id: int | None = Field(default=None, primary_key=True)
    owner_aad_object_id: str = Field(index=True, max_length=64, sa_column_kwargs=IDENTIFIER)
    # As typed (normalised), and folded for finding it again whatever its case.
    name: str = Field(max_length=240, sa_column_kwargs=_info(pii="no_names", max_chars=60))
    name_key: str = Field(max_length=240, sa_column_kwargs=_info(pii="no_names", max_chars=60))
    # The report's fields as the one-line command takes them (period, dates, filters), as JSON.
    params: str = Field(sa_column=Column(Text, nullable=False, **_info(max_chars=4000)))
    # dialogs/report_files.to_json of what the owner saw: codes, printed counts, masks.
    figures: str = Field(sa_column=Column(Text, nullable=False))
    masked: bool
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)


# Tables that keep the bot running rather than the association's records: a turn that wrote
# only these changed nothing a user asked to change (bot/once.py, a card tapped again later).
BOOKKEEPING = frozenset(
    table.__tablename__
    for table in (ConversationRef, BotStateItem, FileOffer, AuditEntry, ProcessedTurn)
)
