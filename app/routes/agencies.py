"""The partner agency directory: supervisors and admins keep it; referrals point at it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.places import team_choices
from app.roles import EVERYONE, MANAGERS
from app.tables.agencies import PartnerAgency
from app.tables.places import TeamArea
from app.web import Form, FormErrors, page

NAV = navigation.register("Partner agencies", "/agencies", "people", 85, MANAGERS, primary=False)
# Suggestions for the kind field; any kind may be typed (templates' referral rules name kinds).
KINDS = ["fire", "food bank", "housing", "health", "council", "charity", "debt advice"]


async def _check(data: dict, errors: FormErrors) -> dict:
    clean = {
        "name": str(data.get("name", "")).strip(),
        "kind": " ".join(str(data.get("kind", "")).lower().split()),
        "how_to_refer": str(data.get("how_to_refer", "")).strip(),
        "active": str(data.get("active", "true")) == "true",
        "area": None,
    }
    if not clean["name"]:
        errors.add("name", "Enter the agency's name")
    elif len(clean["name"]) > 120:
        errors.add("name", "Enter a name of 120 characters or fewer")
    if not clean["kind"]:
        errors.add("kind", "Enter the kind of agency, for example food bank")
    elif len(clean["kind"]) > 40:
        errors.add("kind", "Enter a kind of 40 characters or fewer")
    if len(clean["how_to_refer"]) > 2000:
        errors.add("how_to_refer", "Enter 2,000 characters or fewer")
    area = str(data.get("area", "")).strip()
    if area:
        if not area.isdigit() or not await TeamArea.exists().where(TeamArea.id == int(area)):
            errors.add("area", "Choose a team area from the list")
        else:
            clean["area"] = int(area)
    return clean


class AgenciesController(Controller):
    path = "/agencies"

    # Everyone may read the directory (organisations, not personal data); managers keep it.
    @get("/", opt=allow(EVERYONE))
    async def index(self) -> Template:
        rows = (
            await PartnerAgency.select(
                PartnerAgency.all_columns(), PartnerAgency.area.name.as_alias("area_name")
            )
            .order_by(PartnerAgency.kind)
            .order_by(PartnerAgency.name)
        )
        return page("agencies/index.html", rows=rows)

    @get("/new", opt=allow(MANAGERS))
    async def new(self) -> Template:
        return await self._form(None, {"active": True}, FormErrors())

    @post("/", opt=allow(MANAGERS), status_code=303)
    async def create(self, data: Form) -> Any:
        errors = FormErrors()
        clean = await _check(data, errors)
        if errors:
            return await self._form(None, data, errors)
        await PartnerAgency(**clean).save()
        return Redirect(path="/agencies?saved=1", status_code=303)

    @get("/{agency_id:int}", opt=allow(MANAGERS))
    async def edit(self, agency_id: int) -> Template:
        agency = await PartnerAgency.select().where(PartnerAgency.id == agency_id).first()
        if agency is None:
            raise NotFoundException()
        return await self._form(agency, agency, FormErrors())

    @post("/{agency_id:int}", opt=allow(MANAGERS), status_code=303)
    async def update(self, request: Request, agency_id: int, data: Form) -> Any:
        agency = await PartnerAgency.select().where(PartnerAgency.id == agency_id).first()
        if agency is None:
            raise NotFoundException()
        errors = FormErrors()
        clean = await _check(data, errors)
        if errors:
            return await self._form(agency, data, errors)
        await PartnerAgency.update(clean).where(PartnerAgency.id == agency_id)
        return Redirect(path="/agencies?saved=1", status_code=303)

    @staticmethod
    async def _form(agency: dict | None, values: dict, errors: FormErrors) -> Template:
        return page(
            "agencies/form.html",
            status_code=400 if errors else 200,
            agency=agency,
            values=values,
            errors=errors,
            teams=await team_choices(),
            kinds=KINDS,
        )
