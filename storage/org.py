"""Organisation as data: read a TOML description and apply it to the database idempotently."""

from __future__ import annotations

import io
import json
import tomllib
import zipfile
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import lookups, pii
from storage.goals import Goal, GoalError, goals_to_json, parse_goals
from storage.models import (
    Association,
    CountyPart,
    Municipality,
    Programme,
    ProgrammeCountyPart,
    SteeringGroup,
    SurveyQuestion,
    key_of,
)

DEFAULT_ORG_FILE = Path(__file__).with_name("org_default.toml")
STEERING_GROUP_KINDS = frozenset({"styrgrupp", "lokal_styrgrupp", "lsg", "styrelse"})


class OrgConfigError(ValueError):
    """The organisation file is inconsistent; the message says where."""


@dataclass(frozen=True)
class CountyPartSpec:
    code: str
    name: str
    base_town: str
    code_prefix: str
    municipalities: tuple[str, ...]


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    county_parts: tuple[str, ...]
    takes_participants: bool = True
    training_target: int | None = None
    training_useful_goal: int | None = None


SURVEY_MOMENTS = ("enrolment", "exit")


@dataclass(frozen=True)
class SurveyQuestionSpec:
    """A Likert statement of the participant survey (`[[survey_questions]]`)."""

    code: str
    text: str
    moments: tuple[str, ...]
    programmes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SteeringGroupSpec:
    code: str
    name: str
    kind: str
    county_part: str | None
    programme: str | None
    meetings_per_half_year: int


