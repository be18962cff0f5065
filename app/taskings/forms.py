"""The taskings' forms, declared once: the supervisor's tasking, a volunteer's profile, and the
JSON a phone posts (a push subscription, a notification's button)."""

from __future__ import annotations

import re
from typing import Any

from app.clock import LOCAL_TIME
from app.clock import today as clock_today
from app.forms import (
    Checkbox,
    Choice,
    Date,
    Form,
    Integer,
    LocalDateTime,
    Number,
    Text,
    whole_number,
)
from app.roles import Role
from app.tables.taskings import State
from app.taskings.kinds import KINDS, PRIORITIES, TRAINING, VETTING

PLACE_KINDS = {
    "area": "The whole team area",
    "point": "A point (latitude and longitude)",
    "address": "An address",
}
MODES = ("assign", "offer")
STAFF = (Role.PCSO, Role.OFFICER, Role.SUPERVISOR)
EXPIRY_MESSAGE = "Enter the last day it holds as a real date, for example 2027-03-31"


class _Ids(Integer):
    """Any number of record ids (checkboxes); values that are not ids are left out."""

    many = True

    def clean(self, data):
        texts = [t.strip() for t in self.raw(data)]
        ids = (whole_number(t) for t in texts)
        return list(dict.fromkeys(i for i in ids if i is not None))


class TaskingChangeForm(Form):
    """A tasking as the supervisor changes it (the place's point is set from its address by
    the use case, which also checks the area exists)."""

    kind = Choice(KINDS, "Choose the kind of tasking", required=True)
    title = Text(
        "Enter a title",
        required=True,
        max_length=120,
        too_long="Enter a title of 120 characters or fewer",
    )
    details = Text(max_length=100_000)
    team = Integer("Choose the team area the tasking is in", required=True, minimum=1)
    place_kind = Choice(PLACE_KINDS, "Choose where the tasking is", required=True)
    lat = Number(
        "Enter a latitude between -90 and 90, for example 52.9163", minimum=-90, maximum=90
    )
    lng = Number(
        "Enter a longitude between -180 and 180, for example -1.4860", minimum=-180, maximum=180
    )
    address = Text(max_length=1000)
    starts_at = LocalDateTime("Enter when it starts, for example 21/11/2026 14:00", required=True)
    ends_at = LocalDateTime("Enter when it ends", required=True)
    priority = Choice(PRIORITIES, "Choose a priority", required=True)
    places_wanted = Integer(
        "Enter how many volunteers are wanted, from 1 to 50", required=True, minimum=1, maximum=50
    )

    def check(self, values: dict[str, Any], errors) -> None:
        values["details"] = (values["details"] or "")[:4000]
        kind = values["place_kind"]
        if kind != "point":  # a point only matters when the tasking is at one
            errors.pop("lat", None)
            errors.pop("lng", None)
            values.update(lat=None, lng=None)
        else:
            if values["lat"] is None:
                errors.add("lat", self.fields["lat"].message)
            if values["lng"] is None:
                errors.add("lng", self.fields["lng"].message)
        if kind == "address":
            if not values["address"]:
                errors.add("address", "Enter the address")
        else:
            values["address"] = ""
        starts, ends = values["starts_at"], values["ends_at"]
        if starts and ends and ends <= starts:
            errors.add("ends_at", "The end must be after the start")


class TaskingForm(TaskingChangeForm):
    """A new tasking: also whether it is assigned to staff (and to whom) or offered."""

    mode = Choice(
        MODES, "Choose whether to assign it to staff or offer it to volunteers", required=True
    )
    staff = _Ids()


class AnswerForm(Form):
    """A person's answer to their part: the state it moves to, and a note (the outcome, or why
    not; the use case says when one is needed and keeps 500 characters)."""

    state = Text(max_length=40)
    note = Text(max_length=100_000)


class CancelForm(Form):
    """Why the supervisor cancels (kept in the tasking's history, 500 characters)."""

    reason = Text(max_length=100_000)


