"""Admins manage people in the browser; every change is audited and checked."""

from __future__ import annotations

from app.auth.passwords import verify_password
from app.tables.audit import AuditEntry
from app.tables.people import Person
from app.tables.sessions import UserSession
from tests.factories import make_person, make_team
from tests.helpers import field_error, html, summary_links, sync

NEW = {
    "username": "j.bloggs",
    "display_name": "Jo Bloggs",
    "role": "volunteer",
    "collar_number": "V 0042",
    "home_team": "",
    "password": "a long temporary pw",
}


def audit(operation=None):
    query = AuditEntry.select().order_by(AuditEntry.id)
    if operation:
        query = query.where(AuditEntry.operation == operation)
    return sync(query)


def test_admin_creates_a_person_who_can_then_sign_in(as_role, web):
    admin = as_role("admin")
    team = make_team("Abbey")
    response = admin.post("/people", {**NEW, "home_team": str(team.id)})
    assert response.status_code == 303
    person = sync(Person.objects().where(Person.username == "j.bloggs").first())
    assert (person.display_name, person.role, person.home_team) == (
        "Jo Bloggs",
        "volunteer",
        team.id,
    )
    assert verify_password(person.password_hash, NEW["password"])
    [entry] = audit("collection")
    assert (entry["record_type"], entry["record_id"], entry["actor"]) == (
        "person",
        str(person.id),
        admin.person.id,
    )
    signed_in = web.post("/login", {"username": "j.bloggs", "password": NEW["password"]})
    assert signed_in.status_code == 303


def test_bad_input_is_shown_beside_each_field_and_nothing_is_stored(as_role):
    admin = as_role("admin")
    make_person("pcso", username="taken")
    before = sync(Person.count())
    response = admin.post(
        "/people",
        {
            "username": "taken",
            "display_name": "",
            "role": "chief",
            "home_team": "99999",
            "password": "short",
        },
    )
    assert response.status_code == 400
    assert field_error(response, "username") == "That username is taken: choose another"
    assert field_error(response, "display_name") == "Enter the person's name"
    assert field_error(response, "role") == "Choose a role"
    assert field_error(response, "home_team") == "Choose a team area from the list"
    assert field_error(response, "password").startswith("Enter a password of at least")
    assert list(summary_links(response)) == [
        "username",
        "display_name",
        "role",
        "home_team",
        "password",
    ]
    assert html(response).find(id="display_name").has_attr("aria-invalid")
    assert sync(Person.count()) == before
    assert audit("collection") == []


def test_changing_a_role_is_audited_and_signs_them_out(as_role):
    admin = as_role("admin")
    pcso = as_role("pcso")
    assert pcso.get("/plan").status_code == 200
    response = admin.post(
        f"/people/{pcso.person.id}",
        {
            "display_name": pcso.person.display_name,
            "role": "volunteer",
            "collar_number": "",
            "home_team": "",
        },
    )
    assert response.status_code == 303
    assert sync(Person.select(Person.role).where(Person.id == pcso.person.id).first())["role"] == (
        "volunteer"
    )
    [change] = audit("alteration")
    assert "role pcso to volunteer" in change["detail"]
    assert pcso.get("/plan").status_code == 303  # their session ended: sign in again


def test_deactivating_ends_sessions_and_reactivating_restores_sign_in(as_role):
    admin = as_role("admin")
    officer = as_role("officer")
    assert admin.post(f"/people/{officer.person.id}/active", {"active": "false"}).status_code == 303
    assert sync(UserSession.count().where(UserSession.person == officer.person.id)) == 0
    assert officer.get("/").status_code == 303
    admin.post(f"/people/{officer.person.id}/active", {"active": "true"})
    assert [e["detail"] for e in audit("alteration")] == ["deactivated", "activated"]


