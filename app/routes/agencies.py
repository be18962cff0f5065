"""The shared directory of partner agencies (mentoring now, home visits next)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from app.access import allow
from app.places import team_choices
from app.roles import EVERYONE, Role
from app.tables.agencies import PartnerAgency
from app.tables.places import TeamArea
from app.web import FormErrors, page

EDITORS = frozenset({Role.MENTOR, Role.SUPERVISOR, Role.PCSO, Role.OFFICER})
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


class AgencyController(Controller):
    path = "/agencies"

    @get("/", opt=allow(EVERYONE))
    async def index(self, request: Request) -> Template:
        return await self._page({}, FormErrors())

    @post("/", opt=allow(EDITORS), status_code=303)
    async def create(self, request: Request, data: Form) -> Any:
        errors = FormErrors()
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 120:
            errors.add("name", "Enter the agency's name in 120 characters or fewer")
        kind = str(data.get("kind") or "").strip()
        if len(kind) > 60:
            errors.add("kind", "Enter what it does in 60 characters or fewer")
        how = str(data.get("how_to_refer") or "").strip()
        if len(how) > 2000:
            errors.add("how_to_refer", "Enter how to refer in 2000 characters or fewer")
        area = str(data.get("area") or "")
        area_id = None
        if area:
            if area.isdigit() and await TeamArea.exists().where(TeamArea.id == int(area)):
                area_id = int(area)
            else:
                errors.add("area", "Choose an area from the list")
        if errors:
            return await self._page(data, errors)
        await PartnerAgency.insert(
            PartnerAgency(name=name, kind=kind, how_to_refer=how, area=area_id)
        )
        return Redirect(path="/agencies?added=1", status_code=303)

    async def _page(self, values: dict, errors: FormErrors) -> Template:
        agencies = await PartnerAgency.select(
            *PartnerAgency.all_columns(), PartnerAgency.area.name.as_alias("area_name")
        ).order_by(PartnerAgency.name)
        return page(
            "mentoring/agencies.html",
            status_code=400 if errors else 200,
            agencies=agencies,
            teams=await team_choices(),
            values=values,
            errors=errors,
        )
