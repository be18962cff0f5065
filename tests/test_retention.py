"""Retention on generated old records: the report lists exactly what is due, --apply blanks the
personal fields and keeps tombstones, leaves what is not due alone, writes erasure entries that
hold none of the erased values; a kept record waits for its review date; late replays of an
erased record's UUID store nothing; the command runs as a process."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.retention import schedule, service
from app.tables.audit import AuditEntry
from app.tables.briefing import Incident
from app.tables.engagement import Engagement, KeyIndividual
from app.tables.mentoring import MentorClient, MentorContact
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint
from app.tables.retention import RetentionHold, Tombstone
from app.tables.sessions import SignInAttempt, UserSession
from app.tables.taskings import PushSubscription, Tasking
from app.tables.visits import (
    ChecklistTemplate,
    FollowUp,
    HomeVisit,
    Referral,
    VisitAnswer,
)
from tests.conftest import IS_POSTGRES, TEST_DATABASE_URL
from tests.factories import actor_of, make_person, make_team
from tests.helpers import sync

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.now(UTC)


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


@dataclass
class World:
    """Old and recent records of each kind; `due` names what the defaults make due, and
    `secrets` every personal value that erasure must remove (from the records and the log)."""

    team: object
    pcso: object
    supervisor: object
    due: dict[str, set[int]] = field(default_factory=dict)
    kept: dict[str, set[int]] = field(default_factory=dict)  # not due: must stay as they are
    secrets: list[str] = field(default_factory=list)
    uuids: dict[str, str] = field(default_factory=dict)


def _save(row):
    sync(row.save())
    return row


def build_world() -> World:
    team = make_team("Abbey")
    pcso = make_person("pcso", home_team=team.id)
    world = World(team, pcso, make_person("supervisor", home_team=team.id))
    d, k = world.due, world.kept

    def engagement(days: int, note: str, **extra) -> int:
        u = str(uuid.uuid4())
        row = _save(
            Engagement(
                client_uuid=u,
                author=pcso.id,
                team=team.id,
                kind="street",
                occurred_at=ago(days),
                note=note,
                lat=52.9,
                lng=-1.47,
                **extra,
            )
        )
        world.uuids[note] = u
        return row.id

    old_ki = _save(
        KeyIndividual(
            team=team.id, name="Agatha Oldcontact", how_to_reach="07700 900111", created_at=ago(900)
        )
    )
    met_ki = _save(KeyIndividual(team=team.id, name="Bernard Recentlymet", created_at=ago(900)))
    d["key_individual"] = {old_ki.id}
    k["key_individual"] = {met_ki.id}
    world.secrets += ["Agatha Oldcontact", "07700 900111"]

    d["engagement"] = {
        engagement(800, "OLD-NOTE-ALPHA", follow_up="OLD-PROMISE-ALPHA"),
        engagement(731, "OLD-NOTE-BRAVO"),
    }
    k["engagement"] = {
        engagement(10, "NEW-NOTE-KEEP", key_individual=met_ki.id),
        engagement(729, "NEARLY-OLD-NOTE"),
    }
    world.secrets += ["OLD-NOTE-ALPHA", "OLD-PROMISE-ALPHA", "OLD-NOTE-BRAVO"]

    from app.visits.store import ensure_default_template

    sync(ensure_default_template())
    template = sync(ChecklistTemplate.select(ChecklistTemplate.id).first())["id"]

    def visit(days: int, address: str) -> HomeVisit:
        row = _save(
            HomeVisit(
                uuid=str(uuid.uuid4()),
                template=template,
                visitor=pcso.id,
                team=team.id,
                state="submitted",
                household_key=address.lower(),
                address=address,
                household_ref=f"REF-{address[:2]}",
                lat=52.91,
                lng=-1.48,
                consent=True,
                started_at=ago(days),
                submitted_at=ago(days),
            )
        )
        _save(
            VisitAnswer(
                key=f"{row.uuid}:food", visit=row.id, question="food", value=f'"{address} answer"'
            )
        )
        return row

    old_visit = visit(1200, "12 Erased Road")
    new_visit = visit(20, "5 Kept Street")
    world.uuids["visit"] = old_visit.uuid
    d["home_visit"], k["home_visit"] = {old_visit.id}, {new_visit.id}
    world.secrets += ["12 Erased Road", "12 erased road", "REF-12", "12 Erased Road answer"]
    # Referrals and follow-ups fall due on their own dates: the old visit's, and the recent
    # visit's follow-up done long ago.
    old_ref = _save(
        Referral(
            visit=old_visit.id,
            agency_kind="food bank",
            question="food",
            reason="OLD-REFERRAL-WHY",
            suggested_at=ago(1200),
        )
    )
    old_fu = _save(
        FollowUp(
            visit=old_visit.id, question="food", reason="OLD-FOLLOWUP-WHY", due_on=ago(1190).date()
        )
    )
    own = _save(
        FollowUp(
            visit=new_visit.id,
            question="food",
            reason="DONE-FOLLOWUP-WHY",
            due_on=ago(400).date(),
            done=True,
            done_at=ago(400),
        )
    )
    recent_ref = _save(
        Referral(
            visit=new_visit.id,
            agency_kind="food bank",
            question="food",
            reason="RECENT-REFERRAL",
            suggested_at=ago(20),
        )
    )
    d["follow_up"] = {own.id, old_fu.id}
    d["referral"] = {old_ref.id}
    k["referral"] = {recent_ref.id}
    world.secrets += ["OLD-REFERRAL-WHY", "OLD-FOLLOWUP-WHY", "DONE-FOLLOWUP-WHY"]

    mentor = make_person("mentor")
    client = _save(
        MentorClient(
            mentor=mentor.id,
            reference="PM-OLD-7",
            first_name="Clarissa",
            start_date=ago(2000).date(),
            status="exited",
            exit_plan="OLD-EXIT-PLAN",
        )
    )
    active = _save(
        MentorClient(
            mentor=mentor.id,
            reference="PM-ACTIVE-8",
            first_name="Dora",
            start_date=ago(3000).date(),
            status="active",
        )
    )
    d["mentor_client"], k["mentor_client"] = {client.id}, {active.id}
    world.secrets += ["PM-OLD-7", "Clarissa", "OLD-EXIT-PLAN"]

    def contact(days: int, note: str, risk: bool, who=client) -> int:
        u = str(uuid.uuid4())
        world.uuids[note] = u
        return _save(
            MentorContact(
                client_uuid=u,
                client=who.id,
                mentor=mentor.id,
                kind="meeting",
                contact_date=ago(days).date(),
                note=note,
                is_risk=risk,
            )
        ).id

    d["mentor_contact"] = {contact(1500, "OLD-CONFIDENTIAL-NOTE", False)}
    k["mentor_contact"] = {contact(100, "RECENT-CONFIDENTIAL", False, active)}
    d["mentor_risk_note"] = {contact(2500, "OLD-RISK-NOTE", True)}
    k["mentor_risk_note"] = {contact(1500, "YOUNGER-RISK-NOTE", True)}
    world.secrets += ["OLD-CONFIDENTIAL-NOTE", "OLD-RISK-NOTE"]

    def tasking(days: int, address: str) -> int:
        return _save(
            Tasking(
                kind="visit",
                title=f"Visit: {address}",
                details=f"{address} details",
                place_kind="address",
                address=address,
                lat=52.9,
                lng=-1.4,
                team=team.id,
                starts_at=ago(days + 1),
                ends_at=ago(days),
                mode="assign",
            )
        ).id

    d["tasking"], k["tasking"] = {tasking(400, "7 Tasked Lane")}, {tasking(30, "9 Current Lane")}
    world.secrets += ["7 Tasked Lane"]

    def incident(days: int, ref: str) -> int:
        return _save(
            Incident(
                reference=f"INC-{ref}",
                occurred_at=ago(days),
                category="Burglary",
                lat=52.9,
                lng=-1.4,
                cell=1,
                location="On or near Abbey Street",
                victim_ref=f"V-{ref}",
                suspect_ref=f"S-{ref}",
                source="test",
            )
        ).id

    d["incident"], k["incident"] = {incident(800, "OLD1")}, {incident(100, "NEW1")}
    world.secrets += ["V-OLD1", "S-OLD1"]

    _save(SignInAttempt(at=ago(100), username_key="old-guesser", address="203.0.113.9"))
    _save(SignInAttempt(at=ago(1), username_key="new-guesser", address="203.0.113.10"))
    _save(
        AuditEntry(
            at=ago(3000), operation="consultation", record_type="engagement", detail="ancient"
        )
    )
    start = ago(800)
    plan = _save(
        PatrolPlan(
            team=team.id,
            day=start.date(),
            shift_start=start,
            shift_end=start + timedelta(hours=8),
            assignee=pcso.id,
            status="published",
        )
    )
    point = _save(
        PatrolPoint(
            plan=plan.id,
            label="Abbey Street shops",
            lat=52.9,
            lng=-1.47,
            window_start=start,
            window_end=start + timedelta(hours=1),
        )
    )

    def checkin(days: int, note: str, lat: float) -> int:
        return _save(
            PatrolCheckIn(
                uuid=uuid.uuid4(),
                point=point.id,
                person=pcso.id,
                at=ago(days),
                lat=lat,
                lng=-1.47,
                accuracy_m=8.0,
                distance_m=12.0,
                note=note,
            )
        ).id

    d["patrol_checkin"] = {checkin(800, "OLD-CHECKIN-NOTE", 52.90123)}
    k["patrol_checkin"] = {checkin(700, "NEWER-CHECKIN-NOTE", 52.90456)}
    world.secrets += ["OLD-CHECKIN-NOTE", "52.90123"]

    # An ended session with a device, and a live one with its device.
    for name, expires in (("OLD", ago(40)), ("LIVE", NOW + timedelta(hours=1))):
        session = _save(
            UserSession(
                token_hash=name.ljust(64, "x"),
                person=pcso.id,
                expires_at=expires,
                user_agent=f"{name}-PHONE-AGENT",
            )
        )
        _save(
            PushSubscription(
                person=pcso.id,
                session=session.id,
                endpoint=f"https://push.example/{name}-ENDPOINT",
                p256dh="key",
                auth="auth",
            )
        )
    world.secrets += ["OLD-PHONE-AGENT", "OLD-ENDPOINT"]
    return world


def due_ids(report) -> dict[str, set[int]]:
    return {k.kind: {r.id for r in k.records} for k in report if not k.bulk}


def test_the_report_lists_exactly_what_is_due_and_changes_nothing():
    world = build_world()
    before = sync(Engagement.select().order_by(Engagement.id))
    report = sync(service.report(service.COMMAND_LINE))
    found = due_ids(report)
    for kind, expected in world.due.items():
        assert found[kind] == expected, kind
    for kind, kept in world.kept.items():
        assert not found[kind] & kept, kind
    bulk = {k.kind: k.count for k in report if k.bulk}
    assert bulk == {"sign_in_attempt": 1, "audit_log": 1, "session": 1, "push_subscription": 1}
    assert sync(Engagement.select().order_by(Engagement.id)) == before
    assert sync(Tombstone.count()) == 0


def rows_text(table) -> str:
    return "\n".join(repr(r) for r in sync(table.select()))


def test_apply_blanks_personal_fields_keeps_tombstones_and_logs_no_erased_value():
    world = build_world()
    untouched = {
        "engagement": sync(
            Engagement.select().where(Engagement.id.is_in(list(world.kept["engagement"])))
        ),
        "visit": sync(HomeVisit.select().where(HomeVisit.id.is_in(list(world.kept["home_visit"])))),
    }
    erased = sync(service.apply(service.COMMAND_LINE))
    for kind, expected in world.due.items():
        assert erased[kind] == len(expected), kind
    bulk = {"sign_in_attempt": 1, "audit_log": 1, "session": 1, "push_subscription": 1}
    assert {kind: erased[kind] for kind in bulk} == bulk

    # The personal values are gone from every table they were in...
    for table in (
        Engagement,
        KeyIndividual,
        HomeVisit,
        VisitAnswer,
        Referral,
        FollowUp,
        MentorClient,
        MentorContact,
        Tasking,
        Incident,
        PatrolCheckIn,
        UserSession,
        PushSubscription,
    ):
        text = rows_text(table)
        for secret in world.secrets:
            assert secret not in text, f"{secret!r} still in {table._meta.tablename}"
    # ...and never reached the audit log (nor the tombstones).
    log = rows_text(AuditEntry) + rows_text(Tombstone)
    for secret in world.secrets:
        assert secret not in log, secret
    assert "ancient" not in log and "old-guesser" not in rows_text(SignInAttempt)

    # One tombstone and one erasure entry per record, with the phone's UUID where there is one.
    stones = sync(Tombstone.select())
    assert {(s["kind"], s["record_id"]) for s in stones} == {
        (kind, i) for kind, ids in world.due.items() for i in ids
    }
    by_id = {(s["kind"], s["record_id"]): s for s in stones}
    old_engagement = min(world.due["engagement"])
    assert by_id[("engagement", old_engagement)]["uuid"] == world.uuids["OLD-NOTE-ALPHA"]
    entries = sync(AuditEntry.select().where(AuditEntry.operation == "erasure"))
    per_record = {(e["record_type"], e["record_id"]) for e in entries if e["record_id"]}
    assert per_record == {(kind, str(i)) for kind, ids in world.due.items() for i in ids}

    # Records not due are as they were; erased rows keep what is not personal.
    assert (
        sync(Engagement.select().where(Engagement.id.is_in(list(world.kept["engagement"]))))
        == untouched["engagement"]
    )
    assert (
        sync(HomeVisit.select().where(HomeVisit.id.is_in(list(world.kept["home_visit"]))))
        == untouched["visit"]
    )
    row = sync(Engagement.select().where(Engagement.id == old_engagement).first())
    assert (row["note"], row["follow_up"], row["lat"], row["kind"]) == ("", "", None, "street")
    assert "NEW-NOTE-KEEP" in rows_text(Engagement) and "9 Current Lane" in rows_text(Tasking)
    assert "LIVE-ENDPOINT" in rows_text(PushSubscription) and "NEWER-CHECKIN" in rows_text(
        PatrolCheckIn
    )
    checkin = sync(PatrolCheckIn.select().where(PatrolCheckIn.note == "").first())
    assert (checkin["lat"], checkin["distance_m"]) == (None, 12.0)

    # Nothing is due any more, and a second run erases nothing.
    assert all(not ids for ids in due_ids(sync(service.report(service.COMMAND_LINE))).values())
    assert sum(sync(service.apply(service.COMMAND_LINE)).values()) == 0


def test_a_kept_record_is_not_due_until_its_review_date():
    world = build_world()
    boss = actor_of(world.supervisor)
    [visit_id] = world.due["home_visit"]
    review_on = NOW.date() + timedelta(days=30)
    errors = sync(
        service.keep(
            boss,
            "home_visit",
            visit_id,
            {"reason": "Open safeguarding case", "review_on": review_on.isoformat()},
        )
    )
    assert not errors
    [hold] = sync(RetentionHold.select())
    assert (hold["reason"], hold["review_on"], hold["decided_by"]) == (
        "Open safeguarding case",
        review_on,
        world.supervisor.id,
    )
    assert visit_id not in due_ids(sync(service.report(boss)))["home_visit"]
    assert sync(service.apply(service.COMMAND_LINE))["home_visit"] == 0
    assert (
        sync(HomeVisit.select(HomeVisit.address).where(HomeVisit.id == visit_id).first())["address"]
        == "12 Erased Road"
    )
    [entry] = sync(
        AuditEntry.select().where(
            (AuditEntry.operation == "alteration") & (AuditEntry.record_type == "home_visit")
        )
    )
    assert entry["detail"] == f"retention: kept, next review {review_on:%Y-%m-%d}"
    assert "safeguarding" not in rows_text(AuditEntry)
    # On its review date it is due again.
    later = NOW + timedelta(days=31)
    assert visit_id in due_ids(sync(service.report(boss, later)))["home_visit"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"review_on": "2099-01-01"}, "reason", "Say why this record is still needed"),
        ({"reason": "x"}, "review_on", "Enter the date to review it again, like 2027-06-01"),
        (
            {"reason": "x", "review_on": "2001-01-01"},
            "review_on",
            "Choose a review date after today and within ten years",
        ),
        (
            {"reason": "x" * 501, "review_on": "2099-01-01"},
            "reason",
            "Keep the reason to 500 characters or fewer",
        ),
    ],
)
def test_keeping_needs_a_reason_and_a_later_review_date(data, field, message):
    world = build_world()
    boss = actor_of(world.supervisor)
    [visit_id] = world.due["home_visit"]
    errors = sync(service.keep(boss, "home_visit", visit_id, data))
    assert errors[field] == message
    assert sync(RetentionHold.count()) == 0


def test_supervisors_decide_only_on_their_teams_records_and_mentoring_only_as_coordinator():
    world = build_world()
    elsewhere = actor_of(make_person("supervisor", home_team=make_team("Elsewhere").id))
    found = due_ids(sync(service.report(elsewhere)))
    assert found["engagement"] == set() and found["mentor_contact"] == set()
    assert found["incident"] == world.due["incident"]
    mine = due_ids(sync(service.report(actor_of(world.supervisor))))
    assert mine["engagement"] == world.due["engagement"] and mine["mentor_client"] == set()
    from app.outcomes import NotAllowed, NotFound

    with pytest.raises(NotFound):
        sync(service.erase_one(elsewhere, "engagement", min(world.due["engagement"])))
    with pytest.raises(NotAllowed):
        sync(service.report(actor_of(world.pcso)))
    assert sync(Tombstone.count()) == 0


def test_a_late_replay_of_an_erased_records_uuid_stores_nothing(as_role):
    world = build_world()
    pcso = as_role("pcso", person=world.pcso)
    sync(service.apply(service.COMMAND_LINE))
    json = {"accept": "application/json", "x-outbox-user": world.pcso.username}
    count = sync(Engagement.count())
    body = {
        "uuid": world.uuids["OLD-NOTE-ALPHA"],
        "kind": "street",
        "note": "OLD-NOTE-ALPHA",
        "key_individual": "",
    }
    response = pcso.post("/log", body, headers=json)
    assert (response.status_code, response.json()["status"]) == (200, "already stored")
    assert sync(Engagement.count()) == count
    assert "OLD-NOTE-ALPHA" not in rows_text(Engagement)

    # A late answer to the erased visit: answered as stored, nothing kept.
    visit_uuid = world.uuids["visit"]
    response = pcso.post(
        f"/visits/{visit_uuid}/answers/food",
        {"uuid": str(uuid.uuid4()), "q_food": "yes", "at": "99999999999"},
        headers=json,
    )
    assert (response.status_code, response.json()["status"]) == (200, "already stored")
    [answer] = sync(VisitAnswer.select().where(VisitAnswer.key == f"{visit_uuid}:food"))
    assert answer["value"] == ""


def test_a_late_replay_of_an_erased_mentor_contact_stores_nothing(as_role):
    world = build_world()
    sync(service.apply(service.COMMAND_LINE))
    client = sync(MentorClient.select().where(MentorClient.status == "active").first())
    from app.tables.people import Person

    mentor = sync(Person.objects().where(Person.id == client["mentor"]).first())
    session = as_role("mentor", person=mentor)
    count = sync(MentorContact.count())
    body = {
        "uuid": world.uuids["OLD-CONFIDENTIAL-NOTE"],
        "kind": "meeting",
        "contact_date": date.today().isoformat(),
        "note": "OLD-CONFIDENTIAL-NOTE",
    }
    response = session.post(
        f"/mentoring/clients/{client['id']}/contacts", body, headers={"accept": "application/json"}
    )
    assert (response.status_code, response.json()["status"]) == (200, "already stored")
    assert sync(MentorContact.count()) == count
    assert "OLD-CONFIDENTIAL-NOTE" not in rows_text(MentorContact)


def test_the_schedule_setting_replaces_defaults_and_refuses_mistakes():
    assert schedule.parse("")["engagement"] == 730
    days = schedule.parse(" engagement=30 , audit_log=4000")
    assert (days["engagement"], days["audit_log"], days["home_visit"]) == (30, 4000, 1095)
    for bad in ("engagment=30", "engagement=", "engagement=0", "engagement=3x", "engagement"):
        with pytest.raises(schedule.ScheduleError):
            schedule.parse(bad)


def run_cli(db, *args: str, retention: str = "") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "BEATBOOK_DATABASE_URL": TEST_DATABASE_URL if IS_POSTGRES else f"sqlite:///{db.path}",
        "BEATBOOK_RETENTION": retention,
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "retention", *args],
        cwd=str(ROOT),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def counts(output: str) -> dict[str, int]:
    found = {}
    for line in output.splitlines():
        if line.startswith("    "):  # a record --list names, not a kind's count
            continue
        parts = line.split()
        if len(parts) >= 2 and parts[0] in schedule.KINDS and parts[1].isdigit():
            found[parts[0]] = int(parts[1])
    return found


def test_the_command_reports_then_erases(db):
    world = build_world()
    if not IS_POSTGRES:
        db.close()  # the child process writes the same file: let go of this one's connections
    report = run_cli(db, "--list")
    assert report.returncode == 0, report.stderr
    expected = {kind: len(ids) for kind, ids in world.due.items()}
    assert {k: v for k, v in counts(report.stdout).items() if k in expected} == expected
    for kind, ids in world.due.items():
        for i in ids:
            assert f"    {kind} {i} dated " in report.stdout
    assert sync(Tombstone.count()) == 0
    assert sync(Engagement.count().where(Engagement.note == "OLD-NOTE-ALPHA")) == 1

    shorter = run_cli(db, retention="engagement=5")  # a setting shortens a period
    assert counts(shorter.stdout)["engagement"] == 4  # the two old, the 729-day and the 10-day
    bad = run_cli(db, retention="engagement=soon")
    assert bad.returncode == 2 and "engagement needs a whole number of days" in bad.stderr

    applied = run_cli(db, "--apply")
    assert applied.returncode == 0, applied.stderr
    assert {k: v for k, v in counts(applied.stdout).items() if k in expected} == expected
    assert sync(Tombstone.count()) == sum(expected.values())
    assert sync(Engagement.count().where(Engagement.note == "OLD-NOTE-ALPHA")) == 0
    entries = sync(AuditEntry.select().where(AuditEntry.operation == "erasure"))
    assert all(e["actor"] is None and e["actor_username"] == "(command line)" for e in entries)
