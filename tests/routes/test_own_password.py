"""People change their own password, and must after an admin's reset (issue 16)."""

from __future__ import annotations

from app.auth.passwords import verify_password
from app.tables.audit import AuditEntry
from app.tables.people import Person
from app.tables.sessions import UserSession
from tests.factories import PASSWORD, make_person
from tests.helpers import field_error, html, sync

NEW = "a brand new passphrase"


def person(person_id: int) -> dict:
    return sync(Person.select().where(Person.id == person_id).first())


def sessions_of(person_id: int) -> int:
    return sync(UserSession.count().where(UserSession.person == person_id))


def test_the_account_menu_offers_the_change_page(as_role):
    page = html(as_role("volunteer").get("/"))
    assert page.select_one(".account-menu a[href='/account/password']")


def test_changing_ones_own_password_ends_every_other_session_and_keeps_this_one(as_role):
    pcso = make_person("pcso")
    here, elsewhere = as_role("pcso", person=pcso), as_role("pcso", person=pcso)
    assert sessions_of(pcso.id) == 2
    form = html(here.get("/account/password"))
    assert [i["name"] for i in form.select("form input[type=password]")] == [
        "current",
        "new",
        "again",
    ]
    done = here.post("/account/password", {"current": PASSWORD, "new": NEW, "again": NEW})
    assert (done.status_code, done.headers["location"]) == (303, "/account/password?changed=true")
    row = person(pcso.id)
    assert verify_password(row["password_hash"], NEW)
    assert not verify_password(row["password_hash"], PASSWORD)
    assert here.get("/").status_code == 200  # still signed in here
    assert elsewhere.get("/").status_code == 303  # signed out on the other device
    assert sessions_of(pcso.id) == 1
    [entry] = sync(AuditEntry.select().where(AuditEntry.detail == "own password changed"))
    assert (entry["actor"], entry["record_id"]) == (pcso.id, str(pcso.id))


def test_a_wrong_current_password_a_short_or_mismatched_new_one_change_nothing(as_role):
    session = as_role("mentor")
    before = person(session.person.id)["password_hash"]
    for data, field, message in (
        ({"current": "not my password", "new": NEW, "again": NEW}, "current", "correctly"),
        ({"current": PASSWORD, "new": "short", "again": "short"}, "new", "at least 10"),
        ({"current": PASSWORD, "new": NEW, "again": NEW + "x"}, "again", "same new password"),
        ({"current": PASSWORD, "new": PASSWORD, "again": PASSWORD}, "new", "different"),
        ({}, "current", "current password"),
    ):
        response = session.post("/account/password", data)
        assert response.status_code == 400, data
        assert message in (field_error(response, field) or ""), (data, response.text[:300])
    assert person(session.person.id)["password_hash"] == before


def test_after_an_admins_reset_every_page_sends_them_to_change_it_until_they_do(as_role, web):
    admin = as_role("admin")
    volunteer = make_person("volunteer")
    reset = admin.post(f"/people/{volunteer.id}/password", {"password": "temporary pass 1"})
    assert reset.status_code == 303
    assert person(volunteer.id)["must_change_password"] is True
    signed_in = web.post("/login", {"username": volunteer.username, "password": "temporary pass 1"})
    assert signed_in.status_code == 303
    for path in ("/", "/tasks", "/visits", "/agencies", "/people"):
        response = web.get(path)
        assert (response.status_code, response.headers.get("location")) == (
            303,
            "/account/password",
        ), path
    # A script (the phone's outbox) is told why, and keeps its record (a 403).
    outbox = web.post("/log", {}, headers={"accept": "application/json"})
    assert outbox.status_code == 403
    page = web.get("/account/password")
    assert page.status_code == 200 and html(page).select_one("[data-forced]")
    changed = web.post(
        "/account/password", {"current": "temporary pass 1", "new": NEW, "again": NEW}
    )
    assert changed.status_code == 303
    assert person(volunteer.id)["must_change_password"] is False
    assert web.get("/").status_code == 200
    assert not html(web.get("/account/password")).select_one("[data-forced]")


def test_an_admins_reset_of_their_own_password_is_forced_too_and_signin_still_works(as_role, web):
    admin = as_role("admin")
    response = admin.post(f"/people/{admin.person.id}/password", {"password": "temporary pass 2"})
    assert response.status_code == 303
    assert (
        web.post(
            "/login", {"username": admin.person.username, "password": "temporary pass 2"}
        ).status_code
        == 303
    )
    assert web.get("/people").headers.get("location") == "/account/password"
    assert web.get("/static/css/app.css").status_code in (200, 304)
