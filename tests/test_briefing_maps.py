"""Issue 15 in the briefing: a team area with a boundary is briefed as the whole area (point in
polygon), a point belongs to the area whose boundary holds it, and repeat places are found by
distance (BEATBOOK_REPEAT_PLACE_METRES)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from geopy.distance import distance as geo_distance

from app.boundaries.importer import import_boundaries
from app.briefing import service, where
from app.briefing.forms import PlaceForm
from app.briefing.place import build
from app.briefing.repeats import group_near
from app.geo import cell_of
from app.tables.briefing import Incident
from tests.factories import make_actor, make_team
from tests.helpers import sync

PHONE = (52.9225, -1.4746)


def place(**query):
    return PlaceForm.parse({k: str(v) for k, v in query.items()})


def incident(n, lat, lng, days_ago=2, category="Shoplifting", location="Corn Market"):
    when = (datetime.now(UTC) - timedelta(days=days_ago)).replace(microsecond=0)
    Incident.insert(
        Incident(
            reference=f"M-{n}",
            occurred_at=when,
            category=category,
            lat=lat,
            lng=lng,
            cell=cell_of(lat, lng),
            location=location,
            source="test",
        )
    ).run_sync()


def moved(point, metres, bearing):
    found = geo_distance(meters=metres).destination(point, bearing)
    return found.latitude, found.longitude


# ---- Repeat places by distance ------------------------------------------------------------


def test_eight_shoplifting_incidents_30_to_40_m_away_at_one_street_are_one_repeat_place():
    rng = random.Random(3)
    texts = ["Corn Market"] * 5 + ["12 Corn Market", "Corn Market (shop)", "Corn Mkt"]
    for n in range(8):  # along one street north of the phone, 30 to 40 m away, 8 m apart
        lat, lng = moved(PHONE, rng.uniform(30, 40), -25 + n * 7)
        incident(n, lat, lng, days_ago=1 + n % 5, location=texts[n])
    page = sync(build(*PHONE, 250))
    assert len(page.recent) == 8
    (found,) = page.repeat_places
    assert (found["location"], found["count"], found["kind"]) == (
        "Corn Market",
        8,
        "incidents in 90 days",
    )
    assert 25 <= found["metres"] <= 40 and found["direction"] == "N"


def test_places_further_apart_than_the_setting_stay_apart(monkeypatch):
    a, b = moved(PHONE, 100, 0), moved(PHONE, 100, 180)  # 200 m apart
    for n in range(3):
        incident(n, *moved(a, 5 * n, 90), location="North Street")
        incident(10 + n, *moved(b, 5 * n, 90), location="South Street")
    page = sync(build(*PHONE, 250))
    assert sorted(p["location"] for p in page.repeat_places) == ["North Street", "South Street"]
    # A setting of 250 m makes them one place.
    monkeypatch.setenv("BEATBOOK_REPEAT_PLACE_METRES", "250")
    from app.settings import get_settings

    get_settings.cache_clear()
    try:
        page = sync(build(*PHONE, 250))
    finally:
        monkeypatch.delenv("BEATBOOK_REPEAT_PLACE_METRES")
        get_settings.cache_clear()
    assert [p["count"] for p in page.repeat_places] == [6]


def test_a_long_street_does_not_chain_into_one_place():
    points = [moved(PHONE, 40 * n, 90) for n in range(20)]  # 40 m apart over 760 m
    groups = group_near(points, 50)
    assert sum(len(g) for g in groups) == 20
    assert max(len(g) for g in groups) <= 5  # within twice 50 m of where it started
    assert all(geo_distance(points[g[0]], points[i]).meters <= 205 for g in groups for i in g)


# ---- Team areas with boundaries ------------------------------------------------------------


def square_around(point, metres):
    north, south = moved(point, metres, 0)[0], moved(point, metres, 180)[0]
    east, west = moved(point, metres, 90)[1], moved(point, metres, 270)[1]
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def boundary_file(tmp_path, features):
    path = tmp_path / "areas.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": name},
                        "geometry": {"type": "Polygon", "coordinates": rings},
                    }
                    for name, rings in features
                ],
            }
        )
    )
    return path


def test_a_team_area_with_a_boundary_is_briefed_whole_and_only_inside_it(tmp_path):
    # A 600 m square area with a 100 m square hole (a park that is another area's).
    team = make_team("Square", *moved(PHONE, 2000, 0))  # its old centre point is a guess
    hole_centre = moved(PHONE, 350, 90)
    rings = [square_around(PHONE, 600), square_around(hole_centre, 100)]
    sync(import_boundaries([boundary_file(tmp_path, [("Square", rings)])]))
    incident(1, *moved(PHONE, 550, 45), location="Inside Corner")  # inside, 550 m out
    incident(2, *moved(PHONE, 650, 0), location="Just North")  # outside, 50 m beyond
    incident(3, *hole_centre, location="In The Park")  # in the hole
    pcso = make_actor("pcso", home_team=team.id)
    page = sync(service.briefing(pcso, *place(area=team.id, radius=250)))
    found = page.where
    assert found.whole_area and found.reach >= 600 * 2**0.5 - 1
    assert found.boundary.contains(found.lat, found.lng)
    assert [r["location"] for r in page.briefing.recent] == ["Inside Corner"]
    # Civilians' counts are counted from the same boundary.
    volunteer = make_actor("volunteer", home_team=team.id)
    counted = sync(service.briefing(volunteer, *place(area=team.id))).briefing
    week = counted.periods[0]
    assert week.counts == [("Shoplifting", 1, 0)]
    csv_text = sync(service.counts_csv(volunteer, *place(area=team.id)))
    rows = [line.split(",") for line in csv_text.strip().splitlines()[1:]]
    assert [(r[0], r[2]) for r in rows] == [("Shoplifting", "1"), ("Shoplifting", "1")]


def test_a_point_belongs_to_the_area_whose_boundary_holds_it(tmp_path):
    # Two areas side by side; the point is in the west one though nearer the east one's centre.
    west_centre, east_centre = moved(PHONE, 500, 270), moved(PHONE, 100, 90)
    west = make_team("West", *west_centre)
    make_team("East", *east_centre)
    lat_s, lat_n = moved(PHONE, 400, 180)[0], moved(PHONE, 400, 0)[0]
    lng_w, lng_e = moved(PHONE, 1000, 270)[1], moved(PHONE, 1000, 90)[1]
    middle = moved(PHONE, 10, 270)[1]  # the border: 10 m west of the phone
    west_ring = [[lng_w, lat_s], [middle, lat_s], [middle, lat_n], [lng_w, lat_n]]
    east_ring = [[middle, lat_s], [lng_e, lat_s], [lng_e, lat_n], [middle, lat_n]]
    path = boundary_file(tmp_path, [("West", [west_ring]), ("East", [east_ring])])
    sync(import_boundaries([path]))
    point = moved(PHONE, 20, 270)  # 10 m into the west area
    values, errors = place(lat=point[0], lng=point[1])
    found = sync(where.resolve(make_actor("pcso"), values, errors))
    assert found.team["id"] == west.id and not found.whole_area


def test_a_whole_area_briefing_lists_the_actors_taskings_inside_the_boundary_only(tmp_path):
    from app.taskings import service as taskings
    from tests.test_taskings_service import values_for

    team = make_team("Square", *PHONE)
    sync(import_boundaries([boundary_file(tmp_path, [("Square", [square_around(PHONE, 300)])])]))
    supervisor, pcso = make_actor("supervisor"), make_actor("pcso", home_team=team.id)
    inside, outside = moved(PHONE, 250, 0), moved(PHONE, 350, 0)  # both within the reach
    made = {}
    for name, (lat, lng) in (("inside", inside), ("outside", outside)):
        values = values_for(team.id, place_kind="point", lat=lat, lng=lng, title=name)
        made[name] = sync(taskings.create(supervisor, values, [pcso.id]))
    page = sync(service.briefing(pcso, *place(area=team.id)))
    assert page.where.whole_area and page.where.reach > 400
    assert [p["tasking"]["id"] for p in page.taskings_nearby] == [made["inside"]]
