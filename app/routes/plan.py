"""Today's patrol plan on the phone: points in order, distance and direction, check-in."""

from __future__ import annotations

import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import navigation, phone_outbox
from app.access import allow
from app.audit import Operation, record
from app.geo import compass, describe_distance, distance_m
from app.patrol.checkin import decide
from app.patrol.plans import check_ins_by_point, points_of, todays_plans
from app.roles import POLICE
from app.settings import get_settings
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint
from app.web import Form, FormErrors, is_fragment_request, page

NAV = navigation.register("Plan", "/plan", "plan", 50, POLICE)
MAX_REASON = 300
# A check-in made offline may arrive hours later, but not from the future or last month.
OLDEST_CHECK_IN = timedelta(days=2)


def _float(value: Any) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is not a number here


def _fix(lat: Any, lng: Any) -> tuple[float, float] | None:
    a, b = _float(lat), _float(lng)
    if a is None or b is None or not (-90 <= a <= 90 and -180 <= b <= 180):
        return None
    return a, b


async def _plan_view(viewer, here: tuple[float, float] | None) -> list[dict]:
    """Each of today's plans with its points, their check-ins, distance, direction, next."""
    plans = []
    for plan in await todays_plans(viewer):
        points = await points_of(plan["id"])
        done = await check_ins_by_point(plan["id"], viewer.id)
        next_id = next((p["id"] for p in points if p["id"] not in done), None)
        for p in points:
            p["check_in"] = done.get(p["id"])
            p["is_next"] = p["id"] == next_id
            if here:
                metres = distance_m(*here, p["lat"], p["lng"])
                p["distance"] = describe_distance(metres)
                p["direction"] = compass(*here, p["lat"], p["lng"])
        plans.append({"plan": plan, "points": points, "done": len(done), "total": len(points)})
    return plans


