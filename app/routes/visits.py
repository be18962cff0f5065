"""Home visits on the phone: start, one section per screen, answers saved one by one."""

from __future__ import annotations

import time
import uuid as uuidlib
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from app import navigation, phone_outbox
from app.access import allow
from app.audit import Operation, record
from app.places import team_choices
from app.roles import FIELD, Role
from app.tables.places import TeamArea
from app.tables.taskings import TaskingAssignment, VolunteerProfile
from app.tables.visits import HomeVisit
from app.taskings.kinds import requirement_text, why_not
from app.visits import checklist, store
from app.visits.views import content_of, earlier_visits, outcomes, visit_for
from app.web import Form, FormErrors, page

# Officers, PCSOs, supervisors and volunteers; a volunteer may start a visit only if their
# profile (vetting and training, kept by supervisors) allows home visits: `why_not_visit`.
VISITORS = frozenset(FIELD)
NAV = navigation.register("Visits", "/visits", "visits", 40, VISITORS)


async def why_not_visit(user) -> str | None:
    """Why this person may not start a home visit (None: they may). Staff always may; a
    volunteer needs what a home-visit tasking needs (app/taskings/kinds.py), in its words."""
    if user.role != Role.VOLUNTEER:
        return None
    profile = await VolunteerProfile.select().where(VolunteerProfile.person == user.id).first()
    return why_not("home_visit", profile)


def not_fit(reason: str, status_code: int = 200) -> Template:
    """The page a volunteer not yet fit for home visits gets instead of the start form. Not a
    403: the role may use visits (their own earlier ones); it is their profile that lacks."""
    needs = requirement_text("home_visit").lower()
    return page("visits/not_fit.html", status_code=status_code, reason=reason, needs=needs)


def values_of(data: dict, name: str) -> list[str]:
    """A form field's values, one or many."""
    raw = data.get(name, [])
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


def given_at(data: dict) -> int:
    """When the phone says the answer was given (ms); the server's clock if it did not say."""
    raw = str(data.get("at", ""))
    return int(raw) if raw.isdigit() and len(raw) < 16 else int(time.time() * 1000)


def _point(data: dict, errors: FormErrors) -> tuple[float | None, float | None]:
    lat, lng = str(data.get("lat", "")).strip(), str(data.get("lng", "")).strip()
    if not lat and not lng:
        return None, None
    try:
        point = float(lat), float(lng)
    except ValueError:
        point = (999.0, 999.0)
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        errors.add("address", "The location from the phone was not valid: try again or leave it")
        return None, None
    return point


def screen(visit, row, content, answers, errors, section, earlier) -> Template:
    """The visit: every section in one page (one shown), so moving on needs no network."""
    total = len(content["sections"])
    return page(
        "visits/visit.html",
        status_code=400 if errors else 200,
        visit=visit,
        version=row,
        content=content,
        answers=answers,
        errors=errors,
        current=min(max(section, 1), total),
        total=total,
        earlier=earlier,
        fires=checklist.fires,
        options_of=checklist.options_of,
    )


# A part of a tasking its person is still to carry out.
OPEN_PARTS = ("assigned", "acknowledged", "accepted", "in_progress")


async def visit_tasking(person_id: int, tasking_id: int) -> dict | None:
    """A home-visit tasking the person is on and has not finished, or None."""
    part = (
        await TaskingAssignment.select(
            *TaskingAssignment.tasking.all_columns(exclude=["details"]),
        )
        .where(
            (TaskingAssignment.person == person_id)
            & (TaskingAssignment.tasking == tasking_id)
            & TaskingAssignment.state.is_in(list(OPEN_PARTS))
            & (TaskingAssignment.tasking.kind == "home_visit")
            & (TaskingAssignment.tasking.cancelled == False)  # noqa: E712
        )
        .output(nested=True)
        .first()
    )
    return part["tasking"] if part else None


