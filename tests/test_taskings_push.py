"""Push delivery against a push service on 127.0.0.1 that decrypts each message (RFC 8291)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.tables.taskings import PushMessage, PushSubscription
from app.taskings import vapid
from app.taskings.push_queue import delivery_by_person
from app.taskings.sender import drain
from tests.factories import make_person, make_team
from tests.helpers import sync
from tests.push_service import PushService
from tests.taskings_helpers import add_device, make_profile, tasking_form

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD_KEYS = {"m", "tasking", "kind", "title", "url", "token"}


@pytest.fixture
def push_service():
    vapid.forget()  # each test has a fresh database, so a fresh key
    service = PushService().start()
    yield service
    service.stop()


def offer_to_area(as_role, team, **form):
    supervisor = as_role("supervisor")
    response = supervisor.post("/tasks/manage", tasking_form(team.id, **form))
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_the_right_people_get_exactly_one_message_each_with_no_personal_data(as_role, push_service):
    abbey, other = make_team("Abbey"), make_team("Normanton")
    fit = [make_person("volunteer", home_team=abbey.id) for _ in range(3)]
    unfit = make_person("volunteer", home_team=abbey.id)
    elsewhere = make_person("volunteer", home_team=other.id)
    devices = {}
    for person in fit:
        make_profile(person, "full")
        devices[person.id] = push_service.device(f"p{person.id}")
        add_device(person, devices[person.id])
    make_profile(unfit, "initial", ())
    make_profile(elsewhere, "full")
    for person in (unfit, elsewhere):
        add_device(person, push_service.device(f"p{person.id}"))

    tasking_id = offer_to_area(
        as_role, abbey, kind="home_visit", title="Visit at 12 Abbey Street", places_wanted="2"
    )
    totals = sync(drain(concurrency=4))

    assert totals == {"delivered": 3}
    by_path = {}
    for message in push_service.received:
        by_path.setdefault(message.path, []).append(message)
    assert sorted(by_path) == sorted(f"/push/p{p.id}" for p in fit)
    for person in fit:
        [message] = by_path[f"/push/p{person.id}"]
        assert message.headers["Content-Encoding"] == "aes128gcm"
        assert message.headers["TTL"] == str(24 * 3600)  # routine
        assert message.headers["Authorization"].startswith("vapid t=")
        plain = devices[person.id].decrypt(message.body).decode()
        body = json.loads(plain)
        assert set(body) == PAYLOAD_KEYS
        assert body["title"] == "New offer in Abbey"
        assert body["tasking"] == tasking_id and body["kind"] == "offer"
        for personal in (person.display_name, person.username, "12 Abbey Street", "autumn"):
            assert personal not in plain
    delivery = sync(delivery_by_person(tasking_id))
    assert delivery == {p.id: "Delivered" for p in fit}


def test_urgency_and_ttl_follow_the_priority(as_role, push_service):
    team = make_team("Abbey")
    pcso = make_person("pcso", home_team=team.id)
    device = push_service.device("pcso")
    add_device(pcso, device)
    supervisor = as_role("supervisor")
    form = tasking_form(team.id, mode="assign", staff=str(pcso.id), priority="urgent")
    assert supervisor.post("/tasks/manage", form).status_code == 303
    sync(drain(concurrency=2))
    [message] = push_service.received
    assert message.headers["Urgency"] == "high"
    assert message.headers["TTL"] == str(15 * 60)
    assert json.loads(device.decrypt(message.body))["title"] == "New tasking in Abbey"
    assert "token" not in json.loads(device.decrypt(message.body))  # no Accept for staff


def test_a_410_removes_the_subscription_and_the_supervisor_sees_it_failed(as_role, push_service):
    team = make_team("Abbey")
    kept, gone, none = (make_person("volunteer", home_team=team.id) for _ in range(3))
    for person in (kept, gone, none):
        make_profile(person, "full")
    add_device(kept, push_service.device("kept"))
    gone_sub = add_device(gone, push_service.device("gone"))
    push_service.status_for["gone"] = 410

    tasking_id = offer_to_area(as_role, team)
    totals = sync(drain(concurrency=2))

    assert totals == {"delivered": 1, "gone": 1}
    assert not sync(PushSubscription.exists().where(PushSubscription.id == gone_sub))
    assert [m.path for m in push_service.received] == ["/push/kept"]
    assert sync(delivery_by_person(tasking_id)) == {
        kept.id: "Delivered",
        gone.id: "Failed",
        none.id: "No device",
    }
    desk = as_role("supervisor").get(f"/tasks/manage/{tasking_id}")
    from tests.helpers import html

    rows = {
        int(tr["data-person"]): tr.select_one("[data-delivery]").get_text(strip=True)
        for tr in html(desk).select("tr[data-person]")
    }
    assert rows == {kept.id: "Delivered", gone.id: "Failed", none.id: "No device"}


def test_a_server_error_is_retried_later_not_lost(as_role, push_service):
    team = make_team("Abbey")
    volunteer = make_person("volunteer", home_team=team.id)
    make_profile(volunteer, "full")
    add_device(volunteer, push_service.device("flaky"))
    push_service.status_for["flaky"] = 503
    offer_to_area(as_role, team)
    assert sync(drain(concurrency=1)) == {"retry": 1}
    row = sync(PushMessage.select().first())
    assert row["status"] == "pending" and row["attempts"] == 1
    assert sync(drain(concurrency=1)) == {}  # not due yet: backing off
    push_service.status_for.pop("flaky")
    sync(
        PushMessage.update({PushMessage.next_attempt_at: row["created_at"]}).where(
            PushMessage.id == row["id"]
        )
    )
    assert sync(drain(concurrency=1)) == {"delivered": 1}
    assert len(push_service.received) == 1


def _start_sender(db, lease: int) -> subprocess.Popen:
    env = dict(os.environ)
    url = (
        env["BEATBOOK_DATABASE_URL"]
        if "postgres" in env["BEATBOOK_DATABASE_URL"]
        else (f"sqlite:///{db.path}")
    )
    env.update(BEATBOOK_DATABASE_URL=url, BEATBOOK_PUSH_LEASE_SECONDS=str(lease))
    return subprocess.Popen(
        [sys.executable, "-m", "app.taskings.sender", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_sender_killed_mid_queue_and_restarted_delivers_the_rest_once(as_role, push_service, db):
    team = make_team("Abbey")
    volunteers = [make_person("volunteer", home_team=team.id) for _ in range(12)]
    devices = {}
    for person in volunteers:
        make_profile(person, "full")
        devices[person.id] = push_service.device(f"p{person.id}")
        add_device(person, devices[person.id])
    offer_to_area(as_role, team)
    push_service.hold_after = 5  # the sixth message hangs: the sender is killed mid-send

    first = _start_sender(db, lease=2)
    try:
        _wait(lambda: push_service.held >= 1)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    assert len(push_service.received) == 5
    push_service.hold_after = None

    second = _start_sender(db, lease=2)
    try:
        _wait(lambda: len(push_service.received) >= 12)
        time.sleep(1.5)  # long enough for a duplicate to arrive, if there were one
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)

    ids = [
        json.loads(devices[int(m.path.rsplit("p", 1)[1])].decrypt(m.body))["m"]
        for m in push_service.received
    ]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert sorted(m.path for m in push_service.received) == sorted(
        f"/push/p{p.id}" for p in volunteers
    )
    statuses = sync(PushMessage.select(PushMessage.status))
    assert {s["status"] for s in statuses} == {"delivered"}


def test_two_senders_sharing_the_outbox_send_each_message_once(as_role, push_service, db):
    team = make_team("Abbey")
    volunteers = [make_person("volunteer", home_team=team.id) for _ in range(40)]
    for person in volunteers:
        make_profile(person, "full")
        add_device(person, push_service.device(f"p{person.id}"))
    offer_to_area(as_role, team)
    senders = [_start_sender(db, lease=30) for _ in range(2)]
    try:
        _wait(lambda: len(push_service.received) >= 40)
        time.sleep(1.5)  # long enough for a second copy to arrive, if there were one
    finally:
        for sender in senders:
            sender.send_signal(signal.SIGTERM)
            sender.wait(10)
    paths = [m.path for m in push_service.received]
    assert sorted(paths) == sorted(f"/push/p{p.id}" for p in volunteers)


def test_a_subscription_with_broken_keys_fails_once_and_does_not_block_the_rest(
    as_role, push_service
):
    team = make_team("Abbey")
    good, broken = (make_person("volunteer", home_team=team.id) for _ in range(2))
    for person in (good, broken):
        make_profile(person, "full")
    add_device(good, push_service.device("good"))
    sub = add_device(broken, push_service.device("broken"))
    sync(
        PushSubscription.update({PushSubscription.p256dh: "bm90LWEta2V5"}).where(
            PushSubscription.id == sub
        )
    )
    offer_to_area(as_role, team)
    assert sync(drain(concurrency=2)) == {"delivered": 1, "failed": 1}
    assert [m.path for m in push_service.received] == ["/push/good"]
    assert sync(drain(concurrency=2)) == {}
