"""Demo: the 94 Derbyshire team areas, and one demo user of each role named after it."""

from __future__ import annotations

from app.auth.passwords import hash_password
from app.places import load_teams_csv
from app.roles import ROLE_LABELS, Role
from app.settings import APP_DIR
from app.tables.people import Person
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
    home = await TeamArea.objects().where(TeamArea.name == HOME_TEAM).first()
    password_hash = hash_password(ctx.password)
    people = {}
    for role in Role:
        person = Person(
            username=role.value,
            display_name=f"Demo {ROLE_LABELS[role].lower() if role != Role.PCSO else 'PCSO'}",
            role=role.value,
            collar_number=COLLARS.get(role),
            home_team=home.id,
            password_hash=password_hash,
        )
        await person.save()
        people[role] = person
    ctx.made["people"] = people
    ctx.made["home_team"] = home