def form_values(row: dict) -> dict:
    """A stored tasking as the form shows it."""
    values = dict(row)
    for key in ("starts_at", "ends_at"):
        if row.get(key):
            values[key] = row[key].astimezone(LOCAL_TIME).strftime("%Y-%m-%dT%H:%M")
    return values


class VolunteerProfileForm(Form):
    """A volunteer's vetting (the day each level was passed and the last day it holds) and
    training (each with the last day it holds): every level or training held needs its last
    day, after the day it was passed; a past one may be kept, and then counts as absent."""

    vetting = Choice(VETTING, "Choose the vetting level", required=True)
    initial_vetting_on = Date("Enter a real date that is not in the future")
    initial_vetting_expires_on = Date(EXPIRY_MESSAGE)
    full_vetting_on = Date("Enter a real date that is not in the future")
    full_vetting_expires_on = Date(EXPIRY_MESSAGE)
    conflict_resolution = Checkbox()
    conflict_resolution_expires_on = Date(EXPIRY_MESSAGE)
    crime_prevention_advice = Checkbox()
    crime_prevention_advice_expires_on = Date(EXPIRY_MESSAGE)
    risk_management = Checkbox()
    risk_management_expires_on = Date(EXPIRY_MESSAGE)
    human_rights = Checkbox()
    human_rights_expires_on = Date(EXPIRY_MESSAGE)

    def check(self, values: dict[str, Any], errors) -> None:
        today = clock_today()
        for name in ("initial_vetting_on", "full_vetting_on"):
            if values[name] is not None and values[name] > today:
                errors.add(name, "Enter a real date that is not in the future")
        level = values["vetting"]
        for key, held in (("initial", level in ("initial", "full")), ("full", level == "full")):
            passed, last = f"{key}_vetting_on", f"{key}_vetting_expires_on"
            what = f"{key} vetting"
            if not held:  # a level not passed keeps no dates
                values[passed] = values[last] = None
                errors.pop(passed, None)
                errors.pop(last, None)
                continue
            if not values[passed] and passed not in errors:
                errors.add(passed, f"Enter the date {what} was passed")
            if not values[last] and last not in errors:
                errors.add(last, f"Enter the last day {what} holds")
            elif values[passed] and values[last] and values[last] <= values[passed]:
                errors.add(last, f"The last day {what} holds must be after the day it was passed")
        for key, label in TRAINING.items():
            last = f"{key}_expires_on"
            if not values[key]:
                if values[last] is not None or last in errors:
                    errors.pop(last, None)
                    errors.add(
                        last, f"Tick {label.lower()} as completed, or leave its last day empty"
                    )
                continue
            if not values[last] and last not in errors:
                errors.add(last, f"Enter the last day {label.lower()} training holds")


_B64URL = re.compile(r"[A-Za-z0-9_-]+=*\Z")  # a browser's subscription keys


def _text(value: object, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def subscription(data: object) -> tuple[str, str, str] | None:
    """A browser's push subscription (JSON): (endpoint, p256dh, auth), or None if it is not one.

    Where the endpoint may point (https, public addresses) is the use case's check:
    app/taskings/push_endpoints.py."""
    try:
        endpoint = _text(data.get("endpoint"), 1000)
        keys = data.get("keys") or {}
        p256dh, auth = _text(keys.get("p256dh"), 200), _text(keys.get("auth"), 60)
    except (ValueError, AttributeError):
        return None
    if not endpoint or not _B64URL.match(p256dh) or not _B64URL.match(auth):
        return None
    return endpoint, p256dh, auth


NOTIFICATION_ACTIONS = {"accept": State.ACCEPTED, "decline": State.DECLINED}


def notification_action(data: object) -> tuple[int, str, State] | None:
    """Accept or Decline pressed on a notification (JSON): (message id, token, answer)."""
    try:
        message_id, token = whole_number(data.get("m")), _text(data.get("token"), 64)
        if message_id is None:
            return None
        target = NOTIFICATION_ACTIONS[data.get("action")]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return message_id, token, target
