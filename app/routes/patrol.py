"""Today's patrol plan on the phone: points in order, distance and direction, check-in."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import navigation, phone_outbox
from app.access import allow
from app.forms import FormErrors
from app.headers import offline
from app.patrol import checkin
from app.patrol.forms import CheckInForm, PositionForm
from app.patrol.maps import today_map
from app.roles import POLICE
from app.settings import get_settings
from app.web import Acting, Form, is_fragment_request, page

NAV = navigation.register("Plan", "patrol:today", "plan", 50)


class PatrolController(Controller):
    path = "/plan"

    @get("/", opt=allow(POLICE) | offline(), name="patrol:today")
    async def today(
        self,
        request: Request,
        actor: Acting,
        lat: FromQuery[str] = "",
        lng: FromQuery[str] = "",
        accuracy: FromQuery[str] = "",
    ) -> Template:
        position, _ = PositionForm.parse({"lat": lat, "lng": lng, "accuracy": accuracy})
        template = (
            "patrol/partials/today.html" if is_fragment_request(request) else "patrol/today.html"
        )
        plans = await checkin.today(actor, position["here"])
        return page(
            template,
            plans=plans,
            map=await today_map(plans, position["here"], position["accuracy"]),
            here=position["here"],
            accuracy=position["accuracy"],
            radius=get_settings().checkin_radius_m,
            withdrawn=await checkin.withdrawn_today(actor),
            errors=FormErrors(),
            values={},
        )

    @post(
        "/points/{point_id:int}/check-in",
        opt=allow(POLICE),
        status_code=200,
        name="patrol:check_in",
    )
    async def check_in(
        self, request: Request, actor: Acting, point_id: FromPath[int], data: Form
    ) -> Any:
        phone_outbox.check_sender(request)  # a record queued on the phone: only by its author
        values, errors = CheckInForm.parse(data)
        done = await checkin.check_in(actor, point_id, values, errors)
        return await _answer(
            request,
            actor,
            point_id,
            done.errors,
            # 201 stored now, 200 already stored, 422 not stored (errors to correct).
            422 if done.errors else 201 if done.created else 200,
            CheckInForm.echo(data) if done.errors else None,
            done.record_id,
            # Distances to the other points stay: from where the check-in was made.
            values["here"],
        )

    @post(
        "/points/{point_id:int}/check-out",
        opt=allow(POLICE),
        status_code=200,
        name="patrol:check_out",
    )
    async def check_out(
        self, request: Request, actor: Acting, point_id: FromPath[int], data: Form
    ) -> Any:
        await checkin.check_out(actor, point_id)
        position, _ = PositionForm.parse(
            {k: data.get(k, "") for k in ("lat", "lng", "accuracy")}
        )  # where the phone was, if it said: distances stay
        return await _answer(request, actor, point_id, FormErrors(), 200, here=position["here"])


async def _answer(
    request: Request,
    actor,
    point_id: int,
    errors: FormErrors,
    status: int,
    values: dict | None = None,
    record_id: int | None = None,
    here: tuple[float, float] | None = None,
) -> Any:
    """JSON for the outbox, the point's card for htmx, else the page with errors or a
    redirect (docs/outbox.md)."""
    if phone_outbox.wants_json(request):
        if errors:
            return Response(content={"errors": dict(errors)}, status_code=400)
        return phone_outbox.stored(request, record_id, status == 201, then="/plan")
    if not is_fragment_request(request) and not errors:
        return Redirect(path="/plan", status_code=303)
    plans = await checkin.today(actor, here)
    card = next((p for v in plans for p in v["points"] if p["id"] == point_id), None)
    context = dict(
        plans=plans,
        here=here,
        accuracy=None,
        radius=get_settings().checkin_radius_m,
        withdrawn=await checkin.withdrawn_today(actor),
        errors=errors,
        values=values or {},
        error_point=point_id,
    )
    if is_fragment_request(request) and not errors:
        # Progress and the next point change too: send the whole list back.
        return page(
            "patrol/partials/today.html",
            status_code=status,
            headers={"HX-Retarget": "#plan-list", "HX-Reswap": "innerHTML"},
            **context,
        )
    if is_fragment_request(request) and card is not None:
        return page("patrol/partials/point.html", status_code=status, p=card, **context)
    return page("patrol/today.html", status_code=400, **context)