def test_an_active_value_that_says_neither_changes_nothing(as_role):
    admin = as_role("admin")
    officer = as_role("officer")
    for value in ({"active": "maybe"}, {}, {"active": "tr\x00ue"}):
        response = admin.post(f"/people/{officer.person.id}/active", value)
        assert response.status_code == 400
        assert field_error(response, "active") == "Choose whether the account is active"
    assert sync(Person.select(Person.active).where(Person.id == officer.person.id).first())[
        "active"
    ]
    assert officer.get("/").status_code == 200  # still signed in
    assert audit("alteration") == []


def test_admins_cannot_lock_themselves_out(as_role):
    admin = as_role("admin")
    response = admin.post(f"/people/{admin.person.id}/active", {"active": "false"})
    assert response.status_code == 400
    assert sync(Person.select(Person.active).where(Person.id == admin.person.id).first())["active"]
    demote = admin.post(
        f"/people/{admin.person.id}",
        {"display_name": "Admin", "role": "pcso", "collar_number": "", "home_team": ""},
    )
    assert field_error(demote, "role") == "You cannot take away your own admin role"


def test_password_reset_checks_length_and_signs_them_out(as_role, web):
    admin = as_role("admin")
    volunteer = as_role("volunteer")
    short = admin.post(f"/people/{volunteer.person.id}/password", {"password": "short"})
    assert short.status_code == 400 and field_error(short, "password")
    ok = admin.post(f"/people/{volunteer.person.id}/password", {"password": "brand new password"})
    assert ok.status_code == 303
    assert volunteer.get("/").status_code == 303
    assert (
        web.post(
            "/login", {"username": volunteer.person.username, "password": "brand new password"}
        ).status_code
        == 303
    )
    assert [e["detail"] for e in audit("alteration")] == ["password reset"]


def test_looking_at_people_is_audited_as_consultation(as_role):
    admin = as_role("admin")
    other = make_person("mentor")
    listing = admin.get("/people?q=Test")
    names = [a.get_text() for a in html(listing).select("tbody a")]
    assert other.display_name in names
    admin.get(f"/people/{other.id}")
    consulted = audit("consultation")
    assert [e["record_id"] for e in consulted] == ["list", str(other.id)]


def test_unknown_person_is_not_found(as_role):
    assert as_role("admin").get("/people/424242").status_code == 404


def test_other_team_areas_are_kept_and_changed(as_role):
    from app.tables.people import PersonTeam

    admin = as_role("admin")
    abbey, mickleover, normanton = (
        make_team("Abbey"),
        make_team("Mickleover"),
        make_team("Normanton"),
    )
    admin.post(
        "/people",
        {**NEW, "home_team": str(abbey.id), "teams": [str(mickleover.id), str(normanton.id)]},
    )
    person = sync(Person.objects().where(Person.username == "j.bloggs").first())

    def teams():
        return sorted(
            r["team"]
            for r in sync(PersonTeam.select(PersonTeam.team).where(PersonTeam.person == person.id))
        )

    assert teams() == sorted([mickleover.id, normanton.id])
    page = html(admin.get(f"/people/{person.id}"))
    assert not page.select("select[multiple]")  # checkboxes: no Ctrl needed (issue 16)
    shown = page.select("#teams input[type=checkbox][checked]")
    labels = [page.select_one(f"label[for='{box['id']}']").get_text() for box in shown]
    assert sorted(labels) == ["Mickleover", "Normanton"]
    admin.post(
        f"/people/{person.id}",
        {
            "display_name": "Jo Bloggs",
            "role": "volunteer",
            "home_team": str(abbey.id),
            "teams": str(normanton.id),
        },
    )
    assert teams() == [normanton.id]
    assert "teams" in audit("alteration")[-1]["detail"]
    bad = admin.post(
        f"/people/{person.id}", {"display_name": "Jo", "role": "volunteer", "teams": ["999999"]}
    )
    assert field_error(bad, "teams") == "Choose team areas from the list"
    assert teams() == [normanton.id]