PARTICIPANT_REMOVAL = ("anonymise", "delete")


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of record is kept (the organisation file's [retention] table).

    A period of 0 means "never removed". The defaults are a starting point for the
    association's own decision on retention (gallringsbeslut), documented in docs/privacy.md.
    `participant_removal` says what both retention and erasure (`radera`) do with a participant:
    "anonymise" keeps the coded facts so report counts stay, "delete" removes the row.
    """

    participant_years_after_exit: int = 2
    participant_years_after_not_accepted: int = 2
    undecided_referral_years: int = 1
    audit_years: int = 3
    outbox_days: int = 90
    dialog_state_days: int = 30
    minutes_years: int = 0
    employer_contact_years: int = 2
    participant_removal: str = "anonymise"
    # Saved reports (`spara rapport`), counted from when they were last saved: their figures
    # may be small groups of the owner's county part.
    saved_report_days: int = 365

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> RetentionPolicy:
        """The stored policy; keys this version does not know are ignored, missing ones get
        their defaults (a database written by an older or newer version still loads)."""
        if not text:
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in json.loads(text).items() if k in known})


def parse_retention(table: dict[str, Any]) -> RetentionPolicy:
    """Validate [retention]: whole numbers ≥ 0, a known removal mode, no unknown keys (a typo
    must not silently keep data for ever)."""
    if not isinstance(table, dict):
        raise OrgConfigError("retention ska vara en tabell: [retention]")
    known = {f.name for f in fields(RetentionPolicy)}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise OrgConfigError(f"retention: okänd nyckel {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "participant_removal":
            if value not in PARTICIPANT_REMOVAL:
                modes = " eller ".join(PARTICIPANT_REMOVAL)
                raise OrgConfigError(f"retention: participant_removal ska vara {modes}")
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
            raise OrgConfigError(f"retention: {key} ska vara ett heltal, 0 eller större")
        values[key] = value
    return RetentionPolicy(**values)


@dataclass(frozen=True)
class OrgConfig:
    name: str
    short_name: str
    small_cell_threshold: int
    county_parts: tuple[CountyPartSpec, ...]
    programmes: tuple[ProgrammeSpec, ...] = field(default_factory=tuple)
    steering_groups: tuple[SteeringGroupSpec, ...] = field(default_factory=tuple)
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    report_min_population: int = 20
    report_grid: str = "half"
    # A Word file (.docx) the exit documentation starts from: the association's letterhead,
    # styles and fixed text. Its bytes are stored, so every instance has it.
    exit_document_template: bytes | None = None
    survey_questions: tuple[SurveyQuestionSpec, ...] = field(default_factory=tuple)
    goals: tuple[Goal, ...] = ()


def _require(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise OrgConfigError(f"{where}: '{key}' saknas")
    return table[key]


def _optional_count(table: dict[str, Any], key: str, where: str, most: int) -> int | None:
    """A whole number 1..`most`, or None when the key is absent."""
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise OrgConfigError(f"{where}: {key} ska vara ett heltal från 1 till {most}")
    return value


def _survey_questions(
    tables: Any, programme_codes: set[str]
) -> tuple[SurveyQuestionSpec, ...]:
    """Codes unique, text short and free of names, moments and programmes known."""
    found: list[SurveyQuestionSpec] = []
    for i, q in enumerate(tables):
        where = f"survey_questions[{i}]"
        text = " ".join(str(_require(q, "text", where)).split())
        if not text or len(text) > 300:
            raise OrgConfigError(f"{where}: text ska vara 1–300 tecken")
        try:
            pii.check(text, pii.Policy.NO_NAMES)
        except pii.PersonalDataError as error:
            raise OrgConfigError(f"{where}: text får inte innehålla namn eller nummer") from error
        moments = tuple(q.get("moments", SURVEY_MOMENTS))
        if not moments or set(moments) - set(SURVEY_MOMENTS):
            raise OrgConfigError(f"{where}: moments ska vara enrolment och/eller exit")
        programmes = tuple(q.get("programmes", ()))
        unknown = sorted(set(programmes) - programme_codes)
        if unknown:
            raise OrgConfigError(f"{where}: okänd insats {unknown}")
        found.append(SurveyQuestionSpec(str(_require(q, "code", where)), text, moments, programmes))
    if len({q.code for q in found}) != len(found):
        raise OrgConfigError("survey_questions: samma kod förekommer två gånger")
    return tuple(found)


def parse_org(data: dict[str, Any]) -> OrgConfig:
    """Validate the parsed TOML and return a typed description; raises OrgConfigError."""
    assoc = _require(data, "association", "filen")
    parts = tuple(
        CountyPartSpec(
            code=_require(p, "code", f"county_parts[{i}]"),
            name=_require(p, "name", f"county_parts[{i}]"),
            base_town=p.get("base_town", ""),
            code_prefix=p.get("code_prefix", ""),
            municipalities=tuple(p.get("municipalities", ())),
        )
        for i, p in enumerate(_require(data, "county_parts", "filen"))
    )
    part_codes = {p.code for p in parts}
    if len(part_codes) != len(parts):
        raise OrgConfigError("county_parts: samma kod förekommer två gånger")
    seen_municipalities: set[str] = set()
    for part in parts:
        for name in part.municipalities:
            if name.casefold() in seen_municipalities:
                raise OrgConfigError(f"kommunen {name} ligger i mer än en länsdel")
            seen_municipalities.add(name.casefold())
    programmes = tuple(
        ProgrammeSpec(
            code=_require(p, "code", f"programmes[{i}]"),
            name=_require(p, "name", f"programmes[{i}]"),
            county_parts=tuple(p.get("county_parts", ())),
            takes_participants=bool(p.get("takes_participants", True)),
            training_target=_optional_count(p, "training_target", f"programmes[{i}]", 100_000),
            training_useful_goal=_optional_count(
                p, "training_useful_goal", f"programmes[{i}]", 100
            ),
        )
        for i, p in enumerate(data.get("programmes", ()))
    )
    programme_codes = {p.code for p in programmes}
    for programme in programmes:
        unknown = set(programme.county_parts) - part_codes
        if unknown:
            raise OrgConfigError(f"insatsen {programme.code}: okänd länsdel {sorted(unknown)}")
    groups = []
    for i, g in enumerate(data.get("steering_groups", ())):
        spec = SteeringGroupSpec(
            code=_require(g, "code", f"steering_groups[{i}]"),
            name=_require(g, "name", f"steering_groups[{i}]"),
            kind=_require(g, "kind", f"steering_groups[{i}]"),
            county_part=g.get("county_part"),
            programme=g.get("programme"),
            meetings_per_half_year=int(g.get("meetings_per_half_year", 2)),
        )
        if spec.kind not in STEERING_GROUP_KINDS:
            raise OrgConfigError(f"gruppen {spec.code}: okänd sort {spec.kind}")
        if spec.county_part and spec.county_part not in part_codes:
            raise OrgConfigError(f"gruppen {spec.code}: okänd länsdel {spec.county_part}")
        if spec.programme and spec.programme not in programme_codes:
            raise OrgConfigError(f"gruppen {spec.code}: okänd insats {spec.programme}")
        groups.append(spec)
    try:
        goals = parse_goals(data.get("goals", []), programme_codes)
    except GoalError as error:
        raise OrgConfigError(str(error)) from error
    if int(assoc.get("report_min_population", 20)) < int(assoc.get("small_cell_threshold", 5)):
        raise OrgConfigError("association: report_min_population är mindre än "
                             "small_cell_threshold")
    questions = _survey_questions(data.get("survey_questions", ()), programme_codes)
    return OrgConfig(
        name=_require(assoc, "name", "association"),
        short_name=assoc.get("short_name", assoc["name"]),
        small_cell_threshold=int(assoc.get("small_cell_threshold", 5)),
        report_min_population=int(assoc.get("report_min_population", 20)),
        report_grid=_grid(assoc.get("report_grid", "half")),
        county_parts=parts,
        programmes=programmes,
        steering_groups=tuple(groups),
        retention=parse_retention(data.get("retention", {})),
        survey_questions=questions,
        goals=goals,
    )


def _grid(value: Any) -> str:
    if value not in ("month", "quarter", "half", "year"):
        raise OrgConfigError(f"association: report_grid {value!r} ska vara month, quarter, "
                             "half eller year")
    return str(value)


def load_org_file(path: Path | None = None) -> OrgConfig:
    """Read an organisation file; the Sörmland default when no path is given. A template it
    names is read relative to the file."""
    path = path or DEFAULT_ORG_FILE
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    org = parse_org(data)
    template = data.get("exit_document", {}).get("template")
    if template is None:
        return org
    return replace(org, exit_document_template=_read_template(path.parent / str(template)))


def _read_template(path: Path) -> bytes:
    """A .docx file (a zip with a Word document in it), at most 5 MB."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise OrgConfigError(f"exit_document: mallen {path} går inte att läsa") from error
    if len(content) > 5_000_000:
        raise OrgConfigError(f"exit_document: mallen {path} är större än 5 MB")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as error:
        raise OrgConfigError(f"exit_document: mallen {path} är ingen Word-fil (.docx)") from error
    return content


async def apply_org(session: AsyncSession, org: OrgConfig) -> None:
    """Create or update rows by code; rows the file no longer names are kept for history."""
    association = (await session.exec(select(Association))).first() or Association(
        name=org.name, short_name=org.short_name
    )
    association.name, association.short_name = org.name, org.short_name
    association.small_cell_threshold = org.small_cell_threshold
    association.retention = org.retention.to_json()
    association.report_min_population = org.report_min_population
    association.report_grid = org.report_grid
    association.exit_document_template = org.exit_document_template
    association.goals = goals_to_json(org.goals)
    session.add(association)

    parts: dict[str, CountyPart] = {
        p.code: p for p in (await session.exec(select(CountyPart))).all()
    }
    for spec in org.county_parts:
        part = parts.get(spec.code) or CountyPart(code=spec.code, name=spec.name)
        part.name, part.base_town, part.code_prefix = spec.name, spec.base_town, spec.code_prefix
        session.add(part)
        parts[spec.code] = part
    await session.flush()

    municipalities = {m.name: m for m in (await session.exec(select(Municipality))).all()}
    for spec in org.county_parts:
        for name in spec.municipalities:
            municipality = municipalities.get(name) or Municipality(
                name=name, county_part_id=key_of(parts[spec.code])
            )
            municipality.county_part_id = key_of(parts[spec.code])
            session.add(municipality)

    programmes = {p.code: p for p in (await session.exec(select(Programme))).all()}
    for pspec in org.programmes:
        programme = programmes.get(pspec.code) or Programme(code=pspec.code, name=pspec.name)
        programme.name, programme.takes_participants = pspec.name, pspec.takes_participants
        programme.training_target = pspec.training_target
        programme.training_useful_goal = pspec.training_useful_goal
        programme.active = True
        session.add(programme)
        programmes[pspec.code] = programme
    await session.flush()
    for pspec in org.programmes:
        programme_id = key_of(programmes[pspec.code])
        await session.exec(
            delete(ProgrammeCountyPart).where(col(ProgrammeCountyPart.programme_id) == programme_id)
        )
        for code in pspec.county_parts:
            session.add(
                ProgrammeCountyPart(programme_id=programme_id, county_part_id=key_of(parts[code]))
            )

    await apply_survey_questions(session, org.survey_questions)

    groups = {g.code: g for g in (await session.exec(select(SteeringGroup))).all()}
    for gspec in org.steering_groups:
        group = groups.get(gspec.code) or SteeringGroup(
            code=gspec.code, name=gspec.name, kind=gspec.kind
        )
        group.name, group.kind = gspec.name, gspec.kind
        group.county_part_id = parts[gspec.county_part].id if gspec.county_part else None
        group.programme_id = programmes[gspec.programme].id if gspec.programme else None
        group.meetings_per_half_year = gspec.meetings_per_half_year
        session.add(group)
    await session.flush()


async def apply_survey_questions(
    session: AsyncSession, specs: tuple[SurveyQuestionSpec, ...]
) -> None:
    """Questions by code, in the file's order; those the file no longer names are kept
    inactive, so earlier answers keep their wording."""
    existing = {q.code: q for q in (await session.exec(select(SurveyQuestion))).all()}
    for question in existing.values():
        question.active = False
        session.add(question)
    for position, spec in enumerate(specs):
        question = existing.get(spec.code) or SurveyQuestion(
            code=spec.code, text=spec.text, moments=""
        )
        question.text, question.position, question.active = spec.text, position, True
        question.moments, question.programmes = ",".join(spec.moments), ",".join(spec.programmes)
        session.add(question)


async def ensure_org(session: AsyncSession, path: Path | None = None) -> bool:
    """Load the organisation on first start only, so edits made later are not overwritten.

    Either way the personal-data guard learns the organisation's places, so a unit such as
    "Vuxenpsykiatrin Katrineholm" is not taken for a person's name.
    """
    loaded = (await session.exec(select(Association))).first() is None
    if loaded:
        await apply_org(session, load_org_file(path))
        await session.flush()
    elif (await session.exec(select(SurveyQuestion.id).limit(1))).first() is None:
        # A database from before the survey: its questions from the same file, once.
        await apply_survey_questions(session, load_org_file(path).survey_questions)
        await session.flush()
    parts = (await session.exec(select(CountyPart))).all()
    municipalities = (await session.exec(select(Municipality.name))).all()
    pii.add_known_places(
        [*municipalities, *(p.name for p in parts), *(p.base_town for p in parts)]
    )
    return loaded


async def retention_policy(session: AsyncSession) -> RetentionPolicy:
    """The policy the organisation file set, or the defaults before any file was loaded."""
    association = (await session.exec(select(Association))).first()
    return RetentionPolicy.from_json(association.retention if association else None)


async def retention_configured(session: AsyncSession) -> bool:
    """Whether an organisation file has set the periods (loaded on first start or with
    `org load`). A database upgraded from a version without retention has not: the daily job
    waits for that decision rather than apply the defaults to years of data on its own."""
    association = (await session.exec(select(Association))).first()
    return association is not None and association.retention is not None


async def county_parts_by_name(session: AsyncSession) -> dict[str, CountyPart]:
    """Look-up by case-folded name and code, for parsing what users type ("västra", "Västra")."""
    parts = (await session.exec(select(CountyPart))).all()
    return {key.casefold(): p for p in parts for key in (p.name, p.code)}


async def county_part_names(session: AsyncSession, codes: frozenset[str]) -> list[str]:
    """Display names of the given county-part codes, sorted (from the process' snapshot of
    the organisation, storage/lookups.py: `vem är jag` asks for them every time)."""
    if not codes:
        return []
    org = await lookups.organisation(session)
    if not codes <= {part.code for part in org.parts.values()}:
        org = await lookups.organisation(session, fresh=True)  # added since, elsewhere
    return sorted(part.name for part in org.parts.values() if part.code in codes)
