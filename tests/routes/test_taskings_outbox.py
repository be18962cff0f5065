"""Answers to taskings through the phone's outbox: stored once per UUID, refusals said, and the
finished taskings apart from the open ones on /tasks."""

from __future__ import annotations

import threading
import uuid

from app.tables.taskings import TaskingAssignment, TaskingEvent
from tests.factories import make_team
from tests.helpers import field_error, html, sync
from tests.routes.test_taskings import create
from tests.taskings_helpers import tasking_form

JSON = {"accept": "application/json"}


def assigned_to_pcso(as_role, **overrides):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    tasking_id = create(
        as_role("supervisor"),
        tasking_form(team.id, mode="assign", staff=str(pcso.person.id), **overrides),
    )
    return pcso, tasking_id


def state_of(tasking_id: int) -> str:
    return sync(
        TaskingAssignment.select(TaskingAssignment.state)
        .where(TaskingAssignment.tasking == tasking_id)
        .first()
    )["state"]


def events(tasking_id: int) -> list[str]:
    rows = sync(
        TaskingEvent.select(TaskingEvent.to_state)
        .where(TaskingEvent.tasking == tasking_id)
        .order_by(TaskingEvent.id)
    )
    return [r["to_state"] for r in rows]


def send(session, tasking_id: int, state: str, record: str, note: str = "", **headers):
    return session.post(
        f"/tasks/{tasking_id}/answer",
        {"state": state, "note": note, "uuid": record},
        headers={**JSON, "x-outbox-user": session.person.username, **headers},
    )


def test_a_replayed_answer_is_stored_once(as_role):
    pcso, tasking_id = assigned_to_pcso(as_role)
    acknowledge, start = str(uuid.uuid4()), str(uuid.uuid4())

    first = send(pcso, tasking_id, "acknowledged", acknowledge)
    assert first.status_code == 201
    assert first.json() == {"id": tasking_id, "status": "stored", "state": "acknowledged"}
    again = send(pcso, tasking_id, "acknowledged", acknowledge)
    assert again.status_code == 200 and again.json()["status"] == "already stored"
    assert send(pcso, tasking_id, "in_progress", start).status_code == 201
    # A late replay of the first answer, after the state moved on: still "already stored",
    # not a refusal, and nothing changes.
    late = send(pcso, tasking_id, "acknowledged", acknowledge.upper())
    assert late.status_code == 200 and late.json()["state"] == "acknowledged"
    assert send(pcso, tasking_id, "in_progress", start).status_code == 200

    assert state_of(tasking_id) == "in_progress"
    assert events(tasking_id) == ["created", "assigned", "acknowledged", "in_progress"]


def test_a_plain_form_posted_twice_is_stored_once(as_role):
    pcso, tasking_id = assigned_to_pcso(as_role)
    record = str(uuid.uuid4())
    form = {"state": "acknowledged", "note": "", "uuid": record}
    for _ in range(2):
        response = pcso.post(f"/tasks/{tasking_id}/answer", form)
        assert response.status_code == 303
        assert response.headers["location"] == f"/tasks/{tasking_id}?answered=1"
    assert events(tasking_id).count("acknowledged") == 1
    # Without a uuid (a page from before) the form still answers as it did.
    assert pcso.post(f"/tasks/{tasking_id}/answer", {"state": "in_progress"}).status_code == 303
    assert state_of(tasking_id) == "in_progress"


def test_a_refused_answer_says_why_and_stores_nothing(as_role):
    pcso, tasking_id = assigned_to_pcso(as_role)
    skipped = send(pcso, tasking_id, "in_progress", str(uuid.uuid4()))
    assert skipped.status_code == 400
    assert skipped.json() == {
        "errors": {"note": "It is assigned, so it cannot be marked in progress yet"}
    }
    assert send(pcso, tasking_id, "acknowledged", str(uuid.uuid4())).status_code == 201
    assert send(pcso, tasking_id, "in_progress", str(uuid.uuid4())).status_code == 201
    no_outcome = send(pcso, tasking_id, "done", str(uuid.uuid4()))
    assert no_outcome.status_code == 400
    assert no_outcome.json() == {"errors": {"note": "Enter the outcome"}}
    assert state_of(tasking_id) == "in_progress"
    # A refused UUID was not used: the same record, corrected, is stored.
    fixed = str(uuid.uuid4())
    assert send(pcso, tasking_id, "done", fixed).status_code == 400
    assert send(pcso, tasking_id, "done", fixed, note="All delivered").status_code == 201
    assert state_of(tasking_id) == "done"


