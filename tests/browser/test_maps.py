"""Maps on a phone (390x844) and at a desk (1366x768): tiles from a tile server on loopback
(generated PNGs), the team area's boundary and the points drawn; a plain ground without tiles;
a supervisor adds a plan point by clicking the map; a volunteer's map has no incident."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.demo.briefing import CLUSTER
from tests.browser.conftest import (
    DEMO_PASSWORD,
    PHONE,
)

DESK = {"width": 1366, "height": 768}


@pytest.fixture
def open_page(browser):
    contexts = []

    def make(base_url, viewport=PHONE, **options):
        phone = viewport == PHONE
        context = browser.new_context(
            base_url=base_url,
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            locale="en-GB",
            timezone_id="Europe/London",
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.csp_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page, username):
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_the_briefing_draws_tiles_the_boundary_and_the_points(open_page, tiled_server, tiles):
    page = open_page(tiled_server)  # no position shared: the home team area, whole
    sign_in(page, "pcso")
    page.goto("/briefing")
    expect(page.locator(".where:visible")).to_contain_text("the whole of Abbey")
    briefing_map = page.locator("#briefing-map[data-map-ready]")
    expect(briefing_map).to_be_visible()
    expect(briefing_map.locator("img.leaflet-tile-loaded").first).to_be_visible()
    assert any(r.endswith(".png") for r in tiles.requests)
    expect(briefing_map.locator("path.map-boundary")).to_have_count(1)
    expect(briefing_map.locator("path.map-point-incident").first).to_be_visible()
    listed = page.locator("ol.incidents li").count()
    assert briefing_map.locator("path.map-point-incident").count() == listed
    credit = briefing_map.locator(".leaflet-control-attribution")
    expect(credit).to_contain_text("Test tiles (loopback)")
    expect(credit).to_contain_text("Office for National Statistics")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_a_phone_at_the_cluster_sees_itself_the_circle_and_the_repeat_place(
    open_page, tiled_server
):
    lat, lng, place, _ = CLUSTER
    page = open_page(
        tiled_server,
        geolocation={"latitude": lat + 0.0002, "longitude": lng, "accuracy": 20},
        permissions=["geolocation"],
    )
    sign_in(page, "pcso")
    page.goto("/briefing")
    page.wait_for_url("**/briefing?lat=*")
    briefing_map = page.locator("#briefing-map[data-map-ready]")
    expect(briefing_map.locator("path.map-you")).to_have_count(1)
    expect(briefing_map.locator("path.map-circle")).to_have_count(1)
    expect(page.locator(".repeat-places li", has_text=place)).to_have_count(1)
    expect(briefing_map.locator("path.map-point-repeat").first).to_be_visible()


def test_a_volunteers_map_has_no_incident_of_the_force(open_page, tiled_server):
    lat, lng, _, _ = CLUSTER
    page = open_page(
        tiled_server,
        geolocation={"latitude": lat, "longitude": lng, "accuracy": 20},
        permissions=["geolocation"],
    )
    sign_in(page, "volunteer")
    page.goto("/briefing")
    page.wait_for_url("**/briefing?lat=*")
    briefing_map = page.locator("#briefing-map[data-map-ready]")
    expect(briefing_map.locator("path.map-you")).to_have_count(1)
    assert briefing_map.locator("path.map-point-incident").count() == 0
    assert "occurred_at" not in page.content() and CLUSTER[2] not in (
        briefing_map.get_attribute("data-map") or ""
    )


def test_without_tiles_the_map_draws_on_a_plain_ground(open_page, live_server):
    page = open_page(live_server.url)
    sign_in(page, "pcso")
    page.goto("/briefing")
    briefing_map = page.locator("#briefing-map[data-map-ready]")
    expect(briefing_map).to_be_visible()
    assert "map-plain" in briefing_map.get_attribute("class")
    assert briefing_map.locator("img.leaflet-tile").count() == 0
    expect(briefing_map.locator("path.map-boundary")).to_have_count(1)
    expect(briefing_map.locator("path.map-point-incident").first).to_be_visible()


def test_a_supervisor_adds_a_plan_point_by_clicking_the_map(open_page, tiled_server):
    page = open_page(tiled_server, viewport=DESK)
    sign_in(page, "supervisor")
    page.goto("/plan/plans")
    page.locator("tr", has_text="Demo: late shift, to build").get_by_role("link").first.click()
    plan_map = page.locator("#plan-map[data-map-ready]")
    expect(plan_map.locator("path.map-boundary")).to_have_count(1)
    expect(plan_map.locator("img.leaflet-tile-loaded").first).to_be_visible()
    box = plan_map.bounding_box()
    x, y = box["width"] * 0.5, box["height"] * 0.5  # within the map
    plan_map.click(position={"x": x, "y": y})
    expect(page.locator("#lat")).not_to_have_value("")
    lat, lng = page.locator("#lat").input_value(), page.locator("#lng").input_value()
    assert 52.85 < float(lat) < 52.98 and -1.60 < float(lng) < -1.40  # in Derby
    expect(page.locator("[data-map-status]")).to_contain_text(f"Point set: {lat}, {lng}")
    # The picked point is marked where the map was clicked.
    picked, now = plan_map.locator("path.map-point-pick").bounding_box(), plan_map.bounding_box()
    assert abs(picked["x"] + picked["width"] / 2 - now["x"] - x) < 3
    assert abs(picked["y"] + picked["height"] / 2 - now["y"] - y) < 3
    page.get_by_label("Place", exact=True).fill("Clicked on the map")
    page.get_by_label("Be there from").fill("15:00")
    page.get_by_label("Until").fill("15:30")
    page.get_by_role("button", name="Add the point").click()
    row = page.locator("table.table tbody tr", has_text="Clicked on the map")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{float(lat):.5f}, {float(lng):.5f}")
    # Every point of the plan is drawn, the new one too (other tests and the demo's problems
    # may have added points to this plan before).
    points = page.locator("table.table tbody tr").count()
    plan_map = page.locator("#plan-map[data-map-ready]")
    expect(plan_map.locator("path.map-point-plan")).to_have_count(points)


def test_todays_plan_draws_tiles_the_boundary_and_its_points_in_order(open_page, tiled_server):
    page = open_page(tiled_server)
    sign_in(page, "pcso")
    page.goto("/plan")
    today_map = page.locator("#today-map[data-map-ready]")
    expect(today_map.locator("img.leaflet-tile-loaded").first).to_be_visible()
    expect(today_map.locator("path.map-boundary")).to_have_count(1)
    listed = page.locator("ol.patrol-points > li").count()
    assert listed > 0
    expect(today_map.locator("path.map-point-plan")).to_have_count(listed)
    expect(today_map.locator("path.map-route")).to_have_count(1)
    numbers = today_map.locator(".map-number").all_inner_texts()
    assert numbers == [str(n) for n in range(1, listed + 1)]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_tasking_place_is_picked_on_the_map(open_page, tiled_server):
    page = open_page(tiled_server, viewport=DESK)
    sign_in(page, "supervisor")
    page.goto("/tasks/manage/new")
    tasking_map = page.locator("#tasking-map[data-map-ready]")
    expect(tasking_map.locator("path.map-boundary")).to_have_count(1)
    box = tasking_map.bounding_box()
    tasking_map.click(position={"x": box["width"] * 0.4, "y": box["height"] * 0.6})
    expect(page.locator("#lat")).not_to_have_value("")
    assert 52.85 < float(page.locator("#lat").input_value()) < 52.98
    expect(page.locator("input[name=place_kind][value=point]")).to_be_checked()
    expect(tasking_map.locator("path.map-point-pick")).to_have_count(1)
