"""The briefing pages: where, radius counts, people for police only, CSV, public version."""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.audit import Operation
from app.geo import cell_of
from app.tables.audit import AuditEntry
from app.tables.briefing import Incident
from tests.factories import make_team
from tests.helpers import field_error, html, sync

CENTRE = (52.9225, -1.4746)
KINDS = ["Burglary", "Shoplifting", "Anti-social behaviour"]


def haversine(lat1, lng1, lat2, lng2):
    """Written here, apart from the app's: the test's own idea of a distance (metres)."""
    r = 6371000.0
    a = (
        math.sin(math.radians(lat2 - lat1) / 2) ** 2
        + math.cos(math.radians(lat1))
        * math.cos(math.radians(lat2))
        * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(a))


def offset(lat, lng, north_m, east_m):
    return lat + north_m / 111_195, lng + east_m / (111_195 * math.cos(math.radians(lat)))


def add_incident(n, lat, lng, kind="Burglary", ago=timedelta(days=1), **extra):
    when = (datetime.now(UTC) - ago).replace(microsecond=0)
    Incident.insert(
        Incident(
            reference=f"T-{n}",
            occurred_at=when,
            category=kind,
            lat=lat,
            lng=lng,
            cell=cell_of(lat, lng),
            location=extra.pop("location", f"Street {n}"),
            source="test",
            **extra,
        )
    ).run_sync()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.text)))


def test_radius_counts_match_an_independent_distance(as_role):
    rng = random.Random(7)
    points = []
    for n in range(300):
        north, east = rng.uniform(-1300, 1300), rng.uniform(-1300, 1300)
        lat, lng = offset(*CENTRE, north, east)
        kind = rng.choice(KINDS)
        add_incident(n, lat, lng, kind, ago=timedelta(days=rng.uniform(0, 13.9)))
        points.append((lat, lng, kind, n))
    pcso = as_role("pcso")
    for radius in (250, 500, 1000):
        response = pcso.get(f"/briefing.csv?lat={CENTRE[0]}&lng={CENTRE[1]}&radius={radius}")
        assert response.status_code == 200
        rows = [
            r
            for r in csv_rows(response)
            if r["period"].count(" to ")
            and (
                datetime.fromisoformat(r["period"].split(" to ")[1])
                - datetime.fromisoformat(r["period"].split(" to ")[0])
            ).days
            <= 7
        ]
        inside = [p for p in points if haversine(*CENTRE, p[0], p[1]) <= radius]
        got = {r["type"]: int(r["count"]) + int(r["previous count"]) for r in rows}
        expected = {k: sum(1 for p in inside if p[2] == k) for k in KINDS}
        assert {k: v for k, v in expected.items() if v} == {k: v for k, v in got.items() if v}
        assert sum(expected.values()) > 0


def test_real_street_crime_counts_match_the_file(as_role, shared_data):
    from app.crime.importer import CrimeImport

    paths = [shared_data / "crime" / f"2019-0{m}-derbyshire-street.csv" for m in (1, 2)]
    sync(CrimeImport(quiet=True).run(paths))
    response = as_role("pcso").get(f"/briefing.csv?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=1000")
    rows = {r["type"]: r for r in csv_rows(response) if r["period"] == "2019-02"}
    for month, column in (("2019-02", "count"), ("2019-01", "previous count")):
        with paths[int(month[-1]) - 1].open(newline="") as handle:
            expected = {}
            for row in csv.DictReader(handle):
                if (
                    row["Latitude"]
                    and haversine(*CENTRE, float(row["Latitude"]), float(row["Longitude"])) <= 1000
                ):
                    expected[row["Crime type"]] = expected.get(row["Crime type"], 0) + 1
        assert {k: int(r[column]) for k, r in rows.items() if int(r[column])} == expected


def test_recent_incidents_are_nearest_first_with_distance_and_direction(as_role):
    add_incident(1, *offset(*CENTRE, 0, 300), location="East Street")
    add_incident(2, *offset(*CENTRE, 100, 0), location="North Street")
    add_incident(3, *offset(*CENTRE, -200, -200), location="South West Street")
    add_incident(4, *offset(*CENTRE, 0, 900), location="Too Far Street")
    page = html(as_role("pcso").get(f"/briefing?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=500"))
    items = page.select("ol.incidents li")
    texts = [li.get_text(" ", strip=True) for li in items]
    assert [t.split(" ")[0:2] for t in texts] == [
        ["Burglary", "North"],
        ["Burglary", "South"],
        ["Burglary", "East"],
    ]
    assert [li.select_one(".distance").get_text(strip=True) for li in items] == [
        "100 m N",
        "280 m SW",
        "300 m E",
    ]
    assert page.select_one("time")["datetime"]  # the "as of" time, also on the offline copy


