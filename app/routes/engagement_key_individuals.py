"""Key individuals (community contacts) per team area, kept by police roles."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.access import allow
from app.actor import Actor
from app.engagement import key_individuals
from app.engagement.forms import KeyIndividualForm, team_of
from app.forms import FormErrors
from app.places import team_choices
from app.roles import POLICE
from app.web import Acting, Form, page


async def _page(actor: Actor, team_id: int | None, values: dict, errors: FormErrors) -> Template:
    team_id, people = await key_individuals.listing(actor, team_id)
    return page(
        "engagement/people.html",
        people=people,
        team_id=team_id,
        teams=await team_choices(),
        values={"team": team_id, **values},
        errors=errors,
    )


class EngagementKeyIndividualsController(Controller):
    path = "/log/people"

    @get("/", opt=allow(POLICE), name="engagement:key_individuals")
    async def index(self, actor: Acting, team: FromQuery[str] = "") -> Template:
        return await _page(actor, team_of(team), {}, FormErrors())

    @post("/", opt=allow(POLICE), status_code=303, name="engagement:add_key_individual")
    async def add(self, actor: Acting, data: Form) -> Any:
        values, errors = KeyIndividualForm.parse(data)
        if not errors:
            _, errors = await key_individuals.add(actor, values)
        if errors:
            shown = KeyIndividualForm.echo(data)
            return await _page(actor, team_of(shown["team"]), shown, errors)
        return Redirect(path=f"/log/people?team={values['team']}", status_code=303)

    @post(
        "/{person_id:int}/remove",
        opt=allow(POLICE),
        status_code=303,
        name="engagement:remove_key_individual",
    )
    async def remove(self, actor: Acting, person_id: FromPath[int]) -> Redirect:
        team_id = await key_individuals.remove(actor, person_id)
        return Redirect(path=f"/log/people?team={team_id}", status_code=303)
