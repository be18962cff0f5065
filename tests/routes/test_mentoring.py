"""Peer mentoring: clients, confidential notes, risk disclosure to police, and the outcome."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from app.tables.audit import AuditEntry
from app.tables.mentoring import (
    MentorClient,
    MentorContact,
    MentorCoordinator,
    MentorGoal,
    PoliceCallCount,
)
from tests.helpers import field_error, html, summary_links, sync
from tests.routes.not_theirs import answers_as_missing

JSON = {"accept": "application/json"}


def add_client(mentor, reference="PM-100", **extra):
    form = {
        "reference": reference,
        "start_date": date.today().isoformat(),
        "status": "active",
        "consent_recorded": "yes",
        **extra,
    }
    return mentor.post("/mentoring/clients", form)


def client_id(reference="PM-100") -> int:
    return sync(MentorClient.select(MentorClient.id).where(MentorClient.reference == reference))[0][
        "id"
    ]


def add_contact(mentor, cid, **extra):
    form = {
        "uuid": str(uuid.uuid4()),
        "kind": "meeting",
        "contact_date": date.today().isoformat(),
        "note": "Talked about his brother.",
        **extra,
    }
    return mentor.post(f"/mentoring/clients/{cid}/contacts", form, headers=JSON)


def coordinator(as_role):
    boss = as_role("supervisor")
    sync(MentorCoordinator.insert(MentorCoordinator(person=boss.person.id)))
    return boss


@pytest.fixture
def mentor_with_note(as_role):
    mentor = as_role("mentor")
    assert add_client(mentor).status_code == 303
    answer = add_contact(mentor, client_id())
    assert answer.status_code == 201
    return mentor, answer.json()["id"]


def test_a_mentor_adds_a_client_and_records_a_contact_once(as_role):
    mentor = as_role("mentor")
    response = add_client(mentor, first_name="Dave")
    cid = client_id()
    assert response.headers["location"] == f"/mentoring/clients/{cid}"
    body = {
        "uuid": str(uuid.uuid4()),
        "kind": "appointment",
        "contact_date": date.today().isoformat(),
        "duration_minutes": "45",
        "note": "Went to the GP with him.",
    }
    url = f"/mentoring/clients/{cid}/contacts"
    codes = [mentor.post(url, body, headers=JSON).status_code for _ in range(3)]
    assert codes == [201, 200, 200]
    [contact] = sync(MentorContact.select())
    assert (contact["kind"], contact["duration_minutes"], contact["is_risk"]) == (
        "appointment",
        45,
        False,
    )
    page = html(mentor.get(f"/mentoring/clients/{cid}"))
    assert "Went to the GP with him." in page.select_one("[data-contacts]").get_text()
    assert [
        a.get_text(strip=True) for a in html(mentor.get("/mentoring")).select("[data-clients] a")
    ] == ["PM-100 (Dave)"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"consent_recorded": ""}, "consent_recorded", "Record the client's consent"),
        (
            {"start_date": (date.today() + timedelta(days=2)).isoformat()},
            "start_date",
            "cannot be in the future",
        ),
        ({"status": "finished"}, "status", "Choose a status"),
        ({"reference": "x" * 41}, "reference", "40 characters or fewer"),
    ],
)
def test_a_bad_client_is_refused_beside_the_field(as_role, change, field, message):
    mentor = as_role("mentor")
    response = add_client(mentor, **change)
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert field in summary_links(response)
    assert sync(MentorClient.count()) == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "interrogation"}, "kind", "Choose the kind of contact"),
        (
            {"contact_date": (date.today() + timedelta(days=1)).isoformat()},
            "contact_date",
            "cannot be in the future",
        ),
        ({"note": "n" * 4001}, "note", "4000 characters or fewer"),
        ({"duration_minutes": "-5"}, "duration_minutes", "minutes"),
    ],
)
def test_a_bad_contact_is_refused_beside_the_field(as_role, change, field, message):
    mentor = as_role("mentor")
    add_client(mentor)
    cid = client_id()
    answer = add_contact(mentor, cid, **change)
    assert answer.status_code == 400 and message in answer.json()["errors"][field]
    page = mentor.post(
        f"/mentoring/clients/{cid}/contacts",
        {
            "uuid": str(uuid.uuid4()),
            "kind": "meeting",
            "contact_date": date.today().isoformat(),
            **change,
        },
    )
    assert page.status_code == 400 and message in field_error(page, field)
    assert sync(MentorContact.count()) == 0


# A role that may use the page finds someone else's record missing (404); a role that may
# not use the page at all is refused by its access rule (403), whatever the number.
NOTE_STATUS = {"officer": 404, "volunteer": 403, "mentor": 404, "pcso": 404, "supervisor": 404}
CLIENT_STATUS = {"officer": 403, "volunteer": 403, "mentor": 404, "pcso": 403, "supervisor": 404}


@pytest.mark.parametrize("role", ["officer", "volunteer", "mentor", "pcso", "supervisor"])
def test_a_mentors_note_is_refused_to_others(as_role, mentor_with_note, role):
    _, contact_id = mentor_with_note
    other = as_role(role)
    assert other.get(f"/mentoring/contacts/{contact_id}").status_code == NOTE_STATUS[role]
    assert other.get(f"/mentoring/clients/{client_id()}").status_code == CLIENT_STATUS[role]
    risk = other.get("/mentoring/risk")
    if risk.status_code == 200:
        assert html(risk).select("[data-risk] [data-contact]") == []
    assert sync(AuditEntry.count().where(AuditEntry.operation == "disclosure")) == 0


def test_another_mentor_changes_nothing_of_a_client_with_a_good_or_a_bad_form(
    as_role, mentor_with_note
):
    other = as_role("mentor")
    cid = client_id()
    for form in ({"status": "closed", "exit_plan": "Done"}, {"status": "nonsense"}):
        assert other.post(f"/mentoring/clients/{cid}", form).status_code == 404
    for form in ({"title": "Find work"}, {"title": ""}):
        assert other.post(f"/mentoring/clients/{cid}/goals", form).status_code == 404
    client = sync(MentorClient.select().where(MentorClient.id == cid).first())
    assert (client["status"], client["exit_plan"]) == ("active", "")
    assert sync(MentorGoal.count()) == 0


def test_another_mentors_client_goal_and_note_answer_as_missing_ones_do(as_role, mentor_with_note):
    mentor, contact_id = mentor_with_note
    cid = client_id()
    assert mentor.post(f"/mentoring/clients/{cid}/goals", {"title": "See a GP"}).status_code == 303
    goal_id = sync(MentorGoal.select(MentorGoal.id).first())["id"]
    gone = 10_000
    other = as_role("mentor")
    for method, path, data in (
        ("GET", "/mentoring/clients/{}", None),
        ("POST", "/mentoring/clients/{}", {"status": "closed", "exit_plan": "Done"}),
        ("POST", "/mentoring/clients/{}/goals", {"title": "Find work"}),
        ("POST", "/mentoring/clients/{}/contacts", {"uuid": str(uuid.uuid4()), "kind": "meeting"}),
        ("GET", "/mentoring/contacts/{}", None),
    ):
        record = contact_id if "contacts/" in path and method == "GET" else cid
        answers_as_missing(other, method, path.format(record), path.format(record + gone), data)
    answers_as_missing(
        other,
        "POST",
        f"/mentoring/goals/{goal_id}",
        f"/mentoring/goals/{goal_id + gone}",
        {"progress": "achieved"},
    )
    # Police read only notes marked crime or risk information: this one is not there for them.
    for role in ("officer", "pcso", "supervisor"):
        answers_as_missing(
            as_role(role),
            "GET",
            f"/mentoring/contacts/{contact_id}",
            f"/mentoring/contacts/{contact_id + gone}",
        )
    client = sync(MentorClient.select().where(MentorClient.id == cid).first())
    assert (client["status"], sync(MentorGoal.count()), sync(MentorContact.count())) == (
        "active",
        1,
        1,
    )
    assert sync(MentorGoal.select(MentorGoal.progress).first())["progress"] != "achieved"


def test_the_writer_and_the_coordinator_read_the_note(as_role, mentor_with_note):
    mentor, contact_id = mentor_with_note
    for reader in (mentor, coordinator(as_role)):
        page = reader.get(f"/mentoring/contacts/{contact_id}")
        assert page.status_code == 200
        assert (
            html(page).select_one("[data-note]").get_text(strip=True) == "Talked about his brother."
        )
    assert sync(AuditEntry.count().where(AuditEntry.operation == "disclosure")) == 0


def test_a_risk_entry_is_shared_with_police_and_each_sight_is_a_disclosure(as_role):
    mentor = as_role("mentor")
    add_client(mentor)
    cid = client_id()
    add_contact(mentor, cid, note="Confidential only")
    risk_id = add_contact(mentor, cid, note="Threatened to hurt a neighbour", is_risk="yes").json()[
        "id"
    ]
    officer = as_role("officer")
    page = officer.get(f"/mentoring/contacts/{risk_id}")
    assert page.status_code == 200
    assert "Threatened to hurt a neighbour" in html(page).select_one("[data-note]").get_text()
    listed = html(officer.get("/mentoring/risk")).select("[data-risk] [data-contact]")
    assert [int(li["data-contact"]) for li in listed] == [risk_id]
    disclosures = sync(AuditEntry.select().where(AuditEntry.operation == "disclosure"))
    assert [(d["record_type"], d["record_id"], d["actor"]) for d in disclosures] == [
        ("mentor-contact", str(risk_id), officer.person.id)
    ] * 2
    assert as_role("volunteer").get(f"/mentoring/contacts/{risk_id}").status_code == 403  # role


def test_outcome_calls_before_and_since_per_client_and_for_the_programme(as_role):
    mentor = as_role("mentor")
    add_client(mentor, "PM-1", start_date="2026-01-10")
    add_client(mentor, "PM-2", start_date="2026-02-01")
    boss = coordinator(as_role)
    bad = boss.post(
        "/mentoring/outcomes/import",
        {"csv": "reference,month,calls\nPM-1,2025-12,10\nPM-9,2026-01,3"},
    )
    assert bad.status_code == 400 and "Line 3" in field_error(bad, "csv")
    assert sync(PoliceCallCount.count()) == 0
    rows = "\n".join(
        [
            "reference,month,calls",
            "PM-1,2025-11,10",
            "PM-1,2025-12,10",
            "PM-1,2026-01,4",
            "PM-1,2026-02,2",
            "PM-2,2026-01,5",
            "PM-2,2026-02,4",
            "PM-2,2026-03,6",
        ]
    )
    assert boss.post("/mentoring/outcomes/import", {"csv": rows}).headers["location"].endswith("=7")
    entered = boss.post("/mentoring/outcomes", {"client": "PM-2", "month": "2026-03", "calls": "2"})
    assert entered.status_code == 303  # replaces March's 6
    page = html(boss.get("/mentoring/outcomes"))
    change = {
        r["data-client"]: r.select_one("[data-change]").get_text()
        for r in page.select("[data-outcomes] tr[data-client]")
    }
    assert change == {"PM-1": "-70%", "PM-2": "-40%"}  # 10 -> 3 a month; 5 -> 3 a month
    assert page.select_one("[data-programme-change]").get_text() == "-60%"  # 15 -> 6
    # Only the coordinator enters figures; a mentor sees only their own clients.
    plain = as_role("supervisor").post(
        "/mentoring/outcomes", {"client": "PM-1", "month": "2026-03", "calls": "1"}
    )
    assert plain.status_code == 400 and "coordinator" in summary_links(plain)["calls"]
    other = as_role("mentor")
    assert html(other.get("/mentoring/outcomes")).select("[data-outcomes]") == []
