"""Bench: one tasking offered to 1,000 volunteers with one device each, delivered to a push
service on 127.0.0.1 and decrypted there. Prints the offer's time, the delivery rate as a ratio
to bare POSTs of the same number of bodies to the same push service at the same concurrency (no
database, no encryption: measured in the same run), and, for a second offer with one device in
ten on a push service that never answers, how long the other devices waited as a ratio to the
first offer's delivery.

    .venv/bin/python bench/taskings_push.py [--volunteers 1000] [--concurrency 64]
    BEATBOOK_DATABASE_URL=postgresql://... .venv/bin/python bench/taskings_push.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = tempfile.mkdtemp(prefix="beatbook-bench-")
os.environ.setdefault("BEATBOOK_VAR_DIR", VAR)
os.environ.setdefault("BEATBOOK_DATABASE_URL", f"sqlite:///{VAR}/bench.sqlite3")
os.environ.setdefault("BEATBOOK_SECRET_KEY", "bench-only-secret")
os.environ["BEATBOOK_PUSH_ALLOW_LOOPBACK"] = "on"  # the bench's push services are on 127.0.0.1


async def build(count: int, service) -> tuple[object, object, dict]:
    """A team, a supervisor, and `count` fully vetted volunteers with one device each."""
    from app.auth.sessions import start_session
    from app.tables.people import Person
    from app.tables.places import Division, Force, Section, TeamArea
    from app.tables.sessions import UserSession
    from app.tables.taskings import PushSubscription, VolunteerProfile
    from app.taskings.kinds import TRAINING

    force = Force(name="Bench force")
    await force.save()
    division = Division(force=force.id, name="Bench division")
    await division.save()
    section = Section(division=division.id, name="Bench section")
    await section.save()
    team = TeamArea(section=section.id, name="Abbey", centre_lat=52.9163, centre_lng=-1.486)
    await team.save()
    supervisor = Person(
        username="sup",
        display_name="Bench supervisor",
        role="supervisor",
        home_team=team.id,
        password_hash="!bench-cannot-sign-in",  # noqa: S106 - not a hash: no sign-in
    )
    await supervisor.save()
    people = [
        Person(
            username=f"v{i}",
            display_name=f"Volunteer {i}",
            role="volunteer",
            home_team=team.id,
            password_hash="!bench-cannot-sign-in",  # noqa: S106 - not a hash: no sign-in
        )
        for i in range(count)
    ]
    await Person.insert(*people)
    ids = [r["id"] for r in await Person.select(Person.id).where(Person.role == "volunteer")]
    await VolunteerProfile.insert(
        *[VolunteerProfile(person=i, vetting="full", **dict.fromkeys(TRAINING, True)) for i in ids]
    )
    devices = {}
    for person_id in ids:
        await start_session(person_id, "bench")
    sessions = {
        r["person"]: r["id"] for r in await UserSession.select(UserSession.id, UserSession.person)
    }
    subs = []
    for person_id in ids:
        device = service.device(f"p{person_id}")
        devices[device.endpoint.rsplit("/", 1)[1]] = device
        subs.append(
            PushSubscription(
                person=person_id,
                session=sessions[person_id],
                endpoint=device.endpoint,
                p256dh=device.p256dh,
                auth=device.auth_b64,
            )
        )
    await PushSubscription.insert(*subs)
    return team, supervisor, devices


async def bare_posts(service, count: int, concurrency: int) -> float:
    """The reference: `count` POSTs of a message-sized body to the push service, `concurrency`
    at a time, with the sender's HTTP client and nothing else. Returns the seconds taken."""
    import aiohttp

    body = os.urandom(180)
    headers = {"TTL": "60", "Content-Encoding": "aes128gcm"}
    gate = asyncio.Semaphore(concurrency)
    before = len(service.received)

    async def one(http: aiohttp.ClientSession, n: int) -> None:
        async with (
            gate,
            http.post(f"{service.device(f'ref{n}').endpoint}", data=body, headers=headers) as r,
        ):
            assert r.status == 201

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(one(http, n) for n in range(count)))
        seconds = time.perf_counter() - t0
    del service.received[before:]
    return seconds


