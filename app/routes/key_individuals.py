"""Key individuals (community contacts) per team area, kept by police roles."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app.access import allow
from app.audit import Operation, record
from app.places import team_choices
from app.roles import POLICE
from app.tables.engagement import KeyIndividual
from app.tables.places import TeamArea
from app.web import Form, FormErrors, page

LIMITS = {"name": 120, "community_role": 120, "how_to_reach": 200}
LABELS = {"name": "a name", "community_role": "a role", "how_to_reach": "how to reach them"}


async def check_key_individual(data: dict[str, Any], errors: FormErrors) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, limit in LIMITS.items():
        clean[name] = str(data.get(name) or "").strip()
        if len(clean[name]) > limit:
            errors.add(name, f"Enter {LABELS[name]} of {limit} characters or fewer")
    if not clean["name"]:
        errors.add("name", "Enter their name")
    team = str(data.get("team") or "")
    if not team.isdigit() or not await TeamArea.exists().where(TeamArea.id == int(team)):
        errors.add("team", "Choose a team area from the list")
    else:
        clean["team"] = int(team)
    clean["consent_to_contact"] = data.get("consent_to_contact") == "yes"
    return clean


class KeyIndividualController(Controller):
    path = "/log/people"

    @get("/", opt=allow(POLICE))
    async def index(self, request: Request, team: str = "") -> Template:
        return await self._page(request, team, {}, FormErrors())

    @post("/", opt=allow(POLICE), status_code=303)
    async def create(self, request: Request, data: Form) -> Any:
        errors = FormErrors()
        clean = await check_key_individual(data, errors)
        if errors:
            return await self._page(request, str(data.get("team") or ""), data, errors)
        person = KeyIndividual(**clean, added_by=request.user.id)
        await person.save()
        await record(request, Operation.COLLECTION, "key-individual", person.id)
        return Redirect(path=f"/log/people?team={clean['team']}", status_code=303)

    @post("/{person_id:int}/remove", opt=allow(POLICE), status_code=303)
    async def remove(self, request: Request, person_id: int) -> Redirect:
        row = (
            await KeyIndividual.select(KeyIndividual.team)
            .where(KeyIndividual.id == person_id)
            .first()
        )
        if row is None:
            raise NotFoundException()
        await KeyIndividual.update({KeyIndividual.active: False}).where(
            KeyIndividual.id == person_id
        )
        await record(request, Operation.ALTERATION, "key-individual", person_id, detail="removed")
        return Redirect(path=f"/log/people?team={row['team']}", status_code=303)

    async def _page(self, request: Request, team: str, values: dict, errors: FormErrors):
        team_id = int(team) if team.isdigit() else request.user.home_team_id
        people = []
        if team_id:
            people = (
                await KeyIndividual.select()
                .where(
                    (KeyIndividual.team == team_id) & (KeyIndividual.active == True)  # noqa: E712
                )
                .order_by(KeyIndividual.name)
            )
            await record(
                request,
                Operation.CONSULTATION,
                "key-individual",
                f"team {team_id}",
                detail=f"{len(people)} shown",
            )
        return page(
            "log/people.html",
            status_code=400 if errors else 200,
            people=people,
            team_id=team_id,
            teams=await team_choices(),
            values={"team": team_id, **values},
            errors=errors,
        )
