"""The Actor: who is doing something, made once per request (or once by the demo, a bench or a
command), and handed first to every feature's use cases.

    async def submit(actor: Actor, visit_uuid: UUID, ...) -> ...

Use cases read who, role and teams (`await actor.team_ids()`, read once, when first asked)
from it, write it into the audit log with its address, and never see the HTTP request.
`app.web.provide_actor` makes one per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.roles import CIVILIAN, POLICE, Role


@dataclass(frozen=True)
class Actor:
    """A person acting through Beatbook: their id, role, team areas and network address."""

    id: int | None  # None: not a person (the command line)
    username: str
    display_name: str
    role: Role
    collar_number: str | None = None
    home_team_id: int | None = None
    # Where the request came from, for the audit log ("" when not over the network).
    address: str = ""
    session_id: int | None = None

    @property
    def is_police(self) -> bool:
        return self.role in POLICE

    @property
    def is_civilian(self) -> bool:
        return self.role in CIVILIAN

    async def team_ids(self) -> tuple[int, ...]:
        """Every team area they work in, the home team first: read from the database the first
        time a use case asks (few do), not on every request."""
        teams = self.__dict__.get("_teams")
        if teams is None:
            teams = await teams_of(self.id, self.home_team_id)
            object.__setattr__(self, "_teams", teams)  # frozen: set once, as a cache
        return teams


async def teams_of(person_id: int, home_team_id: int | None) -> tuple[int, ...]:
    """A person's team areas: the home team first, then the others they work in."""
    from app.tables.people import PersonTeam

    rows = await PersonTeam.select(PersonTeam.team).where(PersonTeam.person == person_id)
    extra = sorted({r["team"] for r in rows} - {home_team_id})
    return ((home_team_id,) if home_team_id is not None else ()) + tuple(extra)


def actor_for(person, address: str = "", session_id: int | None = None) -> Actor:
    """The Actor for a person (a Person row, a dict from a select, or a session's Viewer):
    how the demo, the benches and the commands act through the same use cases as the web."""

    def get(name: str, *others: str):
        for key in (name, *others):
            if isinstance(person, dict):
                if key in person:
                    return person[key]
            elif hasattr(person, key):
                return getattr(person, key)
        return None

    person_id = get("id")
    home = get("home_team_id", "home_team")
    if home is not None and not isinstance(home, int):  # a Piccolo ForeignKey value
        home = getattr(home, "id", home)
    return Actor(
        id=person_id,
        username=get("username") or "",
        display_name=get("display_name") or "",
        role=Role(get("role")),
        collar_number=get("collar_number"),
        home_team_id=home,
        address=address,
        session_id=session_id if session_id is not None else get("session_id"),
    )
