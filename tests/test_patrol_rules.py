"""Patrol rules: the check-in distance at its boundary (by geopy), walking order, times."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time

import pytest
from geopy.distance import geodesic

from app.geo import compass, walking_order
from app.patrol.checkin import decide
from app.patrol.compliance import classify
from app.patrol.times import LOCAL, in_shift, same_clock, shift_bounds

POINT = (52.92250, -1.47460)  # Derby city centre


def away(metres: float, bearing: float = 45.0) -> tuple[float, float]:
    moved = geodesic(meters=metres).destination(POINT, bearing)
    return moved.latitude, moved.longitude


@pytest.mark.parametrize("bearing", [0, 90, 225])
def test_check_in_is_automatic_up_to_the_radius_and_not_beyond(bearing):
    inside, edge, outside = away(99.5, bearing), away(100.0, bearing), away(100.5, bearing)
    assert decide(POINT, inside).automatic
    assert geodesic(POINT, edge).meters == pytest.approx(100.0, abs=1e-6)
    assert decide(POINT, edge).automatic  # the boundary counts as within
    far = decide(POINT, outside)
    assert not far.automatic and far.needs_reason
    assert far.distance_m == pytest.approx(geodesic(POINT, outside).meters, abs=1e-6)


def test_no_position_needs_a_reason():
    decision = decide(POINT, None)
    assert decision.needs_reason and decision.distance_m is None


def test_radius_comes_from_the_setting(monkeypatch):
    from app.settings import get_settings

    monkeypatch.setenv("BEATBOOK_CHECKIN_RADIUS_M", "250")
    get_settings.cache_clear()
    try:
        assert decide(POINT, away(240)).automatic
        assert not decide(POINT, away(260)).automatic
    finally:
        monkeypatch.delenv("BEATBOOK_CHECKIN_RADIUS_M")
        get_settings.cache_clear()


def test_compass_points():
    assert compass(*POINT, *away(300, 0)) == "N"
    assert compass(*POINT, *away(300, 90)) == "E"
    assert compass(*POINT, *away(300, 200)) == "S"
    assert compass(*POINT, *away(300, 300)) == "NW"


def test_walking_order_is_as_short_as_the_best_order_for_a_small_plan():
    points = [away(d, b) for d, b in [(900, 10), (200, 200), (600, 95), (400, 300), (800, 160)]]
    start = POINT

    def length(order):
        route = [start] + [points[i] for i in order]
        return sum(geodesic(a, b).meters for a, b in itertools.pairwise(route))

    best = min(itertools.permutations(range(len(points))), key=length)
    suggested = walking_order(start, points)
    assert sorted(suggested) == list(range(len(points)))
    assert length(suggested) <= length(best) * 1.05


def test_night_shift_runs_past_midnight_and_windows_follow_it():
    start, end = shift_bounds(date(2026, 11, 20), time(22, 0), time(6, 0))
    assert (end - start).total_seconds() == 8 * 3600
    assert in_shift(start, time(23, 30)).date() == date(2026, 11, 20)
    assert in_shift(start, time(0, 30)).date() == date(2026, 11, 21)


def test_copies_keep_the_clock_time_across_the_change_from_summer_time():
    before = datetime(2026, 10, 24, 7, 0, tzinfo=LOCAL)  # BST
    after = same_clock(before, 2)  # GMT from 25 October
    assert after.astimezone(LOCAL).hour == 7
    elapsed = after.astimezone(UTC) - before.astimezone(UTC)  # same tzinfo subtracts wall time
    assert elapsed.total_seconds() == 2 * 86400 + 3600


def test_compliance_classes_include_the_window_ends():
    start = datetime(2026, 11, 20, 15, 0, tzinfo=LOCAL)
    end = datetime(2026, 11, 20, 15, 30, tzinfo=LOCAL)
    assert classify(start, start, end) == "in_window"
    assert classify(end, start, end) == "in_window"
    assert classify(datetime(2026, 11, 20, 14, 59, tzinfo=LOCAL), start, end) == "early"
    assert classify(datetime(2026, 11, 20, 15, 31, tzinfo=LOCAL), start, end) == "late"
    assert classify(None, start, end) == "missed"
