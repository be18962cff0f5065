"""Patrol plans' use cases called without HTTP, as the demo and the benches call them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from geopy.distance import geodesic

from app.outcomes import NotFound
from app.patrol import checkin, compliance, demand, notify, plans
from app.patrol.forms import CheckInForm, CopyForm, PlanForm, PointForm
from app.patrol.times import LOCAL, parse_hhmm, shift_bounds
from app.phone_outbox import NotTheSender
from app.tables.audit import AuditEntry
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint, PlanState, PointSource
from app.tables.people import PersonTeam
from app.tables.taskings import PushMessage, PushStatus, State, Tasking, TaskingAssignment
from app.taskings.geocoding import LOCAL_ADDRESSES
from tests.factories import actor_of, make_actor, make_person, make_team
from tests.helpers import sync

SCHOOL = (52.91990, -1.49200)
SHOPS = (52.92250, -1.47460)


def today() -> str:
    return datetime.now(LOCAL).date().isoformat()


def near(where, metres, bearing=90.0):
    moved = geodesic(meters=metres).destination(where, bearing)
    return moved.latitude, moved.longitude


def draft(sup, team, assignee=None, start="00:00", end="23:59") -> int:
    values, errors = PlanForm.parse(
        {
            "team": str(team.id),
            "day": today(),
            "shift_start": start,
            "shift_end": end,
            "assignee": str(assignee.id) if assignee else "",
            "title": "Test",
        }
    )
    plan_id, errors = sync(plans.create(sup, values, errors))
    assert not errors, errors
    return plan_id


def point(sup, plan_id, label, where, start="00:05", end="23:50", **extra):
    values, errors = PointForm.parse(
        {
            "label": label,
            "lat": str(where[0]) if where else "",
            "lng": str(where[1]) if where else "",
            "window_start": start,
            "window_end": end,
            **extra,
        }
    )
    return sync(plans.add_point(sup, plan_id, values, errors))


def published(sup, team, assignee=None, places=(("School gates", SCHOOL),)) -> int:
    plan_id = draft(sup, team, assignee)
    for label, where in places:
        assert point(sup, plan_id, label, where)[0]
    assert not sync(plans.publish(sup, plan_id))
    return plan_id


def check_in(actor, point_id, fix=None, reason="", token=None):
    data = {"uuid": token or str(uuid.uuid4()), "reason": reason}
    if fix:
        data.update(lat=str(fix[0]), lng=str(fix[1]), accuracy="8")
    values, errors = CheckInForm.parse(data)
    return sync(checkin.check_in(actor, point_id, values, errors))


def test_create_stores_a_draft_and_audits_it():
    team = make_team()
    sup = make_actor("supervisor")
    plan_id = draft(sup, team)
    plan = sync(PatrolPlan.objects().where(PatrolPlan.id == plan_id).first())
    assert (plan.status, plan.created_by, plan.title) == (PlanState.DRAFT, sup.id, "Test")
    assert sync(AuditEntry.count().where(AuditEntry.record_type == "patrol-plan")) == 1


def test_create_refuses_a_team_or_person_that_does_not_exist():
    sup = make_actor("supervisor")
    values, errors = PlanForm.parse(
        {"team": "999999", "day": today(), "shift_start": "07:00", "shift_end": "15:00"}
    )
    values["assignee"] = 999999
    plan_id, errors = sync(plans.create(sup, values, errors))
    assert plan_id is None and set(errors) == {"team", "assignee"}
    assert sync(PatrolPlan.count()) == 0


def test_points_are_added_moved_ordered_and_removed_while_a_draft():
    sup = make_actor("supervisor")
    plan_id = draft(sup, make_team())
    ids = [point(sup, plan_id, label, where)[0] for label, where in [("A", SCHOOL), ("B", SHOPS)]]

    def order():
        rows = sync(plans.points_of(plan_id))
        return [(r["position"], r["label"]) for r in rows]

    assert order() == [(1, "A"), (2, "B")]
    sync(plans.move_point(sup, plan_id, ids[1], up=True))
    assert order() == [(1, "B"), (2, "A")]
    sync(
        PatrolPlan.update({PatrolPlan.start_lat: SCHOOL[0], PatrolPlan.start_lng: SCHOOL[1]}).where(
            PatrolPlan.id == plan_id
        )
    )
    sync(plans.suggest_walking_order(sup, plan_id))
    assert order() == [(1, "A"), (2, "B")]
    sync(plans.remove_point(sup, plan_id, ids[0]))
    assert order() == [(1, "B")]
    with pytest.raises(NotFound):
        sync(plans.remove_point(sup, 999999, ids[1]))


def test_a_point_needs_its_place_and_a_window_in_the_shift():
    sup = make_actor("supervisor")
    plan_id = draft(sup, make_team(), start="07:00", end="15:00")
    point_id, errors = point(sup, plan_id, "", None, start="16:00", end="16:30")
    assert point_id is None
    assert list(errors) == ["label", "lat", "lng", "window_end"]
    assert sync(PatrolPoint.count()) == 0
    with pytest.raises(NotFound):
        point(sup, 999999, "Shops", SHOPS)


def test_a_point_by_address_is_looked_up():
    sup = make_actor("supervisor")
    plan_id = draft(sup, make_team())
    point_id, errors = point(sup, plan_id, "", None, address="Abbey Street, Derby")
    assert not errors
    stored = sync(PatrolPoint.objects().where(PatrolPoint.id == point_id).first())
    address, lat, lng = LOCAL_ADDRESSES["abbey street, derby"]
    assert (stored.source, stored.label, stored.lat, stored.lng) == (
        PointSource.ADDRESS,
        address,
        lat,
        lng,
    )


def test_publish_tells_the_assignee_once_and_published_plans_stay_as_they_are():
    team = make_team("Abbey")
    sup = make_actor("supervisor")
    pcso = make_actor("pcso", home_team=team.id)
    plan_id = draft(sup, team, pcso)
    assert list(sync(plans.publish(sup, plan_id))) == ["points"]  # no points yet
    point(sup, plan_id, "Shops", SHOPS)
    assert not sync(plans.publish(sup, plan_id))
    assert not sync(plans.publish(sup, plan_id))  # again: nothing changes
    plan = sync(PatrolPlan.objects().where(PatrolPlan.id == plan_id).first())
    assert plan.status == PlanState.PUBLISHED and plan.published_at is not None
    [tasking] = sync(Tasking.objects())
    assert (tasking.kind, tasking.created_by) == ("patrol", sup.id)
    [part] = sync(TaskingAssignment.objects())
    assert part.person == pcso.id
    assert sync(PushMessage.count()) == 1
    _, errors = point(sup, plan_id, "Park", SCHOOL)
    assert errors["label"] == "This plan is published: copy it to change it"


def test_copy_makes_drafts_on_other_days_but_its_own():
    sup = make_actor("supervisor")
    plan_id = published(sup, make_team())
    first = datetime.now(LOCAL).date()
    values, errors = CopyForm.parse(
        {"copy_from": first.isoformat(), "copy_to": (first + timedelta(days=2)).isoformat()}
    )
    days, errors = sync(plans.copy(sup, plan_id, values["days"], errors))
    assert not errors and days == [first + timedelta(days=1), first + timedelta(days=2)]
    copies = sync(PatrolPlan.objects().where(PatrolPlan.copied_from == plan_id))
    assert len(copies) == 2 and all(c.status == PlanState.DRAFT for c in copies)
    _, errors = sync(plans.copy(sup, plan_id, [first], None))
    assert errors["copy_from"] == "Choose days other than the plan's own day"


def test_the_week_and_the_plan_page_and_who_a_plan_can_be_for():
    team = make_team()
    sup = make_actor("supervisor")
    pcso = make_actor("pcso")
    make_actor("volunteer")
    plan_id = published(sup, team)
    rows, counts = sync(plans.week_of_plans(sup, datetime.now(LOCAL).date()))
    assert [r["id"] for r in rows] == [plan_id] and counts == {plan_id: 1}
    shown = sync(plans.plan_page(sup, plan_id))
    assert shown["names"]["team_name"] == team.name and len(shown["points"]) == 1
    assert shown["suggestions"] == []  # published: nothing more to add
    people = dict(sync(plans.assignee_choices(sup)))
    assert pcso.id in people and sup.id in people and len(people) == 2
    with pytest.raises(NotFound):
        sync(plans.plan_page(sup, 999999))


def test_today_check_in_replay_and_check_out():
    team = make_team()
    sup = make_actor("supervisor")
    pcso = make_actor("pcso", home_team=team.id)
    published(sup, team, None, places=[("School gates", SCHOOL), ("Shops", SHOPS)])  # the team
    [first, second] = sync(PatrolPoint.objects().order_by(PatrolPoint.position))
    [view] = sync(checkin.today(pcso, near(SHOPS, 300, 0)))
    assert [p["is_next"] for p in view["points"]] == [True, False]
    assert view["points"][1]["distance"] == "300 m"
    far = check_in(pcso, first.id, near(SCHOOL, 300))
    assert far.record_id is None and far.errors["reason"].startswith("You are 300 m")
    token = str(uuid.uuid4())
    done = check_in(pcso, first.id, near(SCHOOL, 20), token=token)
    assert done.created and done.record_id and not done.errors
    again = check_in(pcso, first.id, None, token=token)  # a replay: stored once, whatever it says
    assert (again.created, again.record_id) == (False, done.record_id)
    with pytest.raises(NotTheSender):
        check_in(make_actor("pcso", home_team=team.id), first.id, near(SCHOOL, 5), token=token)
    with pytest.raises(NotFound):
        check_in(make_actor("pcso", home_team=make_team().id), first.id, near(SCHOOL, 5))
    assert sync(checkin.check_out(pcso, first.id)) == done.record_id
    assert sync(PatrolCheckIn.objects().first()).checked_out_at is not None
    with pytest.raises(NotFound):
        sync(checkin.check_out(pcso, second.id))
    [view] = sync(checkin.today(pcso))
    assert view["done"] == 1 and view["points"][1]["is_next"]
    kinds = {
        (e["operation"], e["detail"])
        for e in sync(
            AuditEntry.select(AuditEntry.operation, AuditEntry.detail).where(
                AuditEntry.record_type == "patrol-check-in"
            )
        )
    }
    assert kinds == {("collection", f"point {first.id}, automatic"), ("alteration", "checked out")}


def test_compliance_report_is_audited_and_needs_a_team_area():
    team = make_team()
    sup = make_actor("supervisor", home_team=team.id)
    pcso = make_actor("pcso", home_team=team.id)
    published(sup, team, pcso)
    first = sync(PatrolPoint.objects().first())
    check_in(pcso, first.id, near(SCHOOL, 10))
    rows, people = sync(compliance.report(sup, team.id, compliance.this_monday()))
    assert len(rows) == 1 and people[pcso.display_name].in_window == 1
    assert sync(AuditEntry.count().where(AuditEntry.record_type == "patrol-compliance")) == 1
    with pytest.raises(NotFound):
        sync(compliance.report(sup, 999999, compliance.this_monday()))


def test_area_demand_is_the_asked_area_or_the_actors_own():
    team = make_team("Abbey")
    sup = make_actor("supervisor", home_team=team.id)
    shown, places = sync(demand.area_demand(sup))
    assert shown["id"] == team.id and places == []
    with pytest.raises(NotFound):
        sync(demand.area_demand(sup, 999999))


def test_a_check_in_time_must_be_a_recent_time_with_its_offset():
    base = {"uuid": str(uuid.uuid4())}
    _, errors = CheckInForm.parse({**base, "at": "2026-11-21T09:30"})
    assert errors["at"] == "The time of the check-in is not a time"
    old = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    _, errors = CheckInForm.parse({**base, "at": old})
    assert errors["at"] == "The time of the check-in must be in the last two days"
    values, errors = CheckInForm.parse({**base, "lat": "north", "lng": "-1.4"})
    assert not errors and values["here"] is None  # no position: a reason is asked for instead


# A Monday in British Summer Time: local clock times are an hour ahead of UTC.
MONDAY = date(2026, 7, 6)


def plan_row(team, day, start="07:00", end="15:00", assignee=None, **fields) -> PatrolPlan:
    """A plan stored as it is (published unless told), without the desk's checks."""
    begin, finish = shift_bounds(day, parse_hhmm(start), parse_hhmm(end))
    plan = PatrolPlan(
        team=team.id,
        day=day,
        shift_start=begin,
        shift_end=finish,
        assignee=assignee.id if assignee else None,
        status=fields.pop("status", PlanState.PUBLISHED),
        **fields,
    )
    sync(plan.save())
    return sync(PatrolPlan.objects().where(PatrolPlan.id == plan.id).first())


