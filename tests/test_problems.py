"""Problem solving's use cases, called without HTTP: the assessment against an independent count,
closure and sign-off, need to know for volunteers, actions that become taskings and patrol
points, an area priority becoming a problem, the briefing's panel, people looks audited."""

from __future__ import annotations

import csv
import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from geopy.distance import geodesic

from app.briefing import area
from app.clock import LOCAL_TIME
from app.crime.importer import HEADER, CrimeImport
from app.geo import cell_of
from app.outcomes import NotAllowed, NotFound, Refused
from app.patrol import plans
from app.patrol.times import shift_bounds
from app.problems import panel, powers, search, service
from app.problems.forms import MethodForm
from app.tables.audit import AuditEntry
from app.tables.briefing import Incident
from app.tables.patrol import PatrolPoint
from app.tables.problems import Problem, ProblemAction
from app.tables.taskings import Tasking, TaskingAssignment
from app.taskings import service as taskings
from tests.factories import actor_of, make_actor, make_person, make_team, make_vetting
from tests.helpers import sync

CENTRE = (52.9225, -1.4746)
RADIUS = 150


def new_problem(actor, team, title="Shop theft at the parade", **method):
    problem_id, errors = sync(
        service.create(actor, {"title": title, "team": team.id, "summary": "Thefts most days."})
    )
    assert not errors
    if method:
        save(actor, problem_id, title=title, **method)
    return problem_id


def save(actor, problem_id, **method):
    data = {"title": "A problem", "summary": "In a sentence.", "kind": "place", "radius_m": RADIUS}
    data.update(method)
    values, errors = MethodForm.parse({k: str(v) for k, v in data.items()})
    assert not errors, errors
    assert not sync(service.save_method(actor, problem_id, values))


def add_place(actor, problem_id, label, lat, lng):
    return sync(service.add_place(actor, problem_id, {"label": label, "lat": lat, "lng": lng}))


def offset(point, metres, bearing):
    where = geodesic(meters=metres).destination(point, bearing)
    return where.latitude, where.longitude


# The assessment against an independent count ----------------------------------------------------

KINDS = ["Anti-social behaviour", "Criminal damage and arson", "Shoplifting", "Burglary"]
WANTED_KINDS = KINDS[:2]
TYPES = ["Shoplifting", "Burglary", "Vehicle crime"]
WANTED_TYPES = ["Shoplifting"]


def zone(point, places, radius):
    """Independent: the ellipsoid (geodesic) distance, not the use case's great circle."""
    nearest = min(geodesic(point, p).meters for p in places)
    return "in" if nearest <= radius else "ring" if nearest <= 2 * radius else None