def test_bad_place_or_radius_is_shown_beside_the_field(as_role):
    response = as_role("pcso").get("/briefing?lat=abc&lng=-1.47&radius=300")
    assert response.status_code == 400
    assert field_error(response, "radius") == "Choose a radius of 250 m, 500 m or 1 km"
    response = as_role("pcso").get("/briefing?lat=91&lng=-1.47")
    assert field_error(response, "lat").startswith("Enter a latitude between -90 and 90")
    response = as_role("pcso").get("/briefing?area=999999")
    assert field_error(response, "area") == "Choose a team area from the list"


def test_without_a_place_the_home_team_area_is_shown(as_role):
    team = make_team("Abbey", 52.917, -1.5)
    page = html(as_role("pcso", home_team=team.id).get("/briefing"))
    assert "Your home team area, Abbey" in page.select_one("[data-where]").get_text()
    assert page.select_one("[data-briefing]").has_attr("data-locate")
    fell_back = html(as_role("pcso").get(f"/briefing?area={team.id}&fallback=refused"))
    assert (
        fell_back.select_one("[data-where]")
        .get_text()
        .startswith("Your phone did not share its position, so this is your home team area")
    )
    no_home = html(as_role("pcso").get("/briefing"))
    assert no_home.select_one("[data-where]") is None
    assert "choose a place" in no_home.select_one("main").get_text()


def seed_people():
    lat, lng = CENTRE
    for n, ago in enumerate((2, 20)):
        add_incident(10 + n, lat, lng, "Assault", timedelta(days=ago), victim_ref="VIC-77")
    for n, ago in enumerate((5, 100, 400)):
        add_incident(
            20 + n,
            lat,
            lng,
            "Possession of weapons",
            timedelta(days=ago),
            suspect_ref="SUS-9",
            knife=True,
        )


def test_police_see_repeat_people_and_every_look_is_audited(as_role):
    seed_people()
    pcso = as_role("pcso")
    response = pcso.get(
        f"/briefing/people?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=250",
        headers={"hx-request": "true"},
    )
    page = html(response)
    assert page.select_one("html") is None  # the fragment
    assert response.headers["cache-control"] == "no-store"  # never saved for offline use
    victims = page.select_one('[data-people="repeat-victims"]').get_text(" ", strip=True)
    assert victims.startswith("VIC-77 : 2")
    carriers = page.select_one('[data-people="habitual-knife-carriers"]').get_text(" ", strip=True)
    assert carriers.startswith("SUS-9 : 3")
    # SUS-9 is a suspect once in 90 days (the others are older): not a repeat offender
    assert page.select_one('[data-people="repeat-offenders"]') is None
    audit = AuditEntry.select().where(AuditEntry.record_type == "briefing-people").run_sync()
    assert len(audit) == 1 and audit[0]["operation"] == Operation.CONSULTATION
    assert audit[0]["actor"] == pcso.person.id


def test_volunteers_get_the_place_only_briefing(as_role):
    seed_people()
    team = make_team("Abbey", *CENTRE)
    volunteer = as_role("volunteer", home_team=team.id)
    page = html(volunteer.get("/briefing"))
    assert page.select_one("#people") is None
    assert not page.select('[hx-get^="/briefing/people"]')
    assert "VIC-77" not in page.get_text() and "SUS-9" not in page.get_text()
    assert page.select("ol.incidents li")  # the places are there
    assert volunteer.get(f"/briefing/people?area={team.id}").status_code == 403
    officer = html(as_role("officer", home_team=team.id).get("/briefing"))
    assert officer.select_one("#people")["hx-get"].startswith("/briefing/people?area=")


def test_csv_and_public_version_hold_counts_and_no_people(as_role):
    seed_people()
    pcso = as_role("pcso")
    query = f"lat={CENTRE[0]}&lng={CENTRE[1]}&radius=500"
    response = pcso.get(f"/briefing.csv?{query}")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "type,period,count,previous count"
    assert {"Assault", "Possession of weapons"} <= {r["type"] for r in csv_rows(response)}
    public = html(pcso.get(f"/briefing/public?{query}"))
    text = public.get_text(" ")
    assert "VIC-77" not in text and "SUS-9" not in text and "Street 10" not in text
    assert public.select("table.counts") and public.select("svg.chart rect")
    assert "Open Government Licence v3.0" in text
    assert public.select_one("body")["class"] == ["printable"]