def test_todays_plans_are_the_actors_own_and_their_teams_published_today_or_last_night():
    home, other, elsewhere = make_team("Abbey"), make_team("Darley"), make_team("Allestree")
    person = make_person("pcso", home_team=home.id)
    sync(PersonTeam.insert(PersonTeam(person=person.id, team=other.id)))
    pcso = actor_of(person)
    assert sync(pcso.team_ids()) == (home.id, other.id)
    colleague = make_actor("pcso")  # no team area at all
    yesterday, tomorrow = MONDAY - timedelta(days=1), MONDAY + timedelta(days=1)

    team_day = plan_row(home, MONDAY, "07:00", "15:00", title="Home team")
    last_night = plan_row(other, yesterday, "22:00", "06:00", title="Other team, night")
    own = plan_row(elsewhere, MONDAY, "16:00", "23:00", pcso, title="Own, another area")
    theirs = plan_row(home, MONDAY, "08:00", "12:00", colleague, title="A colleague's")
    plan_row(home, MONDAY, "09:00", "10:00", status=PlanState.DRAFT, title="Draft")
    plan_row(home, MONDAY - timedelta(days=2), "07:00", "15:00", title="Too old")
    next_day = plan_row(home, tomorrow, "07:00", "15:00", title="Tomorrow")
    plan_row(elsewhere, MONDAY, "07:00", "15:00", title="Not their team")

    shown = sync(plans.todays_plans(pcso, MONDAY))
    assert [(p["id"], p["title"], p["team_name"]) for p in shown] == [
        (last_night.id, "Other team, night", "Darley"),
        (team_day.id, "Home team", "Abbey"),
        (own.id, "Own, another area", "Allestree"),
    ]
    assert all(p["status"] == PlanState.PUBLISHED for p in shown)
    # Without a team area only the plans made for them.
    assert [p["id"] for p in sync(plans.todays_plans(colleague, MONDAY))] == [theirs.id]
    # The next day Sunday night's plan is gone; all of Monday's are still listed (as the code
    # does: every plan of the day before, not only a shift that runs past midnight).
    assert [p["id"] for p in sync(plans.todays_plans(pcso, tomorrow))] == [
        team_day.id,
        own.id,
        next_day.id,
    ]
    assert sync(plans.todays_plans(pcso, MONDAY + timedelta(days=3))) == []


