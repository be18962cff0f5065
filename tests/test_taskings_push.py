"""Push delivery against a push service on 127.0.0.1 that decrypts each message (RFC 8291)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
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

    # The lease bounds each send to half of it (3 s here): long enough not to time out a send
    # the push service took on a loaded machine (which would then be sent again).
    first = _start_sender(db, lease=6)
    try:
        _wait(lambda: push_service.held >= 1)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    assert len(push_service.received) == 5
    push_service.hold_after = None

    second = _start_sender(db, lease=6)
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


class BackgroundSender:
    """The sender's own loop (app.taskings.sender.run), in a thread, as an app server runs it."""

    def __init__(self, **options) -> None:
        import asyncio
        import threading

        from app.taskings.sender import run

        self._ready = threading.Event()

        def serve() -> None:
            async def main() -> None:
                self._loop = asyncio.get_running_loop()
                self._stop = asyncio.Event()
                self._ready.set()
                await run(self._stop, **options)

            asyncio.run(main())

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        assert not self._thread.is_alive()


def _rows_of(person) -> list[dict]:
    return sync(
        PushMessage.select().where(PushMessage.person == person.id).order_by(PushMessage.id)
    )


def test_a_push_service_that_never_answers_delays_nobody_elses_notification(as_role, push_service):
    silent = PushService().start()  # another push service: takes the request, never answers
    silent.hang.add("stuck")
    team = make_team("Abbey")
    stuck, good = (make_person("volunteer", home_team=team.id) for _ in range(2))
    for person in (stuck, good):
        make_profile(person, "full")
    add_device(stuck, silent.device("stuck"))
    device = push_service.device("good")
    add_device(good, device)

    sender = BackgroundSender(concurrency=4, lease=60, send_timeout=5)
    try:
        first = offer_to_area(as_role, team, title="First")
        # The good device's message is delivered, decrypted and recorded while the silent
        # service still holds the other one open.
        _wait(lambda: _rows_of(good)[0]["status"] == "delivered" and silent.hanging == 1)
        assert silent.abandoned == 0 and _rows_of(stuck)[0]["status"] == "sending"
        [message] = push_service.received
        assert json.loads(device.decrypt(message.body))["tasking"] == first

        # A tasking offered now is not queued behind the hanging send either.
        second = offer_to_area(as_role, team, title="Second")
        _wait(lambda: len(_rows_of(good)) == 2 and _rows_of(good)[1]["status"] == "delivered")
        assert silent.abandoned == 0 and silent.hanging >= 1
        assert json.loads(device.decrypt(push_service.received[1].body))["tasking"] == second

        # Then the hanging sends time out: the sender closes them, and the messages wait for
        # their retry (the queue's first backoff), not lost and not counted delivered.
        _wait(lambda: {r["status"] for r in _rows_of(stuck)} == {"pending"})
        _wait(lambda: silent.abandoned == 2)  # the service sees the sender let go
        assert silent.hanging == 0
        for row in _rows_of(stuck):
            assert row["attempts"] == 1 and row["last_error"] == "no answer within 5 s"
            assert row["next_attempt_at"] > row["created_at"] + timedelta(seconds=4)

        # The push service answers again: the retry delivers both, once each.
        silent.hang.clear()
        sync(
            PushMessage.update({PushMessage.next_attempt_at: datetime.now(UTC)}).where(
                PushMessage.person == stuck.id
            )
        )
        _wait(lambda: {r["status"] for r in _rows_of(stuck)} == {"delivered"})
    finally:
        sender.stop()
        silent.stop()
    assert len(silent.received) == 2 and len(push_service.received) == 2
    assert {r["attempts"] for r in _rows_of(stuck)} == {2}


