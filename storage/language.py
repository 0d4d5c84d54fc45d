"""Each user's chosen language (`språk en`). Without a choice the deployment's default holds,
whatever locale the Teams client sends: the association works in Swedish."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import UserLanguage, table_of, utcnow

# Every turn asks: a plain statement built once, not the ORM's identity lookup and object
# (storage/prebuilt.py says why); a message asks it within storage/opening.py.
_TABLE = table_of(UserLanguage)
CHOSEN = select(_TABLE.c.locale).where(_TABLE.c.user_id == bindparam("p_user"))


async def chosen_locale(session: AsyncSession, user_id: str) -> str | None:
    """The locale the user chose, or None when they never chose one."""
    if not user_id:
        return None
    chosen: str | None = (await session.execute(CHOSEN, {"p_user": user_id})).scalar()
    return chosen


async def choose_locale(session: AsyncSession, user_id: str, locale: str) -> None:
    row = await session.get(UserLanguage, user_id)
    if row is None:
        row = UserLanguage(user_id=user_id, locale=locale)
    row.locale, row.updated_at = locale, utcnow()
    session.add(row)