def test_todays_plans_default_to_the_local_date():
    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    now = plan_row(team, datetime.now(LOCAL).date(), "00:00", "23:59")
    plan_row(team, datetime.now(LOCAL).date() + timedelta(days=1), "00:00", "23:59")
    assert [p["id"] for p in sync(plans.todays_plans(pcso))] == [now.id]


def test_tell_patrollers_assigns_the_assignee_a_patrol_tasking_for_the_shift():
    team = make_team("Abbey")
    sup = make_actor("supervisor", home_team=team.id)
    pcso = make_actor("pcso", home_team=team.id)
    make_actor("pcso", home_team=team.id)  # on the team, but not the plan's assignee
    plan = plan_row(team, MONDAY, "07:00", "15:00", pcso, title="Abbey Street shops")

    tasking_id = sync(notify.tell_patrollers(sup, plan))

    tasking = sync(Tasking.objects().where(Tasking.id == tasking_id).first())
    assert (tasking.kind, tasking.title, tasking.place_kind, tasking.team) == (
        "patrol",
        "Patrol plan: Abbey Street shops",
        "area",
        team.id,
    )
    assert tasking.details == (
        "Your patrol plan for Monday 06 July, 07:00 to 15:00, is on the Plan page (/plan)."
    )
    assert (tasking.priority, tasking.mode, tasking.places_wanted) == ("routine", "assign", 1)
    assert tasking.created_by == sup.id
    assert tasking.starts_at == datetime(2026, 7, 6, 6, 0, tzinfo=UTC)  # 07:00 BST
    assert tasking.ends_at == datetime(2026, 7, 6, 14, 0, tzinfo=UTC)
    parts = sync(TaskingAssignment.select(TaskingAssignment.person, TaskingAssignment.state))
    assert parts == [{"person": pcso.id, "state": State.ASSIGNED}]
    messages = sync(PushMessage.select(PushMessage.person, PushMessage.kind, PushMessage.status))
    assert messages == [{"person": pcso.id, "kind": "assigned", "status": PushStatus.NO_DEVICE}]
    entries = sync(AuditEntry.select().where(AuditEntry.record_type == "tasking"))
    assert [(e["actor"], e["operation"], e["record_id"], e["detail"]) for e in entries] == [
        (sup.id, "collection", str(tasking_id), "assign to 1 people")
    ]


