"""Coverage per team area: visits, households reached, referrals, follow-ups, a point map."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from app import maps
from app.actor import Actor
from app.audit import Operation, record
from app.boundaries.membership import boundary_of
from app.database import atomic, snapshot
from app.outcomes import NotFound
from app.tables.places import TeamArea
from app.tables.visits import FollowUp, HomeVisit, Referral, VisitState

DUE_SOON = timedelta(days=7)


@dataclass
class AreaCoverage:
    """What a supervisor reads for one team area."""

    team_id: int
    name: str
    households: int | None
    visits_month: int = 0
    visits_year: int = 0
    declined_year: int = 0
    households_visited: int = 0
    followups_due: int = 0
    followups_overdue: int = 0
    referrals: Counter = field(default_factory=Counter)  # (agency, state) -> count

    @property
    def percent(self) -> float | int | None:
        """Households reached as a percentage: one decimal below 10 so early progress shows."""
        if not self.households:
            return None
        share = 100 * self.households_visited / self.households
        return round(share, 1) if share < 10 else round(share)


async def coverage(
    today: date, include: list[int] | None = None, only: int | None = None
) -> list[AreaCoverage]:
    """Figures for the areas with visits or a household count, and those in `include`;
    or for the one area `only`."""
    visits = HomeVisit.select(
        HomeVisit.team, HomeVisit.state, HomeVisit.household_key, HomeVisit.started_at
    ).where(HomeVisit.team.is_not_null())
    teams = TeamArea.select(TeamArea.id, TeamArea.name, TeamArea.households)
    if only is not None:
        visits = await visits.where(HomeVisit.team == only)
        rows = await teams.where(TeamArea.id == only)
    else:
        visits = await visits
        wanted = list(set(include or []) | {v["team"] for v in visits})
        # Piccolo refuses an empty is_in(): with no area wanted, those with a household count.
        where = TeamArea.households.is_not_null()
        rows = await teams.where(TeamArea.id.is_in(wanted) | where if wanted else where)
    areas = {t["id"]: AreaCoverage(t["id"], t["name"], t["households"]) for t in rows}
    reached: dict[int, set[str]] = {}
    for v in visits:
        area = areas.get(v["team"])
        if area is None:
            continue
        started = v["started_at"].date()
        if v["state"] == VisitState.SUBMITTED:
            reached.setdefault(area.team_id, set()).add(v["household_key"])
            area.visits_year += started.year == today.year
            area.visits_month += (started.year, started.month) == (today.year, today.month)
        elif v["state"] == VisitState.DECLINED and started.year == today.year:
            area.declined_year += 1
    for team_id, keys in reached.items():
        areas[team_id].households_visited = len(keys)
    referrals = Referral.select(
        Referral.visit.team.as_alias("team"),
        Referral.agency.name.as_alias("agency"),
        Referral.agency_kind,
        Referral.state,
    )
    followups = FollowUp.select(FollowUp.visit.team.as_alias("team"), FollowUp.due_on).where(
        FollowUp.done.eq(False)
    )
    if only is not None:
        referrals = referrals.where(Referral.visit.team == only)
        followups = followups.where(FollowUp.visit.team == only)
    for r in await referrals:
        if r["team"] in areas:
            areas[r["team"]].referrals[(r["agency"] or r["agency_kind"], r["state"])] += 1
    for f in await followups:
        if f["team"] in areas:
            areas[f["team"]].followups_overdue += f["due_on"] < today
            areas[f["team"]].followups_due += today <= f["due_on"] <= today + DUE_SOON
    return sorted(areas.values(), key=lambda a: a.name)


async def points_svg(team_id: int, size: int = 320) -> dict:
    """Visit points of an area scaled into a square, with the area's boundary when it has one:
    {'points': [(x, y)], 'size': size, 'outline': SVG path or '', 'outside': visits whose point
    lies outside the boundary, 'boundary': the Boundary or None}. East-west distances are
    scaled by the latitude, so the picture is not stretched."""
    rows = await HomeVisit.select(HomeVisit.lat, HomeVisit.lng).where(
        (HomeVisit.team == team_id)
        & HomeVisit.lat.is_not_null()
        & (HomeVisit.state == VisitState.SUBMITTED)
    )
    boundary = await boundary_of(team_id)
    shown = {
        "points": [],
        "size": size,
        "outline": "",
        "outside": 0,
        "boundary": boundary,
        "map": maps.config(
            "Map of the visited households",
            boundaries=[maps.boundary(boundary, "Team area")] if boundary else [],
            points=[maps.point(r["lat"], r["lng"], "Visited household", "visit") for r in rows],
        ),
    }
    lats = [r["lat"] for r in rows]
    lngs = [r["lng"] for r in rows]
    if boundary is not None:
        min_lat, max_lat, min_lng, max_lng = boundary.shape.bbox
        lats += [min_lat, max_lat]
        lngs += [min_lng, max_lng]
        shown["outside"] = sum(not boundary.contains(r["lat"], r["lng"]) for r in rows)
    if not lats:
        return shown
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span = max(max(lats) - min(lats), (max(lngs) - min(lngs)) * squeeze, 0.002)
    pad = 12
    scale = (size - 2 * pad) / span

    def xy(lat: float, lng: float) -> tuple[float, float]:
        return (
            round(pad + (lng - min(lngs)) * squeeze * scale, 1),
            round(size - pad - (lat - min(lats)) * scale, 1),
        )

    shown["points"] = [xy(r["lat"], r["lng"]) for r in rows]
    if boundary is not None:
        shown["outline"] = "".join(
            "M" + "L".join(f"{x} {y}" for x, y in (xy(lat, lng) for lng, lat in ring)) + "Z"
            for part in boundary.shape.parts
            for ring in part
        )
    return shown


# The use cases: the supervisors' coverage pages and the households count.


def _today() -> date:
    from app.visits.store import now

    return now().date()


async def overview(actor: Actor) -> list[AreaCoverage]:
    """Every area with visits or a household count, and the actor's own home team area."""
    home = [actor.home_team_id] if actor.home_team_id else []
    async with snapshot():
        return await coverage(_today(), home)


async def area(actor: Actor, team_id: int) -> dict:
    """One area's figures and its map of visited households (audited: a look at where
    households are). NotFound if there is no such area."""
    async with snapshot():
        team = (
            await TeamArea.select(TeamArea.id, TeamArea.name, TeamArea.households)
            .where(TeamArea.id == team_id)
            .first()
        )
        if team is None:
            raise NotFound("No such team area")
        figures = (await coverage(_today(), only=team_id))[0]
        svg = await points_svg(team_id)
        await record(
            actor,
            Operation.CONSULTATION,
            "home_visit",
            f"team {team_id}",
            detail="coverage map of visited households",
        )
    return {"team": team, "area": figures, "svg": svg}


async def set_households(actor: Actor, team_id: int, households: int | None) -> None:
    """Set (or clear, None) the number of households coverage is measured against."""
    async with atomic():
        await TeamArea.update({TeamArea.households: households}).where(TeamArea.id == team_id)
