"""The staff the tests talk as: one persona per role, as Teams sends them (`from`), and one call
that registers those a test needs. Personas work in Västra unless their name says otherwise."""

from __future__ import annotations

from typing import Any

from storage.permissions import Role
from storage.staff import upsert_staff
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, user

LEAD_AAD = "4e0a6c78-9f1b-4d5c-9a7e-5b6c7d8e9f0a"
VIEWER_AAD = "5f1b7d89-0a2c-4e6d-8b8f-6c7d8e9f0a1b"
NORRA_COACH_AAD = "6a2c8e90-1b3d-4f7e-9c0a-7d8e9f0a1b2c"
SODRA_COACH_AAD = "7b3d9fa1-2c4e-4a8f-8d1b-8e9f0a1b2c3d"

COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
COACH = user(COACH_AAD, "Cem Coach")
NORRA_COACH = user(NORRA_COACH_AAD, "Nils Norra")
SODRA_COACH = user(SODRA_COACH_AAD, "Stina Södra")
LEAD = user(LEAD_AAD, "Lena Ledare")
VIEWER = user(VIEWER_AAD, "Vera Utvärderare")
ADMIN = user(ADMIN_AAD, "Alva Admin")

_ROLES: dict[str, tuple[Role, list[str]]] = {
    COORDINATOR_AAD: (Role.COORDINATOR, ["vastra"]),
    COACH_AAD: (Role.COACH, ["vastra"]),
    NORRA_COACH_AAD: (Role.COACH, ["norra"]),
    SODRA_COACH_AAD: (Role.COACH, ["sodra"]),
    LEAD_AAD: (Role.PROGRAMME_LEAD, []),
    VIEWER_AAD: (Role.VIEWER, []),
    ADMIN_AAD: (Role.ADMIN, []),
}


async def add_staff(db: Any, *people: dict[str, str]) -> None:
    """Register these personas as staff with their role and county parts."""
    async with db.session() as session:
        for person in people:
            role, parts = _ROLES[person["aadObjectId"]]
            await upsert_staff(session, person["aadObjectId"], person["name"], role, parts)