def test_tell_patrollers_for_a_whole_team_plan_tells_its_active_police_staff():
    team, other = make_team("Abbey"), make_team("Darley")
    sup = make_actor("supervisor")
    told = [
        make_person("pcso", home_team=team.id),
        make_person("supervisor", home_team=team.id),
        make_person("officer", home_team=other.id),  # works in the team too
    ]
    sync(PersonTeam.insert(PersonTeam(person=told[2].id, team=team.id)))
    make_person("pcso", home_team=team.id, active=False)
    make_person("volunteer", home_team=team.id)
    make_person("mentor", home_team=team.id)
    make_person("admin", home_team=team.id)
    make_person("pcso", home_team=other.id)
    make_person("pcso")
    plan = plan_row(team, MONDAY, "22:00", "06:00")  # no title: the team's name

    tasking_id = sync(notify.tell_patrollers(sup, plan))

    tasking = sync(Tasking.objects().where(Tasking.id == tasking_id).first())
    assert tasking.title == "Patrol plan: Abbey"
    assert tasking.details == (
        "Your patrol plan for Monday 06 July, 22:00 to 06:00, is on the Plan page (/plan)."
    )
    assert tasking.ends_at == datetime(2026, 7, 7, 5, 0, tzinfo=UTC)  # the next morning
    parts = sync(TaskingAssignment.select(TaskingAssignment.person, TaskingAssignment.state))
    assert sorted(p["person"] for p in parts) == sorted(p.id for p in told)
    assert {p["state"] for p in parts} == {State.ASSIGNED}
    assert sorted(m["person"] for m in sync(PushMessage.select(PushMessage.person))) == sorted(
        p.id for p in told
    )


