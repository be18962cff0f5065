"""Tasks on the phone: my taskings by due time, offers to accept or decline, nearby, answers."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from app import clock, navigation, phone_outbox
from app.access import allow
from app.crime.nearby import as_time
from app.forms import FormErrors
from app.headers import offline
from app.problems.panel import problems_linked_to
from app.roles import EVERYONE, Role
from app.taskings import queries, service, states
from app.taskings.forms import AnswerForm
from app.taskings.kinds import KINDS, PRIORITIES
from app.taskings.states import State
from app.web import Acting, Form, page

# Everyone who may be tasked or offered work: every role but the administrators'.
TASKED = frozenset(EVERYONE - {Role.ADMIN})
NAV = navigation.register("Tasks", "taskings:index", "tasks", 20)
ANSWER_LABELS = {
    State.ACCEPTED: "Accept",
    State.DECLINED: "Decline",
    State.ACKNOWLEDGED: "Acknowledge",
    State.IN_PROGRESS: "Start",
    State.DONE: "Done",
    State.CANNOT_DO: "Cannot do",
}


# What the phone may show next after an answer it keeps (taskings.js, offline).
NEXT_MOVES = {
    state: [
        [move, ANSWER_LABELS[move]]
        for move in sorted(states.allowed(state, states.ASSIGNEE), key=list(State).index)
    ]
    for state in State
}


WINDOW = ("starts_at", "ends_at")


def _kept_on_phone(state: str, tasking: dict) -> bool:
    """A phone keeps a tasking's page only while it is today's work still before its person
    (issue 12): not a finished part, nor one whose window is not today."""
    if states.State(state) in states.FINAL:
        return False
    day = clock.today()
    starts, ends = (
        as_time(tasking[k]).astimezone(clock.LOCAL_TIME).date() for k in ("starts_at", "ends_at")
    )
    return starts <= day <= ends


async def _show(actor, tasking_id: int, errors: FormErrors) -> Template:
    found = await queries.my_tasking(actor, tasking_id)
    part_of = await problems_linked_to(actor, "tasking", tasking_id)
    kept = _kept_on_phone(found["part"]["state"], found["tasking"])
    return page(
        "taskings/show.html",
        headers=None if kept else {"Cache-Control": "no-store"},
        tasking=found["tasking"],
        part=found["part"],
        moves=[(m, ANSWER_LABELS[m]) for m in found["moves"]],
        history=found["history"],
        part_of=part_of,
        errors=errors,
        kinds=KINDS,
        priorities=PRIORITIES,
        labels=states.LABELS,
        next_moves=NEXT_MOVES,
        note_required=states.NOTE_REQUIRED,
    )


class TaskingsController(Controller):
    path = "/tasks"

    @get("/", opt=allow(TASKED) | offline(), name="taskings:index")
    async def index(
        self,
        actor: Acting,
        lat: FromQuery[float | None] = None,
        lng: FromQuery[float | None] = None,
    ) -> Template:
        mine = await queries.my_taskings(actor, lat, lng)
        return page(
            "taskings/index.html",
            **mine,
            kinds=KINDS,
            priorities=PRIORITIES,
            labels=states.LABELS,
        )

    @get("/{tasking_id:int}", opt=allow(TASKED) | offline(), name="taskings:show")
    async def show(self, actor: Acting, tasking_id: FromPath[int]) -> Template:
        return await _show(actor, tasking_id, FormErrors())

    @post("/{tasking_id:int}/answer", opt=allow(TASKED), status_code=303, name="taskings:answer")
    async def answer(
        self, request: Request, actor: Acting, tasking_id: FromPath[int], data: Form
    ) -> Any:
        """An answer from the form, or later from the phone's outbox (JSON, docs/outbox.md): with
        its `uuid` a replay is stored once; a refusal (the state moved on) is a 400 with the
        reason, shown on the phone."""
        phone_outbox.check_sender(request)  # 409: an answer queued by someone else waits
        values, errors = AnswerForm.parse(data)
        client_uuid = None
        if data.get("uuid") is not None:  # the outbox's, or the page's (a double tap)
            client_uuid = phone_outbox.clean_uuid(data.get("uuid"), errors)
        if errors:
            return await phone_outbox.refused(
                request, errors, lambda: _show(actor, tasking_id, errors)
            )
        try:
            answered = await service.answer_tasking(
                actor, tasking_id, values["state"], values["note"], client_uuid
            )
        except service.Refused as exc:
            refusal = FormErrors(note=str(exc))
            return await phone_outbox.refused(
                request, refusal, lambda: _show(actor, tasking_id, refusal)
            )
        return phone_outbox.stored(
            request,
            tasking_id,
            not answered.get("replay"),
            then=f"/tasks/{tasking_id}?answered=1",
            extra={"state": answered["state"]},
        )
