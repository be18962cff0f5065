"""Home visits on the phone: start, one section per screen, answers saved one by one."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import navigation, phone_outbox
from app.access import allow
from app.forms import FormErrors
from app.headers import UNTIL_DONE, offline
from app.outcomes import NotFound
from app.roles import FIELD
from app.visits import checklist, forms, service, store, views
from app.visits.forms import StartVisit
from app.web import Acting, Form, page

NAV = navigation.register("Visits", "visits:index", "visits", 40)


def not_fit(refusal: service.NotFit, status_code: int = 200) -> Template:
    """The page a volunteer not yet fit for home visits gets instead of the start form. Not a
    403: the role may use visits (their own earlier ones); it is their profile that lacks."""
    return page(
        "visits/not_fit.html", status_code=status_code, reason=str(refusal), needs=refusal.needs
    )


# What a question's template (visits/partials/question.html) calls.
QUESTION_HELPERS = {
    "fires": checklist.fires,
    "options_of": checklist.options_of,
    "tap_values": checklist.tap_values,
}


def screen(visit, version, content, answers, errors, section, earlier) -> Template:
    """The visit: every section in one page (one shown), so moving on needs no network.
    Questions the answers do not call for are drawn hidden (visits.js shows them at once)."""
    total = len(content["sections"])
    return page(
        "visits/visit.html",
        visit=visit,
        version=version,
        content=content,
        answers=answers,
        asked=checklist.asked(content, answers),
        errors=errors,
        current=min(max(section, 1), total),
        total=total,
        earlier=earlier,
        timer=views.timer_text(visit["started_at"], store.now()),
        minutes=views.VISIT_MINUTES,
        **QUESTION_HELPERS,
    )


async def start_form(actor, values: dict, errors: FormErrors, source=None) -> Template:
    return page(
        "visits/start.html",
        values=values,
        errors=errors,
        source=source,
        **await service.start_choices(actor),
    )


class VisitsController(Controller):
    """Visits are for those who work the streets (FIELD); a volunteer may start one only if
    their profile (vetting and training, kept by supervisors) allows: service.why_not_visit."""

    path = "/visits"

    @get("/", opt=allow(FIELD), name="visits:index")
    async def index(self, actor: Acting) -> Template:
        return page("visits/index.html", **await service.listing(actor))

    @get("/new", opt=allow(FIELD), name="visits:new")
    async def new(self, actor: Acting, tasking: FromQuery[int | None] = None) -> Template:
        try:
            form = await service.new_visit(actor, tasking)
        except service.NotFit as refusal:
            return not_fit(refusal)
        return await start_form(actor, form["values"], FormErrors(), source=form["source"])

    @post("/", opt=allow(FIELD), status_code=303, name="visits:start")
    async def start(self, actor: Acting, data: Form) -> Any:
        values, errors = StartVisit.parse(data)
        try:
            started = await service.start(actor, values, errors)
        except service.NotFit as refusal:
            return not_fit(refusal, status_code=409)  # nothing is stored
        if started.errors:
            shown = {**StartVisit.echo(data), "uuid": started.uuid}
            return await start_form(actor, shown, started.errors, source=started.source)
        return Redirect(path=f"/visits/{started.uuid}", status_code=303)

    @get(
        "/{visit_uuid:uuid}",
        opt=allow(FIELD) | offline("visits/visit.html", keep=UNTIL_DONE),
        name="visits:show",
    )
    async def show(
        self, actor: Acting, visit_uuid: FromPath[UUID], section: FromQuery[int] = 1
    ) -> Template:
        shown = await service.open_visit(actor, visit_uuid)
        if not shown["editing"]:
            return page(
                "visits/summary.html",
                visit=shown["visit"],
                version=shown["version"],
                content=shown["content"],
                answers=shown["answers"],
                asked=shown["asked"],
                referrals=shown["referrals"],
                followups=shown["followups"],
                shown=checklist.shown,
            )
        return screen(
            shown["visit"],
            shown["version"],
            shown["content"],
            shown["answers"],
            FormErrors(),
            section,
            shown["earlier"],
        )

    @post("/{visit_uuid:uuid}/answers/{question:str}", opt=allow(FIELD), name="visits:answer")
    async def answer(
        self,
        request: Request,
        actor: Acting,
        visit_uuid: FromPath[UUID],
        question: FromPath[str],
        data: Form,
    ) -> Any:
        """One answer, sent by htmx as it is given, or later by the shared outbox (JSON, the
        outbox contract of app/phone_outbox.py) when it was given without a connection."""
        phone_outbox.check_sender(request)  # 409: an answer queued by someone else waits for them
        name = f"q_{question}"
        raw = forms.answer_values(data, question)
        try:
            answered = await service.answer(actor, visit_uuid, question, raw, forms.given_at(data))
        except NotFound:
            if not phone_outbox.wants_json(request):
                raise
            # Refused for good (the visit was submitted or discarded meanwhile): the phone
            # shows why and stops sending it, rather than keeping it for ever.
            gone = FormErrors()
            gone.add(name, "This visit is no longer open, so this answer was not kept")
            return await phone_outbox.refused(request, gone, lambda: None)
        errors = FormErrors()
        if answered.error:
            errors.add(name, answered.error)
            if phone_outbox.wants_json(request):
                return await phone_outbox.refused(request, errors, lambda: None)
        elif phone_outbox.wants_json(request):  # 201 kept now; 200 a replay or an older answer
            visit = answered.visit
            return phone_outbox.stored(
                request, visit["id"], answered.newer, then=f"/visits/{visit_uuid}"
            )
        return page(
            "visits/partials/question.html",
            visit=answered.visit,
            q=answered.question,
            value=answered.value,
            errors=errors,
            shown_now=True,  # it was just answered, so it is asked
            **QUESTION_HELPERS,
        )

    @post(
        "/{visit_uuid:uuid}/sections/{number:int}",
        opt=allow(FIELD),
        status_code=303,
        name="visits:save_section",
    )
    async def save_section(
        self, actor: Acting, visit_uuid: FromPath[UUID], number: FromPath[int], data: Form
    ) -> Any:
        """A whole section from a phone without script: every answer checked, then the next."""
        saved = await service.save_section(actor, visit_uuid, number, data, forms.given_at(data))
        if saved["errors"]:
            return screen(
                saved["visit"],
                saved["version"],
                saved["content"],
                saved["answers"],
                saved["errors"],
                saved["number"],
                {"shown": [], "others": 0},
            )
        if saved["again"]:  # the answers call for more questions on this screen
            first = saved["again"][0]
            return Redirect(
                path=f"/visits/{visit_uuid}?section={saved['number']}#question-{first}",
                status_code=303,
            )
        if saved["number"] < saved["total"]:
            next_section = saved["number"] + 1
            return Redirect(path=f"/visits/{visit_uuid}?section={next_section}", status_code=303)
        return Redirect(path=f"/visits/{visit_uuid}/check", status_code=303)
