"""Retention (gallring): periods from the organisation file, `python -m bot gallra [--dry-run]`,
the daily scheduler job, and the removal audited as counts only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from dialogs.reminders import reminder_card
from scheduler.leader import LeaderElection
from scheduler.runner import SchedulerRunner
from scheduler.service import ReminderService
from storage.clock import clock
from storage.models import (
    ActionPoint,
    Association,
    AuditEntry,
    BotStateItem,
    Meeting,
    MeetingDecision,
    Participant,
    Placement,
    PlacementNote,
    ProcessedTurn,
    ProgressionStep,
    ReminderOutbox,
    SavedReport,
    SteeringGroup,
)
from storage.org import OrgConfigError, RetentionPolicy, load_org_file, parse_org
from storage.permissions import Role
from storage.privacy import erase_participant
from storage.rules import RuleError
from storage.staff import load_actor, upsert_staff
from tests.conftest import cli, repo_root
from tests.test_reminders import LEAD_AAD, add_participant

# Sunday 1 April 2029, 10:00 in Stockholm.
LATER = datetime(2029, 4, 1, 8, 0, tzinfo=UTC)
TODAY = date(2029, 4, 1)


@pytest.fixture
def in_2029(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: LATER)


def outbox_row(key: str, status: str, day: date, ref: str = "deadline:1") -> ReminderOutbox:
    return ReminderOutbox(
        idempotency_key=key, rule_code="status_report", subject_ref=ref,
        params=json.dumps({"watch": "deadline", "label": "x", "date": day.isoformat(),
                           "days": "1", "send_time": "08:00"}),
        remind_on=day, recipient="someone", status=status, next_attempt_at=LATER,
    )


async def seed(db) -> dict[str, int]:
    """One record of each kind on each side of its cut-off (default periods)."""
    ids = {
        # 2 years after exit: exits on or before 2027-04-01 are due.
        "exited_old": await add_participant(db, "N-2026-0001", status="exited",
                                            enrolment_date=date(2026, 9, 10),
                                            exit_date=date(2027, 3, 31),
                                            referring_unit="soc norr",
                                            exit_reason="according_to_plan",
                                            exit_destination="studies"),
        "exited_recent": await add_participant(db, "N-2026-0002", status="exited",
                                               enrolment_date=date(2026, 9, 10),
                                               exit_date=date(2027, 4, 2)),
        "not_accepted_old": await add_participant(db, "N-2026-0003", status="not_accepted",
                                                  decision_date=date(2026, 10, 1),
                                                  not_accepted_reason="declined"),
        # 1 year for referrals never decided: referred on or before 2028-04-01.
        "undecided_old": await add_participant(db, "N-2026-0004", status="waiting",
                                               referral_date=date(2026, 9, 1)),
        "enrolled": await add_participant(db, "N-2026-0005", status="enrolled",
                                          enrolment_date=date(2026, 9, 10)),
    }
    async with db.session() as session:
        placement = Placement(participant_id=ids["exited_old"], placement_type="work_training",
                              sector="private", employer="Coop Eskilstuna",
                              start_date=date(2026, 10, 1), end_date=date(2027, 3, 31))
        session.add(placement)
        await session.flush()
        session.add(PlacementNote(placement_id=placement.id, note_date=date(2026, 11, 1),
                                  note="trivs bra på lagret"))
        session.add(ProgressionStep(participant_id=ids["exited_old"], step="studies",
                                    step_date=date(2027, 3, 1)))
        session.add(outbox_row("old-sent", "sent", date(2028, 12, 31)))  # 90 days: due
        session.add(outbox_row("old-failed", "failed", date(2028, 1, 2)))
        session.add(outbox_row("old-pending", "pending", date(2028, 1, 2)))  # never sent: kept
        session.add(outbox_row("recent-sent", "sent", date(2029, 1, 2)))
        session.add(outbox_row("about-p1", "sent", date(2029, 3, 30),
                               f"participant:{ids['exited_old']}"))
        session.add(BotStateItem(key="old", document='{"dialog": 1}', etag="a",
                                 updated_at=datetime(2029, 2, 28, 23, tzinfo=UTC)))
        session.add(BotStateItem(key="mentions", document='{"code": "N-2026-0003"}', etag="b",
                                 updated_at=LATER))
        session.add(BotStateItem(key="recent", document='{"dialog": 2}', etag="c",
                                 updated_at=datetime(2029, 3, 20, tzinfo=UTC)))
        # Handled messages are remembered for a week: before 2029-03-25 is due.
        for key, created in (("old-turn", datetime(2029, 3, 24, 23, tzinfo=UTC)),
                             ("recent-turn", datetime(2029, 3, 25, tzinfo=UTC))):
            session.add(ProcessedTurn(key=key, owner="o", status="done", lease_until=created,
                                      replies="[]", created_at=created))
        # Saved reports a year after they were last saved: before 2028-04-01 is due.
        for name, saved in (("gammal", datetime(2028, 3, 31, 23, tzinfo=UTC)),
                            ("ny", datetime(2028, 4, 1, tzinfo=UTC))):
            session.add(SavedReport(owner_aad_object_id="x", name=name, name_key=name,
                                    params="{}", figures="{}", masked=True, created_at=saved,
                                    updated_at=saved))
        # 3 years of audit: entries before 2026-04-01 are due.
        session.add(AuditEntry(at=datetime(2026, 3, 31, 12, tzinfo=UTC), actor_aad_object_id="x",
                               action="read", entity="participant"))
        session.add(AuditEntry(at=datetime(2026, 4, 1, 12, tzinfo=UTC), actor_aad_object_id="x",
                               action="read", entity="participant"))
        session.add(AuditEntry(at=datetime(2026, 11, 1, tzinfo=UTC), actor_aad_object_id="x",
                               action="update", entity="participant", entity_id=ids["exited_old"],
                               participant_id=ids["exited_old"], participant_code="N-2026-0001",
                               changes=json.dumps({"status": ["enrolled", "exited"]})))
        group = (await session.exec(select(SteeringGroup))).first()
        meeting = Meeting(steering_group_id=group.id, meeting_date=date(2020, 5, 1), items="a")
        session.add(meeting)
        await session.flush()
        session.add(MeetingDecision(meeting_id=meeting.id, text="beslut"))
        session.add(ActionPoint(meeting_id=meeting.id, text="göra", owner_name="Sara"))
    return ids


async def test_gallra_dry_run_counts_and_the_run_removes_and_is_audited(
    db, cli_env, capsys, in_2029
):
    ids = await seed(db)
    code, out, _ = await cli(capsys, "gallra", "--dry-run")
    assert code == 0
    assert out.splitlines() == [
        "Gallring 2029-04-01 (deltagare: anonymiseras)",
        "- deltagare utskrivna senast 2027-04-01: 1",
        "- deltagare med beslut ej aktuell senast 2027-04-01: 1",
        "- aktualiseringar utan beslut från senast 2028-04-01: 1",
        "- minnesanteckningar: sparas tills vidare",
        "- skickade påminnelser för senast 2029-01-01: 2",
        "- sparade formulär orörda sedan före 2029-03-02: 1",
        "- sparade rapporter som inte sparats om sedan före 2028-04-01: 1",
        "- loggposter från före 2026-04-01: 1",
        "- kontakter med arbetsgivare från senast 2027-04-01: 0",
        "- arbetsgivares kontaktpersoner (namn och telefon) utan kontakt sedan 2027-04-01: 0",
        "- kvitton på hanterade meddelanden från före 2029-03-25: 1",
        "Provkörning: inget togs bort. Totalt 9 att gallra.",
    ]
    async with db.session() as session:
        assert len((await session.exec(select(ReminderOutbox))).all()) == 5
        assert (await session.exec(select(AuditEntry).where(AuditEntry.action == "retention"))
                ).all() == []

    code, out, _ = await cli(capsys, "gallra")
    assert code == 0 and out.splitlines()[-1] == (
        "Gallrat: 9. Gallringen är loggad med antal, utan innehåll."
    )
    async with db.session() as session:
        people = {p.id: p for p in (await session.exec(select(Participant))).all()}
        outbox = sorted(r.idempotency_key for r in (await session.exec(select(ReminderOutbox))))
        states = sorted(s.key for s in (await session.exec(select(BotStateItem))))
        handled = [t.key for t in (await session.exec(select(ProcessedTurn)))]
        saved_reports = (await session.exec(select(SavedReport.name))).all()
        placement = (await session.exec(select(Placement))).one()
        notes = (await session.exec(select(PlacementNote))).all()
        entries = (await session.exec(select(AuditEntry).order_by(AuditEntry.id))).all()
    for key in ("exited_old", "not_accepted_old", "undecided_old"):
        assert people[ids[key]].code.startswith("ANON-")
        assert people[ids[key]].anonymised_at is not None
    assert people[ids["exited_old"]].referring_unit == ""
    # The undecided referral can never be decided now: closed as not accepted on the day.
    undecided = people[ids["undecided_old"]]
    assert (undecided.status, undecided.decision_date, undecided.not_accepted_reason) == (
        "not_accepted", TODAY, "other")
    assert (people[ids["exited_old"]].exit_destination, people[ids["exited_old"]].gender) == (
        "studies", "woman")
    assert people[ids["exited_recent"]].code == "N-2026-0002"
    assert people[ids["enrolled"]].code == "N-2026-0005"
    assert outbox == ["old-pending", "recent-sent"]  # and the reminder about the removed one
    assert states == ["recent"]  # "mentions" named a removed code
    assert handled == ["recent-turn"]
    assert saved_reports == ["ny"]
    assert placement.employer == "" and notes == []
    (run,) = [e for e in entries if e.action == "retention"]
    assert run.actor_aad_object_id == "cli" and run.changes is None
    assert json.loads(run.details) == {
        "mode": "anonymise",
        "participants_exited": 1, "participants_not_accepted": 1, "referrals_undecided": 1,
        "minutes": 0, "reminders": 2, "dialog_state": 1, "saved_reports": 1, "audit": 1,
        "message_keys": 1, "employer_contacts": 0, "employer_contact_persons": 0,
        "removed_participants": 3, "removed_placements": 1, "removed_notes": 1,
        "removed_steps": 1, "removed_reminders": 1, "removed_dialog_states": 1,
        "removed_audit_rows": 1,
    }
    kept = [e for e in entries if e.action != "retention"]
    assert [e.at.date() for e in kept] == [date(2026, 4, 1), date(2026, 11, 1)]
    assert (kept[1].participant_id, kept[1].entity_id, kept[1].changes) == (
        None, None, json.dumps({"status": None}))

    # Nothing is due any more: a second run removes nothing and writes no audit row.
    code, out, _ = await cli(capsys, "gallra")
    assert out.splitlines()[-1] == "Gallrat: 0. Gallringen är loggad med antal, utan innehåll."
    async with db.session() as session:
        runs = (await session.exec(select(AuditEntry).where(AuditEntry.action == "retention"))
                ).all()
    assert len(runs) == 1


async def test_the_association_chooses_periods_and_deletion(db, cli_env, capsys, tmp_path,
                                                            in_2029):
    ids = await seed(db)
    org = (repo_root() / "storage" / "org_default.toml").read_text(encoding="utf-8")
    changed = tmp_path / "org.toml"
    changed.write_text(
        org.replace('participant_removal = "anonymise"', 'participant_removal = "delete"')
        .replace("minutes_years = 0", "minutes_years = 5")
        .replace("participant_years_after_exit = 2", "participant_years_after_exit = 0")
        .replace("audit_years = 3", "audit_years = 0"),
        encoding="utf-8",
    )
    assert (await cli(capsys, "org", "load", str(changed)))[0] == 0
    code, out, _ = await cli(capsys, "gallra")
    assert "- utskrivna deltagare: sparas tills vidare" in out.splitlines()
    assert "- loggen: sparas tills vidare" in out.splitlines()
    assert "- möten med minnesanteckningar från senast 2024-04-01: 1" in out.splitlines()
    async with db.session() as session:
        codes = sorted((await session.exec(select(Participant.code))).all())
        assert (await session.exec(select(Meeting))).all() == []
        assert (await session.exec(select(MeetingDecision))).all() == []
        assert (await session.exec(select(ActionPoint))).all() == []
        assert len((await session.exec(select(AuditEntry))).all()) == 4  # 3 kept + this run
    assert codes == ["N-2026-0001", "N-2026-0002", "N-2026-0005"]  # exits are kept for ever
    async with db.session() as session:
        assert await session.get(Participant, ids["not_accepted_old"]) is None


def runner(db) -> SchedulerRunner:
    service = ReminderService(db, sender=None, render=reminder_card)
    return SchedulerRunner(service, LeaderElection(db))


async def test_the_daily_job_runs_as_the_system(db, in_2029):
    await seed(db)
    jobs = runner(db)
    await jobs.retention_job()
    async with db.session() as session:
        (run,) = (await session.exec(select(AuditEntry).where(AuditEntry.action == "retention"))
                  ).all()
    assert run.actor_aad_object_id == "system"
    assert json.loads(run.details)["removed_participants"] == 3
    assert jobs.health["retention"].failures == 0 and jobs.health["retention"].last_success


async def test_the_job_waits_for_an_upgraded_database_to_load_its_periods(
    db, in_2029, cli_env, capsys
):
    await seed(db)
    async with db.session() as session:  # as after upgrading from a version without retention
        association = (await session.exec(select(Association))).one()
        association.retention = None
        session.add(association)
    jobs = runner(db)
    await jobs.retention_job()
    async with db.session() as session:
        assert len((await session.exec(select(Participant.code))).all()) == 5
    code, out, _ = await cli(capsys, "gallra", "--dry-run")  # the defaults, asked for by hand
    assert "Totalt 9 att gallra." in out
    assert (await cli(capsys, "org", "load", str(repo_root() / "storage/org_default.toml")))[0] == 0
    await jobs.retention_job()
    async with db.session() as session:
        assert len((await session.exec(select(AuditEntry).where(
            AuditEntry.action == "retention"))).all()) == 1


def test_retention_settings_are_checked():
    assert load_org_file().retention == RetentionPolicy()
    base = {"association": {"name": "X"}, "county_parts": []}
    assert parse_org({**base, "retention": {"audit_years": 10}}).retention.audit_years == 10
    for bad, message in (
        ({"audit_yeras": 1}, "okänd nyckel audit_yeras"),
        ({"audit_years": -1}, "audit_years ska vara ett heltal"),
        ({"audit_years": "3"}, "audit_years ska vara ett heltal"),
        ({"audit_years": True}, "audit_years ska vara ett heltal"),
        ({"participant_removal": "shred"}, "participant_removal ska vara anonymise eller delete"),
    ):
        with pytest.raises(OrgConfigError, match=message):
            parse_org({**base, "retention": bad})
    with pytest.raises(OrgConfigError, match="tabell"):
        parse_org({**base, "retention": 5})
    # A stored policy from another version: unknown keys ignored, missing ones defaulted.
    assert RetentionPolicy.from_json('{"audit_years": 7, "future_key": 1}') == RetentionPolicy(
        audit_years=7
    )


async def test_only_admins_erase_even_when_called_directly(db):
    """The programme lead may do everything with participants, but not erase them."""
    participant_id = await add_participant(db, "N-2026-0009")
    async with db.session() as session:
        await upsert_staff(session, LEAD_AAD, "Ivar Insatsledare", Role.PROGRAMME_LEAD, [])
        lead = await load_actor(session, LEAD_AAD)
        with pytest.raises(RuleError, match="not_allowed_privacy"):
            await erase_participant(session, lead, "N-2026-0009")
        assert (await session.get(Participant, participant_id)).code == "N-2026-0009"
