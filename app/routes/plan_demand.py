"""Supervisors see where and when the demand is in a team area, to build patrol plans from it."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.response import Template

from app.access import allow
from app.patrol.demand import (
    CELL_M,
    CRIME_MONTHS,
    DAYS,
    INCIDENT_DAYS,
    INCIDENT_HALF_LIFE_DAYS,
    RADIUS_M,
    bars,
    map_points,
    team_demand,
)
from app.places import team_choices
from app.roles import Role
from app.tables.places import TeamArea
from app.web import page

SUPERVISORS = frozenset({Role.SUPERVISOR})
SHOWN = 15


class PlanDemandController(Controller):
    path = "/plan/demand"

    @get("/", opt=allow(SUPERVISORS))
    async def index(self, request: Request, area: FromQuery[str] = "") -> Template:
        """The ranked places for a team area (the supervisor's own by default)."""
        team_id = int(area) if area.isdigit() else request.user.home_team_id
        if team_id is None:
            first = await TeamArea.select(TeamArea.id).order_by(TeamArea.name).first()
            team_id = first["id"] if first else None
        team, places = await team_demand(team_id) if team_id else (None, [])
        if area and team is None:
            raise NotFoundException()
        places = places[:SHOWN]
        return page(
            "plan/demand.html",
            team=team,
            places=[
                {
                    "place": p,
                    "hours": bars(p.hours, 240, 40),
                    "days": bars(p.days, 140, 40),
                }
                for p in places
            ],
            points=map_points(places, team["centre_lat"], team["centre_lng"], RADIUS_M)
            if team
            else [],
            teams=await team_choices(),
            days=DAYS,
            radius=RADIUS_M,
            cell=CELL_M,
            incident_days=INCIDENT_DAYS,
            half_life=INCIDENT_HALF_LIFE_DAYS,
            crime_months=CRIME_MONTHS,
        )
