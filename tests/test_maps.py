"""Maps' data (app/maps.py, app/briefing/maps.py): the tile origin the CSP allows, and need to
know on the briefing's map (civilians: police.uk points only, never the force's incidents)."""

from __future__ import annotations

import json

from app.briefing import service
from app.headers import CSP, csp_with_tiles
from app.maps import tile_origin
from tests.factories import make_actor
from tests.helpers import html, sync
from tests.test_briefing_maps import PHONE, incident, moved, place
from tests.test_briefing_service import _crimes


def test_the_tile_origin_is_allowed_as_an_image_source_and_nothing_else():
    assert tile_origin("") == ""
    assert tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert tile_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png?key=k") == (
        "https://*.tiles.example.org"
    )
    assert tile_origin("javascript:alert(1)") == ""
    policy = csp_with_tiles("http://127.0.0.1:8123")
    assert "img-src 'self' data: http://127.0.0.1:8123;" in policy
    assert policy.replace(" http://127.0.0.1:8123", "") == CSP
    assert csp_with_tiles("") == CSP


def seed():
    for n in range(3):
        incident(n, *moved(PHONE, 60 + n, 0), location="Secret Yard")
    _crimes([("2024-03", "Shoplifting", *moved(PHONE, 100, 90), "On or near Corn Market")] * 3)


def kinds(page):
    return sorted({p["kind"] for p in page.map["points"]})


def test_police_see_incidents_on_the_map_and_civilians_police_uk_points_only():
    seed()
    query = place(lat=PHONE[0], lng=PHONE[1], radius=250)
    police = sync(service.briefing(make_actor("pcso"), *query))
    assert kinds(police) == ["incident", "repeat"]
    assert {p["label"].split(": ")[1] for p in police.map["points"] if p["kind"] == "incident"} == {
        "Secret Yard"
    }
    volunteer = sync(
        service.briefing(make_actor("volunteer"), *place(lat=PHONE[0], lng=PHONE[1], radius=250))
    )
    assert kinds(volunteer) == ["crime", "repeat"]
    assert "Secret Yard" not in json.dumps(volunteer.map)
    assert volunteer.map["circle"] == {"lat": PHONE[0], "lng": PHONE[1], "radius": 250}


def test_the_briefing_page_carries_its_map_and_the_library(as_role):
    seed()
    page = html(as_role("volunteer").get(f"/briefing?lat={PHONE[0]}&lng={PHONE[1]}&radius=250"))
    shown = json.loads(page.select_one("#briefing-map")["data-map"])
    assert {p["kind"] for p in shown["points"]} <= {"crime", "repeat"}
    assert page.select_one("script[src*='leaflet.js']") is not None
    # A page without a map does not load the library.
    other = html(as_role("volunteer").get("/tasks"))
    assert other.select_one("script[src*='leaflet']") is None