def test_the_first_load_is_at_most_60_kb_compressed(as_role):
    rng = random.Random(3)
    for n in range(60):
        add_incident(
            n, *offset(*CENTRE, rng.uniform(-400, 400), rng.uniform(-400, 400)), rng.choice(KINDS)
        )
    session = as_role("pcso")
    response = session.get(f"/briefing?lat={CENTRE[0]}&lng={CENTRE[1]}")
    total = len(gzip.compress(response.content))
    page = html(response)
    assets = [s["src"] for s in page.select("script[src]")] + [
        link["href"] for link in page.select("link[rel=stylesheet]")
    ]
    assert len(assets) >= 3
    for url in assets:
        total += len(gzip.compress(session.get(url).content))
    assert total <= 60 * 1024, total


def recording_statements():
    """Collects the SQL the engine runs from now on (wraps Piccolo's run_querystring)."""
    from piccolo_conf import DB

    engine_class = type(DB)  # PostgresEngine's instances take no new attributes
    statements, original = [], engine_class.run_querystring

    async def run_querystring(engine, querystring, *args, **kwargs):
        statements.append(querystring.compile_string(engine_type=DB.engine_type)[0])
        return await original(engine, querystring, *args, **kwargs)

    engine_class.run_querystring = run_querystring
    return statements, lambda: setattr(engine_class, "run_querystring", original)


def test_the_csv_reads_only_what_it_prints(as_role, tmp_path):
    """Counts, counted by the database: no rows of crimes or incidents, no repeat places, no
    recent list, no taskings or area notes (what the page shows and the CSV does not)."""
    from app.crime.importer import CrimeImport

    for n in range(5):
        add_incident(n, *offset(*CENTRE, 50 * n, 0), "Burglary", location=f"Corn Market {n}")
    crimes = crimes_file(
        tmp_path / "test-street.csv",
        [("2024-01", "Shoplifting", *offset(*CENTRE, 30, 30))] * 3
        + [("2023-01", "Burglary", *offset(*CENTRE, -30, 0))],
    )
    sync(CrimeImport(quiet=True).run([crimes]))
    pcso = as_role("pcso")
    statements, stop = recording_statements()
    try:
        response = pcso.get(f"/briefing.csv?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=500")
    finally:
        stop()
    assert response.status_code == 200
    rows = csv_rows(response)
    assert {(r["type"], r["period"], r["count"], r["previous count"]) for r in rows} >= {
        ("Shoplifting", "2024-01", "3", "0"),
        ("Burglary", "2024-01", "0", "1"),
    }
    data = [s for s in statements if " crime " in s or " incident " in s]
    assert data and all("GROUP BY" in s for s in data), data
    assert not any("location" in s.split(" FROM ")[0] for s in data), data
    for table in ("tasking", "key_contact", "area_priority", "MIN(occurred_at)"):
        assert not any(table in s for s in statements), table


def crimes_file(path: Path, rows: list[tuple]) -> Path:
    """A police.uk street file: (month, crime type, lat, lng) per row."""
    from app.crime.importer import HEADER

    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n, (month, kind, lat, lng) in enumerate(rows):
            force = "Test Police"
            place = f"On or near Place {n % 2}"
            writer.writerow(
                [f"c{n}", month, force, force, lng, lat, place, "E1", "A", kind, "", ""]
            )
    return path


def test_csv_cells_never_run_as_formulas(as_role):
    """Types come from imported files: one that starts like a formula is written as text."""
    add_incident(1, *CENTRE, kind='=HYPERLINK("http://evil.example","x")')
    add_incident(2, *CENTRE, kind="+1-2")
    add_incident(3, *CENTRE, kind="@SUM(A1)")
    add_incident(4, *CENTRE, kind="-3")
    response = as_role("pcso").get(f"/briefing.csv?lat={CENTRE[0]}&lng={CENTRE[1]}")
    kinds = {r["type"] for r in csv_rows(response)}
    assert kinds == {'\'=HYPERLINK("http://evil.example","x")', "'+1-2", "'@SUM(A1)", "'-3"}
    for row in csv_rows(response):
        assert row["count"].isdigit() and row["previous count"].isdigit()
