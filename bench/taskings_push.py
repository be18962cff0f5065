"""Bench: one tasking offered to 1,000 volunteers with one device each, delivered to a push
service on 127.0.0.1. Prints how long the offer (with its push queue) and the delivery took.

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


async def main(count: int, concurrency: int) -> int:
    from app.actor import actor_for
    from app.database import migrate
    from app.taskings import service as taskings
    from app.taskings.sender import drain
    from app.taskings.vapid import vapid_key
    from tests.push_service import PushService

    await migrate()
    push = PushService().start()
    team, supervisor, devices = await build(count, push)
    await vapid_key()  # made once per deployment, not per send

    start = datetime.now(UTC) + timedelta(hours=1)
    values = {
        "kind": "leaflet_drop",
        "title": "Bench leaflets",
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
    actor = actor_for(supervisor)
    t0 = time.perf_counter()
    tasking_id = await taskings.create(actor, values, [])
    t1 = time.perf_counter()
    totals = await drain(concurrency=concurrency)
    t2 = time.perf_counter()
    push.stop()

    received = Counter(m.path for m in push.received)
    ok = 0
    for message in push.received:
        body = json.loads(devices[message.path.rsplit("/", 1)[1]].decrypt(message.body))
        ok += body["tasking"] == tasking_id and body["title"] == "New offer in Abbey"
    print(
        f"database: {os.environ['BEATBOOK_DATABASE_URL'].split(':')[0]}, "
        f"volunteers: {count}, concurrency: {concurrency}"
    )
    print(f"offer + 1 transaction (parts, history, push queue): {t1 - t0:6.2f} s")
    print(
        f"delivery of the push queue to the push service:{t2 - t1:6.2f} s "
        f"({len(push.received) / (t2 - t1):.0f} messages/s)"
    )
    print(f"offer to last message delivered:                 {t2 - t0:6.2f} s")
    print(
        f"sender outcomes: {totals}; messages received: {len(push.received)}, "
        f"devices reached: {len(received)}, most to one device: {max(received.values())}, "
        f"decrypted and checked: {ok}"
    )
    within = len(push.received) == count and max(received.values()) == 1 and t2 - t0 <= 5
    print("target (all delivered once within 5 s):", "met" if within else "NOT met")
    return 0 if within else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.volunteers, args.concurrency)))