def test_tell_patrollers_with_nobody_to_tell_makes_no_tasking():
    team = make_team()
    sup = make_actor("supervisor")
    make_person("volunteer", home_team=team.id)
    make_person("pcso", home_team=team.id, active=False)
    plan = plan_row(team, MONDAY)
    assert sync(notify.tell_patrollers(sup, plan)) is None
    assert sync(Tasking.count()) == 0 and sync(PushMessage.count()) == 0
    assert sync(AuditEntry.count()) == 0


def test_withdrawing_tells_the_people_and_takes_the_plan_off_today_and_compliance():
    team = make_team("Abbey")
    sup = make_actor("supervisor", home_team=team.id)
    pcso = make_actor("pcso", home_team=team.id)
    plan_id = published(sup, team, pcso, places=(("School gates", SCHOOL), ("Shops", SHOPS)))
    first = sync(PatrolPoint.objects().order_by(PatrolPoint.position).first())
    assert check_in(pcso, first.id, near(SCHOOL, 10)).created
    _, people = sync(compliance.report(sup, team.id, compliance.this_monday()))
    assert people[pcso.display_name].points == 2  # counted while published

    assert sync(plans.withdraw(sup, plan_id)) is True
    plan = sync(PatrolPlan.objects().where(PatrolPlan.id == plan_id).first())
    assert plan.status == PlanState.WITHDRAWN and plan.withdrawn_at is not None
    # Told: their patrol tasking is cancelled, and the push queue has a message saying so.
    [tasking] = sync(Tasking.objects())
    assert tasking.id == plan.tasking and tasking.cancelled
    [part] = sync(TaskingAssignment.objects())
    assert part.state == State.CANCELLED
    kinds = [m.kind for m in sync(PushMessage.objects().order_by(PushMessage.id))]
    assert kinds == ["assigned", "cancelled"]
    assert {m.person for m in sync(PushMessage.objects())} == {pcso.id}
    # Not today's plan; the phone says it was withdrawn; no check-in there any more.
    assert sync(checkin.today(pcso)) == []
    assert [p["id"] for p in sync(checkin.withdrawn_today(pcso))] == [plan_id]
    second = sync(PatrolPoint.objects().order_by(PatrolPoint.position, ascending=False).first())
    with pytest.raises(NotFound):
        check_in(pcso, second.id, near(SHOPS, 10))
    # Not counted in compliance.
    rows, people = sync(compliance.report(sup, team.id, compliance.this_monday()))
    assert rows == [] and pcso.display_name not in people
    assert (
        sync(
            AuditEntry.count().where(
                (AuditEntry.record_type == "patrol-plan") & (AuditEntry.detail == "withdrawn")
            )
        )
        == 1
    )
    # Again: nothing changes, nobody is told twice.
    assert sync(plans.withdraw(sup, plan_id)) is False
    assert sync(PushMessage.count()) == 2


