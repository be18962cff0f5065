"""The rows behind one figure of an area page: the same conditions as app/areas/figures.py,
listed instead of counted (at most SHOWN rows; the total is always given)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.areas import figures
from app.areas.cells import area_map
from app.areas.figures import (
    OPEN_STATES,
    RECENT_DAYS,
    UNANSWERED,
    WEEKS,
    _marks,
    crime_periods,
    incident_windows,
    week_bounds,
)
from app.clock import LOCAL_TIME
from app.crime.nearby import as_time
from app.tables.places import TeamArea

SHOWN = 500
# The query parameters that choose the rows behind a figure.
QUERY = ("key", "which", "type", "kind", "week", "person", "state", "cause")
FIGURES = (
    "crimes",
    "incidents",
    "taskings",
    "engagement",
    "visits",
    "referrals",
    "followups",
    "volunteers",
    "abstraction",
)


@dataclass
class Records:
    """A titled table of rows (each a list of cells; a cell may be (text, url))."""

    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    total: int = 0
    note: str = ""


def _when(value) -> str:
    if not value:
        return ""
    return as_time(value).astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


def _limited(rows: list) -> list:
    return rows[:SHOWN]


async def _count_and_rows(select: str, where: str, args: list, order: str) -> tuple[int, list]:
    count = await TeamArea.raw(f"SELECT COUNT(*) AS n {where}", *args)  # noqa: S608
    rows = await TeamArea.raw(f"{select} {where} ORDER BY {order} LIMIT {SHOWN}", *args)  # noqa: S608
    return int(count[0]["n"]), rows


async def _cells(team_id: int) -> list[int]:
    return area_map(await figures.all_centres()).cells_of(team_id) or [0]


async def crimes(team_id: int, now: datetime, q: dict) -> Records:
    stored = {r["month"] for r in await TeamArea.raw("SELECT DISTINCT month FROM crime_month")}
    if not stored:
        return Records("Street crimes", ["Month"], note="No street crime data is loaded.")
    periods = {f"c{p[0]}": p for p in crime_periods(max(stored))}
    _n, label, first, before = periods.get(q.get("key")) or periods["c12"]
    previous = q.get("which") == "previous"
    start, end = (before, first) if previous else (first, max(stored))
    cells = await _cells(team_id)
    args = [*cells, start, end]
    below = "<" if previous else "<="
    where = f"FROM crime WHERE cell IN ({_marks(cells)}) AND month >= {{}} AND month {below} {{}}"
    if q.get("type"):
        where += " AND crime_type = {}"
        args.append(q["type"])
    total, rows = await _count_and_rows(
        "SELECT month, crime_type, location, lsoa_name, outcome", where, args, "month DESC, id"
    )
    title = f"Street crimes, {label.lower()}{' (the period before)' if previous else ''}"
    return Records(
        f"{title}{': ' + q['type'] if q.get('type') else ''}",
        ["Month", "Type", "Where", "LSOA", "Last outcome"],
        [[r["month"], r["crime_type"], r["location"], r["lsoa_name"], r["outcome"]] for r in rows],
        total,
        "Street crimes (data.police.uk) in the grid cells nearest this area's centre.",
    )


async def incidents(team_id: int, now: datetime, q: dict) -> Records:
    windows = {
        f"i{d}": (d, label, start, earlier) for d, label, start, earlier in incident_windows(now)
    }
    days, label, start, earlier = windows.get(q.get("key"), windows["i28"])
    previous = q.get("which") == "previous"
    cells = await _cells(team_id)
    low, high = (earlier, start) if previous else (start, None)
    where = f"FROM incident WHERE cell IN ({_marks(cells)}) AND occurred_at >= {{}}"
    args = [*cells, low]
    if high is not None:
        where += " AND occurred_at < {}"
        args.append(high)
    if q.get("type"):
        where += " AND category = {}"
        args.append(q["type"])
    total, rows = await _count_and_rows(
        "SELECT reference, occurred_at, category, location", where, args, "occurred_at DESC, id"
    )
    title = f"Incidents, {label.lower()}{' (the period before)' if previous else ''}"
    return Records(
        f"{title}{': ' + q['type'] if q.get('type') else ''}",
        ["When", "Category", "Where", "Reference"],
        [[_when(r["occurred_at"]), r["category"], r["location"], r["reference"]] for r in rows],
        total,
    )


TASKING_FIGURES = {
    "open": "Open taskings",
    "urgent": "Open urgent taskings",
    "overdue": "Open taskings past their end",
    "unanswered": "Parts not answered yet (tasked, not acknowledged; offered, not answered)",
    "person": "Open parts of",
}


async def taskings(team_id: int, now: datetime, q: dict) -> Records:
    which = q.get("which") if q.get("which") in TASKING_FIGURES else "open"
    rows = await TeamArea.raw(
        "SELECT t.id, t.title, t.priority, t.starts_at, t.ends_at, a.state, "  # noqa: S608
        "p.display_name AS who FROM tasking_assignment a JOIN tasking t ON t.id = a.tasking "
        "JOIN person p ON p.id = a.person "
        f"WHERE a.state IN ({_marks(OPEN_STATES)}) AND t.cancelled = {{}} AND t.team = {{}} "
        "ORDER BY t.ends_at, t.id, p.display_name",
        *[str(s) for s in OPEN_STATES],
        False,
        team_id,
    )
    if which == "urgent":
        rows = [r for r in rows if r["priority"] == "urgent"]
    elif which == "overdue":
        rows = [r for r in rows if as_time(r["ends_at"]) < now]
    elif which == "unanswered":
        rows = [r for r in rows if r["state"] in UNANSWERED]
    elif which == "person":
        rows = [r for r in rows if r["who"] == q.get("person")]
    per_part = which in ("unanswered", "person")
    if not per_part:  # one row per tasking
        seen, kept = set(), []
        for r in rows:
            if r["id"] not in seen:
                seen.add(r["id"])
                kept.append(r)
        rows = kept
    title = TASKING_FIGURES[which] + (f" {q.get('person')}" if which == "person" else "")
    return Records(
        title,
        ["Tasking", "Priority", "From", "Until", *(["Who", "State"] if per_part else [])],
        [
            [
                (r["title"], f"/tasks/manage/{r['id']}"),
                r["priority"],
                _when(r["starts_at"]),
                _when(r["ends_at"]),
                *([r["who"], r["state"]] if per_part else []),
            ]
            for r in _limited(rows)
        ],
        len(rows),
    )


def _week(now: datetime, q: dict) -> tuple[datetime, datetime | None, str]:
    """The week asked for (?week=0 this week ... 7), else the last RECENT_DAYS days."""
    week = figures_int(q.get("week"), WEEKS)
    if week is None:
        return now - timedelta(days=RECENT_DAYS), None, f"last {RECENT_DAYS} days"
    start, end = week_bounds(now)[week]
    return start, end, f"week of {start.astimezone(LOCAL_TIME).strftime('%d %b %Y')}"


def figures_int(text, limit: int) -> int | None:
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value if 0 <= value < limit else None


async def engagement(team_id: int, now: datetime, q: dict) -> Records:
    if q.get("which") == "followups":
        where = (
            "FROM engagement e JOIN person p ON p.id = e.author WHERE e.deleted_at IS NULL "
            "AND e.follow_up_done = {} AND e.follow_up_due IS NOT NULL AND e.follow_up_due <= {} "
            "AND e.team = {}"
        )
        args = [False, now.astimezone(LOCAL_TIME).date(), team_id]
        title = "Engagement follow-ups due"
    else:
        start, end, span = _week(now, q)
        where = (
            "FROM engagement e JOIN person p ON p.id = e.author WHERE e.deleted_at IS NULL "
            "AND e.team = {} AND e.occurred_at >= {}"
        )
        args = [team_id, start]
        if end is not None:
            where += " AND e.occurred_at < {}"
            args.append(end)
        if q.get("kind"):
            where += " AND e.kind = {}"
            args.append(q["kind"])
        title = f"Engagement{', ' + q['kind'] if q.get('kind') else ''}, {span}"
    total, rows = await _count_and_rows(
        "SELECT e.occurred_at, e.kind, p.display_name AS who, e.topics, e.follow_up, "
        "e.follow_up_due",
        where,
        args,
        "e.occurred_at DESC, e.id",
    )
    return Records(
        title,
        ["When", "Kind", "Who", "Topics", "Follow-up", "Due"],
        [
            [
                _when(r["occurred_at"]),
                r["kind"],
                r["who"],
                r["topics"].strip(","),
                r["follow_up"],
                str(r["follow_up_due"] or ""),
            ]
            for r in rows
        ],
        total,
    )


async def visits(team_id: int, now: datetime, q: dict) -> Records:
    where = "FROM home_visit v JOIN person p ON p.id = v.visitor WHERE v.team = {} AND v.state = {}"
    args = [team_id, "submitted"]
    title = "Households visited (submitted visits, every household once)"
    if q.get("which") == "recent":
        where += " AND v.started_at >= {}"
        args.append(now - timedelta(days=RECENT_DAYS))
        title = f"Visits submitted, last {RECENT_DAYS} days"
    total, rows = await _count_and_rows(
        "SELECT v.started_at, v.submitted_at, p.display_name AS who, v.household_ref, "
        "v.household_key",
        where,
        args,
        "v.started_at DESC, v.id",
    )
    if q.get("which") != "recent":  # households: the latest visit of each
        seen, kept = set(), []
        for r in await TeamArea.raw(
            "SELECT v.started_at, v.submitted_at, p.display_name AS who, v.household_ref, "  # noqa: S608
            f"v.household_key {where} ORDER BY v.started_at DESC, v.id",
            *args,
        ):
            if r["household_key"] not in seen:
                seen.add(r["household_key"])
                kept.append(r)
        total, rows = len(kept), _limited(kept)
    return Records(
        title,
        ["Started", "Submitted", "Visitor", "Household reference"],
        [
            [_when(r["started_at"]), _when(r["submitted_at"]), r["who"], r["household_ref"]]
            for r in rows
        ],
        total,
    )


async def referrals(team_id: int, now: datetime, q: dict) -> Records:
    where = (
        "FROM referral r JOIN home_visit v ON v.id = r.visit WHERE v.team = {} AND r.state <> {}"
    )
    args = [team_id, "closed"]
    if q.get("state"):
        where += " AND r.state = {}"
        args.append(q["state"])
    total, rows = await _count_and_rows(
        "SELECT r.suggested_at, r.agency_kind, r.reason, r.state",
        where,
        args,
        "r.suggested_at DESC, r.id",
    )
    return Records(
        f"Referrals not closed{': ' + q['state'] if q.get('state') else ''}",
        ["Suggested", "Agency kind", "Why", "State"],
        [[_when(r["suggested_at"]), r["agency_kind"], r["reason"], r["state"]] for r in rows],
        total,
    )


async def followups(team_id: int, now: datetime, q: dict) -> Records:
    today = now.astimezone(LOCAL_TIME).date()
    where = "FROM follow_up f JOIN home_visit v ON v.id = f.visit WHERE v.team = {} AND f.done = {}"
    args = [team_id, False]
    if q.get("which") == "soon":
        where += " AND f.due_on >= {} AND f.due_on <= {}"
        args += [today, today + figures.DUE_SOON]
        title = "Visit follow-ups due in the next 7 days"
    else:
        where += " AND f.due_on < {}"
        args.append(today)
        title = "Visit follow-ups overdue"
    total, rows = await _count_and_rows(
        "SELECT f.due_on, f.question, f.reason", where, args, "f.due_on, f.id"
    )
    return Records(
        title,
        ["Due", "About", "Why"],
        [[str(r["due_on"]), r["question"], r["reason"]] for r in rows],
        total,
    )


async def volunteers(team_id: int, now: datetime, q: dict) -> Records:
    since = now - timedelta(days=RECENT_DAYS)
    person = q.get("person") or ""
    parts = await TeamArea.raw(
        "SELECT p.display_name AS who, t.id, t.title, "
        "MIN(CASE WHEN e.to_state = {} THEN e.at END) AS started, "
        "MAX(CASE WHEN e.to_state = {} THEN e.at END) AS finished "
        "FROM tasking_assignment a JOIN tasking t ON t.id = a.tasking "
        "JOIN person p ON p.id = a.person "
        "JOIN tasking_event e ON e.tasking = t.id AND e.assignment = a.id "
        "WHERE p.role = {} AND a.state = {} AND t.team = {} GROUP BY p.display_name, t.id, t.title",
        "in_progress",
        "done",
        "volunteer",
        "done",
        team_id,
    )
    found = [
        [
            r["who"],
            (r["title"], f"/tasks/manage/{r['id']}"),
            _when(r["started"]),
            _when(r["finished"]),
            figures._minutes(r["started"], r["finished"]),
        ]
        for r in parts
        if r["finished"] and as_time(r["finished"]) >= since and (not person or r["who"] == person)
    ]
    for r in await TeamArea.raw(
        "SELECT p.display_name AS who, v.started_at, v.submitted_at FROM home_visit v "
        "JOIN person p ON p.id = v.visitor WHERE p.role = {} AND v.state = {} "
        "AND v.submitted_at >= {} AND v.team = {}",
        "volunteer",
        "submitted",
        since,
        team_id,
    ):
        if not person or r["who"] == person:
            found.append(
                [
                    r["who"],
                    "Home visit",
                    _when(r["started_at"]),
                    _when(r["submitted_at"]),
                    figures._minutes(r["started_at"], r["submitted_at"]),
                ]
            )
    found.sort(key=lambda row: row[3], reverse=True)
    return Records(
        f"Volunteers' taskings and visits finished in the last {RECENT_DAYS} days"
        + (f": {person}" if person else ""),
        ["Volunteer", "What", "Started", "Finished", "Minutes"],
        _limited(found),
        len(found),
        "Times: the tasking started and marked done, or the visit started and submitted.",
    )


async def abstraction(team_id: int, now: datetime, q: dict) -> Records:
    weeks = week_bounds(now)
    week = figures_int(q.get("week"), WEEKS)
    start, end = weeks[week] if week is not None else (weeks[-1][0], weeks[0][1])
    where = (
        "FROM abstraction a JOIN person p ON p.id = a.person WHERE a.team = {} "
        "AND a.starts_at >= {} AND a.starts_at < {}"
    )
    args = [team_id, start, end]
    for name, column in (("person", "p.display_name"), ("cause", "a.cause")):
        if q.get(name):
            where += f" AND {column} = {{}}"
            args.append(q[name])
    total, rows = await _count_and_rows(
        "SELECT a.starts_at, a.minutes, a.cause, p.display_name AS who",
        where,
        args,
        "a.starts_at DESC, a.id",
    )
    span = (
        f"week of {start.astimezone(LOCAL_TIME).strftime('%d %b %Y')}"
        if week is not None
        else f"last {WEEKS} weeks"
    )
    return Records(
        f"Abstraction, {span}" + "".join(f": {q[n]}" for n in ("person", "cause") if q.get(n)),
        ["Started", "Who", "Cause", "Minutes"],
        [[_when(r["starts_at"]), r["who"], r["cause"], r["minutes"]] for r in rows],
        total,
    )


READERS = {
    "crimes": crimes,
    "incidents": incidents,
    "taskings": taskings,
    "engagement": engagement,
    "visits": visits,
    "referrals": referrals,
    "followups": followups,
    "volunteers": volunteers,
    "abstraction": abstraction,
}
