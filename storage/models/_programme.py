"""The programme's work around the participants: steering-group minutes, staff training,
participant surveys, employers.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.models._columns import IDENTIFIER, PAST, _info, utcnow


class Meeting(SQLModel, table=True):
    """A steering-group meeting. Planned first (date and group) or logged at once; it has
    minutes once `minutes_logged_at` is set. Attendees are staff or officials, by name."""

    id: int | None = Field(default=None, primary_key=True)
    steering_group_id: int = Field(foreign_key="steering_group.id", index=True)
    meeting_date: date = Field(index=True, sa_column_kwargs=_info(days_ahead=2 * 366))
    attendees: str = Field(
        default="", sa_column=Column(Text, nullable=False, **_info(max_chars=2000))
    )
    items: str = Field(default="", sa_column=Column(Text, nullable=False, **_info(max_chars=8000)))
    minutes_logged_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MeetingDecision(SQLModel, table=True):
    """A decision recorded in a meeting's minutes."""

    __tablename__ = "meeting_decision"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False, **_info(max_chars=2000)))
    created_at: datetime = Field(default_factory=utcnow)


class ActionPoint(SQLModel, table=True):
    """An åtgärdspunkt: who does what by when. Owners who are staff get reminders."""

    __tablename__ = "action_point"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False, **_info(max_chars=1000)))
    owner_name: str = Field(default="", sa_column_kwargs=_info(max_chars=200))
    owner_staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    due_date: date | None = Field(default=None, index=True)
    done_at: datetime | None = None
    done_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


class InterimDecision(SQLModel, table=True):
    """A decision the programme lead (or another minutes writer) took between two meetings of a
    group. It belongs to no meeting: the next meeting of the group on or after its date lists it
    for the group to take note of (anmälan), so it is never re-typed into the minutes."""

    __tablename__ = "interim_decision"
    id: int | None = Field(default=None, primary_key=True)
    steering_group_id: int = Field(foreign_key="steering_group.id", index=True)
    decided_on: date = Field(index=True, sa_column_kwargs=PAST)
    text: str = Field(sa_column=Column(Text, nullable=False, **_info(max_chars=2000)))
    decided_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


# --- staff training -------------------------------------------------------------------------


class TrainingSession(SQLModel, table=True):
    """A training session for staff of the member organisations: counts, never names.

    `survey_*` are the post-training survey's counts (how many answered, how many found it
    useful), None until recorded."""

    __tablename__ = "training_session"
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    held_on: date = Field(index=True, sa_column_kwargs=PAST)
    theme: str
    title: str = Field(default="", sa_column_kwargs=_info(pii="no_names", max_chars=200))
    # Attendees already counted at an earlier session: progress counts people once.
    already_counted: int = 0
    survey_responses: int | None = None
    survey_useful: int | None = None
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class TrainingAttendance(SQLModel, table=True):
    """How many from one kind of organisation attended a session."""

    __tablename__ = "training_attendance"
    session_id: int = Field(
        foreign_key="training_session.id", primary_key=True, ondelete="CASCADE"
    )
    organisation: str = Field(primary_key=True)
    attendees: int


# --- participant surveys ----------------------------------------------------------------------


class SurveyQuestion(SQLModel, table=True):
    """A Likert statement of the participant survey, from the organisation file.

    `moments` is "enrolment", "exit" or both, comma-separated; `programmes` the codes it is
    asked in, comma-separated, empty for every programme."""

    __tablename__ = "survey_question"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    text: str = Field(sa_column_kwargs=_info(pii="no_names", max_chars=300))
    moments: str
    programmes: str = ""
    position: int = 0
    active: bool = True


class SurveyResponse(SQLModel, table=True):
    """One participant's answers at enrolment or exit, stored so they cannot be traced back:
    no participant, no time of day, a random id (no insertion order), the half-year only."""

    __tablename__ = "survey_response"
    id: str = Field(primary_key=True, max_length=40, sa_column_kwargs=IDENTIFIER)
    moment: str
    programme_id: int = Field(foreign_key="programme.id")
    county_part_id: int = Field(foreign_key="county_part.id")
    period: str = Field(index=True)
    gender: str
    age_band: str


class SurveyAnswer(SQLModel, table=True):
    """An answer 1 (instämmer inte alls) to 5 (instämmer helt); a skipped question has none."""

    __tablename__ = "survey_answer"
    response_id: str = Field(
        foreign_key="survey_response.id", primary_key=True, ondelete="CASCADE", max_length=40
    )
    question_code: str = Field(primary_key=True)
    value: int


# --- employers --------------------------------------------------------------------------------


class Employer(SQLModel, table=True):
    """An employer the coaches work with. The business contact (role, name, phone) is the one
    place a name and a phone number may be stored; both are removed by retention after
    `employer_contact_years` without contact. Placements belong to it by the employer name."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column_kwargs=_info(max_chars=200))
    org_number: str = Field(default="", sa_column_kwargs=_info(max_chars=11))
    sector: str
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    contact_role: str = Field(default="", sa_column_kwargs=_info(max_chars=100))
    contact_name: str = Field(default="", sa_column_kwargs=_info(max_chars=200))
    contact_phone: str = Field(default="", sa_column_kwargs=_info(max_chars=30))
    open_slots: int = 0
    last_contact_on: date | None = Field(default=None, sa_column_kwargs=PAST)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class EmployerContact(SQLModel, table=True):
    """One contact with an employer (`kontakt ICA Flen: möte om två platser`)."""

    __tablename__ = "employer_contact"
    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True, ondelete="CASCADE")
    contact_date: date = Field(index=True, sa_column_kwargs=PAST)
    text: str = Field(sa_column=Column(Text, nullable=False, **_info(max_chars=1000)))
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
