"""The briefing pages: where, radius counts, people for police only, CSV, public version."""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.audit import Operation
from app.clock import LOCAL_TIME
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
    assert page.select_one(".counts-by-type table.counts")  # the incidents, counted
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


def test_the_first_load_is_at_most_110_kb_compressed_with_its_map(as_role):
    """The briefing shows a map (issue 15): a map page's budget, 110 KB, tiles apart. Without
    its map script and style the page keeps to 60 KB, as before."""
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
    assert len(assets) >= 3 and any("leaflet" in url for url in assets)
    without_map = total
    for url in assets:
        size = len(gzip.compress(session.get(url).content))
        total += size
        without_map += 0 if ("leaflet" in url or "map." in url) else size
    assert total <= 110 * 1024, total
    assert without_map <= 60 * 1024, without_map


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


# ---- Who sees what: civilians get police.uk-level detail, mentors none unless allowed ------


@pytest.fixture
def mentor_briefing(monkeypatch):
    """mentor_briefing('place') sets BEATBOOK_MENTOR_BRIEFING for the rest of the test (each
    as_role session is a new app, so its navigation is worked out again)."""
    from app.settings import get_settings

    def set_to(value: str) -> None:
        monkeypatch.setenv("BEATBOOK_MENTOR_BRIEFING", value)
        get_settings.cache_clear()

    yield set_to
    get_settings.cache_clear()


def seed_secrets(tmp_path):
    """Incidents at minute times (hours away from now, so no 'as of' time can match) and exact
    places, three at one place; police.uk crimes, three on or near one street. Returns the
    incidents as (local time, category, location, lat, lng)."""
    from app.crime.importer import CrimeImport

    local_now = datetime.now(LOCAL_TIME)
    rng = random.Random(17)
    seeded = []
    for n, days in enumerate((1, 2, 3, 5, 6, 20, 40, 60)):
        when = (local_now - timedelta(days=days)).replace(
            hour=(local_now.hour + 6) % 24, minute=11 + 4 * n, second=0, microsecond=0
        )
        lat, lng = offset(*CENTRE, rng.uniform(80, 400), rng.uniform(80, 400))
        seeded.append((when, KINDS[n % 3], f"Hidden Close {n}", lat, lng))
    yard = offset(*CENTRE, -150, -170)
    for n in range(3):
        when = (local_now - timedelta(days=4 + n)).replace(
            hour=(local_now.hour + 7) % 24, minute=43 + n, second=0, microsecond=0
        )
        seeded.append((when, "Robbery", "Secret Yard", *yard))
    for n, (when, kind, location, lat, lng) in enumerate(seeded):
        Incident.insert(
            Incident(
                reference=f"H-{n}",
                occurred_at=when.astimezone(UTC),
                category=kind,
                lat=lat,
                lng=lng,
                cell=cell_of(lat, lng),
                location=location,
                source="test",
            )
        ).run_sync()
    corn = offset(*CENTRE, 60, 60)
    crimes = tmp_path / "street.csv"
    from app.crime.importer import HEADER

    with crimes.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(3):
            row = [f"c{n}", "2024-03", "Test Police", "Test Police", corn[1], corn[0]]
            writer.writerow(row + ["On or near Corn Market", "E1", "A", "Shoplifting", "", ""])
    sync(CrimeImport(quiet=True).run([crimes]))
    return seeded


def leaks(text: str, seeded) -> list[str]:
    """What of the seeded incidents a response shows: its times (local and UTC, to the minute),
    its exact places, its coordinates."""
    found = []
    for when, _, location, lat, lng in seeded:
        utc = when.astimezone(UTC)
        for shown in (
            when.strftime("%H:%M"),
            utc.strftime("%H:%M"),
            location,
            f"{lat:.4f}",
            f"{lng:.4f}",
        ):
            if shown in text:
                found.append(shown)
    return found


def civilian_responses(session, team_id):
    """Every briefing answer a person can ask for: pages, htmx requests for them, the CSV."""
    point = f"lat={CENTRE[0]}&lng={CENTRE[1]}&radius=500"
    urls = [
        f"/briefing?{point}",
        f"/briefing?{point}&acc=12",
        f"/briefing?area={team_id}&radius=1000",
        "/briefing",
        f"/briefing/public?{point}",
        f"/briefing/public?area={team_id}",
        f"/briefing.csv?{point}",
        f"/briefing.csv?area={team_id}&radius=1000",
    ]
    answers = {}
    for url in urls:
        for headers in ({}, {"hx-request": "true"}):
            response = session.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
            answers[(url, bool(headers))] = response
    return answers


