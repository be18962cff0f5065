"""Vetting expiry and joining over HTTP (issue 12): what an expired volunteer is refused and
why, the supervisor's expiring list, and a volunteer still joining seeing only their profile."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.access import JOINING_PATH
from app.clock import today
from app.tables.taskings import TaskingAssignment, VolunteerProfile
from tests.factories import PASSWORD, make_person, make_team, make_vetting
from tests.helpers import field_error, html, sync
from tests.taskings_helpers import make_profile, tasking_form


def day_text(value) -> str:
    return f"{value.day} {value:%b %Y}"


def test_an_expired_volunteer_is_left_out_of_an_offer_and_the_desk_says_why(as_role):
    team = make_team()
    current = make_person("volunteer", home_team=team.id)
    lapsed = make_person("volunteer", home_team=team.id, vetting="expired")
    supervisor = as_role("supervisor")
    response = supervisor.post("/tasks/manage", tasking_form(team.id))
    assert response.status_code == 303
    tasking_id = int(response.headers["location"].rsplit("/", 1)[1])
    offered = sync(
        TaskingAssignment.select(TaskingAssignment.person).where(
            TaskingAssignment.tasking == tasking_id
        )
    )
    assert [r["person"] for r in offered] == [current.id]
    page = html(supervisor.get(f"/tasks/manage/{tasking_id}"))
    reasons = {
        int(li["data-person"]): li.get_text(" ", strip=True)
        for li in page.select("[data-left-out] li")
    }
    gone = today() - timedelta(days=1)
    assert set(reasons) == {lapsed.id}
    assert f"initial vetting expired on {day_text(gone)}" in reasons[lapsed.id]


def test_accepting_after_the_vetting_expired_is_refused_with_the_reason(as_role):
    team = make_team()
    volunteer = as_role("volunteer", home_team=team.id)
    make_profile(volunteer.person)
    response = as_role("supervisor").post("/tasks/manage", tasking_form(team.id))
    tasking_id = int(response.headers["location"].rsplit("/", 1)[1])
    gone = today() - timedelta(days=2)
    sync(
        VolunteerProfile.update({VolunteerProfile.full_vetting_expires_on: gone}).where(
            VolunteerProfile.person == volunteer.person.id
        )
    )
    # Full vetting expired, initial still current: a leaflet drop may still be accepted.
    assert volunteer.post(f"/tasks/{tasking_id}/answer", {"state": "accepted"}).status_code == 303
    # A home visit offer, then the initial vetting lapses too: accepting it is refused.
    make_profile(volunteer.person)
    response = as_role("supervisor").post("/tasks/manage", tasking_form(team.id, kind="home_visit"))
    visit_tasking = int(response.headers["location"].rsplit("/", 1)[1])
    sync(
        VolunteerProfile.update({VolunteerProfile.full_vetting_expires_on: gone}).where(
            VolunteerProfile.person == volunteer.person.id
        )
    )
    refused = volunteer.post(f"/tasks/{visit_tasking}/answer", {"state": "accepted"})
    assert refused.status_code == 400
    assert field_error(refused, "note") == (
        "You cannot accept this now: your volunteer profile needs full vetting "
        f"(full vetting expired on {day_text(gone)}; has initial)"
    )
    state = sync(
        TaskingAssignment.select(TaskingAssignment.state)
        .where(TaskingAssignment.tasking == visit_tasking)
        .first()
    )
    assert state["state"] == "offered"


def test_an_expired_training_stops_home_visits_and_says_so(as_role):
    volunteer = as_role("volunteer")
    make_profile(volunteer.person)
    assert html(volunteer.get("/visits/new")).select("form[action='/visits']")
    gone = today() - timedelta(days=5)
    sync(
        VolunteerProfile.update({VolunteerProfile.conflict_resolution_expires_on: gone}).where(
            VolunteerProfile.person == volunteer.person.id
        )
    )
    page = html(volunteer.get("/visits/new"))
    assert page.select("form[action='/visits']") == []
    assert page.select_one("[data-not-fit]").get_text(strip=True) == (
        "Your volunteer profile needs training in conflict resolution "
        f"(expired on {day_text(gone)})."
    )


def test_the_volunteers_page_lists_what_expires_in_the_next_30_days(as_role):
    day = today()
    soon = make_person("volunteer", display_name="Soon Expiring")
    make_vetting(soon, "initial", risk_management=day + timedelta(days=12))
    lapsed = make_person("volunteer", display_name="Already Lapsed", vetting="expired")
    later = make_person("volunteer", display_name="Far Off")
    make_vetting(later, "full", human_rights=day + timedelta(days=31))
    page = html(as_role("supervisor").get("/tasks/volunteers"))
    rows = [
        (int(tr["data-person"]), [td.get_text(" ", strip=True) for td in tr.select("td")])
        for tr in page.select("[data-expiring] tr[data-expiry]")
    ]
    gone = day - timedelta(days=1)
    in_twelve = day + timedelta(days=12)
    assert rows == [
        (lapsed.id, ["Already Lapsed", "Initial vetting", day_text(gone), "Expired"]),
        (soon.id, ["Soon Expiring", "Risk management", day_text(in_twelve), "Expires in 12 days"]),
    ]
    everyone = {
        int(tr["data-person"]): tr for tr in page.select("tr[data-person]:not([data-expiry])")
    }
    assert everyone[lapsed.id].select("[data-joining]")
    assert "(initial expired)" in everyone[lapsed.id].get_text(" ", strip=True)
    assert not everyone[later.id].select("[data-joining]")


def test_the_supervisor_enters_last_days_and_sees_errors_beside_them(as_role):
    volunteer = make_person("volunteer", vetting=None)
    supervisor = as_role("supervisor")
    bad = supervisor.post(
        f"/tasks/volunteers/{volunteer.id}",
        {
            "vetting": "initial",
            "initial_vetting_on": "2026-03-01",
            "initial_vetting_expires_on": "2026-02-01",
            "human_rights_expires_on": "2027-01-01",
        },
    )
    assert bad.status_code == 400
    assert field_error(bad, "initial_vetting_expires_on") == (
        "The last day initial vetting holds must be after the day it was passed"
    )
    assert field_error(bad, "human_rights_expires_on") == (
        "Tick human rights as completed, or leave its last day empty"
    )
    assert sync(VolunteerProfile.count()) == 0
    last = today() + timedelta(days=200)
    good = supervisor.post(
        f"/tasks/volunteers/{volunteer.id}",
        {
            "vetting": "initial",
            "initial_vetting_on": "2026-03-01",
            "initial_vetting_expires_on": last.isoformat(),
        },
    )
    assert good.status_code == 303
    form = html(supervisor.get(f"/tasks/volunteers/{volunteer.id}"))
    assert form.select_one("#initial_vetting_expires_on")["value"] == last.isoformat()


def test_a_volunteer_still_joining_sees_their_profile_and_what_is_left(as_role):
    joining = as_role("volunteer", vetting=None)
    assert joining.get("/").headers["location"] == JOINING_PATH
    page = html(joining.get(JOINING_PATH))
    assert page.select_one("[data-joining]")
    left = page.select_one("[data-left]").get_text(" ", strip=True)
    assert "Initial vetting: not passed yet" in left
    assert page.select_one("[data-item=initial]")["data-status"] == "not yet"
    # The menu offers only their profile (and changing their password).
    nav = [a["href"] for a in page.select("nav a, .account-menu a, details a")]
    assert JOINING_PATH in nav and set(nav) == {JOINING_PATH, "/account/password"}, nav
    refused = joining.get("/tasks")
    assert refused.status_code == 403
    text = html(refused).get_text(" ", strip=True)
    assert "You have not finished joining yet" in text
    assert html(refused).select_one(f"a[href='{JOINING_PATH}']")


def test_a_lapsed_volunteer_is_told_when_their_vetting_ran_out(as_role):
    lapsed = as_role("volunteer", vetting="expired")
    page = html(lapsed.get(JOINING_PATH))
    gone = today() - timedelta(days=1)
    assert f"Initial vetting: expired on {day_text(gone)}" in page.select_one("[data-left]").text
    assert page.select_one("[data-item=initial]")["data-status"] == "expired"


def test_a_vetted_volunteer_sees_their_profile_as_joined(as_role):
    volunteer = as_role("volunteer")
    make_profile(volunteer.person)
    page = html(volunteer.get(JOINING_PATH))
    assert page.select_one("[data-joined]") and not page.select_one("[data-joining]")
    assert "Home visit" in page.select_one("[data-may]").text
    assert volunteer.get("/").status_code == 200


@pytest.mark.parametrize("role", ["pcso", "supervisor", "mentor", "admin"])
def test_only_volunteers_have_a_volunteer_profile_page(as_role, role):
    assert as_role(role).get(JOINING_PATH).status_code == 403


def test_signing_in_still_joining_lands_on_the_joining_page(web):
    person = make_person("volunteer", vetting=None)
    web.get("/login")
    response = web.post("/login", {"username": person.username, "password": PASSWORD, "next": "/"})
    assert response.status_code == 303 and response.headers["location"] == "/"
    home = web.get("/")
    assert home.status_code == 303 and home.headers["location"] == JOINING_PATH
    assert web.get(JOINING_PATH).status_code == 200
    assert web.post("/logout").headers["location"].startswith("/login")
