"""The briefing's use cases: the briefing for a place, the named people in it (police only), the
counts as CSV. Each takes the actor first; how much each role sees is app/briefing/levels.py
(a role given no briefing is refused with NotOffered).

A page's reads run in one `snapshot()` (one connection: each costs on SQLite); the audit entry
for what was shown is written after them, through the shared commit (app/audit.py), so it is on
disk before the page that shows it is sent: a write inside SQLite's read transaction could fail
under load.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.actor import Actor
from app.audit import Operation, record
from app.briefing.levels import FULL, check_offered
from app.briefing.maps import briefing_map
from app.briefing.people import PeopleSection, build_people
from app.briefing.place import Briefing, build, counts_only
from app.briefing.where import Where, resolve
from app.database import snapshot
from app.forms import FormErrors
from app.outcomes import NotAllowed, Refused
from app.places import team_choices
from app.problems.panel import POWERS_DAYS, panel_near, powers_used_in_area, problems_in_area
from app.spreadsheet import safe_row
from app.tables.briefing import AreaPriority, KeyContact
from app.taskings.nearby import my_taskings_near

ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


@dataclass
class BriefingPage:
    """What a briefing page shows (never named people: those are fragments sent no-store)."""

    where: Where | None
    errors: FormErrors
    teams: list = field(default_factory=list)
    briefing: Briefing | None = None
    taskings_nearby: list[dict] = field(default_factory=list)
    priorities: list[dict] = field(default_factory=list)
    # Problem-solving plans with a place in the circle, and powers used there (28 days).
    problems: list[dict] = field(default_factory=list)
    powers: dict | None = None
    map: dict | None = None  # app/briefing/maps.py

    def context(self) -> dict:
        """The template's context (shallow: the briefing keeps its properties)."""
        return {**self.__dict__, "attribution": ATTRIBUTION}


def _merged(near: list[dict], in_area: list[dict], limit: int = 20) -> list[dict]:
    """Problems placed in the circle and problems of the area, once each, newest update first."""
    oldest = datetime.min.replace(tzinfo=UTC)
    found = {p["id"]: p for p in [*near, *in_area]}
    ordered = sorted(found.values(), key=lambda p: (p["updated_at"] or oldest, p["id"]))
    return ordered[::-1][:limit]


async def _area_notes(actor: Actor, page: BriefingPage) -> None:
    """The team area's priorities, for everyone. Its key contacts (named people) are not in the
    page, which a phone keeps: police roles fetch them with `key_contacts`, sent no-store."""
    team = page.where.team
    if team is None:
        return
    # Plain SQL: on every briefing, and Piccolo builds a select's SQL slower than this runs.
    page.priorities = await AreaPriority.raw(
        "SELECT * FROM area_priority WHERE team_area = {} ORDER BY starts_on DESC", team["id"]
    )


async def key_contacts(actor: Actor, team_id: int) -> list[dict]:
    """A team area's key contacts: police roles only, and every showing is audited (issue 12:
    a fragment of its own, never stored on the phone with the briefing)."""
    if not actor.is_police:
        raise NotAllowed("Key contacts are for police roles only")
    async with snapshot():
        contacts = await KeyContact.raw(
            "SELECT * FROM key_contact WHERE team_area = {} ORDER BY name", team_id
        )
    if contacts:
        # A look: its entry shares a commit (no transaction of its own; app/audit.py).
        await record(
            actor,
            Operation.CONSULTATION,
            "key-contact",
            team_id,
            detail=f"{len(contacts)} key contacts shown in a briefing",
        )
    return contacts


async def briefing(
    actor: Actor,
    values: dict,
    errors: FormErrors,
    *,
    full: bool = True,
    now: datetime | None = None,
) -> BriefingPage:
    """The briefing for the place PlaceForm asked for (`values`, `errors` from its parse).

    `full`: the briefing page (the actor's own taskings nearby, the area's priorities and, for
    police roles, its key contacts, whose showing is audited); else the public version's
    place part only. Civilians get the place-only detail (levels.PLACE); raises NotOffered for
    a role given no briefing."""
    detail = check_offered(actor.role) == FULL
    async with snapshot():
        where = await resolve(actor, values, errors)
        page = BriefingPage(where, errors, teams=await team_choices())
        if where is not None:
            page.briefing = await build(
                where.lat, where.lng, where.reach, now, detail=detail, shape=where.shape
            )
            page.map = briefing_map(where, page.briefing)
        if where is not None and full:
            team_id = where.team["id"] if where.team else None
            page.taskings_nearby = await my_taskings_near(
                actor, where.lat, where.lng, where.reach, team_id, where.shape
            )
            await _area_notes(actor, page)
            if where.shape is not None:
                # A whole area's briefing: the area's problems (placed or not yet) and powers.
                page.problems = await problems_in_area(actor, team_id, limit=20)
                page.powers = await powers_used_in_area(actor, team_id, days=POWERS_DAYS)
            else:
                panel = await panel_near(actor, where.lat, where.lng, where.radius)
                page.problems, page.powers = panel["problems"], panel["powers"]
                if where.how in ("area", "home") and where.team:
                    # An area without a boundary: its own problems too, placed or not yet.
                    page.problems = _merged(page.problems, await problems_in_area(actor, team_id))
    return page


async def people(
    actor: Actor, values: dict, errors: FormErrors, *, now: datetime | None = None
) -> tuple[Where | None, PeopleSection | None]:
    """Repeat victims and offenders and knife carriers linked to the place: police roles only,
    and every look is audited (consultation, `briefing-people`)."""
    if not actor.is_police:
        raise NotAllowed("Named people in crime records are for police roles only")
    async with snapshot():
        where = await resolve(actor, values, errors)
        section = None
        if where is not None:
            section = await build_people(where.lat, where.lng, where.reach, now, where.shape)
    if where is not None:
        # A look: its entry shares a commit (no transaction of its own; app/audit.py).
        await record(
            actor,
            Operation.CONSULTATION,
            "briefing-people",
            where.query()[:64],
            detail=(
                f"{len(section.victims)} repeat victims, {len(section.offenders)} repeat "
                f"offenders, {len(section.knife_carriers)} knife carriers shown"
            ),
        )
    return where, section


async def counts_csv(
    actor: Actor, values: dict, errors: FormErrors, *, now: datetime | None = None
) -> str:
    """The counts table as CSV: type, period, count, previous count (the page's figures,
    counted by the database: nothing else of the briefing is read). Every cell goes through
    safe_row: a type that starts like a formula is not run by a spreadsheet.
    Raises Refused (saying why) when no place is given or it is wrong, NotOffered for a role
    given no briefing."""
    check_offered(actor.role)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    async with snapshot():
        where = await resolve(actor, values, errors)
        found = None
        if where:
            found = await counts_only(where.lat, where.lng, where.reach, now, where.shape)
    if found is None:
        raise Refused("; ".join(errors.values()) or "Give ?lat=&lng= or ?area= (no home team area)")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["type", "period", "count", "previous count"])
    for period in found.periods:
        for kind, count, previous in period.counts:
            writer.writerow(safe_row([kind, period.label, count, previous]))
    return out.getvalue()