def test_a_draft_cannot_be_withdrawn_and_a_missing_plan_is_not_found():
    from app.outcomes import Refused

    team = make_team()
    sup = make_actor("supervisor")
    plan_id = draft(sup, team)
    with pytest.raises(Refused):
        sync(plans.withdraw(sup, plan_id))
    assert sync(PatrolPlan.objects().where(PatrolPlan.id == plan_id).first()).status == "draft"
    with pytest.raises(NotFound):
        sync(plans.withdraw(sup, 999999))


def test_withdrawing_a_plan_published_before_its_tasking_was_kept_finds_the_tasking():
    team = make_team()
    sup = make_actor("supervisor")
    officer = make_actor("officer", home_team=team.id)
    plan_id = published(sup, team)  # a whole-team plan
    sync(PatrolPlan.update({PatrolPlan.tasking: None}).where(PatrolPlan.id == plan_id))
    assert sync(plans.withdraw(sup, plan_id))
    assert sync(Tasking.objects().first()).cancelled
    assert sync(PushMessage.count().where(PushMessage.kind == "cancelled")) == 1
    assert [p["id"] for p in sync(checkin.withdrawn_today(officer))] == [plan_id]


def test_an_old_plan_never_takes_another_plans_tasking_when_withdrawn():
    team = make_team()
    sup = make_actor("supervisor")
    one, two = make_actor("pcso", home_team=team.id), make_actor("pcso", home_team=team.id)
    first = published(sup, team, one)
    second = published(sup, team, two)  # the same team and shift, for someone else
    sync(PatrolPlan.update({PatrolPlan.tasking: None}).where(PatrolPlan.id == first))
    assert sync(plans.withdraw(sup, first))
    kept = sync(PatrolPlan.objects().where(PatrolPlan.id == second).first()).tasking
    assert not sync(Tasking.objects().where(Tasking.id == kept).first()).cancelled
    [cancelled] = sync(PushMessage.objects().where(PushMessage.kind == "cancelled"))
    assert cancelled.person == one.id
