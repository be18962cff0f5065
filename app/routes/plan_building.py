"""Supervisors build patrol plans at a desk: points with windows, walking order, copy, publish."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.access import allow
from app.audit import Operation, record
from app.database import atomic
from app.geo import walking_order
from app.patrol.demand import WINDOW_MINUTES, suggested_window, team_demand
from app.patrol.notify import tell_patrollers
from app.patrol.plans import (
    check_plan_form,
    check_point_form,
    copy_plan,
    points_of,
    publish_problems,
    renumber,
)
from app.patrol.times import LOCAL, hhmm
from app.places import team_choices
from app.roles import Role
from app.tables.patrol import PatrolPlan, PatrolPoint
from app.tables.people import Person
from app.taskings.geocoding import look_up
from app.web import Form, FormErrors, page

SUPERVISORS = frozenset({Role.SUPERVISOR})
MAX_COPIES = 28
POINT_FIELDS = ("label", "address", "lat", "lng", "window_start", "window_end", "instruction")
SUGGESTION_FIELDS = ("label", "lat", "lng", "window_start", "window_end")
SUGGESTED = 5  # places offered on the plan page (the demand page shows more)


async def _plan(plan_id: int) -> PatrolPlan:
    plan = await PatrolPlan.objects().where(PatrolPlan.id == plan_id).first()
    if plan is None:
        raise NotFoundException()
    return plan


async def _patrollers() -> list[tuple[int, str]]:
    rows = (
        await Person.select(Person.id, Person.display_name, Person.collar_number)
        .where(
            (Person.active == True) & Person.role.is_in(["pcso", "officer", "supervisor"])  # noqa: E712
        )
        .order_by(Person.display_name)
    )
    return [
        (r["id"], f"{r['display_name']} ({r['collar_number'] or 'no collar number'})") for r in rows
    ]


async def _place_from_address(address: str, data: dict, errors: FormErrors) -> None:
    """Fill the point's latitude and longitude (and label, if blank) from the geocoder."""
    if str(data.get("lat", "")).strip() or str(data.get("lng", "")).strip():
        errors.add("address", "Enter an address or a latitude and longitude, not both")
        return
    if len(address) > 200:
        errors.add("address", "Enter an address of 200 characters or fewer")
        return
    found = await look_up(address)
    if found is None:
        errors.add(
            "address", "That address was not found: check it, or enter the latitude and longitude"
        )
        return
    data.update(lat=str(found.latitude), lng=str(found.longitude), source="address")
    if not str(data.get("label", "")).strip():
        data["label"] = found.address[:120]


async def _suggestions(plan: PatrolPlan) -> list[dict]:
    """The team area's top places, each with a window at its busiest hour within the shift."""
    _, places = await team_demand(plan.team)
    offered = []
    for place in places[:SUGGESTED]:
        start, end = suggested_window(place, plan.shift_start, plan.shift_end)
        offered.append(
            {
                "place": place,
                "label": place.label[:120],
                "lat": f"{place.lat:.6f}",
                "lng": f"{place.lng:.6f}",
                "window_start": hhmm(start),
                "window_end": hhmm(end),
                "busiest": place.busiest_hour,
            }
        )
    return offered


