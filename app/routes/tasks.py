"""Tasks on the phone: my taskings by due time, offers to accept or decline, nearby, answers."""

from __future__ import annotations

from typing import Any

from geopy.distance import great_circle
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.audit import Operation, record
from app.roles import EVERYONE, Role
from app.tables.places import TeamArea
from app.tables.taskings import TaskingAssignment, TaskingEvent
from app.taskings import service, states
from app.taskings.kinds import KINDS, PRIORITIES
from app.taskings.queries import my_parts
from app.taskings.states import State
from app.web import Form, FormErrors, page

ROLES = frozenset(EVERYONE - {Role.ADMIN})
NAV = navigation.register("Tasks", "/tasks", "tasks", 20, ROLES)
ANSWER_LABELS = {
    State.ACCEPTED: "Accept",
    State.DECLINED: "Decline",
    State.ACKNOWLEDGED: "Acknowledge",
    State.IN_PROGRESS: "Start",
    State.DONE: "Done",
    State.CANNOT_DO: "Cannot do",
}


def _point(part: dict) -> tuple[float, float] | None:
    t = part["tasking"]
    if t.get("lat") is not None:
        return t["lat"], t["lng"]
    return None


class TasksController(Controller):
    path = "/tasks"

    @get("/", opt=allow(ROLES))
    async def index(
        self, request: Request, lat: float | None = None, lng: float | None = None
    ) -> Template:
        parts = await my_parts(request.user.id)
        offers = [p for p in parts if p["state"] == State.OFFERED]
        mine = [p for p in parts if p["state"] != State.OFFERED]
        here, here_label = await self._where(request, lat, lng)
        nearby = []
        for part in parts:
            if part["state"] in states.FINAL:
                continue
            point = _point(part) or await self._area_centre(part["tasking"]["team"])
            if here and point:
                nearby.append((great_circle(here, point).km, part))
        nearby.sort(key=lambda pair: pair[0])
        await record(
            request, Operation.CONSULTATION, "tasking", "mine", detail=f"{len(parts)} shown"
        )
        return page(
            "tasks/index.html",
            offers=offers,
            mine=mine,
            nearby=nearby,
            here_label=here_label,
            kinds=KINDS,
            priorities=PRIORITIES,
            labels=states.LABELS,
        )

    @staticmethod
    async def _area_centre(team_id: int | None) -> tuple[float, float] | None:
        if team_id is None:
            return None
        team = (
            await TeamArea.select(TeamArea.centre_lat, TeamArea.centre_lng)
            .where(TeamArea.id == team_id)
            .first()
        )
        return (team["centre_lat"], team["centre_lng"]) if team else None

    async def _where(self, request: Request, lat, lng) -> tuple[tuple | None, str]:
        if lat is not None and lng is not None and -90 <= lat <= 90 and -180 <= lng <= 180:
            return (lat, lng), "from where you are"
        centre = await self._area_centre(request.user.home_team_id)
        return centre, "from the centre of your team area"

    @get("/{tasking_id:int}", opt=allow(ROLES))
    async def show(self, request: Request, tasking_id: int) -> Template:
        return await self._show(request, tasking_id, FormErrors())

    async def _show(
        self, request: Request, tasking_id: int, errors: FormErrors, status: int = 200
    ) -> Template:
        part = (
            await TaskingAssignment.select()
            .where(
                (TaskingAssignment.tasking == tasking_id)
                & (TaskingAssignment.person == request.user.id)
            )
            .first()
        )
        if part is None:  # not yours: as if it did not exist
            raise NotFoundException()
        tasking = await service.tasking_row(tasking_id)
        history = (
            await TaskingEvent.select(TaskingEvent.to_state, TaskingEvent.note, TaskingEvent.at)
            .where(TaskingEvent.assignment == part["id"])
            .order_by(TaskingEvent.at)
        )
        await record(request, Operation.CONSULTATION, "tasking", tasking_id)
        moves = sorted(states.allowed(State(part["state"]), states.ASSIGNEE), key=list(State).index)
        return page(
            "tasks/show.html",
            status_code=status,
            tasking=tasking,
            part=part,
            moves=[(m, ANSWER_LABELS[m]) for m in moves],
            history=history,
            errors=errors,
            kinds=KINDS,
            priorities=PRIORITIES,
            labels=states.LABELS,
        )

    @post("/{tasking_id:int}/answer", opt=allow(ROLES), status_code=303)
    async def answer(self, request: Request, tasking_id: int, data: Form) -> Any:
        part = (
            await TaskingAssignment.select(TaskingAssignment.id)
            .where(
                (TaskingAssignment.tasking == tasking_id)
                & (TaskingAssignment.person == request.user.id)
            )
            .first()
        )
        if part is None:
            raise NotFoundException()
        target, note = str(data.get("state", "")), str(data.get("note", "")).strip()
        try:
            await service.answer(request, part["id"], target, note)
        except service.Refused as exc:
            return await self._show(request, tasking_id, FormErrors(note=str(exc)), status=400)
        return Redirect(path=f"/tasks/{tasking_id}?answered=1", status_code=303)
