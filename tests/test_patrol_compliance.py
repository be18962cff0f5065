"""Patrol compliance at a fixed clock: a point with no check-in is missed only once its window has
ended; before that it is "to come" (issue 14: at 06:30 one PCSO showed "Missed 4 of 7")."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from app.patrol import compliance
from app.patrol.compliance import TO_COME, classify
from app.patrol.times import LOCAL
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint, PlanState
from tests.factories import make_person, make_team
from tests.helpers import html, sync

MONDAY = date(2026, 11, 23)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in the week of MONDAY (day 0 is the Monday)."""
    return datetime.combine(MONDAY + timedelta(days=day), datetime.min.time(), LOCAL).replace(
        hour=hour, minute=minute
    )


def plan_with_points(team, person, windows, checked_in=()):
    """A published plan for the person with a point per (day, start hour, end hour) window;
    the points whose index is in checked_in get a check-in at their window's start."""

    async def build():
        plan = PatrolPlan(
            team=team.id,
            day=MONDAY,
            shift_start=at(0, 0),
            shift_end=at(6, 23, 59),
            assignee=person.id,
            status=PlanState.PUBLISHED,
        )
        await plan.save()
        for n, (day, start, end) in enumerate(windows):
            point = PatrolPoint(
                plan=plan.id,
                position=n,
                label=f"Point {n}",
                lat=52.92,
                lng=-1.47,
                window_start=at(day, start),
                window_end=at(day, end),
            )
            await point.save()
            if n in checked_in:
                await PatrolCheckIn(
                    uuid=uuid.uuid4(),
                    point=point.id,
                    person=person.id,
                    at=at(day, start, 5),
                    automatic=True,
                ).save()
        return plan.id

    return sync(build())


def test_a_point_without_a_check_in_is_to_come_until_its_window_ends():
    start, end = at(1, 14), at(1, 15)
    assert classify(None, start, end, at(1, 6, 30)) == TO_COME
    assert classify(None, start, end, at(1, 14, 30)) == TO_COME  # in its window: not yet missed
    assert classify(None, start, end, end) == TO_COME  # the window's end counts as inside
    assert classify(None, start, end, end + timedelta(seconds=1)) == "missed"


def test_the_week_at_0630_counts_later_points_as_to_come_not_missed():
    team = make_team()
    pcso = make_person("pcso", home_team=team.id)
    windows = [
        (0, 10, 11),  # Monday morning: checked in
        (0, 14, 15),  # Monday afternoon: no check-in, ended -> missed
        (1, 6, 7),  # Tuesday 06:00-07:00: under way at 06:30 -> to come
        (1, 14, 15),  # Tuesday afternoon -> to come
        (2, 9, 10),  # Wednesday -> to come
    ]
    plan_with_points(team, pcso, windows, checked_in={0})
    rows, people = sync(compliance.week_report(team.id, MONDAY, now=at(1, 6, 30)))
    [row] = rows
    t = row["tally"]
    assert (t.points, t.in_window, t.missed, t.to_come) == (5, 1, 1, 3)
    assert people[pcso.display_name].to_come == 3
    # The same week after every window has ended: the three are missed now.
    rows, _ = sync(compliance.week_report(team.id, MONDAY, now=at(2, 10, 1)))
    t = rows[0]["tally"]
    assert (t.in_window, t.missed, t.to_come) == (1, 4, 0)


def test_the_report_page_shows_points_to_come(as_role):
    team = make_team()
    pcso = make_person("pcso", home_team=team.id)
    far = datetime.now(LOCAL).date() + timedelta(days=2)
    this_monday = far - timedelta(days=far.weekday())

    async def build():
        plan = PatrolPlan(
            team=team.id,
            day=far,
            shift_start=datetime.combine(far, datetime.min.time(), LOCAL),
            shift_end=datetime.combine(far, datetime.max.time(), LOCAL),
            assignee=pcso.id,
            status=PlanState.PUBLISHED,
        )
        await plan.save()
        await PatrolPoint(
            plan=plan.id,
            label="Later",
            lat=52.9,
            lng=-1.4,
            window_start=datetime.combine(far, datetime.min.time(), LOCAL).replace(hour=10),
            window_end=datetime.combine(far, datetime.min.time(), LOCAL).replace(hour=11),
        ).save()

    sync(build())
    sup = as_role("supervisor", home_team=team.id)
    page = sup.get(f"/plan/compliance?team={team.id}&week={this_monday.isoformat()}")
    assert page.status_code == 200
    table = html(page).select_one("table")
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    [row] = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    cells = dict(zip(heads, row, strict=True))
    assert (cells["Missed"], cells["To come"]) == ("0", "1")
