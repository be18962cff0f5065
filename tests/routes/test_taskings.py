"""Taskings over HTTP: supervisors assign and offer, volunteers are asked, staff are tasked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from app.tables.audit import AuditEntry
from app.tables.taskings import PushMessage, Tasking, TaskingAssignment, TaskingEvent
from app.taskings.sender import payload
from app.taskings.service import alert_unacknowledged
from tests.factories import make_person, make_team
from tests.helpers import field_error, html, summary_links, sync
from tests.routes.not_theirs import answers_as_missing
from tests.taskings_helpers import make_profile, tasking_form


def create(supervisor, form) -> int:
    response = supervisor.post("/tasks/manage", form)
    assert response.status_code == 303, html(response).get_text(" ", strip=True)[:500]
    return int(response.headers["location"].rsplit("/", 1)[1])


def parts(tasking_id: int) -> dict[int, str]:
    rows = sync(
        TaskingAssignment.select(TaskingAssignment.person, TaskingAssignment.state).where(
            TaskingAssignment.tasking == tasking_id
        )
    )
    return {r["person"]: r["state"] for r in rows}


def test_volunteers_without_full_vetting_are_not_offered_a_kind_that_needs_it(as_role):
    team = make_team("Abbey")
    full = make_person("volunteer", home_team=team.id)
    initial = make_person("volunteer", home_team=team.id)
    untrained = make_person("volunteer", home_team=team.id)
    no_profile = make_person("volunteer", home_team=team.id, vetting=None)
    make_profile(full, "full")
    make_profile(initial, "initial")
    make_profile(untrained, "full", training=("conflict_resolution",))
    supervisor = as_role("supervisor")

    tasking_id = create(supervisor, tasking_form(team.id, kind="home_visit"))

    assert parts(tasking_id) == {full.id: "offered"}
    page = html(supervisor.get(f"/tasks/manage/{tasking_id}"))
    reasons = {
        int(li["data-person"]): li.get_text(" ", strip=True)
        for li in page.select("[data-left-out] li")
    }
    assert set(reasons) == {initial.id, untrained.id, no_profile.id}
    assert "needs full vetting (has initial)" in reasons[initial.id]
    assert "crime prevention advice" in reasons[untrained.id]
    assert "needs full vetting (has none)" in reasons[no_profile.id]
    # The initially vetted volunteer may be offered a leaflet drop.
    leaflets = create(supervisor, tasking_form(team.id, kind="leaflet_drop"))
    assert set(parts(leaflets)) == {full.id, initial.id, untrained.id}


def test_a_volunteer_cannot_see_or_answer_another_volunteers_offer(as_role):
    team = make_team("Abbey")
    asked = make_person("volunteer", home_team=team.id)
    make_profile(asked)
    # Vetted, but in another team area: not asked.
    other = as_role("volunteer", home_team=make_team("Elsewhere").id)
    tasking_id = create(as_role("supervisor"), tasking_form(team.id))
    assert set(parts(tasking_id)) == {asked.id}

    assert other.get(f"/tasks/{tasking_id}").status_code == 404
    assert other.post(f"/tasks/{tasking_id}/answer", {"state": "accepted"}).status_code == 404
    listing = html(other.get("/tasks"))
    assert listing.select("[data-section=offers] [data-part]") == []
    assert parts(tasking_id) == {asked.id: "offered"}


def test_someone_elses_tasking_answers_as_a_missing_one_does(as_role):
    team = make_team("Abbey")
    asked = make_person("volunteer", home_team=team.id)
    make_profile(asked)
    tasking_id = create(as_role("supervisor"), tasking_form(team.id))
    gone = tasking_id + 10_000
    for other in (as_role("volunteer", home_team=team.id), as_role("pcso", home_team=team.id)):
        for method, path, data in (
            ("GET", "/tasks/{}", None),
            ("POST", "/tasks/{}/answer", {"state": "accepted"}),
            ("POST", "/tasks/{}/answer", {"state": "nonsense"}),  # a bad form tells nothing
        ):
            answers_as_missing(other, method, path.format(tasking_id), path.format(gone), data)
    assert parts(tasking_id) == {asked.id: "offered"}


def test_a_volunteer_accepts_an_offer_and_the_supervisor_sees_it(as_role):
    team = make_team("Abbey")
    volunteer = as_role("volunteer", home_team=team.id)
    make_profile(volunteer.person)
    supervisor = as_role("supervisor")
    tasking_id = create(supervisor, tasking_form(team.id, title="Leaflets by the park"))

    offers = html(volunteer.get("/tasks")).select("[data-section=offers] h3 a")
    assert [a.get_text(strip=True) for a in offers] == ["Leaflets by the park"]
    page = html(volunteer.get(f"/tasks/{tasking_id}"))
    assert [b["value"] for b in page.select("button[name=state]")] == ["accepted", "declined"]
    # Accept straight from the list, with the form the list shows.
    form = html(volunteer.get("/tasks")).select_one("[data-section=offers] form")
    assert form["action"] == f"/tasks/{tasking_id}/answer"
    accept = form.select_one("button[name=state]")
    assert volunteer.post(form["action"], {"state": accept["value"]}).status_code == 303

    live = html(supervisor.get(f"/tasks/manage/{tasking_id}", headers={"hx-request": "true"}))
    assert live.find("html") is None  # the fragment, for htmx polling
    row = live.select_one(f"tr[data-person='{volunteer.person.id}']")
    assert row.select_one("[data-state]").get_text(strip=True) == "Accepted"
    assert live.select_one("[data-taken]").get_text(strip=True) == "1"
    history = [li.get_text(" ", strip=True) for li in live.select("[data-history] li")]
    assert any("Accepted" in h and volunteer.person.display_name in h for h in history)
    audit = sync(AuditEntry.select().where(AuditEntry.record_type == "tasking"))
    assert {"collection", "alteration", "consultation"} <= {a["operation"] for a in audit}


def test_decline_with_an_optional_reason(as_role):
    team = make_team("Abbey")
    volunteer = as_role("volunteer", home_team=team.id)
    make_profile(volunteer.person)
    tasking_id = create(as_role("supervisor"), tasking_form(team.id))
    response = volunteer.post(
        f"/tasks/{tasking_id}/answer", {"state": "declined", "note": "Away that weekend"}
    )
    assert response.status_code == 303
    row = sync(TaskingAssignment.select().first())
    assert (row["state"], row["note"]) == ("declined", "Away that weekend")


def test_the_first_n_who_accept_get_it_and_the_rest_are_closed(as_role):
    team = make_team("Abbey")
    volunteers = [as_role("volunteer", home_team=team.id) for _ in range(3)]
    for v in volunteers:
        make_profile(v.person)
    tasking_id = create(as_role("supervisor"), tasking_form(team.id, places_wanted="2"))
    for v in volunteers[:2]:
        assert v.post(f"/tasks/{tasking_id}/answer", {"state": "accepted"}).status_code == 303
    late = volunteers[2].post(f"/tasks/{tasking_id}/answer", {"state": "accepted"})
    assert late.status_code == 400
    assert field_error(late, "note") == "All the places on this tasking have been taken"
    states = parts(tasking_id)
    assert [states[v.person.id] for v in volunteers] == ["accepted", "accepted", "closed"]


def test_staff_states_cannot_be_skipped_and_done_needs_an_outcome(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    tasking_id = create(
        as_role("supervisor"), tasking_form(team.id, mode="assign", staff=str(pcso.person.id))
    )
    for skipped in ("in_progress", "done", "accepted"):
        response = pcso.post(f"/tasks/{tasking_id}/answer", {"state": skipped, "note": "x"})
        assert response.status_code == 400, skipped
        assert field_error(response, "note")
    assert parts(tasking_id) == {pcso.person.id: "assigned"}
    for step in ("acknowledged", "in_progress"):
        assert pcso.post(f"/tasks/{tasking_id}/answer", {"state": step}).status_code == 303
    no_outcome = pcso.post(f"/tasks/{tasking_id}/answer", {"state": "done"})
    assert no_outcome.status_code == 400 and field_error(no_outcome, "note") == "Enter the outcome"
    done = pcso.post(f"/tasks/{tasking_id}/answer", {"state": "done", "note": "All delivered"})
    assert done.status_code == 303
    events = sync(
        TaskingEvent.select(TaskingEvent.to_state).where(TaskingEvent.tasking == tasking_id)
    )
    assert [e["to_state"] for e in events] == [
        "created",
        "assigned",
        "acknowledged",
        "in_progress",
        "done",
    ]


def test_mine_lists_by_due_time_and_nearby_gives_distances(as_role):
    team = make_team("Abbey", lat=52.9163, lng=-1.4860)
    pcso = as_role("pcso", home_team=team.id)
    supervisor = as_role("supervisor")
    later = tasking_form(team.id, mode="assign", staff=str(pcso.person.id), title="Later")
    sooner = dict(later, title="Sooner", place_kind="point", lat="52.9240", lng="-1.4852")
    sooner["starts_at"] = "2026-11-01T09:00"
    sooner["ends_at"] = "2026-11-01T10:00"
    create(supervisor, later)
    create(supervisor, sooner)
    page = html(pcso.get("/tasks"))
    titles = [a.get_text(strip=True) for a in page.select("[data-section=mine] h3 a")]
    assert titles == ["Sooner", "Later"]
    distances = [d.get_text(strip=True) for d in page.select("[data-distance]")]
    assert distances == ["0.0 km", "0.9 km"]  # the area centre, then Friar Gate


def test_an_address_is_looked_up_with_the_configured_geocoder(as_role):
    team = make_team("Abbey")
    supervisor = as_role("supervisor")
    tasking_id = create(
        supervisor, tasking_form(team.id, place_kind="address", address="Friar Gate, Derby")
    )
    row = sync(Tasking.select().where(Tasking.id == tasking_id).first())
    assert (round(row["lat"], 4), round(row["lng"], 4)) == (52.924, -1.4852)
    assert row["address"] == "Friar Gate, Derby DE1 1BX"
    unknown = supervisor.post(
        "/tasks/manage", tasking_form(team.id, place_kind="address", address="1 Nowhere Lane")
    )
    assert unknown.status_code == 400
    assert "not found" in field_error(unknown, "address")


def test_bad_input_is_shown_beside_each_field_and_nothing_is_stored(as_role):
    team = make_team("Abbey")
    supervisor = as_role("supervisor")
    form = tasking_form(
        team.id,
        title="",
        place_kind="point",
        lat="95",
        lng="x",
        ends_at="2020-01-01T00:00",
        mode="assign",
        places_wanted="0",
    )
    response = supervisor.post("/tasks/manage", form)
    assert response.status_code == 400
    assert set(summary_links(response)) == {
        "title",
        "lat",
        "lng",
        "ends_at",
        "staff",
        "places_wanted",
    }
    assert field_error(response, "lat").startswith("Enter a latitude")
    assert sync(Tasking.count()) == 0 and sync(PushMessage.count()) == 0


def test_change_and_cancel_reach_everyone_still_on_it(as_role):
    team = make_team("Abbey")
    pcso, officer = make_person("pcso"), make_person("officer")
    supervisor = as_role("supervisor")
    form = tasking_form(team.id, mode="assign", staff=[str(pcso.id), str(officer.id)])
    tasking_id = create(supervisor, form)
    changed = dict(form, title="Leaflets on the estate, north side")
    assert supervisor.post(f"/tasks/manage/{tasking_id}/edit", changed).status_code == 303
    cancel = supervisor.post(f"/tasks/manage/{tasking_id}/cancel", {"reason": "Weather"})
    assert cancel.status_code == 303
    assert parts(tasking_id) == {pcso.id: "cancelled", officer.id: "cancelled"}
    kinds = sync(PushMessage.select(PushMessage.kind, PushMessage.person))
    for person in (pcso, officer):
        assert sorted(k["kind"] for k in kinds if k["person"] == person.id) == [
            "assigned",
            "cancelled",
            "changed",
        ]


def test_an_urgent_tasking_not_acknowledged_in_time_alerts_its_supervisor_once(as_role):
    team = make_team("Abbey")
    pcso = make_person("pcso")
    supervisor = as_role("supervisor")
    form = tasking_form(team.id, mode="assign", staff=str(pcso.id), priority="urgent")
    tasking_id = create(supervisor, form)
    soon = datetime.now(UTC) + timedelta(minutes=5)
    assert sync(alert_unacknowledged(soon)) == []
    late = datetime.now(UTC) + timedelta(minutes=16)
    assert sync(alert_unacknowledged(late)) == [tasking_id]
    assert sync(alert_unacknowledged(late + timedelta(minutes=30))) == []
    alerts = sync(PushMessage.select().where(PushMessage.kind == "alert"))
    assert [(a["person"], a["title"]) for a in alerts] == [
        (supervisor.person.id, "Urgent tasking not acknowledged in Abbey")
    ]
    sent = json.loads(payload({**alerts[0], "tasking": tasking_id}))
    assert sent["url"] == f"/tasks/manage/{tasking_id}" and "token" not in sent
    page = html(supervisor.get(sent["url"]))
    assert "not acknowledged in time" in page.get_text()


def test_an_acknowledged_urgent_tasking_raises_no_alert(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso")
    form = tasking_form(team.id, mode="assign", staff=str(pcso.person.id), priority="urgent")
    tasking_id = create(as_role("supervisor"), form)
    pcso.post(f"/tasks/{tasking_id}/answer", {"state": "acknowledged"})
    late = datetime.now(UTC) + timedelta(minutes=16)
    assert sync(alert_unacknowledged(late)) == []


def test_supervisors_keep_volunteer_profiles_with_checked_dates(as_role):
    volunteer = make_person("volunteer")
    supervisor = as_role("supervisor")
    bad = supervisor.post(f"/tasks/volunteers/{volunteer.id}", {"vetting": "full"})
    assert bad.status_code == 400
    assert set(summary_links(bad)) == {
        "initial_vetting_on",
        "initial_vetting_expires_on",
        "full_vetting_on",
        "full_vetting_expires_on",
    }
    good = supervisor.post(
        f"/tasks/volunteers/{volunteer.id}",
        {
            "vetting": "initial",
            "initial_vetting_on": "2026-02-01",
            "initial_vetting_expires_on": "2199-01-31",
            "conflict_resolution": "yes",
            "conflict_resolution_expires_on": "2199-01-31",
            "risk_management": "yes",
            "risk_management_expires_on": "2199-01-31",
        },
    )
    assert good.status_code == 303
    page = html(supervisor.get("/tasks/volunteers"))
    row = page.select_one(f"tr[data-person='{volunteer.id}']")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[2] == "Initial"
    assert "Patrol" in cells[4] and "Home visit" not in cells[4]


def test_the_tasking_page_says_what_its_note_is_for_and_names_its_priority_once(as_role):
    """Issue 16's wording: no "Priority: Priority"; "Enter the outcome" for a field so named."""
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    form = tasking_form(team.id, mode="assign", staff=str(pcso.person.id), priority="priority")
    tasking_id = create(as_role("supervisor"), form)
    for step in ("acknowledged", "in_progress"):
        assert pcso.post(f"/tasks/{tasking_id}/answer", {"state": step}).status_code == 303
    page = html(pcso.get(f"/tasks/{tasking_id}"))
    facts = {
        dt.get_text(strip=True): dt.find_next("dd").get_text(strip=True)
        for dt in page.select("dl.task-facts dt")
    }
    assert facts["Priority"] == "High priority"
    label = page.select_one("label[for=note]").get_text(" ", strip=True)
    assert label.startswith("Outcome")
    refused = pcso.post(f"/tasks/{tasking_id}/answer", {"state": "done"})
    assert field_error(refused, "note") == "Enter the outcome"