class PlanController(Controller):
    path = "/plan"

    @get("/", opt=allow(POLICE))
    async def today(
        self,
        request: Request,
        lat: FromQuery[str] = "",
        lng: FromQuery[str] = "",
        accuracy: FromQuery[str] = "",
    ) -> Template:
        here = _fix(lat, lng)
        plans = await _plan_view(request.user, here)
        template = "plan/partials/today.html" if is_fragment_request(request) else "plan/today.html"
        return page(
            template,
            plans=plans,
            here=here,
            accuracy=_float(accuracy),
            radius=get_settings().checkin_radius_m,
            errors=FormErrors(),
            values={},
        )

    @post("/points/{point_id:int}/check-in", opt=allow(POLICE), status_code=200)
    async def check_in(self, request: Request, point_id: FromPath[int], data: Form) -> Any:
        phone_outbox.check_sender(
            request
        )  # a record queued on the phone is sent only by its author
        viewer = request.user
        point = await PatrolPoint.objects().where(PatrolPoint.id == point_id).first()
        if point is None or not await self._may_patrol(viewer, point.plan):
            raise NotFoundException()
        errors = FormErrors()
        try:
            client_uuid = uuidlib.UUID(str(data.get("uuid", "")))
        except ValueError:
            client_uuid = None
            errors.add("uuid", "This check-in has no identity: reload the page and try again")
        if client_uuid:
            stored = await PatrolCheckIn.objects().where(PatrolCheckIn.uuid == client_uuid).first()
            if stored is not None:  # a replay, or a second tap: it is stored once
                if stored.person != viewer.id:
                    raise phone_outbox.NotTheSender(detail="That record number is already used")
                return await self._answer(request, viewer, point, {}, 200, record_id=stored.id)
        fix = _fix(data.get("lat"), data.get("lng"))
        accuracy = _float(data.get("accuracy"))
        now = datetime.now(UTC)
        when = now
        if str(data.get("at", "")).strip():
            try:
                when = datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00"))
                if when.tzinfo is None:
                    raise ValueError
            except ValueError:
                errors.add("at", "The time of the check-in is not a time")
            else:
                if when > now + timedelta(minutes=5) or when < now - OLDEST_CHECK_IN:
                    errors.add("at", "The time of the check-in must be in the last two days")
        decision = decide((point.lat, point.lng), fix)
        reason = str(data.get("reason", "")).strip()
        if decision.needs_reason and not reason:
            where = (
                f"You are {describe_distance(decision.distance_m)} from this point"
                if decision.distance_m is not None
                else "Your phone has no position"
            )
            errors.add("reason", f"{where}: say why you are checking in here")
        if len(reason) > MAX_REASON:
            errors.add("reason", f"Enter a reason of {MAX_REASON} characters or fewer")
        note = str(data.get("note", "")).strip()
        if len(note) > 2000:
            errors.add("note", "Enter a note of 2,000 characters or fewer")
        if errors:
            return await self._answer(request, viewer, point, errors, 422, data)
        values = dict(
            point=point.id,
            person=viewer.id,
            at=when,
            lat=fix[0] if fix else None,
            lng=fix[1] if fix else None,
            accuracy_m=accuracy,
            distance_m=decision.distance_m,
            automatic=decision.automatic,
            reason="" if decision.automatic else reason,
            note=note,
        )
        # Two copies racing (a double tap): the unique uuid keeps one, the other answers 200.
        record_id, created = await phone_outbox.store_once(
            PatrolCheckIn, str(client_uuid), values, "person", uuid_column="uuid"
        )
        if created:
            await record(
                request,
                Operation.COLLECTION,
                "patrol-check-in",
                record_id,
                detail=f"point {point.id}, {'automatic' if decision.automatic else 'manual'}",
            )
        status = 201 if created else 200
        return await self._answer(request, viewer, point, {}, status, record_id=record_id)

    @post("/points/{point_id:int}/check-out", opt=allow(POLICE), status_code=200)
    async def check_out(self, request: Request, point_id: FromPath[int]) -> Any:
        viewer = request.user
        check_in = (
            await PatrolCheckIn.objects()
            .where((PatrolCheckIn.point == point_id) & (PatrolCheckIn.person == viewer.id))
            .order_by(PatrolCheckIn.at)
            .first()
        )
        if check_in is None:
            raise NotFoundException()
        if check_in.checked_out_at is None:
            await PatrolCheckIn.update({PatrolCheckIn.checked_out_at: datetime.now(UTC)}).where(
                PatrolCheckIn.id == check_in.id
            )
            await record(
                request, Operation.ALTERATION, "patrol-check-in", check_in.id, detail="checked out"
            )
        point = await PatrolPoint.objects().where(PatrolPoint.id == point_id).first()
        return await self._answer(request, viewer, point, errors={}, status=200)

    @staticmethod
    async def _may_patrol(viewer, plan_id: int) -> bool:
        plan = await PatrolPlan.objects().where(PatrolPlan.id == plan_id).first()
        if plan is None or plan.status != "published":
            return False
        return plan.id in {p["id"] for p in await todays_plans(viewer)}

    @staticmethod
    async def _answer(request, viewer, point, errors, status, values=None, record_id=None) -> Any:
        """JSON for the outbox, the point's card for htmx, else the page with errors or a
        redirect (docs/phone_outbox.md)."""
        if phone_outbox.wants_json(request):
            if errors:
                return Response(content={"errors": dict(errors)}, status_code=400)
            return phone_outbox.stored(request, record_id, status == 201, then="/plan")
        if not is_fragment_request(request) and not errors:
            return Redirect(path="/plan", status_code=303)
        here = _fix((values or {}).get("lat"), (values or {}).get("lng"))
        plans = await _plan_view(viewer, here)
        card = next((p for v in plans for p in v["points"] if p["id"] == point.id), None)
        context = dict(
            plans=plans,
            here=here,
            accuracy=None,
            radius=get_settings().checkin_radius_m,
            errors=FormErrors(errors),
            values=values or {},
            error_point=point.id,
        )
        if is_fragment_request(request) and not errors:
            # Progress and the next point change too: send the whole list back.
            return page(
                "plan/partials/today.html",
                status_code=status,
                headers={"HX-Retarget": "#plan-list", "HX-Reswap": "innerHTML"},
                **context,
            )
        if is_fragment_request(request) and card is not None:
            return page("plan/partials/point.html", status_code=status, p=card, **context)
        return page("plan/today.html", status_code=400, **context)
