"""The briefing: what happened near where you stand or in a team area; a public and CSV version."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.briefing import service
from app.briefing.forms import PlaceForm
from app.briefing.levels import NotOffered, offered_to
from app.briefing.where import FALLBACKS, RADII
from app.headers import offline
from app.outcomes import Refused
from app.roles import EVERYONE, POLICE
from app.web import Acting, is_fragment_request, page

# Offered to the roles given a briefing (mentors only when BEATBOOK_MENTOR_BRIEFING allows).
NAV = navigation.register("Briefing", "briefing:index", "briefing", 10, audience=offered_to)


async def place_query(
    area: FromQuery[str | None] = None,
    lat: FromQuery[str | None] = None,
    lng: FromQuery[str | None] = None,
    radius: FromQuery[str | None] = None,
    acc: FromQuery[str | None] = None,
    fallback: FromQuery[str | None] = None,
) -> dict[str, str]:
    """The `place` dependency: the query naming the place, for PlaceForm."""
    given = {"area": area, "lat": lat, "lng": lng, "radius": radius, "acc": acc}
    return {k: v for k, v in {**given, "fallback": fallback}.items() if v is not None}


PLACE = {"place": Provide(place_query)}
# A handler's `place: Place`: the query naming the place (see place_query).
Place = NamedDependency[dict[str, str]]


def _not_offered() -> Template:
    """What a role given no briefing (a peer mentor, by default) sees instead: why, not a 403."""
    return page("briefing/not_offered.html")


def _to_briefing() -> Redirect:
    return Redirect(path="/briefing", status_code=303)


async def _page(actor, place: dict, template: str, full: bool) -> Template | Redirect:
    values, errors = PlaceForm.parse(place)
    try:
        shown = await service.briefing(actor, values, errors, full=full)
    except NotOffered:
        return _not_offered() if full else _to_briefing()
    return page(
        template,
        values=PlaceForm.echo(place),
        radii=RADII,
        fallbacks=FALLBACKS,
        **shown.context(),
    )


class BriefingController(Controller):
    path = "/briefing"
    dependencies = PLACE

    @get("/", opt=allow(EVERYONE) | offline(), name="briefing:index")
    async def index(self, actor: Acting, place: Place) -> Template | Redirect:
        return await _page(actor, place, "briefing/index.html", full=True)

    @get("/public", opt=allow(EVERYONE), name="briefing:public")
    async def public(self, actor: Acting, place: Place) -> Template | Redirect:
        """For neighbourhood meetings: counts and police.uk repeat places, no personal data."""
        return await _page(actor, place, "briefing/public.html", full=False)

    @get("/people", opt=allow(POLICE) | {"named_people": True}, name="briefing:people")
    async def people(self, request: Request, actor: Acting, place: Place) -> Template:
        """Repeat victims and offenders, knife carriers: police only, every look audited."""
        values, errors = PlaceForm.parse(place)
        where, section = await service.people(actor, values, errors)
        fragment = is_fragment_request(request)
        return page(
            "briefing/partials/people.html" if fragment else "briefing/people.html",
            # Named people stay off the phone's storage: the service worker keeps no copy.
            headers={"Cache-Control": "no-store"},
            where=where,
            errors=errors,
            section=section,
        )


class BriefingContactsController(Controller):
    path = "/briefing/contacts"

    @get("/{team_id:int}", opt=allow(POLICE) | {"named_people": True}, name="briefing:contacts")
    async def contacts(self, actor: Acting, team_id: FromPath[int]) -> Template:
        """A team area's key contacts (police only, audited), fetched by the briefing page:
        named people stay off the phone's storage, so this is sent no-store."""
        return page(
            "briefing/partials/contacts.html",
            headers={"Cache-Control": "no-store"},
            contacts=await service.key_contacts(actor, team_id),
        )


class BriefingCsvController(Controller):
    path = "/briefing.csv"
    dependencies = PLACE

    @get("/", opt=allow(EVERYONE), name="briefing:csv")
    async def counts(self, actor: Acting, place: Place) -> Response | Redirect:
        """The counts table: type, period, count, previous count (same query as the page)."""
        values, errors = PlaceForm.parse(place)
        try:
            text = await service.counts_csv(actor, values, errors)
        except NotOffered:
            return _to_briefing()  # which says why
        except Refused as refusal:
            return Response(f"{refusal}\n", status_code=400, media_type="text/plain")
        return Response(
            text,
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="briefing.csv"'},
        )
