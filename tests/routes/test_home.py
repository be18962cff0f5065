"""Each role's home screen leads with what waits for them, in order (offers, taskings with the
urgent first, the next patrol point, follow-ups due, visits in progress, then the quick log),
and the navigation's counts equal counts made here, independently, from the tables."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.clock import LOCAL_TIME
from app.tables.engagement import Engagement
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint, PlanState
from app.tables.taskings import Tasking, TaskingAssignment
from app.tables.visits import ChecklistTemplate, FollowUp, HomeVisit
from tests.factories import make_person, make_team
from tests.helpers import html, sync

NOW = datetime.now(UTC)
TODAY = NOW.astimezone(LOCAL_TIME).date()


def tasking(team, person, state, title, priority="routine", hours=2):
    row = Tasking(
        kind="other",
        title=title,
        place_kind="area",
        team=team.id,
        starts_at=NOW + timedelta(hours=hours),
        ends_at=NOW + timedelta(hours=hours + 2),
        priority=priority,
        mode="offer" if state == "offered" else "assign",
    )
    sync(row.save())
    part = TaskingAssignment(tasking=row.id, person=person.id, state=state)
    sync(part.save())
    return row.id


def plan_with_points(team, person, points):
    """points: (label, lat, lng, starts in hours, ends in hours, checked in)."""
    plan = PatrolPlan(
        team=team.id,
        day=TODAY,
        shift_start=NOW - timedelta(hours=3),
        shift_end=NOW + timedelta(hours=6),
        assignee=person.id,
        status=PlanState.PUBLISHED,
        start_lat=52.92,
        start_lng=-1.47,
    )
    sync(plan.save())
    ids = []
    for n, (label, lat, lng, start, end, done) in enumerate(points):
        point = PatrolPoint(
            plan=plan.id,
            position=n,
            label=label,
            lat=lat,
            lng=lng,
            window_start=NOW + timedelta(hours=start),
            window_end=NOW + timedelta(hours=end),
        )
        sync(point.save())
        ids.append(point.id)
        if done:
            sync(PatrolCheckIn(uuid=uuid.uuid4(), point=point.id, person=person.id, at=NOW).save())
    return ids


def visit(person, state="in_progress", ref="HH-1"):
    template = ChecklistTemplate(family="hss", name="HSS", content="{}")
    sync(template.save())
    row = HomeVisit(
        uuid=str(uuid.uuid4()),
        template=template.id,
        visitor=person.id,
        state=state,
        household_ref=ref,
    )
    sync(row.save())
    return row


def the_world(person, team, other):
    """Waiting work for `person`, and work that is not theirs or not waiting."""
    tasking(team, person, "assigned", "Routine check", hours=1)
    tasking(team, person, "acknowledged", "Urgent welfare check", priority="urgent", hours=5)
    tasking(team, person, "in_progress", "Priority leaflets", priority="priority", hours=3)
    tasking(team, person, "done", "Finished already")
    tasking(team, person, "cancelled", "Cancelled one")
    tasking(team, other, "assigned", "Someone else's")
    plan_with_points(
        team,
        person,
        [
            ("Passed gate", 52.921, -1.47, -3, -2, False),  # its window has ended
            ("Visited shop", 52.922, -1.47, -1, 1, True),
            ("School gates", 52.93, -1.47, 0, 2, False),  # the next one: north of the shop
            ("Park", 52.94, -1.47, 2, 4, False),
        ],
    )
    v = visit(person)
    visit(person, state="submitted", ref="HH-2")
    visit(other, ref="HH-3")
    sync(
        FollowUp(
            visit=v.id, question="smoke", reason="Check the alarm", due_on=TODAY, owner=person.id
        ).save()
    )
    sync(
        FollowUp(
            visit=v.id,
            question="x",
            reason="Later one",
            due_on=TODAY + timedelta(days=5),
            owner=person.id,
        ).save()
    )
    sync(
        FollowUp(
            visit=v.id, question="y", reason="Done one", due_on=TODAY, done=True, owner=person.id
        ).save()
    )
    for due, text in (
        (TODAY - timedelta(days=1), "Call back the shop"),
        (TODAY + timedelta(days=3), "Not yet"),
    ):
        sync(
            Engagement(
                client_uuid=str(uuid.uuid4()),
                author=person.id,
                team=team.id,
                kind="street",
                occurred_at=NOW,
                follow_up=text,
                follow_up_due=due,
            ).save()
        )
    return v


def independent_counts(person) -> dict[str, int]:
    """Counted here with Piccolo's own queries, not the home screen's SQL."""
    open_states = ["offered", "assigned", "acknowledged", "accepted", "in_progress"]
    tasks = sync(
        TaskingAssignment.count().where(
            (TaskingAssignment.person == person.id) & TaskingAssignment.state.is_in(open_states)
        )
    )
    points = sync(
        PatrolPoint.select(PatrolPoint.id, PatrolPoint.window_end).where(
            (PatrolPoint.plan.assignee == person.id) & (PatrolPoint.plan.status == "published")
        )
    )
    done = {
        r["point"]
        for r in sync(
            PatrolCheckIn.select(PatrolCheckIn.point).where(PatrolCheckIn.person == person.id)
        )
    }
    plan_left = sum(1 for p in points if p["id"] not in done and p["window_end"] >= NOW)
    visits = sync(
        HomeVisit.count().where(
            (HomeVisit.visitor == person.id) & (HomeVisit.state == "in_progress")
        )
    )
    followups = sync(
        FollowUp.count().where(
            (FollowUp.owner == person.id) & FollowUp.done.eq(False) & (FollowUp.due_on <= TODAY)
        )
    )
    log = sync(
        Engagement.count().where(
            (Engagement.author == person.id)
            & (Engagement.follow_up != "")
            & (Engagement.follow_up_due <= TODAY)
        )
    )
    return {"Tasks": tasks, "Plan": plan_left, "Visits": visits + followups, "Log": log}


def nav_counts(page) -> dict[str, int]:
    found = {}
    for link in page.select("nav.app-nav a"):
        count = link.select_one(".nav-count")
        label = link.select_one("span").get_text(strip=True)
        if count is not None and not count.has_attr("hidden"):
            assert count.select_one(".visually-hidden").get_text(strip=True) == "waiting"
            found[label] = int(count["data-count"])
    return found


@pytest.mark.parametrize("role", ["pcso", "officer", "supervisor"])
def test_staff_home_leads_with_waiting_work_in_order_and_the_counts_agree(as_role, role):
    team, elsewhere = make_team("Abbey"), make_team("Darley")
    person = make_person(role, home_team=team.id)
    other = make_person("pcso", home_team=elsewhere.id)
    in_progress = the_world(person, team, other)
    session = as_role(role, person=person)

    response = session.get("/")
    assert response.status_code == 200
    page = html(response)
    sections = [s["data-waiting"] for s in page.select("[data-waiting]")]
    assert sections == ["taskings", "patrol", "followups", "visits"]
    # Everything waiting comes before the quick log.
    text = response.text
    assert text.index('data-section="waiting"') < text.index('id="quick-log"')
    titles = [a.get_text(strip=True) for a in page.select("[data-waiting=taskings] li a")]
    assert titles == ["Urgent welfare check", "Priority leaflets", "Routine check"]
    first = page.select_one("[data-waiting=taskings] li")
    assert first.select_one("[data-urgent]").get_text(strip=True) == "Urgent"
    point = page.select_one("[data-waiting=patrol]")
    assert "School gates" in point.get_text()
    # Measured from the point before it (no position given): about 890 m north.
    assert "N" in point.select_one("[data-distance] strong").get_text().split()
    assert "from Visited shop" in point.select_one("[data-distance]").get_text()
    followups = [li.get_text(" ", strip=True) for li in page.select("[data-waiting=followups] li")]
    # In due order, each with when it is due; their words are not on the home screen (kept on
    # the phone until sign-out), only on their own pages.
    assert len(followups) == 2
    assert followups[0].startswith("Visit follow-up") and TODAY.strftime("%d %b") in followups[0]
    assert followups[1].startswith("Overdue Follow-up you promised when logging")
    assert "Check the alarm" not in response.text and "Call back the shop" not in response.text
    visits = page.select("[data-waiting=visits] li a")
    assert len(visits) == 1 and visits[0]["href"] == f"/visits/{in_progress.uuid}"
    assert "HH-1" not in response.text

    expected = independent_counts(person)
    assert expected == {"Tasks": 3, "Plan": 2, "Visits": 2, "Log": 1}
    assert nav_counts(page) == expected
    # Another page loads the same counts as a fragment, never stored.
    fragment = session.get("/waiting", headers={"hx-request": "true"})
    assert fragment.status_code == 200
    assert "no-store" in fragment.headers["cache-control"]
    found = {span["id"]: int(span["data-count"]) for span in html(fragment).select("[hx-swap-oob]")}
    assert found["count-taskings-index"] == expected["Tasks"]
    assert found["count-patrol-today"] == expected["Plan"]
    assert found["count-visits-index"] == expected["Visits"]
    assert found["count-engagement-index"] == expected["Log"]
    other_page = html(session.get("/tasks"))
    assert other_page.select_one("nav.app-nav")["hx-get"] == "/waiting"
    # Opened as a page (not by htmx), it is the home screen, which shows what waits.
    opened = session.get("/waiting")  # the test client does not follow redirects
    assert opened.status_code == 303 and opened.headers["location"] == "/"


def test_the_position_given_measures_the_next_point_from_the_phone(as_role):
    team = make_team("Abbey")
    person = make_person("pcso", home_team=team.id)
    plan_with_points(team, person, [("School gates", 52.93, -1.47, 0, 2, False)])
    page = html(as_role("pcso", person=person).get("/?lat=52.93&lng=-1.48"))
    distance = page.select_one("[data-distance]").get_text(" ", strip=True)
    assert "from where you are" in distance and " E " in f" {distance} "
    # A position out of range is ignored (measured from the plan's start instead).
    page = html(as_role("pcso", person=person).get("/?lat=95&lng=-1.48"))
    assert "from the start" in page.select_one("[data-distance]").get_text()


def test_a_volunteers_home_has_offers_first_urgent_first_and_no_patrol(as_role):
    team = make_team("Abbey")
    person = make_person("volunteer", home_team=team.id, vetting="full")
    tasking(team, person, "offered", "Leaflets", hours=1)
    tasking(team, person, "offered", "Urgent reassurance", priority="urgent", hours=4)
    tasking(team, person, "accepted", "Accepted visit")
    session = as_role("volunteer", person=person)
    page = html(session.get("/"))
    assert [s["data-waiting"] for s in page.select("[data-waiting]")] == ["offers", "taskings"]
    offers = [a.get_text(strip=True) for a in page.select("[data-waiting=offers] li a")]
    assert offers == ["Urgent reassurance", "Leaflets"]
    assert nav_counts(page) == {"Tasks": independent_counts(person)["Tasks"]} == {"Tasks": 3}
    assert page.select_one("#quick-log") is not None


def test_the_supervisors_home_links_the_roll_up_first_and_admins_see_nothing_waiting(as_role):
    team = make_team("Abbey")
    supervisor = as_role("supervisor", home_team=team.id)
    page = html(supervisor.get("/"))
    first = page.select_one("main section")
    assert first["data-section"] == "rollup"
    assert first.select_one("a")["href"] == "/areas"
    assert page.select_one("[data-nothing-waiting]") is not None
    admin = html(as_role("admin").get("/"))
    assert admin.select_one("[data-section=waiting]") is None
    assert admin.select_one("[data-section=rollup]") is None


def test_a_long_list_shows_the_first_five_urgent_first_and_links_the_rest(as_role):
    team = make_team("Abbey")
    person = make_person("pcso", home_team=team.id)
    for n in range(6):
        tasking(team, person, "assigned", f"Routine {n}", hours=1 + n)
    tasking(team, person, "assigned", "Late but urgent", priority="urgent", hours=30)
    page = html(as_role("pcso", person=person).get("/"))
    titles = [a.get_text(strip=True) for a in page.select("[data-waiting=taskings] li a")]
    assert titles == ["Late but urgent", "Routine 0", "Routine 1", "Routine 2", "Routine 3"]
    more = page.select_one("[data-waiting=taskings] p a")
    assert more.get_text(strip=True) == "All 7 in Tasks" and more["href"] == "/tasks"
    assert nav_counts(page) == {"Tasks": 7}
