"""The association and how it is organised: county parts, municipalities, programmes, steering
groups, staff.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, SQLModel

from storage.models._columns import IDENTIFIER, _info, utcnow


class Association(SQLModel, table=True):
    """The samordningsförbund this deployment serves (one row)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    short_name: str
    small_cell_threshold: int = 5
    # The organisation file's [retention] table as JSON (storage.org.RetentionPolicy); None:
    # the documented defaults.
    retention: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Masked reports do not break down a total below this ("för få för att redovisa").
    report_min_population: int = Field(default=20, sa_column_kwargs={"server_default": "20"})
    # The one grain of masked reports: "month", "quarter", "half" or "year".
    report_grid: str = Field(default="half", sa_column_kwargs={"server_default": "half"})
    # The organisation file's Word template for exit documentation (storage.org).
    exit_document_template: bytes | None = Field(
        default=None, sa_column=Column(LargeBinary, nullable=True)
    )
    # The organisation file's [[goals]] as JSON (storage/goals.py); None: no goals set.
    goals: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


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
    # A staff-training programme's goals (Inkluderingslyftet: 180 trained, 90 % found it
    # useful); None where the programme trains no staff.
    training_target: int | None = None
    training_useful_goal: int | None = None


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
    aad_object_id: str = Field(unique=True, index=True, sa_column_kwargs=IDENTIFIER)
    display_name: str = Field(sa_column_kwargs=_info(max_chars=200))
    role: str
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class StaffCountyPart(SQLModel, table=True):
    __tablename__ = "staff_county_part"
    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    county_part_id: int = Field(foreign_key="county_part.id", primary_key=True)
