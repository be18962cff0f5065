"""Supervisors see where and when the demand is in a team area, to build patrol plans from it."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from app.access import allow
from app.patrol import demand
from app.patrol.forms import DemandForm
from app.patrol.maps import demand_map
from app.places import team_choices
from app.roles import Role
from app.web import Acting, page

SHOWN = 15


class PatrolDemandController(Controller):
    path = "/plan/demand"

    @get("/", opt=allow(Role.SUPERVISOR), name="patrol:demand")
    async def index(self, actor: Acting, area: FromQuery[str] = "") -> Template:
        """The ranked places for a team area (the supervisor's own by default)."""
        values, errors = DemandForm.parse({"area": area})
        team, places = await demand.area_demand(actor, None if errors else values["area"])
        places = places[:SHOWN]
        return page(
            "patrol/demand.html",
            team=team,
            places=[
                {
                    "place": p,
                    "hours": demand.bars(p.hours, 240, 40),
                    "days": demand.bars(p.days, 140, 40),
                }
                for p in places
            ],
            points=demand.map_points(places, team["lat"], team["lng"], team["radius"])
            if team
            else [],
            outline=demand.outline_path(team["boundary"], team["lat"], team["lng"], team["radius"])
            if team
            else "",
            map=demand_map(team, places) if team else None,
            teams=await team_choices(),
            days=demand.DAYS,
            radius=team["radius"] if team else demand.RADIUS_M,
            cell=demand.CELL_M,
            incident_days=demand.INCIDENT_DAYS,
            half_life=demand.INCIDENT_HALF_LIFE_DAYS,
            crime_months=demand.CRIME_MONTHS,
        )