def near_a_boundary(point, places, radius, margin=3.0):
    return any(
        abs(geodesic(point, p).meters - edge) < margin
        for p in places
        for edge in (radius, 2 * radius)
    )


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def shift(month: str, months: int) -> str:
    year, number = map(int, month.split("-"))
    total = year * 12 + number - 1 + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def test_the_assessment_equals_an_independent_count_over_the_same_rows(tmp_path):
    rng = random.Random(13)
    team = make_team("Abbey", *CENTRE)
    pcso = make_actor("pcso", home_team=team.id)
    started_on = datetime.now(LOCAL_TIME).date() - timedelta(days=40)
    problem_id = new_problem(
        pcso,
        team,
        incident_kinds="\n".join(WANTED_KINDS),
        crime_types="\n".join(WANTED_TYPES),
        response_started_on=started_on.isoformat(),
        assessment="",
    )
    places = [CENTRE, offset(CENTRE, 260, 75)]
    for n, (lat, lng) in enumerate(places):
        add_place(pcso, problem_id, f"Place {n}", lat, lng)
    now = datetime.now(UTC)
    start = datetime.combine(started_on, time(), LOCAL_TIME).astimezone(UTC)
    bounds = [
        start,
        now,
        start - (now - start),
        start - timedelta(days=365),
        now - timedelta(days=365),
    ]
    # Incidents: spread over 500 days and 800 m, none within 3 m of an edge or 10 minutes of a
    # period's bound (the page counts to its own now, a moment after this one).
    rows = []
    while len(rows) < 600:
        point = offset(rng.choice(places), rng.uniform(0, 800), rng.uniform(0, 360))
        when = (now - timedelta(days=rng.uniform(0, 500))).replace(microsecond=0)
        if near_a_boundary(point, places, RADIUS) or any(
            abs((when - b).total_seconds()) < 600 for b in bounds
        ):
            continue
        rows.append((point, when, rng.choice(KINDS)))
    for n, (point, when, kind) in enumerate(rows):
        sync(
            Incident.insert(
                Incident(
                    reference=f"A-{n}",
                    occurred_at=when,
                    category=kind,
                    lat=point[0],
                    lng=point[1],
                    cell=cell_of(*point),
                    location="Somewhere",
                    source="test extract",
                )
            )
        )
    # Street crimes: 15 months to last month, one file a month, as police.uk gives them.
    latest = shift(month_of(datetime.now(LOCAL_TIME).date()), -1)
    months = [shift(latest, -k) for k in range(15)]
    crimes = []
    paths = []
    for month in months:
        path = tmp_path / f"{month}-testshire-street.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            made = 0
            while made < 40:
                point = offset(rng.choice(places), rng.uniform(0, 700), rng.uniform(0, 360))
                if near_a_boundary(point, places, RADIUS):
                    continue
                kind = rng.choice(TYPES)
                made += 1
                crimes.append((month, kind, point))
                writer.writerow(
                    [
                        f"{month}{made:057d}",
                        month,
                        "Testshire Police",
                        "Testshire Police",
                        f"{point[1]:.6f}",
                        f"{point[0]:.6f}",
                        "On or near Test Street",
                        "E01000001",
                        "Test 001A",
                        kind,
                        "Under investigation",
                        "",
                    ]
                )
        paths.append(path)
    summary = sync(CrimeImport(quiet=True).run(paths))
    assert not summary.refused and summary.stored == len(crimes)
    # The use case, as the problem's page shows it.
    found = sync(service.page(pcso, problem_id))
    scanning, assessment = found["measures"]
    # Independently: the rows as stored (the incident table) and as written (the crime files).
    stored = sync(
        Incident.select(Incident.lat, Incident.lng, Incident.occurred_at, Incident.category)
    )
    windows = {
        "now": (start, now),
        "before": (start - (now - start), start),
        "year": (start - timedelta(days=365), now - timedelta(days=365)),
    }
    for key, (low, high) in windows.items():
        for area_zone in ("in", "ring"):
            expected = 0
            for row in stored:
                when = row["occurred_at"]
                when = datetime.fromisoformat(when) if isinstance(when, str) else when
                when = when if when.tzinfo else when.replace(tzinfo=UTC)
                if row["category"] in WANTED_KINDS and low <= when < high:
                    expected += zone((row["lat"], row["lng"]), places, RADIUS) == area_zone
            assert assessment.incidents.total(area_zone, key) == expected, (key, area_zone)
    assert expected > 0  # the figures are not all zero
    first = month_of(started_on)
    now_months = [m for m in months if first <= m <= latest]
    month_windows = {
        "now": now_months,
        "before": [shift(m, -len(now_months)) for m in now_months],
        "year": [shift(m, -12) for m in now_months],
    }
    for key, chosen in month_windows.items():
        for area_zone in ("in", "ring"):
            expected = sum(
                1
                for month, kind, point in crimes
                if month in chosen
                and kind in WANTED_TYPES
                and zone(point, places, RADIUS) == area_zone
            )
            assert assessment.crimes.total(area_zone, key) == expected, (key, area_zone)
    assert assessment.crimes.sources and assessment.incidents.sources == ["test extract"]
    # The scanning's hour profile counts the same incidents as its 'at the places, now' figure.
    assert sum(scanning.hours) == sum(scanning.days) == scanning.incidents.total("in", "now")


def test_a_period_the_data_does_not_reach_is_said_so_not_counted_as_nothing():
    team = make_team("Abbey", *CENTRE)
    pcso = make_actor("pcso", home_team=team.id)
    problem_id = new_problem(pcso, team)
    add_place(pcso, problem_id, "Here", *CENTRE)
    sync(
        Incident.insert(
            Incident(
                reference="B-1",
                occurred_at=datetime.now(UTC) - timedelta(days=3),
                category="Burglary",
                lat=CENTRE[0],
                lng=CENTRE[1],
                cell=cell_of(*CENTRE),
                location="Here",
                source="test",
            )
        )
    )
    (scanning,) = sync(service.page(pcso, problem_id))["measures"]
    assert scanning.incidents.total("in", "now") == 1
    assert scanning.incidents.total("in", "year") is None  # the data starts 3 days ago
    assert scanning.crimes is None and scanning.notes


