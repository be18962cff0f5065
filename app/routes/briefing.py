"""The briefing: what happened near where you stand or in a team area; a public and CSV version."""

from __future__ import annotations

import csv
import io

from litestar import Controller, Request, Response, get
from litestar.response import Template

from app import navigation
from app.access import allow
from app.audit import Operation, record
from app.crime.briefing import build
from app.crime.people import build_people
from app.crime.where import FALLBACKS, RADII, resolve
from app.database import snapshot
from app.places import team_choices
from app.roles import EVERYONE, POLICE, Role
from app.tables.briefing import AreaPriority, KeyContact
from app.taskings.nearby import my_taskings_near
from app.web import is_fragment_request, page

ROLES = frozenset(EVERYONE)
NAV = navigation.register("Briefing", "/briefing", "briefing", 10, ROLES)
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


def _params(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in request.query_params.items()}


async def _area_notes(request: Request, team: dict | None) -> dict:
    """The team area's priorities for everyone; its key contacts for police roles."""
    if team is None:
        return {"priorities": [], "contacts": []}
    priorities = (
        await AreaPriority.select()
        .where(AreaPriority.team_area == team["id"])
        .order_by(AreaPriority.starts_on, ascending=False)
    )
    contacts = []
    if request.user.role in POLICE:
        contacts = (
            await KeyContact.select()
            .where(KeyContact.team_area == team["id"])
            .order_by(KeyContact.name)
        )
    return {"priorities": priorities, "contacts": contacts}


async def _page(request: Request, template: str, **extra) -> Template:
    """The page for the query: one database connection for all its reads (each costs on SQLite)."""
    async with snapshot():
        response = await _read_page(request, template, **extra)
    # Audited after the reads: a write inside SQLite's read transaction could fail under load.
    contacts = response.context.get("contacts")
    if contacts:
        team = response.context["where"].team
        await record(
            request,
            Operation.CONSULTATION,
            "key-contact",
            team["id"],
            detail=f"{len(contacts)} key contacts shown in a briefing",
        )
    return response


async def _read_page(request: Request, template: str, **extra) -> Template:
    params = _params(request)
    where, errors = await resolve(params, request.user.home_team_id)
    context = {
        "where": where,
        "errors": errors,
        "values": params,
        "radii": RADII,
        "fallbacks": FALLBACKS,
        "teams": await team_choices(),
        "attribution": ATTRIBUTION,
        "is_police": request.user.role in POLICE,
        "is_supervisor": request.user.role == Role.SUPERVISOR,
        **extra,
    }
    if where is not None:
        context["briefing"] = await build(where.lat, where.lng, where.radius)
        team_id = where.team["id"] if where.team else None
        context["taskings_nearby"] = await my_taskings_near(
            request.user.id, where.lat, where.lng, where.radius, team_id
        )
    if where is not None and extra.get("with_area_notes"):
        context.update(await _area_notes(request, where.team))
    return page(template, status_code=400 if errors else 200, **context)


class BriefingController(Controller):
    path = "/briefing"

    @get("/", opt=allow(ROLES))
    async def index(self, request: Request) -> Template:
        return await _page(request, "briefing/index.html", with_area_notes=True)

    @get("/public", opt=allow(ROLES))
    async def public(self, request: Request) -> Template:
        """For neighbourhood meetings: counts and police.uk repeat places, no personal data."""
        return await _page(request, "briefing/public.html")

    @get("/people", opt=allow(POLICE) | {"named_people": True})
    async def people(self, request: Request) -> Template:
        """Repeat victims and offenders, knife carriers: police only, every look audited."""
        async with snapshot():
            where, errors = await resolve(_params(request), request.user.home_team_id)
            section = None
            if where is not None:
                section = await build_people(where.lat, where.lng, where.radius)
        if where is not None:
            await record(
                request,
                Operation.CONSULTATION,
                "briefing-people",
                where.query()[:64],
                detail=(
                    f"{len(section.victims)} repeat victims, {len(section.offenders)} repeat "
                    f"offenders, {len(section.knife_carriers)} knife carriers shown"
                ),
            )
        fragment = is_fragment_request(request)
        return page(
            "briefing/partials/people.html" if fragment else "briefing/people.html",
            status_code=400 if errors else 200,
            # Named people stay off the phone's storage: the service worker keeps no copy.
            headers={"Cache-Control": "no-store"},
            where=where,
            errors=errors,
            section=section,
        )


class BriefingCsvController(Controller):
    path = "/briefing.csv"

    @get("/", opt=allow(ROLES))
    async def counts(self, request: Request) -> Response:
        """The counts table: type, period, count, previous count (same query as the page)."""
        async with snapshot():
            where, errors = await resolve(_params(request), request.user.home_team_id)
            briefing = await build(where.lat, where.lng, where.radius) if where else None
        if where is None:
            message = "; ".join(errors.values()) or "Give ?lat=&lng= or ?area= (no home team area)"
            return Response(message + "\n", status_code=400, media_type="text/plain")
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["type", "period", "count", "previous count"])
        for period in briefing.periods:
            for kind, count, previous in period.counts:
                writer.writerow([kind, period.label, count, previous])
        return Response(
            out.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="briefing.csv"'},
        )
