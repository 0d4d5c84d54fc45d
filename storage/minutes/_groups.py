"""Steering groups as users see them, and who may read and write their minutes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CountyPart, SteeringGroup, key_of
from storage.permissions import Action, Actor, Scope, is_allowed
from storage.rules import RuleError


@dataclass(frozen=True)
class GroupRef:
    """A steering group as users see it, with the county part its permissions follow."""

    id: int
    code: str
    name: str
    county_part: str | None = None
    county_part_name: str | None = None
    kind: str = ""

    @property
    def scope(self) -> Scope:
        return Scope(county_part=self.county_part)


def may_read(actor: Actor, group: GroupRef) -> bool:
    return is_allowed(actor, Action.READ_MINUTES, group.scope)


def may_write(actor: Actor, group: GroupRef) -> bool:
    return is_allowed(actor, Action.WRITE_MINUTES, group.scope)


async def all_groups(session: AsyncSession) -> list[GroupRef]:
    """Every steering group from the organisation data, county-wide first, then by name."""
    rows = (
        await session.exec(
            select(SteeringGroup, CountyPart)
            .join(CountyPart, col(CountyPart.id) == SteeringGroup.county_part_id, isouter=True)
            .order_by(SteeringGroup.name)
        )
    ).all()
    groups = [
        GroupRef(key_of(g), g.code, g.name, p.code if p else None, p.name if p else None, g.kind)
        for g, p in rows
    ]
    return sorted(groups, key=lambda g: (g.county_part is not None, g.name))


async def writable_groups(session: AsyncSession, actor: Actor) -> list[GroupRef]:
    """The groups whose minutes `actor` may write: what the card offers."""
    return [g for g in await all_groups(session) if may_write(actor, g)]


async def find_group(session: AsyncSession, text: str) -> GroupRef:
    """A group by code or name; a unique partial match ("styrgrupp västra") is enough."""
    wanted = " ".join(text.casefold().split())
    groups = await all_groups(session)
    for group in groups:
        if wanted in {group.code.casefold(), group.name.casefold()}:
            return group
    words = wanted.split()
    found = [
        g
        for g in groups
        if words and all(w in f"{g.name} {g.county_part_name or ''}".casefold() for w in words)
    ]
    if len(found) == 1:
        return found[0]
    if found:
        raise RuleError("minutes_group_ambiguous", value=text, groups=_names(found))
    raise RuleError("minutes_group_unknown", value=text, groups=_names(groups))


def _names(groups: list[GroupRef]) -> str:
    return ", ".join(g.name for g in groups)


async def _group(session: AsyncSession, group_id: int) -> GroupRef:
    return next(g for g in await all_groups(session) if g.id == group_id)