# Closure and sign-off -----------------------------------------------------------------------


def test_closing_without_an_assessment_is_refused_then_signed_off_by_a_supervisor():
    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    supervisor = make_actor("supervisor", home_team=team.id)
    problem_id = new_problem(pcso, team)
    with pytest.raises(Refused, match="assessment"):
        sync(service.close(pcso, problem_id, "reduced"))
    with pytest.raises(Refused, match="assessment"):
        sync(service.close(supervisor, problem_id, "solved"))
    assert (
        sync(Problem.select(Problem.state).where(Problem.id == problem_id).first())["state"]
        == "open"
    )
    save(pcso, problem_id, assessment="Thefts fell by half; no rise in the ring.")
    assert sync(service.close(pcso, problem_id, "reduced")) == "in_review"
    with pytest.raises(NotAllowed):
        sync(service.sign_off(pcso, problem_id, True))
    sync(service.sign_off(supervisor, problem_id, True, "Good work"))
    row = sync(Problem.select().where(Problem.id == problem_id).first())
    assert (row["state"], row["result"], row["signed_off_by"]) == (
        "closed",
        "reduced",
        supervisor.id,
    )
    with pytest.raises(Refused):  # a closed plan is not changed, only commented on
        save(pcso, problem_id, assessment="changed")
    page = sync(service.page(supervisor, problem_id, assess=False))
    assert [c["kind"] for c in page["comments"]] == ["closure", "sign-off"]


def test_a_supervisor_may_send_a_closure_back():
    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    supervisor = make_actor("supervisor")
    problem_id = new_problem(pcso, team, assessment="No change yet.")
    sync(service.close(pcso, problem_id, "no_change"))
    sync(service.sign_off(supervisor, problem_id, False, "Try the council first"))
    row = sync(Problem.select().where(Problem.id == problem_id).first())
    assert (row["state"], row["result"]) == ("open", "")
    with pytest.raises(Refused):
        sync(service.sign_off(supervisor, problem_id, True))


def test_the_review_list_shows_overdue_quiet_and_waiting_plans():
    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    supervisor = make_actor("supervisor")
    overdue = new_problem(pcso, team, "Overdue")
    quiet = new_problem(pcso, team, "Quiet")
    waiting = new_problem(pcso, team, "Waiting", assessment="Done.")
    fresh = new_problem(pcso, team, "Fresh")
    sync(
        Problem.update({Problem.next_review: date.today() - timedelta(days=1)}).where(
            Problem.id == overdue
        )
    )
    old = datetime.now(UTC) - timedelta(days=service.REVIEW_DAYS + 1)
    sync(Problem.update({Problem.updated_at: old}).where(Problem.id == quiet))
    sync(service.close(pcso, waiting, "solved"))
    found = sync(service.review_list(supervisor))
    sections = {title: {r["id"] for r in rows} for title, rows in found["sections"]}
    assert sections["Closures to sign off"] == {waiting}
    assert sections["Past their review date"] == {overdue}
    assert quiet in sections[f"Not updated for {service.REVIEW_DAYS} days"]
    assert fresh not in set().union(*sections.values())
    with pytest.raises(NotAllowed):
        sync(service.review_list(pcso))


# Need to know -----------------------------------------------------------------------------------