class PlanBuildingController(Controller):
    path = "/plan/plans"

    @get("/", opt=allow(SUPERVISORS))
    async def index(self, request: Request, day: FromQuery[str] = "") -> Template:
        try:
            chosen = date.fromisoformat(day) if day else datetime.now(LOCAL).date()
        except ValueError:
            chosen = datetime.now(LOCAL).date()
        plans = (
            await PatrolPlan.select(
                PatrolPlan.all_columns(),
                PatrolPlan.team.name.as_alias("team_name"),
                PatrolPlan.assignee.display_name.as_alias("assignee_name"),
            )
            .where((PatrolPlan.day >= chosen) & (PatrolPlan.day <= chosen + timedelta(days=6)))
            .order_by(PatrolPlan.shift_start)
        )
        counts = {}
        for plan in plans:
            counts[plan["id"]] = await PatrolPoint.count().where(PatrolPoint.plan == plan["id"])
        return page(
            "plan/plans.html",
            plans=plans,
            counts=counts,
            day=chosen,
            previous=chosen - timedelta(days=7),
            following=chosen + timedelta(days=7),
        )

    @get("/new", opt=allow(SUPERVISORS))
    async def new(self, request: Request) -> Template:
        today = datetime.now(LOCAL).date().isoformat()
        values = {
            "team": request.user.home_team_id or "",
            "day": today,
            "shift_start": "07:00",
            "shift_end": "15:00",
        }
        return await self._new_form(values, FormErrors())

    @post("/", opt=allow(SUPERVISORS), status_code=303)
    async def create(self, request: Request, data: Form) -> Any:
        errors = FormErrors()
        clean = await check_plan_form(data, errors)
        if clean.get("assignee") and not await Person.exists().where(
            Person.id == clean["assignee"]
        ):
            errors.add("assignee", "Choose someone from the list, or the whole team")
        if errors:
            return await self._new_form(data, errors)
        plan = PatrolPlan(**clean, created_by=request.user.id, status="draft")
        await plan.save()
        await record(
            request,
            Operation.COLLECTION,
            "patrol-plan",
            plan.id,
            detail=f"for {'person ' + str(plan.assignee) if plan.assignee else 'team'}",
        )
        return Redirect(path=f"/plan/plans/{plan.id}", status_code=303)

    @get("/{plan_id:int}", opt=allow(SUPERVISORS))
    async def show(self, request: Request, plan_id: FromPath[int]) -> Template:
        """The plan; a suggestion's link fills the point form (?label=&lat=&lng=&window_...)."""
        picked = {k: str(request.query_params.get(k, ""))[:200] for k in SUGGESTION_FIELDS}
        values = {**picked, "source": "suggestion"} if picked["label"] else {}
        return await self._edit(await _plan(plan_id), values, FormErrors())

    @post("/{plan_id:int}/points", opt=allow(SUPERVISORS), status_code=303)
    async def add_point(self, request: Request, plan_id: FromPath[int], data: Form) -> Any:
        plan = await _plan(plan_id)
        errors = FormErrors()
        if plan.status != "draft":
            errors.add("label", "This plan is published: copy it to change it")
        data = dict(data)
        address = str(data.get("address", "")).strip()
        if address:
            await _place_from_address(address, data, errors)
        elif data.get("source") == "address":  # only a looked-up address is stored as one
            data["source"] = "map"
        clean = check_point_form(plan, data, errors)
        if errors.get("address"):  # not found: the latitude and longitude were never asked for
            errors.pop("lat", None)
            errors.pop("lng", None)
        if errors:
            # The summary lists the fields in the order the form shows them.
            ordered = FormErrors({k: errors[k] for k in POINT_FIELDS if k in errors})
            ordered.update(errors)
            return await self._edit(plan, data, ordered)
        position = await PatrolPoint.count().where(PatrolPoint.plan == plan.id) + 1
        await PatrolPoint(plan=plan.id, position=position, **clean).save()
        return Redirect(path=f"/plan/plans/{plan.id}#points", status_code=303)

    @post("/{plan_id:int}/points/{point_id:int}/delete", opt=allow(SUPERVISORS), status_code=303)
    async def delete_point(self, plan_id: FromPath[int], point_id: FromPath[int]) -> Redirect:
        plan = await _plan(plan_id)
        if plan.status == "draft":
            await PatrolPoint.delete().where(
                (PatrolPoint.id == point_id) & (PatrolPoint.plan == plan.id)
            )
            await renumber(plan.id, [p["id"] for p in await points_of(plan.id)])
        return Redirect(path=f"/plan/plans/{plan.id}#points", status_code=303)

    @post("/{plan_id:int}/points/{point_id:int}/move", opt=allow(SUPERVISORS), status_code=303)
    async def move_point(
        self, plan_id: FromPath[int], point_id: FromPath[int], data: Form
    ) -> Redirect:
        plan = await _plan(plan_id)
        ids = [p["id"] for p in await points_of(plan.id)]
        if plan.status == "draft" and point_id in ids:
            i = ids.index(point_id)
            j = i - 1 if data.get("direction") == "up" else i + 1
            if 0 <= j < len(ids):
                ids[i], ids[j] = ids[j], ids[i]
                await renumber(plan.id, ids)
        return Redirect(path=f"/plan/plans/{plan.id}#points", status_code=303)

    @post("/{plan_id:int}/walking-order", opt=allow(SUPERVISORS), status_code=303)
    async def suggest_order(self, plan_id: FromPath[int]) -> Redirect:
        """Shortest walking order by geodesic distance from the start (or the first point)."""
        plan = await _plan(plan_id)
        points = await points_of(plan.id)
        if plan.status == "draft" and points:
            start = (plan.start_lat, plan.start_lng) if plan.start_lat is not None else None
            order = walking_order(start, [(p["lat"], p["lng"]) for p in points])
            await renumber(plan.id, [points[i]["id"] for i in order])
        return Redirect(path=f"/plan/plans/{plan.id}#points", status_code=303)

    @post("/{plan_id:int}/publish", opt=allow(SUPERVISORS), status_code=303)
    async def publish(self, request: Request, plan_id: FromPath[int]) -> Any:
        plan = await _plan(plan_id)
        errors = await publish_problems(plan)
        if errors:
            return await self._edit(plan, {}, errors)
        if plan.status != "published":
            # The plan and the tasking that tells its people commit together (one outbox).
            async with atomic():
                await PatrolPlan.update(
                    {PatrolPlan.status: "published", PatrolPlan.published_at: datetime.now(UTC)}
                ).where(PatrolPlan.id == plan.id)
                await record(
                    request, Operation.ALTERATION, "patrol-plan", plan.id, detail="published"
                )
                await tell_patrollers(request, plan)
        return Redirect(path=f"/plan/plans/{plan.id}?published=1", status_code=303)

    @post("/{plan_id:int}/copy", opt=allow(SUPERVISORS), status_code=303)
    async def copy(self, request: Request, plan_id: FromPath[int], data: Form) -> Any:
        plan = await _plan(plan_id)
        errors = FormErrors()
        days: list[date] = []
        try:
            first = date.fromisoformat(str(data.get("copy_from", "")).strip())
            last = date.fromisoformat(str(data.get("copy_to", "")).strip() or str(first))
        except ValueError:
            errors.add("copy_from", "Enter the first day to copy to, like 2026-11-23")
        else:
            if last < first:
                errors.add("copy_to", "The last day must be the same as or after the first")
            elif (last - first).days >= MAX_COPIES:
                errors.add("copy_to", f"Copy to at most {MAX_COPIES} days at a time")
            else:
                days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
                days = [d for d in days if d != plan.day]
                if not days:
                    errors.add("copy_from", "Choose days other than the plan's own day")
        if errors:
            return await self._edit(plan, data, errors)
        made = await copy_plan(plan, days, request.user.id)
        await record(
            request,
            Operation.COLLECTION,
            "patrol-plan",
            ",".join(map(str, made))[:64],
            detail=f"copied from plan {plan.id}",
        )
        return Redirect(path=f"/plan/plans?day={days[0].isoformat()}", status_code=303)

    @staticmethod
    async def _new_form(values: dict, errors: FormErrors) -> Template:
        return page(
            "plan/new.html",
            status_code=400 if errors else 200,
            values=values,
            errors=errors,
            teams=await team_choices(),
            people=await _patrollers(),
        )

    @staticmethod
    async def _edit(plan: PatrolPlan, values: dict, errors: FormErrors) -> Template:
        team = (
            await PatrolPlan.select(
                PatrolPlan.team.name.as_alias("team_name"),
                PatrolPlan.assignee.display_name.as_alias("assignee_name"),
            )
            .where(PatrolPlan.id == plan.id)
            .first()
        )
        return page(
            "plan/edit.html",
            status_code=400 if errors else 200,
            plan=plan,
            names=team,
            points=await points_of(plan.id),
            suggestions=await _suggestions(plan) if plan.status == "draft" else [],
            window_minutes=WINDOW_MINUTES,
            values=values,
            errors=errors,
        )
