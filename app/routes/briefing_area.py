"""Supervisors keep each team area's priorities (from ward meetings) and key contacts."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app.access import allow
from app.audit import Operation, record
from app.roles import Role
from app.tables.briefing import AreaPriority, KeyContact
from app.tables.places import TeamArea
from app.web import Form, FormErrors, page

EDITORS = frozenset({Role.SUPERVISOR})


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _text(data: dict, name: str, label: str, limit: int, errors: FormErrors) -> str:
    value = str(data.get(name, "")).strip()
    if not value:
        errors.add(name, f"Enter the {label}")
    elif len(value) > limit:
        errors.add(name, f"Enter the {label} in {limit} characters or fewer")
    return value


class BriefingAreaController(Controller):
    path = "/briefing/area"

    async def _team(self, team_id: int) -> dict:
        team = (
            await TeamArea.select(TeamArea.id, TeamArea.name).where(TeamArea.id == team_id).first()
        )
        if team is None:
            raise NotFoundException()
        return team

    async def _form(self, request: Request, team_id: int, errors=None, values=None) -> Template:
        team = await self._team(team_id)
        priorities = await AreaPriority.select().where(AreaPriority.team_area == team_id)
        contacts = await KeyContact.select().where(KeyContact.team_area == team_id)
        await record(request, Operation.CONSULTATION, "key-contact", team_id, detail="edit page")
        return page(
            "briefing/area.html",
            status_code=400 if errors else 200,
            team=team,
            priorities=priorities,
            contacts=contacts,
            errors=errors or FormErrors(),
            values=values or {},
        )

    @get("/{team_id:int}", opt=allow(EDITORS))
    async def edit(self, request: Request, team_id: int) -> Template:
        return await self._form(request, team_id)

    @post("/{team_id:int}/priorities", opt=allow(EDITORS), status_code=303)
    async def add_priority(self, request: Request, team_id: int, data: Form) -> Any:
        await self._team(team_id)
        errors = FormErrors()
        issue = _text(data, "issue", "issue", 200, errors)
        action = _text(data, "action", "action agreed", 2000, errors)
        starts = _date(str(data.get("starts_on", "")))
        if starts is None:
            errors.add("starts_on", "Enter the date it was set, like 2026-11-21")
        ends_text = str(data.get("ends_on", "")).strip()
        ends = _date(ends_text) if ends_text else None
        if ends_text and ends is None:
            errors.add("ends_on", "Enter the review date like 2027-02-21, or leave it blank")
        elif ends and starts and ends < starts:
            errors.add("ends_on", "The review date must be on or after the date it was set")
        if errors:
            return await self._form(request, team_id, errors, data)
        await AreaPriority.insert(
            AreaPriority(
                team_area=team_id,
                issue=issue,
                action=action,
                starts_on=starts,
                ends_on=ends,
                set_by=request.user.id,
            )
        )
        return Redirect(path=f"/briefing/area/{team_id}", status_code=303)

    @post("/{team_id:int}/contacts", opt=allow(EDITORS), status_code=303)
    async def add_contact(self, request: Request, team_id: int, data: Form) -> Any:
        await self._team(team_id)
        errors = FormErrors()
        name = _text(data, "name", "contact's name", 120, errors)
        role = _text(data, "role", "contact's role", 120, errors)
        how = _text(data, "how_to_contact", "way to contact them", 200, errors)
        if errors:
            return await self._form(request, team_id, errors, data)
        rows = await KeyContact.insert(
            KeyContact(
                team_area=team_id,
                name=name,
                role=role,
                how_to_contact=how,
                added_by=request.user.id,
            )
        )
        await record(request, Operation.COLLECTION, "key-contact", rows[0]["id"])
        return Redirect(path=f"/briefing/area/{team_id}", status_code=303)

    @post("/{team_id:int}/priorities/{item_id:int}/delete", opt=allow(EDITORS), status_code=303)
    async def remove_priority(self, team_id: int, item_id: int) -> Redirect:
        await AreaPriority.delete().where(
            (AreaPriority.id == item_id) & (AreaPriority.team_area == team_id)
        )
        return Redirect(path=f"/briefing/area/{team_id}", status_code=303)

    @post("/{team_id:int}/contacts/{item_id:int}/delete", opt=allow(EDITORS), status_code=303)
    async def remove_contact(self, request: Request, team_id: int, item_id: int) -> Redirect:
        gone = (
            await KeyContact.delete()
            .where((KeyContact.id == item_id) & (KeyContact.team_area == team_id))
            .returning(KeyContact.id)
        )
        if gone:
            await record(request, Operation.ERASURE, "key-contact", item_id)
        return Redirect(path=f"/briefing/area/{team_id}", status_code=303)