def test_a_volunteer_sees_only_their_areas_place_and_theme_problems_and_their_actions():
    mine, other = make_team("Mine", *CENTRE), make_team("Other", 52.95, -1.50)
    pcso = make_actor("pcso", home_team=mine.id)
    volunteer_person = make_person("volunteer", home_team=mine.id)
    volunteer = actor_of(volunteer_person)
    place = new_problem(pcso, mine, "Place problem")
    theme = new_problem(pcso, mine, "Theme problem", kind="theme")
    victim = new_problem(pcso, mine, "Victim problem", kind="victim", victim="Lives alone")
    offender = new_problem(pcso, mine, "Offender problem", kind="offender")
    elsewhere = new_problem(pcso, other, "Other area's problem")
    add_place(pcso, place, "The parade", *CENTRE)
    add_place(pcso, victim, "Their street", *CENTRE)
    sync(service.add_person(pcso, victim, {"role": "victim", "reference": "REF-1", "note": ""}))
    for problem_id, owner_kind, owner in (
        (place, "volunteer", volunteer_person.id),
        (place, "staff", pcso.id),
    ):
        _, errors = sync(
            service.add_action(
                pcso,
                problem_id,
                {
                    "title": f"Action for {owner_kind}",
                    "owner_kind": owner_kind,
                    "owner_person": owner,
                    "owner_agency": None,
                    "due_on": date.today() + timedelta(days=3),
                    "make": "",
                    "plan": None,
                },
            )
        )
        assert not errors
    # A victim problem's action cannot be given to a volunteer at all (police only).
    refused_id, refused = sync(
        service.add_action(
            pcso,
            victim,
            {
                "title": "Check on them",
                "owner_kind": "volunteer",
                "owner_person": volunteer_person.id,
                "owner_agency": None,
                "due_on": date.today() + timedelta(days=3),
                "make": "",
                "plan": None,
            },
        )
    )
    assert refused_id is None and "police roles only" in refused["owner_kind"]
    listed = sync(search.search(volunteer, {}))["rows"]
    assert {r["id"] for r in listed} == {place, theme}
    page = sync(service.page(volunteer, place))
    assert not page["whole"]
    assert [a["title"] for a in page["actions"]] == ["Action for volunteer"]
    assert not {"links", "comments", "people_count", "measures", "owners"} & set(page)
    for hidden in (victim, offender, elsewhere):
        with pytest.raises(NotFound):
            sync(service.page(volunteer, hidden))
    with pytest.raises(NotAllowed):
        sync(service.people(volunteer, victim))
    mine_actions = sync(service.my_actions(volunteer))
    titles = {a["problem"]: a["problem_title"] for a in mine_actions}
    assert titles == {place: "Place problem"}
    near = sync(panel.problems_near(volunteer, *CENTRE, 300))
    assert [p["id"] for p in near] == [place]
    assert {p["id"] for p in sync(panel.problems_near(pcso, *CENTRE, 300))} == {place, victim}
    assert {p["id"] for p in sync(panel.problems_in_area(volunteer, mine.id))} == {place, theme}
    assert sync(panel.powers_used_near(volunteer, *CENTRE, 300))["total"] == 0
    both = sync(panel.panel_near(volunteer, *CENTRE, 300))
    assert [p["id"] for p in both["problems"]] == [place] and both["powers"]["total"] == 0
    # a volunteer may move their own action on, not another's
    own = next(a for a in page["actions"])
    sync(service.set_action_state(volunteer, place, own["id"], "done"))
    other_action = sync(
        ProblemAction.select()
        .where((ProblemAction.problem == place) & (ProblemAction.owner_kind == "staff"))
        .first()
    )
    with pytest.raises(NotFound):
        sync(service.set_action_state(volunteer, place, other_action["id"], "done"))
    with pytest.raises(NotAllowed):
        sync(service.create(volunteer, {"title": "x", "team": mine.id, "summary": "y"}))


def test_every_look_at_the_people_of_a_problem_is_audited():
    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    problem_id = new_problem(pcso, team, kind="victim")
    sync(service.add_person(pcso, problem_id, {"role": "victim", "reference": "V-9", "note": ""}))
    found = sync(service.people(pcso, problem_id))
    assert [p["reference"] for p in found["people"]] == ["V-9"]
    looks = sync(
        AuditEntry.select().where(
            (AuditEntry.record_type == "problem-people") & (AuditEntry.operation == "consultation")
        )
    )
    assert len(looks) == 1 and looks[0]["actor"] == pcso.id


# Actions becoming taskings and patrol points ------------------------------------------------------


def action(problem_id, actor, **values):
    form = {
        "title": "Visit each shop",
        "owner_kind": "staff",
        "owner_person": None,
        "owner_agency": None,
        "due_on": date.today() + timedelta(days=3),
        "make": "",
        "plan": None,
    }
    form.update(values)
    return sync(service.add_action(actor, problem_id, form))


