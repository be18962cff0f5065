"""The push queue: notifications to phones, written in the same transaction as the tasking change
they tell of (app/taskings/sender.py sends them). Not the phone's outbox: app/phone_outbox.py."""

from __future__ import annotations

import hashlib
import hmac

from app.settings import get_settings
from app.tables.taskings import PushMessage, PushStatus, PushSubscription
from app.taskings.kinds import PRIORITIES

TITLES = {
    "offer": "New offer in {area}",
    "assigned": "New tasking in {area}",
    "changed": "Tasking changed in {area}",
    "cancelled": "Tasking cancelled in {area}",
    "alert": "Urgent tasking not acknowledged in {area}",
}


async def enqueue(tasking: dict, person_ids: list[int], kind: str) -> int:
    """Queue one message per device of each person (a 'no device' row if they have none)."""
    if not person_ids:
        return 0
    priority = PRIORITIES[tasking["priority"]]
    urgency = "high" if kind == "alert" else priority.urgency
    title = TITLES[kind].format(area=tasking.get("area") or "your area")
    subs = await PushSubscription.select(PushSubscription.id, PushSubscription.person).where(
        PushSubscription.person.is_in(person_ids)
    )
    devices: dict[int, list[int]] = {}
    for sub in subs:
        devices.setdefault(sub["person"], []).append(sub["id"])
    rows = []
    for person in dict.fromkeys(person_ids):
        for sub in devices.get(person, [None]):
            rows.append(
                PushMessage(
                    tasking=tasking["id"],
                    person=person,
                    subscription=sub,
                    kind=kind,
                    title=title,
                    ttl=priority.ttl,
                    urgency=urgency,
                    status=PushStatus.PENDING if sub else PushStatus.NO_DEVICE,
                )
            )
    await PushMessage.insert(*rows)
    return len(rows)


def action_token(message_id: int, secret: str | None = None) -> str:
    """The single-use token a notification's Accept/Decline carries (an HMAC of its id)."""
    key = (secret or get_settings().secret_key).encode()
    return hmac.new(key, f"push-action:{message_id}".encode(), hashlib.sha256).hexdigest()[:32]


def token_matches(message_id: int, token: str) -> bool:
    return hmac.compare_digest(action_token(message_id), token or "")


async def delivery_by_person(tasking_id: int) -> dict[int, str]:
    """Per person, how their notifications for a tasking went: delivered / sending / failed / ..."""
    rows = await PushMessage.select(PushMessage.person, PushMessage.status).where(
        PushMessage.tasking == tasking_id
    )
    seen: dict[int, set[str]] = {}
    for row in rows:
        seen.setdefault(row["person"], set()).add(row["status"])
    result = {}
    for person, statuses in seen.items():
        if PushStatus.DELIVERED in statuses:
            result[person] = "Delivered"
        elif statuses & {PushStatus.PENDING, PushStatus.SENDING}:
            result[person] = "Sending"
        elif statuses == {PushStatus.NO_DEVICE}:
            result[person] = "No device"
        else:
            result[person] = "Failed"
    return result
