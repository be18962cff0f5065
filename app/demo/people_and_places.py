"""Demo: the 94 Derbyshire team areas, and one demo user of each role named after it.

The people are made by the same use case as the admin's "Add a person" form."""

from __future__ import annotations

from app.people import service as people
from app.places import load_teams_csv
from app.roles import ROLE_LABELS, Role
from app.settings import APP_DIR
from app.tables.places import TeamArea

ORDER = 10
FORCE = "Derbyshire Constabulary"
HOME_TEAM = "Abbey"
COLLARS = {
    Role.PCSO: "PCSO 4127",
    Role.OFFICER: "PC 2291",
    Role.VOLUNTEER: "V 0318",
    Role.SUPERVISOR: "PS 1802",
}


async def load(ctx) -> None:
    await load_teams_csv(APP_DIR / "data" / "derbyshire-neighbourhood-teams.csv", FORCE)
    home = await people.team_named(HOME_TEAM)
    made = {}
    for role in Role:
        label = "PCSO" if role == Role.PCSO else ROLE_LABELS[role].lower()
        person_id, errors = await people.create(
            people.COMMAND_LINE,
            {
                "username": role.value,
                "display_name": f"Demo {label}",
                "role": role,
                "collar_number": COLLARS.get(role),
                "home_team": home,
                "teams": [],
                "password": ctx.password,
            },
        )
        if errors:
            raise ValueError(f"demo {role.value}: {dict(errors)}")
        made[role] = await people.get(people.COMMAND_LINE, person_id)
    ctx.made["people"] = made
    ctx.made["home_team"] = await TeamArea.objects().where(TeamArea.id == home).first()