def test_a_json_answer_needs_its_record_number(as_role):
    pcso, tasking_id = assigned_to_pcso(as_role)
    for bad in ("", "not-a-uuid", "1" * 36):
        response = send(pcso, tasking_id, "acknowledged", bad)
        assert response.status_code == 400 and "uuid" in response.json()["errors"]
    assert state_of(tasking_id) == "assigned"
    page = pcso.post(f"/tasks/{tasking_id}/answer", {"state": "acknowledged", "uuid": "x"})
    assert page.status_code == 400 and field_error(page, "note") is None
    assert state_of(tasking_id) == "assigned"


def test_an_answer_is_sent_only_by_its_author_and_its_number_is_theirs(as_role):
    pcso, tasking_id = assigned_to_pcso(as_role)
    record = str(uuid.uuid4())
    # Queued by someone else on this phone: refused under this session, nothing stored.
    other = send(pcso, tasking_id, "acknowledged", record, **{"x-outbox-user": "someone-else"})
    assert other.status_code == 409
    assert state_of(tasking_id) == "assigned"
    assert send(pcso, tasking_id, "acknowledged", record).status_code == 201
    # The same number on another person's tasking: refused, nothing stored there.
    team = make_team("Elsewhere")
    officer = as_role("officer", home_team=team.id)
    theirs = create(
        as_role("supervisor"),
        tasking_form(team.id, mode="assign", staff=str(officer.person.id)),
    )
    assert send(officer, theirs, "acknowledged", record).status_code == 409
    assert state_of(theirs) == "assigned"
    # And on another of the pcso's own taskings: refused too (a number answers once).
    second = create(
        as_role("supervisor"),
        tasking_form(make_team("Third").id, mode="assign", staff=str(pcso.person.id)),
    )
    assert send(pcso, second, "acknowledged", record).status_code == 409
    assert state_of(second) == "assigned"


def test_done_taskings_sit_apart_from_open_ones_on_tasks(as_role):
    pcso, done_id = assigned_to_pcso(as_role, title="Leaflets on the old estate")
    open_id = create(
        as_role("supervisor"),
        tasking_form(
            pcso.person.home_team, mode="assign", staff=str(pcso.person.id), title="Still to do"
        ),
    )
    for state, note in (("acknowledged", ""), ("in_progress", ""), ("done", "All delivered")):
        assert send(pcso, done_id, state, str(uuid.uuid4()), note=note).status_code == 201

    page = html(pcso.get("/tasks"))
    mine = [a["href"] for a in page.select("[data-section=mine] h3 a")]
    finished = page.select_one("[data-section=finished]")
    assert mine == [f"/tasks/{open_id}"]
    assert finished is not None and finished.name == "details" and not finished.has_attr("open")
    assert "Done and closed (1)" in finished.summary.get_text(" ", strip=True)
    assert [a["href"] for a in finished.select("h3 a")] == [f"/tasks/{done_id}"]
    assert "Done" in finished.select_one(".state").get_text()
    # Open work comes first on the page.
    sections = [s["data-section"] for s in page.select("[data-section]")]
    assert sections.index("mine") < sections.index("finished")


def test_a_double_tap_sent_at_the_same_instant_is_stored_once(as_role):
    pcso, tasking_id = assigned_to_pcso(as_role)
    second = as_role("pcso", person=pcso.person)  # the same person, another connection
    record = str(uuid.uuid4())
    barrier = threading.Barrier(2)
    codes = []

    def tap(session):
        barrier.wait()
        codes.append(send(session, tasking_id, "acknowledged", record).status_code)

    threads = [threading.Thread(target=tap, args=(s,)) for s in (pcso, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 201]
    assert events(tasking_id) == ["created", "assigned", "acknowledged"]
