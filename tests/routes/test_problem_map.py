"""A problem page's map data: police see each place's point, the circle counted and the
displacement ring, and pick a new place on the map while the problem is open; a volunteer sees
the places snapped to the street-level grid, nothing more."""

from __future__ import annotations

import json

from app.taskings.need_to_know import coarse_point
from tests.factories import make_team
from tests.helpers import html
from tests.routes.test_problems import method, open_problem


def the_map(response) -> dict:
    panel = html(response).select_one("#problem-map[data-map]")
    assert panel is not None
    return json.loads(panel["data-map"])


def test_police_see_points_and_rings_volunteers_street_level_points_only(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    volunteer = as_role("volunteer", home_team=team.id)
    problem = open_problem(pcso, team, "Litter at the ground")
    pcso.post(f"/problems/{problem}", method(title="Litter at the ground", radius_m="120"))
    for label, lat, lng in (
        ("Ground gates", "52.9213", "-1.4711"),
        ("Car park", "52.9187", "-1.4652"),
    ):
        response = pcso.post(
            f"/problems/{problem}/places",
            {"place_label": label, "place_lat": lat, "place_lng": lng},
        )
        assert response.status_code == 303

    police = the_map(pcso.get(f"/problems/{problem}"))
    assert [(p["label"], p["lat"], p["lng"]) for p in police["points"]] == [
        ("Ground gates", 52.9213, -1.4711),
        ("Car park", 52.9187, -1.4652),
    ]
    assert [(r["lat"], r["radius"], r["kind"]) for r in police["rings"]] == [
        (52.9213, 120, "counted"),
        (52.9213, 240, "displacement"),
        (52.9187, 120, "counted"),
        (52.9187, 240, "displacement"),
    ]
    assert police["pick"] == {"lat": "place_lat", "lng": "place_lng", "open": "#add-place"}

    civilian = the_map(volunteer.get(f"/problems/{problem}"))
    assert [(p["lat"], p["lng"]) for p in civilian["points"]] == [
        coarse_point(52.9213, -1.4711),
        coarse_point(52.9187, -1.4652),
    ]
    assert civilian["rings"] == [] and civilian["pick"] is None and civilian["circle"] is None


def test_a_volunteer_gets_no_map_without_a_place_police_may_pick_the_first(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    volunteer = as_role("volunteer", home_team=team.id)
    problem = open_problem(pcso, team, "Graffiti on the underpass")
    pcso.post(f"/problems/{problem}", method(title="Graffiti on the underpass"))
    assert html(volunteer.get(f"/problems/{problem}")).select_one("#problem-map") is None
    police = the_map(pcso.get(f"/problems/{problem}"))
    assert police["points"] == [] and police["pick"] is not None
