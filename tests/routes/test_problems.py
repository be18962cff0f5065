"""Problem solving over HTTP: opening a problem in three fields, the one form, actions that become
taskings, closure refused without an assessment, need to know, the CSV and the write-up."""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.briefing import area
from app.tables.problems import Problem, ProblemAction
from app.tables.taskings import Tasking
from tests.factories import actor_of, make_person, make_team
from tests.helpers import field_error, html, summary_links, sync


def open_problem(session, team, title="Shop theft at the parade", **extra) -> int:
    response = session.post(
        "/problems/new",
        {"title": title, "team": str(team.id), "summary": "Thefts most days.", **extra},
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.endswith("?created=1")
    return int(location.split("/")[2].split("?")[0])


def method(**values) -> dict:
    data = {"title": "A problem", "summary": "In a sentence.", "kind": "place", "radius_m": "150"}
    data.update(values)
    return data


def test_a_problem_opens_with_a_title_an_area_and_a_sentence(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    form = html(pcso.get("/problems/new"))
    assert [
        f["name"] for f in form.select("form input:not([type=hidden]), form select, form textarea")
    ] == [
        "title",
        "team",
        "summary",
    ]
    response = pcso.post("/problems/new", {"title": "", "team": "999999", "summary": ""})
    assert response.status_code == 400
    assert list(summary_links(response)) == ["title", "summary"]
    assert field_error(response, "title") == "Enter a title"
    response = pcso.post("/problems/new", {"title": "x", "team": "999999", "summary": "y"})
    assert field_error(response, "team") == "Choose the team area"
    problem_id = open_problem(pcso, team)
    page = pcso.get(f"/problems/{problem_id}?created=1")
    assert page.status_code == 200
    assert html(page).find("h1").get_text(strip=True) == "Shop theft at the parade"
    row = sync(Problem.select().where(Problem.id == problem_id).first())
    assert (row["owner"], row["state"]) == (pcso.person.id, "open")


def test_the_one_form_saves_and_shows_its_errors_beside_the_fields(as_role):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    problem_id = open_problem(pcso, team)
    response = pcso.post(f"/problems/{problem_id}", method(radius_m="5", kind="nonsense"))
    assert response.status_code == 400
    assert field_error(response, "radius_m") == "Enter a radius from 25 to 1000 metres"
    assert field_error(response, "kind") == "Choose what kind of problem it is"
    response = pcso.post(
        f"/problems/{problem_id}",
        method(
            objective="Fewer thefts",
            guardian="Shop staff",
            crime_types="Shoplifting\n\nShoplifting",
        ),
    )
    assert response.status_code == 303
    row = sync(Problem.select().where(Problem.id == problem_id).first())
    assert (row["objective"], row["guardian"], row["crime_types"]) == (
        "Fewer thefts",
        "Shop staff",
        "Shoplifting",
    )


def test_closing_without_an_assessment_is_refused_beside_the_result(as_role):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    problem_id = open_problem(pcso, team)
    response = pcso.post(f"/problems/{problem_id}/close", {"result": "solved"})
    assert response.status_code == 409
    assert "assessment" in field_error(response, "result")
    assert (
        sync(Problem.select(Problem.state).where(Problem.id == problem_id).first())["state"]
        == "open"
    )
    pcso.post(f"/problems/{problem_id}", method(assessment="Thefts halved."))
    assert pcso.post(f"/problems/{problem_id}/close", {"result": "reduced"}).status_code == 303
    supervisor = as_role("supervisor")
    assert (
        supervisor.post(f"/problems/{problem_id}/sign-off", {"decision": "approve"}).status_code
        == 303
    )
    assert (
        sync(Problem.select(Problem.state).where(Problem.id == problem_id).first())["state"]
        == "closed"
    )
    review = html(supervisor.get("/problems/review"))
    assert "Closures to sign off (0)" in review.get_text()


def test_an_action_becomes_a_tasking_from_the_page(as_role):
    team = make_team("Abbey")
    supervisor = as_role("supervisor", home_team=team.id)
    pcso = make_person("pcso", home_team=team.id)
    problem_id = open_problem(supervisor, team)
    due = (date.today() + timedelta(days=5)).isoformat()
    response = supervisor.post(
        f"/problems/{problem_id}/actions",
        {
            "action_title": "Visit the shops",
            "owner_kind": "agency",
            "due_on": due,
            "make": "tasking",
        },
    )
    assert response.status_code == 400
    assert field_error(response, "owner_agency") and field_error(response, "make")
    response = supervisor.post(
        f"/problems/{problem_id}/actions",
        {
            "action_title": "Visit the shops",
            "owner_kind": "staff",
            "owner_person": str(pcso.id),
            "due_on": due,
        },
    )
    assert response.status_code == 303
    [action] = sync(ProblemAction.select())
    assert action["tasking_id"] is None
    response = supervisor.post(
        f"/problems/{problem_id}/actions/{action['id']}/make", {"make": "tasking"}
    )
    assert response.status_code == 303
    tasking = sync(Tasking.select().first())
    assert tasking["title"] == "Visit the shops"
    shown = html(supervisor.get(f"/problems/{problem_id}")).select_one("[data-tasking-progress]")
    assert shown.get_text(" ", strip=True).startswith("Tasking: Assigned")
    assert shown.find("a")["href"] == f"/tasks/manage/{tasking['id']}"


def test_a_volunteer_sees_their_areas_problem_at_street_level_never_people(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    volunteer = as_role("volunteer", home_team=team.id)
    place = open_problem(pcso, team, "Litter and ASB at the ground")
    victim = open_problem(pcso, team, "A vulnerable caller")
    pcso.post(f"/problems/{victim}", method(title="A vulnerable caller", kind="victim"))
    pcso.post(
        f"/problems/{place}/places",
        {"place_label": "Recreation ground", "place_lat": "52.92", "place_lng": "-1.47"},
    )
    pcso.post(f"/problems/{victim}/people", {"role": "victim", "reference": "VREF-77", "note": ""})
    pcso.post(f"/problems/{place}/people", {"role": "offender", "reference": "SREF-12", "note": ""})
    pcso.post(
        f"/problems/{place}/actions",
        {
            "action_title": "Litter pick",
            "owner_kind": "volunteer",
            "owner_person": str(volunteer.person.id),
            "due_on": (date.today() + timedelta(days=3)).isoformat(),
        },
    )
    listing = volunteer.get("/problems")
    assert listing.status_code == 200
    text = html(listing).get_text()
    assert "Litter and ASB at the ground" in text and "A vulnerable caller" not in text
    page = volunteer.get(f"/problems/{place}")
    assert page.status_code == 200
    page_text = html(page).get_text()
    assert "Recreation ground" in page_text and "Litter pick" in page_text
    assert "SREF-12" not in page.text  # no people
    # No exact point: the map's is snapped to the street-level grid (about 200 m), no nearer.
    numbers = [float(n) for n in re.findall(r"-?\d+\.\d+", page.text)]
    assert 52.92 not in numbers and not any(abs(n - 52.92) < 5e-4 for n in numbers)
    assert volunteer.get(f"/problems/{victim}").status_code == 404
    assert volunteer.get(f"/problems/{place}/people").status_code == 403
    assert volunteer.get("/problems/csv").status_code == 403
    assert volunteer.get(f"/problems/{place}/sara").status_code == 403
    action = sync(ProblemAction.select().first())
    response = volunteer.post(f"/problems/{place}/actions/{action['id']}/state", {"state": "done"})
    assert response.status_code == 303
    assert sync(ProblemAction.select(ProblemAction.state).first())["state"] == "done"


def test_a_priority_becomes_a_problem_and_the_csv_and_write_up_are_given(as_role):
    team = make_team("Abbey")
    supervisor = as_role("supervisor", home_team=team.id)
    priority = sync(
        area.add_priority(
            actor_of(supervisor.person),
            team.id,
            {
                "issue": "=ASB at the shops",
                "action": "Patrols.",
                "starts_on": date.today(),
                "ends_on": None,
            },
        )
    )
    form = html(supervisor.get(f"/problems/new?priority={priority}"))
    assert form.find(id="title")["value"] == "=ASB at the shops"
    assert form.find("input", {"name": "priority"})["value"] == str(priority)
    problem_id = open_problem(supervisor, team, "=ASB at the shops", priority=str(priority))
    assert sync(Problem.select(Problem.priority).first())["priority"] == priority
    assert supervisor.get("/problems/new?priority=99999").status_code == 404
    response = supervisor.get("/problems/csv?state=open")
    assert response.headers["content-type"].startswith("text/csv")
    assert "'=ASB at the shops" in response.text
    sara = supervisor.get(f"/problems/{problem_id}/sara")
    assert sara.status_code == 200 and "printable" in html(sara).body["class"]
    assert supervisor.get("/problems/csv?state=nonsense").status_code == 400


def test_powers_used_are_recorded_and_listed_per_area(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    response = pcso.post(
        "/problems/powers", {"kind": "cbo", "used_on": "2999-01-01", "team": str(team.id)}
    )
    assert response.status_code == 400 and field_error(response, "used_on")
    response = pcso.post(
        "/problems/powers",
        {"kind": "cbo", "used_on": date.today().isoformat(), "team": str(team.id), "place": "Park"},
    )
    assert response.status_code == 303
    listing = html(pcso.get(f"/problems/powers?area={team.id}"))
    assert (
        "Criminal Behaviour Order application: 1"
        in listing.select_one("[data-recent-powers]").get_text()
    )
    assert as_role("volunteer").get("/problems/powers").status_code == 403