class VisitsController(Controller):
    path = "/visits"

    @get("/", opt=allow(VISITORS))
    async def index(self, request: Request) -> Template:
        user = request.user

        def listed(where):
            return (
                HomeVisit.select(
                    HomeVisit.uuid,
                    HomeVisit.state,
                    HomeVisit.address,
                    HomeVisit.household_ref,
                    HomeVisit.started_at,
                    HomeVisit.visitor.display_name.as_alias("visitor_name"),
                )
                .where(where)
                .order_by(HomeVisit.started_at, ascending=False)
                .limit(50)
            )

        mine = await listed(HomeVisit.visitor == user.id)
        team = []
        if user.role != "volunteer" and user.home_team_id:
            team = await listed(
                (HomeVisit.team == user.home_team_id) & (HomeVisit.visitor != user.id)
            )
        await record(
            request,
            Operation.CONSULTATION,
            "home_visit",
            "list",
            detail=f"visit list ({len(mine) + len(team)} shown)",
        )
        return page("visits/index.html", mine=mine, team=team, not_fit=await why_not_visit(user))

    @get("/new", opt=allow(VISITORS))
    async def new(self, request: Request, tasking: FromQuery[int | None] = None) -> Template:
        if reason := await why_not_visit(request.user):
            return not_fit(reason)
        values = {"team": request.user.home_team_id or "", "uuid": str(uuidlib.uuid4())}
        source = await visit_tasking(request.user.id, tasking) if tasking else None
        if source is not None:  # started from a home-visit tasking: where it is, prefilled
            values.update(
                tasking=source["id"],
                team=source["team"] or values["team"],
                address=source["address"] or "",
                lat="" if source["lat"] is None else source["lat"],
                lng="" if source["lng"] is None else source["lng"],
            )
        return await self._start_form(values, FormErrors(), source=source)

    @post("/", opt=allow(VISITORS), status_code=303)
    async def start(self, request: Request, data: Form) -> Any:
        if reason := await why_not_visit(request.user):
            return not_fit(reason, status_code=409)  # nothing is stored
        errors = FormErrors()
        raw_uuid = str(data.get("uuid", "")).strip()
        try:
            visit_uuid = str(UUID(raw_uuid))
        except ValueError:
            visit_uuid = str(uuidlib.uuid4())  # no script on the phone: the server makes one
        existing = (
            await HomeVisit.select(HomeVisit.visitor).where(HomeVisit.uuid == visit_uuid).first()
        )
        if existing is not None:
            if existing["visitor"] == request.user.id:  # the same start sent twice
                return Redirect(path=f"/visits/{visit_uuid}", status_code=303)
            visit_uuid = str(uuidlib.uuid4())
        templates = {t["id"]: t for t in await store.current_templates()}
        template_id = str(data.get("template", "")).strip()
        if len(templates) == 1 and not template_id:
            template_id = str(next(iter(templates)))
        if not template_id.isdigit() or int(template_id) not in templates:
            errors.add("template", "Choose a checklist")
        consent = str(data.get("consent", ""))
        if consent not in ("yes", "no"):
            errors.add("consent", "Say whether the household agrees to the visit being recorded")
        address = str(data.get("address", "")).strip()
        reference = str(data.get("household_ref", "")).strip()
        if consent == "yes" and not address and not reference:
            errors.add("address", "Enter the address or a household reference")
        if len(address) > 300:
            errors.add("address", "Enter an address of 300 characters or fewer")
        if len(reference) > 60:
            errors.add("household_ref", "Enter a reference of 60 characters or fewer")
        team = str(data.get("team", "")).strip()
        if team and (
            not team.isdigit() or not await TeamArea.exists().where(TeamArea.id == int(team))
        ):
            errors.add("team", "Choose a team area from the list")
        lat, lng = _point(data, errors)
        tasking_text = str(data.get("tasking", "")).strip()
        source = None
        if tasking_text:
            source = (
                await visit_tasking(request.user.id, int(tasking_text))
                if tasking_text.isdigit()
                else None
            )
            if source is None:
                errors.add("tasking", "That tasking is not an open home visit of yours")
        if errors:
            return await self._start_form({**data, "uuid": visit_uuid}, errors, source=source)
        declined = consent == "no"
        visit = HomeVisit(
            uuid=visit_uuid,
            template=int(template_id),
            visitor=request.user.id,
            team=int(team) if team else None,
            state="declined" if declined else "in progress",
            # Without consent only "visit offered, declined" is kept: no address, no point.
            household_key="" if declined else store.household_key(address, reference),
            address="" if declined else address,
            household_ref="" if declined else reference,
            lat=None if declined else lat,
            lng=None if declined else lng,
            consent=not declined,
            submitted_at=store.now() if declined else None,
            tasking_id=source["id"] if source else None,
        )
        await visit.save()
        await record(
            request,
            Operation.COLLECTION,
            "home_visit",
            visit.id,
            detail="visit offered, declined" if declined else "visit started with consent",
        )
        return Redirect(path=f"/visits/{visit_uuid}", status_code=303)

    @get("/{visit_uuid:uuid}", opt=allow(VISITORS))
    async def show(self, request: Request, visit_uuid: UUID, section: int = 1) -> Template:
        visit = await visit_for(request, visit_uuid)
        row, content = await content_of(visit)
        answers = await store.answers_of(visit["id"])
        await record(request, Operation.CONSULTATION, "home_visit", visit["id"])
        editing = visit["state"] == "in progress" and visit["visitor"] == request.user.id
        if not editing:
            referrals, followups = await outcomes(visit["id"])
            return page(
                "visits/summary.html",
                visit=visit,
                version=row,
                content=content,
                answers=answers,
                referrals=referrals,
                followups=followups,
                shown=checklist.shown,
            )
        earlier = await earlier_visits(request, visit)
        return screen(visit, row, content, answers, FormErrors(), section, earlier)

    @post("/{visit_uuid:uuid}/answers/{question:str}", opt=allow(VISITORS))
    async def answer(self, request: Request, visit_uuid: UUID, question: str, data: Form) -> Any:
        """One answer, sent by htmx as it is given, or later by the shared outbox (JSON, the
        outbox contract of app/phone_outbox.py) when it was given without a connection."""
        phone_outbox.check_sender(request)  # 409: an answer queued by someone else waits for them
        name = f"q_{question}"
        try:
            visit = await visit_for(request, visit_uuid, editing=True)
            _, content = await content_of(visit)
            found = checklist.find_question(content, question)
            if found is None:
                raise NotFoundException("No such question on this visit's checklist")
        except NotFoundException:
            if not phone_outbox.wants_json(request):
                raise
            # Refused for good (the visit was submitted or discarded meanwhile): the phone
            # shows why and stops sending it, rather than keeping it for ever.
            gone = FormErrors()
            gone.add(name, "This visit is no longer open, so this answer was not kept")
            return await phone_outbox.refused(request, gone, lambda: None)
        _, q = found
        raw = values_of(data, name)
        value, error = checklist.check_answer(q, raw)
        errors = FormErrors()
        if error:
            errors.add(name, error)
            if phone_outbox.wants_json(request):
                return await phone_outbox.refused(request, errors, lambda: None)
        else:
            newer = await store.save_answer(visit, question, value, given_at(data))
            if newer:
                await record(
                    request,
                    Operation.ALTERATION,
                    "home_visit",
                    visit["id"],
                    detail=f"answer {question}",
                )
            if phone_outbox.wants_json(request):  # 201 kept now; 200 a replay or an older answer
                return phone_outbox.stored(
                    request, visit["id"], newer, then=f"/visits/{visit_uuid}"
                )
        return page(
            "visits/partials/question.html",
            status_code=400 if error else 200,
            visit=visit,
            q=q,
            value=raw if error else value,
            errors=errors,
            fires=checklist.fires,
            options_of=checklist.options_of,
        )

    @post("/{visit_uuid:uuid}/sections/{number:int}", opt=allow(VISITORS), status_code=303)
    async def save_section(
        self, request: Request, visit_uuid: UUID, number: int, data: Form
    ) -> Any:
        """A whole section from a phone without script: every answer checked, then the next."""
        visit = await visit_for(request, visit_uuid, editing=True)
        row, content = await content_of(visit)
        total = len(content["sections"])
        number = min(max(number, 1), total)
        errors = FormErrors()
        clean = {}
        for q in content["sections"][number - 1]["questions"]:
            value, error = checklist.check_answer(q, values_of(data, f"q_{q['key']}"))
            if error:
                errors.add(f"q_{q['key']}", error)
            clean[q["key"]] = value
        if errors:
            answers = {
                **await store.answers_of(visit["id"]),
                **{k: v for k, v in clean.items() if v is not None},
            }
            for key in errors:  # show what was typed beside its message
                answers[key.removeprefix("q_")] = values_of(data, key)
            return screen(visit, row, content, answers, errors, number, {"shown": [], "others": 0})
        at = given_at(data)
        for key, value in clean.items():
            await store.save_answer(visit, key, value, at)
        await record(
            request,
            Operation.ALTERATION,
            "home_visit",
            visit["id"],
            detail=f"answers in section {number}",
        )
        if number < total:
            return Redirect(path=f"/visits/{visit_uuid}?section={number + 1}", status_code=303)
        return Redirect(path=f"/visits/{visit_uuid}/check", status_code=303)

    async def _start_form(self, values: dict, errors: FormErrors, source=None) -> Template:
        return page(
            "visits/start.html",
            status_code=400 if errors else 200,
            values=values,
            errors=errors,
            source=source,
            templates=[
                (t["id"], f"{t['name']} (version {t['version']})")
                for t in await store.current_templates()
            ],
            teams=await team_choices(),
        )
