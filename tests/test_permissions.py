"""The one permission function, called without the Bot Framework."""

from __future__ import annotations

import pytest

from storage.permissions import Action, Actor, Role, Scope, is_allowed, visible_county_parts

ALL = frozenset({"norra", "sodra", "vastra"})


def actor(role: Role | None, parts: set[str] = frozenset(), staff_id: int = 7) -> Actor:
    return Actor("aad", role, frozenset(parts), staff_id)


def test_unregistered_users_may_do_nothing():
    assert not any(is_allowed(actor(None), a, Scope("norra", 7)) for a in Action)


def test_coach_sees_own_participants_only():
    coach = actor(Role.COACH, {"norra"})
    assert is_allowed(coach, Action.READ_PARTICIPANT, Scope("norra", coach_staff_id=7))
    assert is_allowed(coach, Action.WRITE_PARTICIPANT, Scope("norra", coach_staff_id=7))
    assert not is_allowed(coach, Action.READ_PARTICIPANT, Scope("norra", coach_staff_id=8))
    assert not is_allowed(coach, Action.READ_PARTICIPANT, Scope("norra"))
    assert not is_allowed(coach, Action.DECIDE_REFERRAL, Scope("norra"))
    assert not is_allowed(coach, Action.READ_UNMASKED_REPORT, Scope("norra"))


def test_coordinator_works_in_own_county_parts():
    coordinator = actor(Role.COORDINATOR, {"vastra"})
    assert is_allowed(coordinator, Action.READ_PARTICIPANT, Scope("vastra", coach_staff_id=99))
    assert is_allowed(coordinator, Action.DECIDE_REFERRAL, Scope("vastra"))
    assert is_allowed(coordinator, Action.WRITE_MINUTES, Scope("vastra"))
    assert not is_allowed(coordinator, Action.READ_PARTICIPANT, Scope("norra"))
    assert not is_allowed(coordinator, Action.WRITE_MINUTES, Scope())  # county-wide group
    assert not is_allowed(coordinator, Action.MANAGE_STAFF)


@pytest.mark.parametrize("role", [Role.PROGRAMME_LEAD, Role.PROGRAMME_OWNER])
def test_lead_and_owner_work_county_wide(role):
    lead = actor(role)
    assert is_allowed(lead, Action.READ_PARTICIPANT, Scope("sodra", coach_staff_id=3))
    assert is_allowed(lead, Action.WRITE_MINUTES, Scope())
    assert not is_allowed(lead, Action.MANAGE_STAFF)
    assert visible_county_parts(lead, ALL) == ALL


def test_viewer_and_admin_see_no_individuals():
    for role in (Role.VIEWER, Role.ADMIN):
        someone = actor(role)
        assert is_allowed(someone, Action.READ_REPORT)
        assert not is_allowed(someone, Action.READ_UNMASKED_REPORT)
        assert not is_allowed(someone, Action.READ_PARTICIPANT, Scope("norra", 7))
    assert is_allowed(actor(Role.ADMIN), Action.MANAGE_STAFF)
    assert not is_allowed(actor(Role.VIEWER), Action.MANAGE_STAFF)


def test_visible_county_parts_for_area_roles():
    assert visible_county_parts(actor(Role.COACH, {"norra"}), ALL) == {"norra"}
    assert visible_county_parts(actor(Role.COORDINATOR, {"x"}), ALL) == set()
