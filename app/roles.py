"""The roles people sign in with, and the groups of roles that access rules name."""

from enum import StrEnum


class Role(StrEnum):
    """What someone is in the neighbourhood team (DOMAIN.md, 'The people')."""

    PCSO = "pcso"
    OFFICER = "officer"
    VOLUNTEER = "volunteer"
    MENTOR = "mentor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PCSO: "PCSO",
    Role.OFFICER: "Police officer",
    Role.VOLUNTEER: "Volunteer",
    Role.MENTOR: "Peer mentor",
    Role.SUPERVISOR: "Supervisor",
    Role.ADMIN: "Administrator",
}

EVERYONE = frozenset(Role)
# Police roles may see crime records about named people. Admins run the system and
# manage accounts; they are not given named-person crime data by default.
POLICE = frozenset({Role.PCSO, Role.OFFICER, Role.SUPERVISOR})
# People who work the streets: they log engagement, do visits, take taskings.
FIELD = frozenset({Role.PCSO, Role.OFFICER, Role.VOLUNTEER, Role.SUPERVISOR})
# Not police: never shown crime records about named people.
CIVILIAN = frozenset({Role.VOLUNTEER, Role.MENTOR})
MANAGERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