def test_one_push_service_cannot_take_every_sending_slot(as_role, push_service):
    silent = PushService().start()
    team = make_team("Abbey")
    stuck = [make_person("volunteer", home_team=team.id) for _ in range(3)]
    good = make_person("volunteer", home_team=team.id)
    for person in [*stuck, good]:
        make_profile(person, "full")
    for n, person in enumerate(stuck):
        silent.hang.add(f"stuck{n}")
        add_device(person, silent.device(f"stuck{n}"))
    device = push_service.device("good")
    add_device(good, device)
    offer_to_area(as_role, team, places_wanted="4")

    # Two slots; three messages for a push service that never answers come first in the queue.
    sender = BackgroundSender(concurrency=2, lease=60, send_timeout=3)
    try:
        _wait(lambda: _rows_of(good)[0]["status"] == "delivered" and silent.hanging == 1)
        assert silent.abandoned == 0
        # all three are claimed, but only one is being sent: that service has one slot of two
        assert [_rows_of(p)[0]["status"] for p in stuck] == ["sending"] * 3
        # Each gets its turn when the one before it times out.
        _wait(lambda: all(_rows_of(p)[0]["last_error"] for p in stuck))
        _wait(lambda: silent.abandoned >= 3)
    finally:
        sender.stop()
        silent.stop()
    assert silent.most_hanging == 1
    assert [json.loads(device.decrypt(m.body))["kind"] for m in push_service.received] == ["offer"]
    for person in stuck:
        [row] = _rows_of(person)
        assert row["status"] == "pending" and row["last_error"] == "no answer within 3 s"


def _one_volunteer_with(as_role, endpoint: str, push_service) -> tuple[object, int]:
    """A volunteer whose one device has this endpoint (stored as it was, as if it had been
    accepted before), and an offer queued for it."""
    team = make_team("Abbey")
    volunteer = make_person("volunteer", home_team=team.id)
    make_profile(volunteer, "full")
    device = push_service.device("x")
    device.endpoint = endpoint
    sub = add_device(volunteer, device)
    offer_to_area(as_role, team)
    return volunteer, sub


@pytest.mark.parametrize(
    "endpoint, reason",
    [
        # a host name: resolved when sending (to 127.0.0.1, or ::1)
        ("https://localhost:{port}/push/x", "host localhost resolves to ... a loopback address"),
        ("http://localhost:{port}/push/x", "must use https"),
        ("http://127.0.0.1:{port}/push/x", "must use https"),
        ("https://127.0.0.1:{port}/push/x", "127.0.0.1 is a loopback address"),
        ("https://[::ffff:127.0.0.1]:{port}/push/x", "(IPv4 127.0.0.1) is a loopback address"),
        ("https://10.0.0.5/push/x", "10.0.0.5 is a private address"),
        ("https://169.254.169.254/push/x", "169.254.169.254 is a link-local address"),
    ],
)
def test_a_send_to_loopback_is_refused_and_the_device_dropped_when_the_setting_is_off(
    as_role, push_service, loopback_allowed, endpoint, reason
):
    loopback_allowed(False)
    volunteer, sub = _one_volunteer_with(
        as_role, endpoint.format(port=push_service.port), push_service
    )
    assert sync(drain(concurrency=2)) == {"refused": 1}
    [row] = _rows_of(volunteer)
    assert row["status"] == "failed"
    assert all(part in row["last_error"] for part in reason.split(" ... ")), row["last_error"]
    assert not sync(PushSubscription.exists().where(PushSubscription.id == sub))
    assert push_service.received == []
    assert sync(delivery_by_person(row["tasking"])) == {volunteer.id: "Failed"}


def test_a_host_name_for_loopback_is_sent_to_when_the_setting_is_on(
    as_role, push_service, loopback_allowed
):
    loopback_allowed(True)
    team = make_team("Abbey")
    volunteer = make_person("volunteer", home_team=team.id)
    make_profile(volunteer, "full")
    device = push_service.device("named", host="localhost")
    add_device(volunteer, device)
    tasking_id = offer_to_area(as_role, team)
    assert sync(drain(concurrency=2)) == {"delivered": 1}
    assert json.loads(device.decrypt(push_service.received[0].body))["tasking"] == tasking_id


