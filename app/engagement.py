"""Engagement records: the kinds and topics, checking a submitted form, and the shift rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.tables.engagement import KeyIndividual
from app.templating import LOCAL_TIME
from app.web import FormErrors

KINDS = {
    "door-knock": "Door knock",
    "street": "Street engagement",
    "meeting": "Ward or community meeting",
    "event": "Event",
    "school": "School input",
    "surgery": "Surgery",
    "social-media": "Social media",
    "key-individual": "Key individual contact",
    "other": "Other",
}
TOPICS = {
    "asb": "ASB",
    "drugs": "Drugs",
    "speeding": "Speeding",
    "burglary": "Burglary",
    "vehicle-crime": "Vehicle crime",
    "youth-nuisance": "Youth nuisance",
    "parking": "Parking",
    "litter": "Litter",
    "other": "Other",
}
NOTE_MAX = 2000
FOLLOW_UP_MAX = 300
# The author may change or delete an entry for this long after making it (one shift).
SHIFT = timedelta(hours=12)
# A phone's clock may run a little ahead of the server's.
CLOCK_SLACK = timedelta(minutes=5)


def parse_local_time(text: str) -> datetime | None:
    """'2026-11-21T09:30' (as a phone's datetime-local gives it, UK time) or ISO with an offset."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TIME)
    return value.astimezone(UTC)


def topics_text(topics: list[str]) -> str:
    return "," + ",".join(topics) + "," if topics else ""


def topics_list(text: str) -> list[str]:
    return [t for t in (text or "").split(",") if t]


def _optional_int(data: dict, name: str, low: int, high: int, label: str, errors: FormErrors):
    text = str(data.get(name) or "").strip()
    if not text:
        return None
    try:
        value = float(text) if name in ("lat", "lng") else int(text)
    except ValueError:
        errors.add(name, f"Enter {label} as a number")
        return None
    if not low <= value <= high:
        errors.add(name, f"Enter {label} between {low} and {high}")
        return None
    return value


async def check_engagement(data: dict[str, Any], topics: list[str], errors: FormErrors) -> dict:
    """Validate an engagement form; returns the values to store (meaningless if errors)."""
    kind = str(data.get("kind") or "")
    if kind not in KINDS:
        errors.add("kind", "Choose the kind of engagement from the list")
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        errors.add("topics", "Choose topics from the list")
    when_text = str(data.get("occurred_at") or "").strip()
    occurred_at = parse_local_time(when_text) if when_text else datetime.now(UTC)
    if occurred_at is None:
        errors.add("occurred_at", "Enter the time as a date and time, like 21/11/2026 09:30")
    elif occurred_at > datetime.now(UTC) + CLOCK_SLACK:
        errors.add("occurred_at", "The time of the engagement cannot be in the future")
    lat = _optional_int(data, "lat", -90, 90, "the latitude", errors)
    lng = _optional_int(data, "lng", -180, 180, "the longitude", errors)
    if (lat is None) != (lng is None) and "lat" not in errors and "lng" not in errors:
        errors.add("lat", "Enter both latitude and longitude, or neither")
    accuracy = _optional_int(data, "accuracy_m", 0, 100000, "the accuracy in metres", errors)
    people = _optional_int(data, "people_count", 1, 10000, "the number of people", errors)
    note = str(data.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        errors.add("note", f"Enter a note of {NOTE_MAX} characters or fewer")
    follow_up = str(data.get("follow_up") or "").strip()
    if len(follow_up) > FOLLOW_UP_MAX:
        errors.add("follow_up", f"Enter a follow-up of {FOLLOW_UP_MAX} characters or fewer")
    due_text = str(data.get("follow_up_due") or "").strip()
    due = None
    if due_text:
        try:
            due = date.fromisoformat(due_text)
        except ValueError:
            errors.add("follow_up_due", "Enter the follow-up date as a date")
    key_individual = None
    key_text = str(data.get("key_individual") or "").strip()
    if key_text:
        found = key_text.isdigit() and await KeyIndividual.exists().where(
            (KeyIndividual.id == int(key_text)) & (KeyIndividual.active == True)  # noqa: E712
        )
        if not found:
            errors.add("key_individual", "Choose a key individual from the list")
        else:
            key_individual = int(key_text)
    return {
        "kind": kind,
        "topics": topics_text(topics),
        "occurred_at": occurred_at,
        "lat": lat,
        "lng": lng,
        "accuracy_m": int(accuracy) if accuracy is not None and lat is not None else None,
        "people_count": people,
        "note": note,
        "follow_up": follow_up,
        "follow_up_due": due,
        "key_individual": key_individual,
    }


def editable(entry: dict, person_id: int, now: datetime | None = None) -> bool:
    """The author may change an entry during the shift it was made in."""
    now = now or datetime.now(UTC)
    return entry["author"] == person_id and now - entry["created_at"] <= SHIFT


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# A follow-up promised without a date: the tasking's window runs a week from the promise.
UNDATED = timedelta(days=7)


async def followup_to_tasking(request, engagement_id: int) -> int | None:
    """A follow-up a PCSO, officer or supervisor promised while logging becomes a tasking
    assigned to them. A volunteer's stays a reminder on their log only: volunteers are asked
    by the team, not tasked, and an offer from themselves to themselves would mean nothing."""
    from app.database import atomic
    from app.roles import POLICE
    from app.tables.engagement import Engagement
    from app.taskings import service
    from app.taskings.followups import due_window, place_of

    if request.user.role not in POLICE:
        return None
    entry = await Engagement.select().where(Engagement.id == engagement_id).first()
    if entry is None or not entry["follow_up"] or entry["tasking_id"] is not None:
        return None
    if entry["follow_up_due"]:
        starts_at, ends_at = due_window(entry["follow_up_due"])
    else:
        starts_at = service.now()
        ends_at = due_window((starts_at + UNDATED).astimezone(LOCAL_TIME).date())[1]
    made = entry["occurred_at"].astimezone(LOCAL_TIME)
    values = {
        "kind": "other",
        "title": f"Follow-up: {entry['follow_up']}"[:120],
        "details": (
            f"{entry['follow_up']}\n\nPromised when logging ({KINDS[entry['kind']]}, "
            f"{made:%d %B %Y, %H:%M}); the reminder is on your log (/log)."
        ),
        **place_of({"lat": entry["lat"], "lng": entry["lng"]}),
        "team": entry["team"],
        "starts_at": starts_at,
        "ends_at": ends_at,
        "priority": "routine",
        "mode": "assign",
        "places_wanted": 1,
    }
    async with atomic():
        tasking_id = await service.create(request, values, [request.user.id])
        await Engagement.update({Engagement.tasking_id: tasking_id}).where(
            Engagement.id == engagement_id
        )
    return tasking_id