async def offer(actor, team, title: str) -> int:
    from app.taskings import service as taskings

    start = datetime.now(UTC) + timedelta(hours=1)
    values = {
        "kind": "leaflet_drop",
        "title": title,
        "details": "",
        "place_kind": "area",
        "lat": None,
        "lng": None,
        "address": "",
        "team": team.id,
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "priority": "routine",
        "mode": "offer",
        "places_wanted": 10,
    }
    return await taskings.create(actor, values, [])


async def until(condition, every: float = 0.005) -> float:
    """Wait until condition() holds; returns the perf_counter time it was first seen to."""
    while not condition():  # noqa: ASYNC110 - the push service counts in another thread
        await asyncio.sleep(every)
    return time.perf_counter()


async def main(count: int, concurrency: int) -> int:
    from app.actor import actor_for
    from app.database import migrate
    from app.tables.taskings import PushSubscription
    from app.taskings.sender import drain
    from app.taskings.vapid import vapid_key
    from tests.push_service import PushService

    await migrate()
    push = PushService().start()
    silent = PushService().start()  # a push service that takes each message and never answers
    team, supervisor, devices = await build(count, push)
    await vapid_key()  # made once per deployment, not per send
    actor = actor_for(supervisor)
    reference = await bare_posts(push, count, concurrency)

    t0 = time.perf_counter()
    tasking_id = await offer(actor, team, "Bench leaflets")
    t1 = time.perf_counter()
    totals = await drain(concurrency=concurrency)
    t2 = time.perf_counter()
    reference = min(reference, await bare_posts(push, count, concurrency))

    received = Counter(m.path for m in push.received)
    ok = 0
    for message in push.received:
        body = json.loads(devices[message.path.rsplit("/", 1)[1]].decrypt(message.body))
        ok += body["tasking"] == tasking_id and body["title"] == "New offer in Abbey"

    # The same offer again, with one device in ten now on a push service that never answers.
    subs = await PushSubscription.select(PushSubscription.id).order_by(PushSubscription.id)
    stuck = [s["id"] for s in subs[::10]]
    for n, sub_id in enumerate(stuck):
        silent.hang.add(f"s{n}")
        await PushSubscription.update(
            {PushSubscription.endpoint: silent.device(f"s{n}").endpoint}
        ).where(PushSubscription.id == sub_id)
    others = count - len(stuck)
    already = len(push.received)
    t3 = time.perf_counter()
    await offer(actor, team, "Bench leaflets again")
    sending = asyncio.create_task(drain(concurrency=concurrency))
    t4 = await until(lambda: len(push.received) - already >= others or sending.done())
    hanging_then = silent.hanging
    stuck_totals = await sending
    push.stop()
    silent.stop()

    print(
        f"database: {os.environ['BEATBOOK_DATABASE_URL'].split(':')[0]}, "
        f"volunteers: {count}, concurrency: {concurrency}"
    )
    print(f"offer + 1 transaction (parts, history, push queue): {t1 - t0:6.2f} s")
    print(
        f"delivery of the push queue to the push service:{t2 - t1:6.2f} s "
        f"({count / (t2 - t1):.0f} messages/s)"
    )
    print(
        f"bare POSTs of {count} bodies, same service and concurrency: {reference:6.2f} s "
        f"({count / reference:.0f}/s)"
    )
    print(f"delivery rate as a ratio to bare POSTs: {reference / (t2 - t1):.2f}")
    print(f"offer to last message delivered:                 {t2 - t0:6.2f} s")
    print(
        f"sender outcomes: {totals}; messages received: {already}, "
        f"devices reached: {len(received)}, most to one device: {max(received.values())}, "
        f"decrypted and checked: {ok}"
    )
    print(
        f"with {len(stuck)} devices on a push service that never answers: the other {others} "
        f"reached in {t4 - t3:.2f} s while {hanging_then} sends still hung; "
        f"ratio to the first offer's offer-to-last-delivered: {(t4 - t3) / (t2 - t0):.2f}"
    )
    print(f"sender outcomes then (after the hanging sends timed out): {stuck_totals}")
    within = len(received) == count and max(received.values()) == 1 and t2 - t0 <= 5
    unhindered = len(push.received) - already == others and hanging_then > 0
    print("target (all delivered once within 5 s):", "met" if within else "NOT met")
    print(
        "target (a hanging push service delays no other device):",
        "met" if unhindered else "NOT met",
    )
    return 0 if within and unhindered else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.volunteers, args.concurrency)))
