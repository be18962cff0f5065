"""The demo data: the 94 Derbyshire teams and one demo user of each role."""

from __future__ import annotations

import csv

from app.auth.passwords import verify_password
from app.demo import load_all
from app.roles import Role
from app.settings import APP_DIR
from app.tables.people import Person
from app.tables.places import Division, Section, TeamArea
from tests.helpers import sync


def test_demo_loads_every_team_and_a_user_per_role():
    sync(load_all("demo password 1"))
    with (APP_DIR / "data" / "derbyshire-neighbourhood-teams.csv").open() as handle:
        source = list(csv.DictReader(handle))
    assert sync(TeamArea.count()) == len(source) == 94
    assert sync(Division.count()) == len({r["division"] for r in source})
    assert sync(Section.count()) == len({r["section"] for r in source})
    mickleover = sync(TeamArea.objects().where(TeamArea.name == "Mickleover").first())
    assert sync(Section.select(Section.name).where(Section.id == mickleover.section).first()) == {
        "name": "Derby West"
    }
    # One demo user of each role, named after it (other demo data may add more people).
    people = {p.username: p for p in sync(Person.objects())}
    for role in Role:
        person = people[role.value]
        assert person.role == role.value
        assert person.home_team is not None
        assert verify_password(person.password_hash, "demo password 1")


def test_demo_has_the_visit_checklist_agencies_and_visits_in_abbey():
    from app.tables.agencies import PartnerAgency
    from app.tables.visits import ChecklistTemplate, FollowUp, HomeVisit, Referral

    sync(load_all("demo password 1"))
    assert sync(ChecklistTemplate.count()) == 1
    kinds = {a["kind"] for a in sync(PartnerAgency.select(PartnerAgency.kind))}
    assert {"fire", "food bank"} <= kinds
    visits = sync(HomeVisit.select(HomeVisit.state, HomeVisit.team.name.as_alias("team")))
    assert {v["team"] for v in visits} == {"Abbey"}
    assert sorted({v["state"] for v in visits}) == ["declined", "submitted"]
    assert sync(Referral.count()) >= 3 and sync(FollowUp.count()) >= 3
