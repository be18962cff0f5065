"""Problem solving: the list and search, a new problem (from an area priority too), the
problem's page with the one form for the method, its actions, links, people (police only),
comments, closure and sign-off, the review list, the SARA write-up, the CSV, powers used."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app import navigation
from app.access import allow
from app.actor import Actor
from app.forms import FormErrors
from app.outcomes import Refused
from app.problems import powers, search, service
from app.problems.forms import (
    ACTION_STATE_LABELS,
    KIND_LABELS,
    LINK_KINDS,
    MAKE,
    OWNER_KINDS,
    PERSON_ROLES,
    POWER_LABELS,
    RESULT_LABELS,
    STATE_LABELS,
    ActionForm,
    ActionStateForm,
    CloseForm,
    CommentForm,
    LinkForm,
    MakeForm,
    MethodForm,
    NewProblemForm,
    PersonForm,
    PlaceForm,
    PowerForm,
    SearchForm,
    SignOffForm,
)
from app.roles import FIELD, POLICE, Role
from app.web import Acting, Form, bad_form, page

NAV = navigation.register("Problems", "problems:index", "problems", 45, primary=False)
LOOK = allow(FIELD)
WORK = allow(POLICE)
SUPERVISE = allow(Role.SUPERVISOR)
LABELS = {
    "kinds": KIND_LABELS,
    "states": STATE_LABELS,
    "results": RESULT_LABELS,
    "action_states": ACTION_STATE_LABELS,
    "owner_kinds": OWNER_KINDS,
    "make_choices": MAKE,
    "link_kinds": LINK_KINDS,
    "person_roles": PERSON_ROLES,
    "power_kinds": POWER_LABELS,
}


async def _show(
    actor: Actor,
    problem_id: int,
    errors: FormErrors | None = None,
    form: str = "",
    echo: dict | None = None,
    status_code: int | None = None,
) -> Template:
    found = await service.page(actor, problem_id)
    return page(
        "problems/show.html",
        status_code=status_code,
        errors=errors or FormErrors(),
        form=form,
        echo=echo or {},
        **found,
        **LABELS,
    )


def _back(problem_id: int, anchor: str = "", note: str = "") -> Redirect:
    query = f"?{note}=1" if note else ""
    return Redirect(path=f"/problems/{problem_id}{query}{anchor}", status_code=303)


class ProblemsController(Controller):
    path = "/problems"

    @get("/", opt=LOOK, name="problems:index")
    async def index(self, request: Request, actor: Acting) -> Template:
        values, errors = SearchForm.parse(request.query_params)
        found = await search.search(actor, {} if errors else values)
        return page(
            "problems/index.html",
            status_code=200,
            errors=errors,
            query=SearchForm.echo(request.query_params),
            mine=await service.my_actions(actor),
            **found,
            **LABELS,
        )

    @get("/csv", opt=WORK, name="problems:csv")
    async def export(self, request: Request, actor: Acting) -> Response:
        values, errors = SearchForm.parse(request.query_params)
        if errors:
            raise bad_form(errors)
        text = await search.problems_csv(actor, values)
        return Response(
            text,
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="problems.csv"'},
        )

    @get("/new", opt=WORK, name="problems:new")
    async def new(self, actor: Acting, priority: FromQuery[int | None] = None) -> Template:
        found = await service.new_problem(actor, priority)
        return page("problems/new.html", errors=FormErrors(), **found)

    @post("/new", opt=WORK, status_code=303, name="problems:create")
    async def create(self, actor: Acting, data: Form) -> Any:
        values, errors = NewProblemForm.parse(data)
        problem_id = None
        if not errors:
            problem_id, errors = await service.create(actor, values)
        if errors:
            found = await service.new_problem(actor)
            found["values"] = NewProblemForm.echo(data)
            return page("problems/new.html", errors=errors, **found)
        return _back(problem_id, note="created")

    @get("/review", opt=SUPERVISE, name="problems:review")
    async def review(self, actor: Acting) -> Template:
        return page("problems/review.html", **await service.review_list(actor), **LABELS)

    @get("/powers", opt=WORK, name="problems:powers")
    async def powers_list(self, actor: Acting, area: FromQuery[int | None] = None) -> Template:
        found = await powers.powers_page(actor, area)
        return page("problems/powers.html", errors=FormErrors(), values={}, **found)

    @post("/powers", opt=WORK, status_code=303, name="problems:record_power")
    async def record_power(self, actor: Acting, data: Form) -> Any:
        values, errors = PowerForm.parse(data)
        if not errors:
            _, errors = await powers.record_power(actor, values)
        if errors:
            found = await powers.powers_page(actor, values.get("team"))
            return page("problems/powers.html", errors=errors, values=PowerForm.echo(data), **found)
        return Redirect(path=f"/problems/powers?area={values['team']}&saved=1", status_code=303)

    @get("/{problem_id:int}", opt=LOOK, name="problems:show")
    async def show(self, actor: Acting, problem_id: FromPath[int]) -> Template:
        return await _show(actor, problem_id)

    @get("/{problem_id:int}/sara", opt=WORK, name="problems:sara")
    async def sara(self, actor: Acting, problem_id: FromPath[int]) -> Template:
        found = await service.page(actor, problem_id)
        return page("problems/sara.html", **found, **LABELS)

    @post("/{problem_id:int}", opt=WORK, status_code=303, name="problems:save")
    async def save(self, actor: Acting, problem_id: FromPath[int], data: Form) -> Any:
        values, errors = MethodForm.parse(data)
        if not errors:
            errors = await service.save_method(actor, problem_id, values)
        if errors:
            return await _show(actor, problem_id, errors, "method", MethodForm.echo(data))
        return _back(problem_id, "#method", "saved")

    @post("/{problem_id:int}/places", opt=WORK, status_code=303, name="problems:add_place")
    async def add_place(self, actor: Acting, problem_id: FromPath[int], data: Form) -> Any:
        values, errors = PlaceForm.parse(data)
        if not errors:
            try:
                await service.add_place(actor, problem_id, values)
            except Refused as refusal:
                errors = FormErrors(label=str(refusal))
        if errors:
            return await _show(actor, problem_id, errors, "place", PlaceForm.echo(data))
        return _back(problem_id, "#places")

    @post(
        "/{problem_id:int}/places/{place_id:int}/delete",
        opt=WORK,
        status_code=303,
        name="problems:remove_place",
    )
    async def remove_place(
        self, actor: Acting, problem_id: FromPath[int], place_id: FromPath[int]
    ) -> Redirect:
        await service.remove_place(actor, problem_id, place_id)
        return _back(problem_id, "#places")

    @post("/{problem_id:int}/actions", opt=WORK, status_code=303, name="problems:add_action")
    async def add_action(self, actor: Acting, problem_id: FromPath[int], data: Form) -> Any:
        values, errors = ActionForm.parse(data)
        if not errors:
            _, errors = await service.add_action(actor, problem_id, values)
        if errors:
            return await _show(actor, problem_id, errors, "action", ActionForm.echo(data))
        return _back(problem_id, "#response", "action")

    @post(
        "/{problem_id:int}/actions/{action_id:int}/state",
        opt=LOOK,
        status_code=303,
        name="problems:action_state",
    )
    async def action_state(
        self, actor: Acting, problem_id: FromPath[int], action_id: FromPath[int], data: Form
    ) -> Redirect:
        values, errors = ActionStateForm.parse(data)
        if errors:
            raise bad_form(errors)
        await service.set_action_state(actor, problem_id, action_id, values["state"])
        if not actor.is_police:
            return Redirect(path="/problems", status_code=303)
        return _back(problem_id, "#response")

    @post(
        "/{problem_id:int}/actions/{action_id:int}/make",
        opt=WORK,
        status_code=303,
        name="problems:make",
    )
    async def make(
        self, actor: Acting, problem_id: FromPath[int], action_id: FromPath[int], data: Form
    ) -> Any:
        values, errors = MakeForm.parse(data)
        if not errors:
            errors = await service.make(
                actor, problem_id, action_id, values["make"], values["plan"]
            )
        if errors:
            return await _show(actor, problem_id, errors, "action", {})
        return _back(problem_id, "#response", "made")

    @post("/{problem_id:int}/links", opt=WORK, status_code=303, name="problems:add_link")
    async def add_link(self, actor: Acting, problem_id: FromPath[int], data: Form) -> Any:
        values, errors = LinkForm.parse(data)
        if not errors:
            errors = await service.add_link(actor, problem_id, values)
        if errors:
            return await _show(actor, problem_id, errors, "link", LinkForm.echo(data))
        return _back(problem_id, "#links")

    @get(
        "/{problem_id:int}/people",
        opt=WORK | {"named_people": True},
        name="problems:people",
    )
    async def people(self, actor: Acting, problem_id: FromPath[int]) -> Template:
        found = await service.people(actor, problem_id)
        return page(
            "problems/people.html",
            headers={"Cache-Control": "no-store"},
            errors=FormErrors(),
            values={},
            person_roles=PERSON_ROLES,
            **found,
        )

    @post(
        "/{problem_id:int}/people",
        opt=WORK | {"named_people": True},
        status_code=303,
        name="problems:add_person",
    )
    async def add_person(self, actor: Acting, problem_id: FromPath[int], data: Form) -> Any:
        values, errors = PersonForm.parse(data)
        if errors:
            found = await service.people(actor, problem_id)
            return page(
                "problems/people.html",
                headers={"Cache-Control": "no-store"},
                errors=errors,
                values=PersonForm.echo(data),
                person_roles=PERSON_ROLES,
                **found,
            )
        await service.add_person(actor, problem_id, values)
        return Redirect(path=f"/problems/{problem_id}/people", status_code=303)

    @post("/{problem_id:int}/comments", opt=WORK, status_code=303, name="problems:comment")
    async def comment(self, actor: Acting, problem_id: FromPath[int], data: Form) -> Any:
        values, errors = CommentForm.parse(data)
        if errors:
            return await _show(actor, problem_id, errors, "comment", CommentForm.echo(data))
        await service.comment(actor, problem_id, values["text"])
        return _back(problem_id, "#comments")

    @post("/{problem_id:int}/close", opt=WORK, status_code=303, name="problems:close")
    async def close(self, actor: Acting, problem_id: FromPath[int], data: Form) -> Any:
        values, errors = CloseForm.parse(data)
        if not errors:
            try:
                await service.close(actor, problem_id, values["result"], values["note"])
            except Refused as refusal:
                errors = FormErrors(result=str(refusal))
        if errors:
            echo = CloseForm.echo(data)
            return await _show(actor, problem_id, errors, "close", echo, status_code=409)
        return _back(problem_id, "#close", "closed")

    @post("/{problem_id:int}/sign-off", opt=SUPERVISE, status_code=303, name="problems:sign_off")
    async def sign_off(self, actor: Acting, problem_id: FromPath[int], data: Form) -> Any:
        values, errors = SignOffForm.parse(data)
        if errors:
            return await _show(actor, problem_id, errors, "close", SignOffForm.echo(data))
        approve = values["decision"] == "approve"
        await service.sign_off(actor, problem_id, approve, values["note"])
        return _back(problem_id, "#close")
