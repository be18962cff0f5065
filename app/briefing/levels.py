"""How much of a briefing each role sees (DOMAIN.md, 'Who may know what').

- FULL (police roles, and admins who run the system): the force's incidents one by one, with
  their times and places; police roles also the named people (app/briefing/people.py).
- PLACE (civilians: volunteers, and mentors when BEATBOOK_MENTOR_BRIEFING=place): what
  data.police.uk publishes, street crimes by month at an anonymised "on or near" place, and the
  force's incidents only as counts by type for a period: never a time or a place of one.
- NONE (mentors by default): no briefing. Peer mentors meet their clients as the referring
  agency's mentors, not as police.
"""

from __future__ import annotations

from app.outcomes import NotAllowed
from app.roles import CIVILIAN, Role
from app.settings import get_settings

FULL, PLACE, NONE = "full", "place", "none"


class NotOffered(NotAllowed):
    """The actor's role is given no briefing (mentors, unless the setting allows it)."""


def level(role: Role | str) -> str:
    """FULL, PLACE or NONE for a role."""
    role = Role(role)
    if role == Role.MENTOR:
        return PLACE if get_settings().mentor_briefing.strip().lower() == PLACE else NONE
    return PLACE if role in CIVILIAN else FULL


def offered_to() -> frozenset[Role]:
    """The roles given a briefing (as the settings are now): the navigation offers it to them."""
    return frozenset(role for role in Role if level(role) != NONE)


def check_offered(role: Role | str) -> str:
    """The role's level; raises NotOffered when it is given no briefing."""
    found = level(role)
    if found == NONE:
        raise NotOffered("Briefings are not given to peer mentors")
    return found
