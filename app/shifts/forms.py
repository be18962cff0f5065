"""The shift forms: start a shift (now or later today), and the weekly pattern."""

from __future__ import annotations

import re

from app.forms import Checkbox, Choices, Form, FormErrors, Integer, Text

WEEKDAYS = {
    "0": "Monday",
    "1": "Tuesday",
    "2": "Wednesday",
    "3": "Thursday",
    "4": "Friday",
    "5": "Saturday",
    "6": "Sunday",
}
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
MAX_HOURS = 14


def _time_ok(values: dict, errors: FormErrors, name: str, required: bool, field: str = "") -> None:
    text = values.get(name) or ""
    name = field or name
    if not text:
        if required:
            errors.add(name, "Enter the time the shift starts, like 07:00")
        return
    if not _HHMM.match(text):
        errors.add(name, "Enter a time of day in 24 hours, like 07:00")


class StartShift(Form):
    """Start a shift: now (no time given) or at a time later today."""

    starts = Text("Enter a time of day in 24 hours, like 07:00", max_length=5)
    hours = Integer(
        f"Enter the shift's length in whole hours, 1 to {MAX_HOURS}",
        minimum=1,
        maximum=MAX_HOURS,
        default=8,
    )
    push = Checkbox()

    def check(self, values, errors):
        _time_ok(values, errors, "starts", required=False)


class Pattern(Form):
    """The weekly pattern: the days, the start time and the length (replaces the old one)."""

    days = Choices(WEEKDAYS, "Choose days from the list", name="pattern_days")
    starts = Text(
        "Enter a time of day in 24 hours, like 07:00", max_length=5, name="pattern_starts"
    )
    hours = Integer(
        f"Enter the shift's length in whole hours, 1 to {MAX_HOURS}",
        minimum=1,
        maximum=MAX_HOURS,
        default=8,
        name="pattern_hours",
    )
    push = Checkbox(name="pattern_push")

    def check(self, values, errors):
        _time_ok(values, errors, "starts", bool(values.get("days")), field="pattern_starts")
