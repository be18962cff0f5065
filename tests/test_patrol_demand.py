"""Demand in a team area: ranking, weighting towards the recent, labels, hours and days, windows."""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime, timedelta

from app.crime.importer import HEADER, CrimeImport
from app.geo import cell_of
from app.patrol.demand import demand, suggested_window
from app.patrol.times import LOCAL, shift_bounds
from app.tables.briefing import Incident
from tests.helpers import sync

CENTRE = (52.9225, -1.4746)
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # a Friday; London is on GMT


def offset(north_m: float, east_m: float) -> tuple[float, float]:
    lat, lng = CENTRE
    return lat + north_m / 111_195, lng + east_m / (111_195 * math.cos(math.radians(lat)))


A = offset(300, 0)
B = offset(0, 600)
C = offset(-900, 0)
FAR = offset(1600, 0)  # outside the 1.5 km circle


def add_incident(n: int, where, when: datetime, location: str, kind: str = "Burglary") -> None:
    sync(
        Incident.insert(
            Incident(
                reference=f"D-{n}",
                occurred_at=when,
                category=kind,
                lat=where[0],
                lng=where[1],
                cell=cell_of(*where),
                location=location,
                source="test",
            )
        )
    )


def add_crimes(tmp_path, rows: list[tuple[str, tuple[float, float], str, str]]) -> None:
    """police.uk rows (month, point, location, type), through the real importer."""
    path = tmp_path / "test-street.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n, (month, (lat, lng), location, kind) in enumerate(rows):
            writer.writerow(
                [f"{n:064x}", month, "Test Police", "Test Police", f"{lng:.6f}", f"{lat:.6f}",
                 location, "E01000001", "Somewhere 001A", kind, "Under investigation", ""]
            )  # fmt: skip
    sync(CrimeImport(quiet=True).run([path]))


def test_places_are_ranked_by_demand_weighted_towards_the_recent(tmp_path):
    # A: incidents today (weight 1) and 14 days ago (0.5): 1.5.
    add_incident(1, A, NOW - timedelta(hours=1), "On or near Alpha Street")
    add_incident(2, A, NOW - timedelta(days=14, hours=1), "On or near Alpha Road")
    # C: an incident 28 days ago (0.25) and a crime two months before the newest month (0.25).
    add_incident(3, C, NOW - timedelta(days=28, hours=1), "On or near Gamma Lane")
    add_incident(4, C, NOW - timedelta(days=100), "On or near Gamma Lane")  # too old
    add_incident(5, FAR, NOW - timedelta(hours=2), "On or near Far Street")  # too far
    add_crimes(
        tmp_path,
        [
            # B: one crime in the newest month (1) and two in the month before (0.5 each): 2.0.
            ("2024-03", B, "On or near Beta Parade", "Shoplifting"),
            ("2024-02", B, "On or near Beta Parade", "Shoplifting"),
            ("2024-02", B, "On or near Beta Parade", "Burglary"),
            ("2024-01", C, "On or near Gamma Lane", "Drugs"),
            ("2023-09", C, "On or near Gamma Lane", "Drugs"),  # six months before: left out
        ],
    )
    places = sync(demand(*CENTRE, now=NOW))
    assert [p.label for p in places] == [
        "On or near Beta Parade",
        "On or near Alpha Street",  # the heavier of its two location texts
        "On or near Gamma Lane",
    ]

    def half_life(days):  # 14 days; each incident is an hour older than its whole days
        return 0.5 ** ((days + 1 / 24) / 14)

    expected = [1 + 2 * 0.5, half_life(0) + half_life(14), half_life(28) + 0.25]
    assert [round(p.score, 6) for p in places] == [round(e, 6) for e in expected]
    b, a, c = places
    assert (b.crimes, b.incidents, a.crimes, a.incidents, c.crimes, c.incidents) == (
        3,
        0,
        0,
        2,
        1,
        1,
    )
    assert b.place_only and not a.place_only and not c.place_only
    assert b.top_kinds() == ["Shoplifting", "Burglary"]
    assert abs(b.lat - B[0]) < 1e-6 and abs(b.lng - B[1]) < 1e-6


def test_hours_and_days_come_from_incidents_only_in_local_time(tmp_path):
    add_incident(1, A, datetime(2026, 11, 20, 15, 10, tzinfo=UTC), "Alpha")  # Fri 15:10 GMT
    add_incident(2, A, datetime(2026, 11, 17, 15, 40, tzinfo=UTC), "Alpha")  # Tue 15:40
    add_incident(3, A, datetime(2026, 11, 16, 9, 0, tzinfo=UTC), "Alpha")  # Mon 09:00
    add_incident(4, A, datetime(2026, 9, 1, 14, 30, tzinfo=UTC), "Alpha")  # Tue 15:30 BST
    add_crimes(tmp_path, [("2026-09", A, "Alpha", "Burglary")] * 4)
    [place] = sync(demand(*CENTRE, now=NOW))
    assert place.crimes == 4 and place.incidents == 4
    assert place.hours == [0] * 9 + [1] + [0] * 5 + [3] + [0] * 8
    assert place.days == [1, 2, 0, 0, 1, 0, 0]
    assert place.busiest_hour == 15


def test_a_suggested_window_is_the_busiest_hour_that_fits_the_shift(tmp_path):
    add_incident(1, A, datetime(2026, 11, 20, 15, 10, tzinfo=UTC), "Alpha")
    add_incident(2, A, datetime(2026, 11, 19, 15, 20, tzinfo=UTC), "Alpha")
    add_incident(3, A, datetime(2026, 11, 18, 9, 5, tzinfo=UTC), "Alpha")
    add_crimes(tmp_path, [("2026-10", B, "Beta", "Drugs")])
    places = sync(demand(*CENTRE, now=NOW))
    a = next(p for p in places if p.label == "Alpha")
    b = next(p for p in places if p.label == "Beta")
    day = NOW.astimezone(LOCAL).date()

    def window(place, start, end):
        first, last = shift_bounds(
            day, *(datetime.strptime(t, "%H:%M").time() for t in (start, end))
        )
        return [t.astimezone(LOCAL).strftime("%H:%M") for t in suggested_window(place, first, last)]

    assert window(a, "14:00", "22:00") == ["15:00", "15:30"]
    assert window(a, "07:00", "15:00") == ["09:00", "09:30"]  # 15:00 does not fit: the next
    assert window(a, "22:00", "06:00") == ["22:00", "22:30"]  # neither fits: the shift's start
    assert window(b, "14:00", "22:00") == ["14:00", "14:30"]  # police.uk: no hours


def test_no_data_means_no_places():
    assert sync(demand(*CENTRE, now=NOW)) == []
