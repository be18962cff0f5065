"""The account use cases, called without HTTP (as the command line and the demo call them)."""

from __future__ import annotations

import pytest

from app.auth.passwords import verify_password
from app.outcomes import NotFound
from app.people import service
from app.people.forms import NewPersonForm, PersonForm
from app.tables.audit import AuditEntry
from app.tables.people import Person, PersonTeam
from app.tables.sessions import UserSession
from tests.factories import make_actor, make_person, make_team
from tests.helpers import sync

NEW = {
    "username": "J.Bloggs",
    "display_name": "Jo Bloggs",
    "role": "volunteer",
    "collar_number": "",
    "password": "a long temporary pw",
}


def entries(operation):
    return sync(AuditEntry.select().where(AuditEntry.operation == operation))


def start_session(person_id):
    from app.auth.sessions import start_session

    return sync(start_session(person_id, "pytest"))


def test_create_stores_the_person_their_teams_and_an_audit_entry():
    admin = make_actor("admin")
    abbey, mickleover = make_team("Abbey"), make_team("Mickleover")
    values, errors = NewPersonForm.parse(
        {**NEW, "home_team": str(abbey.id), "teams": [str(mickleover.id)]}
    )
    person_id, errors = sync(service.create(admin, values, errors))
    assert not errors
    person = sync(Person.objects().where(Person.id == person_id).first())
    assert (person.username, person.role, person.home_team, person.collar_number) == (
        "j.bloggs",
        "volunteer",
        abbey.id,
        None,
    )
    assert verify_password(person.password_hash, NEW["password"])
    teams = sync(PersonTeam.select(PersonTeam.team).where(PersonTeam.person == person_id))
    assert [t["team"] for t in teams] == [mickleover.id]
    [entry] = entries("collection")
    assert (entry["actor"], entry["record_id"], entry["detail"]) == (
        admin.id,
        str(person_id),
        "created with role volunteer",
    )


def test_create_collects_every_error_in_the_forms_order_and_stores_nothing():
    make_person("pcso", username="taken")
    values, errors = NewPersonForm.parse(
        {"username": "taken", "display_name": "", "role": "pcso", "password": "short"}
    )
    person_id, errors = sync(service.create(make_actor("admin"), values, errors))
    assert person_id is None
    assert list(errors) == ["username", "display_name", "password"]
    assert errors["username"] == "That username is taken: choose another"
    assert entries("collection") == []


def test_the_command_line_creates_people_audited_with_no_person():
    values, _ = NewPersonForm.parse(NEW)
    person_id, errors = sync(service.create(service.COMMAND_LINE, values))
    assert not errors
    [entry] = entries("collection")
    assert (entry["actor"], entry["actor_username"], entry["record_id"]) == (
        None,
        "(command line)",
        str(person_id),
    )


def test_a_role_change_ends_their_sessions_and_an_admin_keeps_their_own_role():
    admin = make_actor("admin")
    pcso = make_person("pcso")
    start_session(pcso.id)
    values, errors = PersonForm.parse({"display_name": "Jo", "role": "officer"})
    assert sync(service.change(admin, pcso.id, values, errors)) == {}
    assert sync(UserSession.count().where(UserSession.person == pcso.id)) == 0
    [entry] = entries("alteration")
    assert "role pcso to officer" in entry["detail"]
    values, _ = PersonForm.parse({"display_name": "Me", "role": "pcso"})
    assert sync(service.change(admin, admin.id, values)) == {
        "role": "You cannot take away your own admin role"
    }


def test_deactivating_ends_sessions_and_an_admin_cannot_deactivate_themselves():
    admin = make_actor("admin")
    officer = make_person("officer")
    start_session(officer.id)
    assert sync(service.set_active(admin, officer.id, False)) == {}
    assert sync(UserSession.count().where(UserSession.person == officer.id)) == 0
    assert sync(service.set_active(admin, admin.id, False)) == {
        "active": "You cannot deactivate your own account"
    }
    assert [e["detail"] for e in entries("alteration")] == ["deactivated"]


def test_a_password_reset_checks_the_password_and_ends_sessions():
    admin = make_actor("admin")
    volunteer = make_person("volunteer")
    start_session(volunteer.id)
    assert "password" in sync(service.reset_password(admin, volunteer.id, "short"))
    assert sync(service.reset_password(admin, volunteer.id, "brand new password")) == {}
    assert sync(UserSession.count().where(UserSession.person == volunteer.id)) == 0
    row = sync(Person.select(Person.password_hash).where(Person.id == volunteer.id).first())
    assert verify_password(row["password_hash"], "brand new password")


def test_looking_at_people_is_audited_and_unknown_people_are_not_found():
    admin = make_actor("admin")
    other = make_person("mentor")
    listed = sync(service.directory(admin, q=other.username))
    assert [p["id"] for p in listed] == [other.id]
    person, values = sync(service.look_at(admin, other.id))
    assert person.id == other.id and values["role"] == "mentor"
    assert [e["record_id"] for e in entries("consultation")] == ["list", str(other.id)]
    with pytest.raises(NotFound):
        sync(service.look_at(admin, 424242))
