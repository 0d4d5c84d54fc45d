"""Each user's chosen language (`språk en`). Without a choice the deployment's default holds,
whatever locale the Teams client sends: the association works in Swedish."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import UserLanguage, utcnow


async def chosen_locale(session: AsyncSession, user_id: str) -> str | None:
    """The locale the user chose, or None when they never chose one."""
    row = await session.get(UserLanguage, user_id) if user_id else None
    return row.locale if row else None


async def choose_locale(session: AsyncSession, user_id: str, locale: str) -> None:
    row = await session.get(UserLanguage, user_id)
    if row is None:
        row = UserLanguage(user_id=user_id, locale=locale)
    row.locale, row.updated_at = locale, utcnow()
    session.add(row)