class ResolvesTo:
    """Stands in for the system's resolver: answers every host name with these addresses."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses
        self.asked: list[str] = []

    def __call__(self):
        return self

    async def resolve(self, host, port=0, family=0):
        import socket

        self.asked.append(host)
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
            for address in self.addresses
        ]

    async def close(self):
        pass


@pytest.mark.parametrize(
    "addresses, reason",
    [
        (("10.1.2.3",), "10.1.2.3, a private address"),
        (("93.184.216.34", "192.168.7.7"), "192.168.7.7, a private address"),  # any of them
        (("fd00::7",), "fd00::7, a private address"),
        (("169.254.169.254",), "169.254.169.254, a link-local address"),
        (("fe80::1",), "fe80::1, a link-local address"),
        (("::ffff:10.0.0.1",), "::ffff:a00:1 (IPv4 10.0.0.1), a private address"),
        (("239.1.1.1",), "239.1.1.1, a multicast address"),
        (("0.0.0.0",), "0.0.0.0, an unspecified address"),  # noqa: S104 - never bound
        (("240.0.0.9",), "240.0.0.9, a reserved address"),
    ],
)
def test_a_host_name_resolving_to_an_internal_address_is_refused_when_sending(
    as_role, push_service, loopback_allowed, monkeypatch, addresses, reason
):
    from app.taskings import push_endpoints

    loopback_allowed(True)  # loopback is let through for tests; nothing else is
    resolver = ResolvesTo(*addresses)
    monkeypatch.setattr(push_endpoints, "DefaultResolver", resolver)
    endpoint = "https://push.example.net/push/x"
    volunteer, sub = _one_volunteer_with(as_role, endpoint, push_service)
    assert sync(drain(concurrency=2)) == {"refused": 1}
    assert resolver.asked == ["push.example.net"]
    [row] = _rows_of(volunteer)
    assert row["status"] == "failed"
    assert row["last_error"] == (
        f"The push endpoint's host push.example.net resolves to {reason}: "
        f"{push_endpoints.PUBLIC_ONLY}."
    )
    assert not sync(PushSubscription.exists().where(PushSubscription.id == sub))


def test_a_redirect_from_a_push_service_is_not_followed(as_role, push_service):
    team = make_team("Abbey")
    volunteer = make_person("volunteer", home_team=team.id)
    make_profile(volunteer, "full")
    add_device(volunteer, push_service.device("moved"))
    push_service.status_for["moved"] = 307
    push_service.location_for["moved"] = f"http://127.0.0.1:{push_service.port}/push/inside"
    offer_to_area(as_role, team)
    assert sync(drain(concurrency=1)) == {"failed": 1}
    assert push_service.received == []  # /push/inside was never posted to
    assert _rows_of(volunteer)[0]["last_error"] == "307"


def test_claims_take_no_more_of_one_push_service_than_its_share(as_role, push_service):
    from app.taskings.sender import claim, origin

    other = PushService().start()
    try:
        team = make_team("Abbey")
        people = [make_person("volunteer", home_team=team.id) for _ in range(8)]
        for n, person in enumerate(people):
            make_profile(person, "full")
            add_device(person, (push_service if n < 5 else other).device(f"p{n}"))
        offer_to_area(as_role, team, places_wanted="8")
        first, second = (
            origin(push_service.device("x").endpoint),
            origin(other.device("x").endpoint),
        )

        def services(rows):
            ids = [r["subscription"] for r in rows]
            subs = sync(
                PushSubscription.select(PushSubscription.endpoint).where(
                    PushSubscription.id.is_in(ids)
                )
            )
            return sorted(origin(s["endpoint"]) for s in subs)

        # This server already holds 3 of the first service's rows, more than half its share
        # of 4: none of that service's is taken, all of the other's are.
        assert services(sync(claim(8, 60, {first: 3}, 4))) == [second] * 3
        # Holding 2 (half), it takes up to its share of 4: 2 more.
        assert services(sync(claim(8, 60, {first: 2}, 4))) == [first] * 2
        assert sorted(r["attempts"] for r in sync(PushMessage.select())) == [0, 0, 0] + [1] * 5
    finally:
        other.stop()
