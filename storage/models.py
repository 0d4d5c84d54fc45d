"""SQL tables. Participants (later) are pseudonymous codes: no names, no personnummer anywhere."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The one clock for stored timestamps (aware UTC)."""
    return datetime.now(UTC)


class Association(SQLModel, table=True):
    """The samordningsförbund this deployment serves (one row)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    short_name: str
    small_cell_threshold: int = 5


class CountyPart(SQLModel, table=True):
    """A länsdel: the unit coordinators and local steering groups work in."""

    __tablename__ = "county_part"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    base_town: str = ""
    code_prefix: str = ""


class Municipality(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    county_part_id: int = Field(foreign_key="county_part.id", index=True)


class Programme(SQLModel, table=True):
    """An insats. `county_parts` empty means county-wide."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    active: bool = True
    takes_participants: bool = True


class ProgrammeCountyPart(SQLModel, table=True):
    __tablename__ = "programme_county_part"
    programme_id: int = Field(foreign_key="programme.id", primary_key=True)
    county_part_id: int = Field(foreign_key="county_part.id", primary_key=True)


class SteeringGroup(SQLModel, table=True):
    """Styrgrupp, lokal styrgrupp, LSG or board; `county_part_id` None means county-wide."""

    __tablename__ = "steering_group"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    kind: str
    county_part_id: int | None = Field(default=None, foreign_key="county_part.id")
    programme_id: int | None = Field(default=None, foreign_key="programme.id")
    meetings_per_half_year: int = 2


class Staff(SQLModel, table=True):
    """A member of staff, known by their Entra ID object id (aadObjectId), with one role."""

    id: int | None = Field(default=None, primary_key=True)
    aad_object_id: str = Field(unique=True, index=True)
    display_name: str
    role: str
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class StaffCountyPart(SQLModel, table=True):
    __tablename__ = "staff_county_part"
    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    county_part_id: int = Field(foreign_key="county_part.id", primary_key=True)


class ConversationRef(SQLModel, table=True):
    """Where the bot can write proactively: one row per Teams conversation it is installed in."""

    __tablename__ = "conversation_ref"
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(unique=True, index=True)
    conversation_type: str = "personal"
    tenant_id: str | None = None
    aad_object_id: str | None = Field(default=None, index=True)
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
    key: str = Field(max_length=1024)
    document: str = Field(sa_column=Column(Text, nullable=False))
    etag: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)
