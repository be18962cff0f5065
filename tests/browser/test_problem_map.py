"""A problem's places on a map, on a phone (390x844): police see each place at its point with
the circle counted and the displacement ring, and add a place by tapping the map; a volunteer
sees the places at street level only (snapped to the grid, no rings, no picking)."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from app.taskings.need_to_know import coarse_point
from tests.browser.conftest import PHONE, sign_in

TITLE = "Repeat shoplifting%"


def the_problem(live_server):
    [(problem_id, radius)] = live_server.query(
        "SELECT id, radius_m FROM problem WHERE title LIKE ? AND kind = 'place'", TITLE
    )
    return problem_id, radius


def places(live_server, problem_id):
    return live_server.query(
        "SELECT label, lat, lng FROM problem_place WHERE problem = ? ORDER BY id", problem_id
    )


def test_police_see_the_places_and_rings_and_add_a_place_by_tapping_the_map(page, live_server):
    problem_id, radius = the_problem(live_server)
    before = places(live_server, problem_id)
    assert before
    sign_in(page, "pcso")
    page.goto(f"/problems/{problem_id}")
    problem_map = page.locator("#problem-map[data-map-ready]")
    expect(problem_map).to_be_visible()
    config = json.loads(problem_map.get_attribute("data-map"))
    assert [(p["label"], p["lat"], p["lng"]) for p in config["points"]] == [
        (label, round(lat, 6), round(lng, 6)) for label, lat, lng in before
    ]
    expect(problem_map.locator("path.map-point-place")).to_have_count(len(before))
    expect(problem_map.locator("path.map-ring-counted")).to_have_count(len(before))
    expect(problem_map.locator("path.map-ring-displacement")).to_have_count(len(before))
    assert {r["radius"] for r in config["rings"]} == {radius, 2 * radius}
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # A tap on the map fills the add-place form (opening it) with the point tapped.
    box = problem_map.bounding_box()
    x, y = round(box["width"] * 0.3), round(box["height"] * 0.7)
    expected = page.evaluate(
        f"""(() => {{ const m = document.querySelector('#problem-map').beatbookMap;
          const p = m.containerPointToLatLng([{x}, {y}]); return [p.lat, p.lng]; }})()"""
    )
    problem_map.tap(position={"x": x, "y": y})
    expect(page.locator("#add-place")).to_have_attribute("open", "")
    lat_field, lng_field = page.locator("#place_lat"), page.locator("#place_lng")
    expect(lat_field).not_to_have_value("")
    lat, lng = float(lat_field.input_value()), float(lng_field.input_value())
    assert abs(lat - expected[0]) < 2e-5 and abs(lng - expected[1]) < 2e-5
    expect(page.locator("[data-map-status]")).to_contain_text("Point set")
    page.get_by_label("Place or street").fill("Corner by the bus stop")
    page.get_by_role("button", name="Add the place").click()
    page.wait_for_url(f"**/problems/{problem_id}*")
    after = places(live_server, problem_id)
    assert after[:-1] == before
    assert after[-1] == ("Corner by the bus stop", lat, lng)
    expect(page.locator("#problem-map[data-map-ready] path.map-point-place")).to_have_count(
        len(after)
    )
    # Leave the demo's problem as it was for the other tests on this server.
    added = page.locator("#places li", has_text="Corner by the bus stop")
    added.get_by_role("button", name="Remove").click()
    expect(added).to_have_count(0)
    assert places(live_server, problem_id) == before


def test_a_volunteer_sees_the_places_at_street_level_only(page, live_server):
    problem_id, _ = the_problem(live_server)
    exact = places(live_server, problem_id)
    sign_in(page, "volunteer")
    page.goto(f"/problems/{problem_id}")
    problem_map = page.locator("#problem-map[data-map-ready]")
    expect(problem_map).to_be_visible()
    config = json.loads(problem_map.get_attribute("data-map"))
    assert [(p["lat"], p["lng"]) for p in config["points"]] == [
        coarse_point(lat, lng) for _, lat, lng in exact
    ]
    assert config["rings"] == [] and config["pick"] is None
    expect(problem_map.locator("path.map-point-place")).to_have_count(len(exact))
    assert problem_map.locator("path.map-ring-counted, path.map-ring-displacement").count() == 0
    # Nowhere else either: not in the text, not in the map's points (its boundary is the ward's).
    text = page.inner_text("body")
    shown = {(p["lat"], p["lng"]) for p in config["points"]}
    for _, lat, lng in exact:
        assert f"{lat:.5f}" not in text and f"{lng:.5f}" not in text
        assert (round(lat, 6), round(lng, 6)) not in shown
    assert page.locator("#place_lat").count() == 0
