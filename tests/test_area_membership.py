"""Issue 15: "in this area" is point in polygon for patrol demand and visits coverage when the
team area has a boundary (the 1.5 km circle only without one)."""

from __future__ import annotations

import json

from app.boundaries.importer import import_boundaries
from app.patrol import demand
from app.tables.visits import ChecklistTemplate, HomeVisit
from app.visits.coverage import points_svg
from tests.factories import make_team
from tests.helpers import sync
from tests.test_briefing_maps import PHONE, incident, moved, square_around


def boundary(tmp_path, name, rings):
    path = tmp_path / f"{name}.geojson"
    geometry = {"type": "Polygon", "coordinates": rings}
    path.write_text(
        json.dumps({"type": "Feature", "properties": {"name": name}, "geometry": geometry})
    )
    sync(import_boundaries([path]))


def test_demand_is_what_lies_inside_the_boundary_not_a_circle(tmp_path):
    team = make_team("Long", *PHONE)
    # A long thin area: 3 km east-west, 400 m north-south, with a hole at its middle's east.
    hole = moved(PHONE, 800, 90)
    boundary(
        tmp_path,
        "Long",
        [
            [
                [moved(PHONE, 1500, 270)[1], moved(PHONE, 200, 180)[0]],
                [moved(PHONE, 1500, 90)[1], moved(PHONE, 200, 180)[0]],
                [moved(PHONE, 1500, 90)[1], moved(PHONE, 200, 0)[0]],
                [moved(PHONE, 1500, 270)[1], moved(PHONE, 200, 0)[0]],
            ],
            square_around(hole, 60),
        ],
    )
    incident(1, *moved(PHONE, 1400, 90), location="Far East End")  # inside, beyond 1.3 km
    incident(2, *moved(PHONE, 400, 0), location="North Of It")  # outside, within 1.5 km
    incident(3, *hole, location="The Hole")  # in the hole
    incident(4, *moved(PHONE, 100, 270), location="Near The Middle")
    found, places = sync(demand.team_demand(team.id))
    assert found["boundary"] is not None and found["radius"] >= 1500
    assert sorted(p.label for p in places) == ["Far East End", "Near The Middle"]
    outline = demand.outline_path(found["boundary"], found["lat"], found["lng"], found["radius"])
    assert outline.count("M") == 2  # the outer ring and the hole


def test_without_a_boundary_demand_keeps_the_circle():
    team = make_team("Round", *PHONE)
    incident(1, *moved(PHONE, 1400, 90), location="Inside The Circle")
    incident(2, *moved(PHONE, 1600, 90), location="Beyond It")
    found, places = sync(demand.team_demand(team.id))
    assert found["boundary"] is None and found["radius"] == demand.RADIUS_M
    assert [p.label for p in places] == ["Inside The Circle"]


def test_coverage_draws_the_boundary_and_counts_visits_outside_it(tmp_path):
    from tests.factories import make_person

    team = make_team("Square", *PHONE)
    boundary(tmp_path, "Square", [square_around(PHONE, 300)])
    visitor = make_person("pcso", home_team=team.id)
    template = sync(ChecklistTemplate.insert(ChecklistTemplate(family="t", name="T", content="{}")))
    for n, point in enumerate([PHONE, moved(PHONE, 200, 45), moved(PHONE, 500, 0)]):
        sync(
            HomeVisit.insert(
                HomeVisit(
                    uuid=f"00000000-0000-0000-0000-00000000000{n}",
                    template=template[0]["id"],
                    visitor=visitor.id,
                    team=team.id,
                    state="submitted",
                    address=f"{n} Test Street",
                    household_key=f"{n} test street",
                    lat=point[0],
                    lng=point[1],
                )
            )
        )
    shown = sync(points_svg(team.id))
    assert len(shown["points"]) == 3 and shown["outside"] == 1
    assert shown["outline"].startswith("M") and shown["outline"].endswith("Z")
    xs = [x for x, _ in shown["points"]]
    assert all(0 <= v <= shown["size"] for x, y in shown["points"] for v in (x, y))
    assert xs[1] > xs[0]  # north-east of the centre is to the right
