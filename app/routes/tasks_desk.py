"""Supervisors' desk: create, assign or offer, change and cancel taskings; watch answers live."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.audit import Operation, record
from app.places import team_choices
from app.roles import Role
from app.tables.people import Person
from app.tables.taskings import Tasking, TaskingAssignment, TaskingEvent
from app.taskings import service, states
from app.taskings.forms import PLACE_KINDS, STAFF, check_tasking, form_values
from app.taskings.kinds import KINDS, PRIORITIES, requirement_text
from app.taskings.push_queue import delivery_by_person
from app.web import Form, FormErrors, is_fragment_request, page, page_or_fragment

SUPERVISORS = frozenset({Role.SUPERVISOR})
NAV = navigation.register(
    "Manage taskings", "/tasks/manage", "tasks", 21, SUPERVISORS, primary=False
)


async def _tasking(tasking_id: int) -> dict:
    row = await service.tasking_row(tasking_id)
    if row is None:
        raise NotFoundException()
    return row


async def _form(tasking, values, errors, creating) -> Template:
    staff = (
        await Person.select(Person.id, Person.display_name, Person.role)
        .where(Person.role.is_in(list(STAFF)) & Person.active.eq(True))
        .order_by(Person.display_name)
    )
    chosen = values.get("staff", [])
    return page(
        "tasks/desk/form.html",
        status_code=400 if errors else 200,
        tasking=tasking,
        values=values,
        chosen=[str(c) for c in (chosen if isinstance(chosen, list) else [chosen])],
        errors=errors,
        creating=creating,
        kinds=[(k, f"{v.label} ({requirement_text(k)})") for k, v in KINDS.items()],
        priorities=[(k, v.label) for k, v in PRIORITIES.items()],
        place_kinds=PLACE_KINDS,
        teams=await team_choices(),
        staff=staff,
    )


class TaskDeskController(Controller):
    path = "/tasks/manage"

    @get("/", opt=allow(SUPERVISORS))
    async def index(self, request: Request) -> Template:
        taskings = (
            await Tasking.select(
                Tasking.id,
                Tasking.title,
                Tasking.kind,
                Tasking.priority,
                Tasking.mode,
                Tasking.starts_at,
                Tasking.cancelled,
                Tasking.alerted_at,
                Tasking.team.name.as_alias("area"),
            )
            .order_by(Tasking.starts_at, ascending=False)
            .limit(200)
        )
        parts = await TaskingAssignment.select(
            TaskingAssignment.tasking, TaskingAssignment.state
        ).where(TaskingAssignment.tasking.is_in([t["id"] for t in taskings] or [0]))
        counts: dict[int, dict[str, int]] = {}
        for part in parts:
            by = counts.setdefault(part["tasking"], {})
            by[part["state"]] = by.get(part["state"], 0) + 1
        return page_or_fragment(
            request,
            "tasks/desk/index.html",
            "tasks/desk/partials/list.html",
            taskings=taskings,
            counts=counts,
            labels=states.LABELS,
            kinds=KINDS,
        )

    @get("/new", opt=allow(SUPERVISORS))
    async def new(self) -> Template:
        return await _form(None, {"place_kind": "area", "places_wanted": 1}, FormErrors(), True)

    @post("/", opt=allow(SUPERVISORS), status_code=303)
    async def create(self, request: Request, data: Form) -> Any:
        errors = FormErrors()
        values, staff = await check_tasking(data, errors, creating=True)
        if errors:
            return await _form(None, data, errors, True)
        tasking_id = await service.create(request, values, staff)
        return Redirect(path=f"/tasks/manage/{tasking_id}", status_code=303)

    @get("/{tasking_id:int}", opt=allow(SUPERVISORS))
    async def show(self, request: Request, tasking_id: int) -> Template:
        tasking = await _tasking(tasking_id)
        parts = (
            await TaskingAssignment.select(
                TaskingAssignment.id,
                TaskingAssignment.person,
                TaskingAssignment.state,
                TaskingAssignment.note,
                TaskingAssignment.updated_at,
                TaskingAssignment.person.display_name.as_alias("name"),
                TaskingAssignment.person.collar_number.as_alias("collar"),
            )
            .where(TaskingAssignment.tasking == tasking_id)
            .order_by(TaskingAssignment.id)
        )
        history = (
            await TaskingEvent.select(
                TaskingEvent.at,
                TaskingEvent.from_state,
                TaskingEvent.to_state,
                TaskingEvent.note,
                TaskingEvent.actor.display_name.as_alias("actor"),
                TaskingEvent.assignment.person.display_name.as_alias("about"),
            )
            .where(TaskingEvent.tasking == tasking_id)
            .order_by(TaskingEvent.id)
        )
        left_out = []
        if tasking["mode"] == "offer" and tasking["team"]:
            offered = {p["person"] for p in parts}
            for volunteer in await service.volunteers_of_area(tasking["team"]):
                reason = volunteer["why_not"](tasking["kind"])
                if volunteer["id"] not in offered and reason:
                    left_out.append((volunteer, reason))
        # The page's own refreshes (htmx polling) continue the look its load recorded.
        if not is_fragment_request(request):
            await record(request, Operation.CONSULTATION, "tasking", tasking_id, detail="desk")
        return page_or_fragment(
            request,
            "tasks/desk/show.html",
            "tasks/desk/partials/live.html",
            tasking=tasking,
            parts=parts,
            history=history,
            left_out=left_out,
            delivery=await delivery_by_person(tasking_id),
            labels=states.LABELS,
            kinds=KINDS,
            priorities=PRIORITIES,
            place_kinds=PLACE_KINDS,
            taken=sum(p["state"] in service.TAKEN for p in parts),
        )

    @get("/{tasking_id:int}/edit", opt=allow(SUPERVISORS))
    async def edit(self, tasking_id: int) -> Template:
        tasking = await _tasking(tasking_id)
        return await _form(tasking, form_values(tasking), FormErrors(), False)

    @post("/{tasking_id:int}/edit", opt=allow(SUPERVISORS), status_code=303)
    async def update(self, request: Request, tasking_id: int, data: Form) -> Any:
        tasking = await _tasking(tasking_id)
        errors = FormErrors()
        if tasking["cancelled"]:
            errors.add("title", "This tasking has been cancelled and cannot be changed")
        values, _ = await check_tasking(data, errors, creating=False)
        if errors:
            return await _form(tasking, data, errors, False)
        await service.change(request, tasking_id, values)
        return Redirect(path=f"/tasks/manage/{tasking_id}", status_code=303)

    @post("/{tasking_id:int}/cancel", opt=allow(SUPERVISORS), status_code=303)
    async def cancel(self, request: Request, tasking_id: int, data: Form) -> Any:
        tasking = await _tasking(tasking_id)
        if not tasking["cancelled"]:
            await service.cancel(request, tasking_id, str(data.get("reason", "")).strip())
        return Redirect(path=f"/tasks/manage/{tasking_id}", status_code=303)
