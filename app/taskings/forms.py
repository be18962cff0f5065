"""Checking the supervisor's tasking form: clean values, or a message beside each bad field."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.roles import Role
from app.tables.people import Person
from app.tables.places import TeamArea
from app.taskings.geocoding import look_up
from app.taskings.kinds import KINDS, PRIORITIES
from app.web import FormErrors

LOCAL = ZoneInfo("Europe/London")
PLACE_KINDS = {
    "area": "The whole team area",
    "point": "A point (latitude and longitude)",
    "address": "An address",
}
STAFF = (Role.PCSO, Role.OFFICER, Role.SUPERVISOR)


def _when(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=LOCAL)
    except ValueError:
        return None


def _float(text: str, low: float, high: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


async def check_tasking(data: dict, errors: FormErrors, creating: bool) -> tuple[dict, list[int]]:
    """Validate a tasking form; returns (column values, staff ids to assign)."""
    text = {k: str(v).strip() for k, v in data.items() if not isinstance(v, list)}
    values: dict = {"kind": text.get("kind", ""), "title": text.get("title", "")}
    if values["kind"] not in KINDS:
        errors.add("kind", "Choose the kind of tasking")
    if not values["title"]:
        errors.add("title", "Enter a title")
    elif len(values["title"]) > 120:
        errors.add("title", "Enter a title of 120 characters or fewer")
    values["details"] = text.get("details", "")[:4000]
    team = text.get("team", "")
    values["team"] = int(team) if team.isdigit() else None
    if values["team"] is None or not await TeamArea.exists().where(TeamArea.id == values["team"]):
        errors.add("team", "Choose the team area the tasking is in")
    await _check_place(text, values, errors)
    starts, ends = _when(text.get("starts_at", "")), _when(text.get("ends_at", ""))
    if starts is None:
        errors.add("starts_at", "Enter when it starts, for example 21/11/2026 14:00")
    if ends is None:
        errors.add("ends_at", "Enter when it ends")
    elif starts and ends <= starts:
        errors.add("ends_at", "The end must be after the start")
    values.update(starts_at=starts, ends_at=ends, priority=text.get("priority", ""))
    if values["priority"] not in PRIORITIES:
        errors.add("priority", "Choose a priority")
    staff: list[int] = []
    if creating:
        values["mode"] = text.get("mode", "")
        if values["mode"] not in ("assign", "offer"):
            errors.add("mode", "Choose whether to assign it to staff or offer it to volunteers")
        raw = data.get("staff", [])
        raw = raw if isinstance(raw, list) else [raw]
        staff = [int(s) for s in raw if str(s).isdigit()]
        if values["mode"] == "assign":
            found = await Person.select(Person.id).where(
                Person.id.is_in(staff or [0])
                & Person.role.is_in(list(STAFF))
                & Person.active.eq(True)
            )
            if not staff or len(found) != len(set(staff)):
                errors.add("staff", "Choose at least one member of staff to assign it to")
    places = text.get("places_wanted", "1")
    values["places_wanted"] = int(places) if places.isdigit() else 0
    if not 1 <= values["places_wanted"] <= 50:
        errors.add("places_wanted", "Enter how many volunteers are wanted, from 1 to 50")
    return values, staff


async def _check_place(text: dict, values: dict, errors: FormErrors) -> None:
    kind = text.get("place_kind", "")
    values.update(place_kind=kind, lat=None, lng=None, address="")
    if kind == "point":
        values["lat"] = _float(text.get("lat", ""), -90, 90)
        values["lng"] = _float(text.get("lng", ""), -180, 180)
        if values["lat"] is None:
            errors.add("lat", "Enter a latitude between -90 and 90, for example 52.9163")
        if values["lng"] is None:
            errors.add("lng", "Enter a longitude between -180 and 180, for example -1.4860")
    elif kind == "address":
        address = text.get("address", "")
        found = await look_up(address) if address else None
        if not address:
            errors.add("address", "Enter the address")
        elif found is None:
            errors.add("address", "That address was not found: check it, or enter a point")
        else:
            values.update(address=found.address[:200], lat=found.latitude, lng=found.longitude)
    elif kind != "area":
        errors.add("place_kind", "Choose where the tasking is")


def form_values(row: dict) -> dict:
    """A stored tasking as the form shows it."""
    values = dict(row)
    for key in ("starts_at", "ends_at"):
        if row.get(key):
            values[key] = row[key].astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M")
    return values