def test_a_civilians_briefing_pages_fragments_and_csv_show_no_incident_times_or_places(
    as_role, tmp_path, mentor_briefing
):
    seeded = seed_secrets(tmp_path)
    team = make_team("Abbey", *CENTRE)
    mentor_briefing("place")
    for role in ("volunteer", "mentor"):
        session = as_role(role, home_team=team.id)
        for (url, fragment), response in civilian_responses(session, team.id).items():
            where = f"{role} {url}{' (htmx)' if fragment else ''}"
            assert leaks(response.text, seeded) == [], where
            if "text/html" in response.headers["content-type"]:
                page = html(response)
                whens = [w.get_text() for w in page.select("ol.incidents li .when")]
                assert all(re.fullmatch(r"\d{4}-\d{2}", w) for w in whens), where  # months
                attributes = " ".join(
                    str(v) for node in page.find_all(True) for v in node.attrs.values()
                )
                assert leaks(attributes, seeded) == [], where
        page = html(session.get(f"/briefing?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=500"))
        # police.uk's crimes, by month and "on or near" place, are what civilians see
        listed = [li.get_text(" ", strip=True) for li in page.select("ol.incidents li")]
        assert len(listed) == 3 and all("On or near Corn Market" in t for t in listed), listed
        repeat = page.select_one(".repeat-places ol").get_text(" ", strip=True)
        assert repeat.startswith("On or near Corn Market : 3 crimes in the latest month")
        assert "Secret Yard" not in page.get_text()
    # Police keep what they have: the times and exact places of the incidents.
    police = as_role("pcso", home_team=team.id)
    text = police.get(f"/briefing?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=500").text
    shown = leaks(text, seeded)
    week = [s for s in seeded if s[0] >= datetime.now(LOCAL_TIME) - timedelta(days=7)]
    for when, _, location, _, _ in week:
        assert when.strftime("%d %b %Y %H:%M") in text and location in shown
    repeat = html(police.get(f"/briefing?lat={CENTRE[0]}&lng={CENTRE[1]}")).select_one(
        ".repeat-places"
    )
    assert "Secret Yard" in repeat.get_text()


def test_a_civilians_counts_by_type_are_an_independent_count(as_role, tmp_path):
    seeded = seed_secrets(tmp_path)
    page = html(as_role("volunteer").get(f"/briefing?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=1000"))
    now = datetime.now(LOCAL_TIME)
    for name, days in (("Last 7 days (incidents)", 7), ("Last 90 days (incidents)", 90)):
        panel = next(p for p in page.select(".period") if p.h3.get_text() == name)
        shown = {}
        for row in panel.select("tbody tr"):
            cells = [int(td.get_text()) for td in row.select("td")[:2]]
            shown[row.th.get_text()] = tuple(cells)
        expected = {}
        for when, kind, _, lat, lng in seeded:
            if haversine(*CENTRE, lat, lng) > 1000:
                continue
            current, before = expected.get(kind, (0, 0))
            if when >= now - timedelta(days=days):
                expected[kind] = (current + 1, before)
            elif when >= now - timedelta(days=2 * days):
                expected[kind] = (current, before + 1)
        assert shown == expected, name
        assert sum(c for c, _ in shown.values()) > 0


def nav_paths(response) -> list[str]:
    return [a["href"] for a in html(response).select("nav.app-nav a")]


def test_a_mentor_is_told_why_there_is_no_briefing_and_not_offered_one(as_role, mentor_briefing):
    team = make_team("Abbey", *CENTRE)
    add_incident(1, *CENTRE)
    mentor = as_role("mentor", home_team=team.id)
    response = mentor.get("/briefing")
    assert response.status_code == 200
    page = html(response)
    explained = page.select_one("[data-not-offered]").get_text(" ", strip=True)
    assert "not given to peer mentors" in explained and "referring agency" in explained
    assert page.select_one("[data-briefing]") is None and "Burglary" not in response.text
    assert "/briefing" not in nav_paths(mentor.get("/mentoring"))
    assert "/briefing" not in nav_paths(response)
    for url in (f"/briefing/public?area={team.id}", f"/briefing.csv?lat={CENTRE[0]}&lng=1"):
        answer = mentor.get(url)
        assert (answer.status_code, answer.headers["location"]) == (303, "/briefing"), url
    assert mentor.get(f"/briefing/people?area={team.id}").status_code == 403
    assert "/briefing" in nav_paths(as_role("volunteer").get("/"))
    # The setting allows the place-only briefing: offered in the navigation, and shown.
    mentor_briefing("place")
    allowed = as_role("mentor", home_team=team.id)
    page = html(allowed.get("/briefing"))
    assert "/briefing" in nav_paths(allowed.get("/mentoring"))
    assert page.select_one("[data-briefing]") and page.select_one("[data-not-offered]") is None
    assert page.select_one("#people") is None


def test_the_people_section_waits_while_the_phone_looks_for_its_position(as_role):
    team = make_team("Abbey", *CENTRE)
    pcso = as_role("pcso", home_team=team.id)
    locating = html(pcso.get("/briefing")).select_one("#people")
    assert locating["hx-trigger"] == "place-settled" and locating.has_attr("data-wait-for-place")
    for url in (f"/briefing?area={team.id}", f"/briefing?lat={CENTRE[0]}&lng={CENTRE[1]}&acc=9"):
        settled = html(pcso.get(url)).select_one("#people")
        assert settled["hx-trigger"] == "load" and not settled.has_attr("data-wait-for-place")
    fell_back = html(pcso.get(f"/briefing?area={team.id}&fallback=slow")).select_one("#people")
    assert fell_back["hx-trigger"] == "load"
    # Nothing was fetched, so nothing is in the audit log.
    assert not AuditEntry.select().where(AuditEntry.record_type == "briefing-people").run_sync()


def test_a_civilians_briefing_reads_no_incident_row(as_role, tmp_path):
    """The incidents are counted by the database for civilians: no row of one (time, place) is
    read, so none can reach a page; police read them."""
    seed_secrets(tmp_path)
    for role, reads_rows in (("volunteer", False), ("pcso", True)):
        session = as_role(role)
        statements, stop = recording_statements()
        try:
            response = session.get(f"/briefing?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=1000")
        finally:
            stop()
        assert response.status_code == 200
        on_incidents = [s for s in statements if re.search(r"\bFROM incident\b", s)]
        rows = [s for s in on_incidents if "GROUP BY" not in s and "MIN(occurred_at)" not in s]
        assert on_incidents and bool(rows) is reads_rows, (role, on_incidents)
