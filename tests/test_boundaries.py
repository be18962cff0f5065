"""Boundaries (issue 15): point in polygon with holes and several parts, reading GeoJSON and
police.uk's neighbourhood format, and `beatbook import-boundaries` matching team areas."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.boundaries import membership
from app.boundaries.importer import import_boundaries, normalise, pieces
from app.boundaries.reading import BoundaryFileError, read
from app.boundaries.shapes import Shape, ShapeError
from app.settings import APP_DIR
from app.tables.boundaries import AreaBoundary
from tests.conftest import SHARED_DATA
from tests.factories import make_team
from tests.helpers import sync

WARDS = APP_DIR / "data" / "derby-wards-2025.geojson"
MAPPING = APP_DIR / "data" / "derby-teams-to-wards.csv"


def square(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


# A 1x1 degree square with a 0.5 degree hole in the middle, and a second, separate square.
DONUT = {"type": "Polygon", "coordinates": [square(0, 50, 1, 51), square(0.25, 50.25, 0.75, 50.75)]}
TWO_PARTS = {
    "type": "MultiPolygon",
    "coordinates": [DONUT["coordinates"], [square(2, 50, 3, 51)]],
}


def test_a_hole_is_outside_and_the_ring_around_it_inside():
    shape = Shape.from_geojson(DONUT)
    assert shape.contains(50.1, 0.1)  # in the ring
    assert shape.contains(50.9, 0.9)
    assert not shape.contains(50.5, 0.5)  # in the hole
    assert not shape.contains(50.5, 1.5)  # east of it all
    assert not shape.contains(49.9, 0.5)  # south


def test_every_part_of_a_multipolygon_counts_and_the_gap_between_does_not():
    shape = Shape.from_geojson(TWO_PARTS)
    assert shape.contains(50.5, 2.5)  # second part
    assert shape.contains(50.1, 0.9)  # first part's ring
    assert not shape.contains(50.5, 1.5)  # between the parts
    assert not shape.contains(50.5, 0.5)  # first part's hole


def test_a_concave_shape_leaves_its_notch_outside():
    # A "U": the notch between the arms is outside although inside the bounding box.
    u = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]
    shape = Shape.from_geojson({"type": "Polygon", "coordinates": [u]})
    assert shape.contains(2, 0.5)  # left arm (lat 2, lng 0.5)
    assert shape.contains(2, 2.5)  # right arm
    assert not shape.contains(2, 1.5)  # the notch
    assert shape.contains(0.5, 1.5)  # the base under the notch


def test_the_centre_is_inside_even_for_a_ring_shaped_area():
    shape = Shape.from_geojson(DONUT)  # its centroid is in the hole
    lat, lng = shape.centre()
    assert shape.contains(lat, lng)


def test_joined_shapes_hold_the_points_of_each():
    a = Shape.from_geojson({"type": "Polygon", "coordinates": [square(0, 50, 1, 51)]})
    b = Shape.from_geojson({"type": "Polygon", "coordinates": [square(1, 50, 2, 51)]})
    both = Shape.joined([a, b])
    assert both.contains(50.5, 0.5) and both.contains(50.5, 1.5)
    assert not both.contains(50.5, 2.5)
    assert both.bbox == (50, 51, 0, 2)


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [0, 50]},
        {"type": "Polygon", "coordinates": [[[0, 50], [1, 50]]]},
        {"type": "Polygon", "coordinates": [square(433000, 335000, 434000, 336000)]},
        {"type": "Polygon", "coordinates": [[["a", 50], [1, 50], [1, 51]]]},
        None,
    ],
)
def test_what_is_not_a_usable_polygon_is_refused_in_words(geometry):
    with pytest.raises(ShapeError):
        Shape.from_geojson(geometry)


def test_police_uk_neighbourhood_boundary_reads_as_lat_lng_points(tmp_path):
    points = [
        {"latitude": "52.90", "longitude": "-1.50"},
        {"latitude": "52.90", "longitude": "-1.40"},
        {"latitude": "52.95", "longitude": "-1.40"},
        {"latitude": "52.95", "longitude": "-1.50"},
    ]
    path = tmp_path / "City Centre.json"
    path.write_text(json.dumps(points))
    (feature,) = read(path, [])
    assert feature.name == "City Centre"
    assert feature.shape.contains(52.92, -1.45)
    assert not feature.shape.contains(52.92, -1.55)  # lat, lng not swapped
    text = tmp_path / "NC04.csv"
    text.write_text("lat,lng\n52.90,-1.50\n52.90,-1.40\n52.95,-1.40\n")
    (feature,) = read(text, [])
    assert feature.code == "NC04" and feature.shape.contains(52.91, -1.42)


def test_a_broken_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(BoundaryFileError, match="broken.geojson"):
        read(path, [])


def test_names_match_across_and_ampersand_and_punctuation():
    assert normalise("Larklands and Gallows") == normalise("Larklands & Gallows")
    assert normalise("St. Peter's") == normalise("st peters")
    assert pieces("Littleover & Blagreaves") == ["littleover", "blagreaves"]


def test_import_of_the_shipped_derby_wards_joins_wards_and_reports_the_rest():
    littleover = make_team("Littleover & Blagreaves", 52.896, -1.515)
    abbey = make_team("Abbey", 52.917, -1.500)
    make_team("Chaddesden & Spondon", 52.925, -1.420)  # no ward of either name alone
    make_team("Matlock", 53.138, -1.552)
    report = sync(import_boundaries([WARDS]))
    assert report.features == 18
    matched = {team: (parts, how) for team, parts, how in report.matched}
    assert matched["Littleover & Blagreaves"] == (["Littleover", "Blagreaves"], "joined by name")
    assert matched["Abbey"] == (["Abbey"], "same name")
    assert report.unmatched_teams == ["Chaddesden & Spondon", "Matlock"]
    assert "Spondon" in report.unused_features and "Abbey" not in report.unused_features
    areas = sync(membership.boundaries())
    assert set(areas) == {littleover.id, abbey.id}
    # Both wards are in the joined area; Derby's centre (Arboretum) is in neither.
    assert areas[littleover.id].contains(52.8931, -1.505571)  # Blagreaves ward's centroid
    assert areas[littleover.id].contains(52.90096, -1.523485)  # Littleover ward's centroid
    assert not areas[littleover.id].contains(52.91357, -1.476504)
    assert not areas[littleover.id].approximate


def test_the_demo_mapping_joins_several_wards_and_marks_them_approximate():
    spondon = make_team("Chaddesden & Spondon", 52.925, -1.420)
    rose_hill = make_team("Rose Hill", 52.909, -1.476)
    city = make_team("Derby City", 52.922, -1.476)
    boulton = make_team("Boulton", 52.889, -1.443)
    report = sync(import_boundaries([WARDS], MAPPING))
    assert "Boulton" in report.unmatched_teams
    # Mapping rows for teams this database lacks are reported, not fatal.
    assert any("no team areas called Abbey" in p for p in report.problems)
    areas = sync(membership.boundaries())
    assert areas[spondon.id].approximate
    assert areas[spondon.id].parts == "Chaddesden East; Chaddesden West; Spondon"
    assert areas[spondon.id].contains(52.91702, -1.411888)  # Spondon ward's centroid
    teams = [
        {"id": t.id, "centre_lat": t.centre_lat, "centre_lng": t.centre_lng}
        for t in (spondon, rose_hill, city, boulton)
    ]
    # Arboretum is both Rose Hill's and Derby City's: the nearer centre wins.
    assert membership.team_at(teams, areas, 52.9085, -1.4760)["id"] == rose_hill.id
    assert membership.team_at(teams, areas, 52.9215, -1.4765)["id"] == city.id
    # Outside every boundary: the nearest of the areas without one keeps its centre point.
    assert membership.team_at(teams, areas, 52.8895, -1.4430)["id"] == boulton.id


def test_import_again_replaces_the_boundary_and_keeps_other_areas():
    abbey = make_team("Abbey", 52.917, -1.500)
    sync(import_boundaries([WARDS]))
    sync(import_boundaries([WARDS]))
    assert sync(AreaBoundary.count().where(AreaBoundary.team_area == abbey.id)) == 1


def test_a_mapping_naming_an_unknown_ward_is_reported(tmp_path):
    make_team("Abbey", 52.917, -1.500)
    mapping = tmp_path / "map.csv"
    mapping.write_text("team,parts\nAbbey,Abbey; Nowhere Ward\n")
    report = sync(import_boundaries([WARDS], mapping))
    assert any("Nowhere Ward" in p for p in report.problems)
    # The mapping row failed; the name still matches on its own.
    assert [m[2] for m in report.matched] == ["same name"]


def test_a_mapping_without_its_columns_refuses_the_import(tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("name,wards\nAbbey,Abbey\n")
    report = sync(import_boundaries([WARDS], mapping))
    assert report.refused and "team and parts" in report.problems[0]


def test_lsoa_boundaries_from_shared_data_attach_by_code():
    path = SHARED_DATA / "geo" / "derby_E06000015_lsoa11.geojson"
    if not path.exists():
        pytest.skip(f"shared data not here: {path}")
    team = make_team("E01013453", 52.92, -1.497)  # an area named by its LSOA code
    report = sync(import_boundaries([path]))
    assert report.features == 151
    assert report.matched == [("E01013453", ["Derby 013A"], "same name")]
    area = sync(membership.boundary_of(team.id))
    assert area.contains(52.92017, -1.49699)  # the LSOA's own centroid


def test_shared_ward_file_is_the_shipped_one():
    path = SHARED_DATA / "geo" / "derby_E06000015_ward.geojson"
    if not path.exists():
        pytest.skip(f"shared data not here: {path}")
    assert path.read_bytes() == Path(WARDS).read_bytes()


def test_the_command_prints_what_matched(db, capsys):
    from app.cli import main

    make_team("Normanton", 52.902, -1.488)
    # The command runs its own event loop (asyncio.run): in a thread of its own, as from a shell,
    # since the browser tests' Playwright keeps a loop running on this thread in a whole run.
    with ThreadPoolExecutor(1) as pool:
        code = pool.submit(main, ["import-boundaries", str(WARDS), "--approximate"]).result()
    out = capsys.readouterr().out
    assert code == 0
    assert "Matched 1 team areas:" in out and "Normanton <- Normanton (same name)" in out
    assert "Boundaries matched to no team area (17)" in out