def test_an_action_becomes_a_tasking_in_one_step_and_shows_its_progress():
    team = make_team("Abbey", *CENTRE)
    supervisor = make_actor("supervisor", home_team=team.id)
    pcso_person = make_person("pcso", home_team=team.id)
    problem_id = new_problem(supervisor, team)
    add_place(supervisor, problem_id, "The parade", *CENTRE)
    action_id, errors = action(problem_id, supervisor, owner_person=pcso_person.id, make="tasking")
    assert not errors
    stored = sync(ProblemAction.select().where(ProblemAction.id == action_id).first())
    tasking = sync(Tasking.select().where(Tasking.id == stored["tasking_id"]).first())
    assert (tasking["title"], tasking["team"], tasking["lat"]) == (
        "Visit each shop",
        team.id,
        CENTRE[0],
    )
    parts = sync(TaskingAssignment.select().where(TaskingAssignment.tasking == tasking["id"]))
    assert [(p["person"], p["state"]) for p in parts] == [(pcso_person.id, "assigned")]
    shown = sync(service.page(supervisor, problem_id, assess=False))["actions"][0]
    assert shown["tasking"]["state"].startswith("Assigned")
    sync(taskings.answer_tasking(actor_of(pcso_person), tasking["id"], "acknowledged"))
    shown = sync(service.page(supervisor, problem_id, assess=False))["actions"][0]
    assert shown["tasking"]["state"].startswith("Acknowledged")
    # the tasking knows the problem it is part of (for the taskings' pages)
    linked = sync(panel.problems_linked_to(actor_of(pcso_person), "tasking", tasking["id"]))
    assert [p["id"] for p in linked] == [problem_id]
    assert sync(panel.problems_linked_to(supervisor, "tasking", tasking["id"] + 1)) == []


def test_an_agency_action_cannot_become_a_tasking_and_a_refusal_stores_nothing():
    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    someone = make_person("pcso")
    problem_id = new_problem(pcso, team)
    # only a supervisor makes a tasking for someone else: the action is rolled back with it
    _, errors = action(problem_id, pcso, owner_person=someone.id, make="tasking")
    assert "make" in errors
    assert sync(ProblemAction.count().where(ProblemAction.problem == problem_id)) == 0
    assert sync(Tasking.count()) == 0
    # their own action: yes
    _, errors = action(problem_id, pcso, owner_person=pcso.id, make="home_visit")
    assert not errors
    assert sync(Tasking.select(Tasking.kind).first())["kind"] == "home_visit"


def test_an_action_becomes_a_point_on_a_draft_patrol_plan():
    team = make_team("Abbey", *CENTRE)
    supervisor = make_actor("supervisor", home_team=team.id)
    problem_id = new_problem(supervisor, team)
    tomorrow = datetime.now(LOCAL_TIME).date() + timedelta(days=1)
    start, end = shift_bounds(tomorrow, time(14, 0), time(22, 0))
    plan_id, errors = sync(
        plans.create(
            supervisor,
            {
                "team": team.id,
                "day": tomorrow,
                "shift_start": start,
                "shift_end": end,
                "assignee": None,
                "title": "Late",
            },
        )
    )
    assert not errors
    _, errors = action(
        problem_id, supervisor, owner_person=supervisor.id, make="patrol_point", plan=plan_id
    )
    assert errors == {"make": "Add a place to the problem first: the point goes there"}
    add_place(supervisor, problem_id, "The parade", *CENTRE)
    action_id, errors = action(
        problem_id, supervisor, owner_person=supervisor.id, make="patrol_point", plan=plan_id
    )
    assert not errors
    point = sync(PatrolPoint.select().where(PatrolPoint.plan == plan_id).first())
    assert (point["label"], point["lat"], point["lng"]) == ("The parade", *CENTRE)
    shown = sync(service.page(supervisor, problem_id, assess=False))["actions"]
    assert "0 check-ins" in next(a for a in shown if a["id"] == action_id)["patrol"]["state"]


# Priorities, panel, powers, search ---------------------------------------------------------


def test_an_area_priority_becomes_a_problem():
    team = make_team()
    supervisor = make_actor("supervisor", home_team=team.id)
    priority_id = sync(
        area.add_priority(
            supervisor,
            team.id,
            {
                "issue": "ASB at the shops",
                "action": "Patrols after school.",
                "starts_on": date.today(),
                "ends_on": None,
            },
        )
    )
    found = sync(service.new_problem(supervisor, priority_id))
    assert found["values"] == {
        "title": "ASB at the shops",
        "team": team.id,
        "summary": "Patrols after school.",
        "priority": priority_id,
    }
    problem_id, errors = sync(service.create(supervisor, found["values"]))
    assert not errors
    assert (
        sync(Problem.select(Problem.priority).where(Problem.id == problem_id).first())["priority"]
        == priority_id
    )
    with pytest.raises(NotFound):
        sync(service.new_problem(supervisor, priority_id + 99))


def test_the_panel_finds_open_problems_in_the_circle_and_powers_of_the_last_28_days():
    team = make_team("Abbey", *CENTRE)
    pcso = make_actor("pcso", home_team=team.id)
    near = new_problem(pcso, team, "Near")
    far = new_problem(pcso, team, "Far")
    closed = new_problem(pcso, team, "Closed", assessment="Solved.")
    add_place(pcso, near, "Near", *offset(CENTRE, 280, 10))
    add_place(pcso, far, "Far", *offset(CENTRE, 330, 10))
    add_place(pcso, closed, "Closed", *CENTRE)
    sync(service.close(make_actor("supervisor"), closed, "solved"))
    shown = sync(panel.problems_near(pcso, *CENTRE, 300))
    assert [p["id"] for p in shown] == [near]
    assert set(shown[0]) >= {"title", "state", "updated_at", "next_review"}
    assert {p["id"] for p in sync(panel.problems_in_area(pcso, team.id))} == {near, far}
    for days_ago, where in ((3, CENTRE), (27, CENTRE), (29, CENTRE), (3, offset(CENTRE, 400, 0))):
        _, errors = sync(
            powers.record_power(
                pcso,
                {
                    "kind": "dispersal",
                    "used_on": date.today() - timedelta(days=days_ago),
                    "team": team.id,
                    "place": "",
                    "lat": where[0],
                    "lng": where[1],
                    "problem": near,
                    "note": "",
                },
            )
        )
        assert not errors
    used = sync(panel.powers_used_near(pcso, *CENTRE, 300))
    assert used["total"] == 2 and used["counts"] == [("Dispersal direction", 2)]
    assert sync(panel.powers_used_in_area(pcso, team.id))["total"] == 3
    both = sync(panel.panel_near(pcso, *CENTRE, 300))
    assert both["problems"] == sync(panel.problems_near(pcso, *CENTRE, 300))  # touched since
    assert both["powers"] == used
    assert len(sync(service.page(pcso, near, assess=False))["powers"]) == 4


def test_search_by_state_kind_owner_and_text_and_the_csv_is_safe():
    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    other = make_actor("officer", home_team=team.id)
    first = new_problem(pcso, team, "=HYPERLINK(bad)")
    second = new_problem(other, team, "Drug dealing at the park", kind="offender", owner=other.id)

    def ids(**values):
        return {r["id"] for r in sync(search.search(pcso, values))["rows"]}

    assert ids() == {first, second}
    assert ids(kind="offender") == {second}
    assert ids(owner=other.id) == {second}
    assert ids(q="dealing") == {second}
    assert ids(state="closed") == set()
    assert ids(area=team.id) == {first, second}
    text = sync(search.problems_csv(pcso, {}))
    assert "'=HYPERLINK(bad)" in text and "Drug dealing at the park" in text


def test_a_volunteers_action_is_offered_to_them_only_with_a_title_that_tells_nothing():
    """Issue 12 on problems' offers: the action's words are in the details (seen on
    acceptance), the title names only the kind, and other volunteers are not asked."""
    team = make_team("Abbey", *CENTRE)
    supervisor = make_actor("supervisor", home_team=team.id)
    owner = make_person("volunteer", home_team=team.id)
    other = make_person("volunteer", home_team=team.id)
    year = date.today() + timedelta(days=365)
    for fit in (owner, other):  # both could be offered a patrol: only the owner is asked
        make_vetting(fit, "initial", conflict_resolution=year, risk_management=year)
    problem_id = new_problem(supervisor, team)
    add_place(supervisor, problem_id, "The parade", *CENTRE)
    words = "Check on the shopkeeper at 12 Abbey Road after the assault"
    action_id, errors = action(
        problem_id,
        supervisor,
        title=words,
        owner_kind="volunteer",
        owner_person=owner.id,
        make="tasking",
    )
    assert not errors
    stored = sync(ProblemAction.select().where(ProblemAction.id == action_id).first())
    tasking = sync(Tasking.select().where(Tasking.id == stored["tasking_id"]).first())
    assert tasking["title"].startswith("Problem-solving action") and "Abbey" not in tasking["title"]
    assert words in tasking["details"]
    parts = sync(TaskingAssignment.select().where(TaskingAssignment.tasking == tasking["id"]))
    assert [(p["person"], p["state"]) for p in parts] == [(owner.id, "offered")]
    assert other.id not in {p["person"] for p in parts}
