"""Patrol plans' forms, declared once: a plan, a point, copying, moving, a check-in, the filters.

Four fields of their own (`app/forms.py` has the common ones): a clock time (HH:MM), an ISO
week, a moment with its offset (when a phone made a check-in) and a reading from the phone's
position (not an error when missing or odd: then there is no reading).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.forms import Choice, Date, Field, Form, FormErrors, Integer, Invalid, Number, Text, Uuid
from app.patrol.compliance import monday_of
from app.patrol.times import parse_hhmm, shift_bounds
from app.tables.patrol import PointSource

MAX_TITLE = 120
MAX_INSTRUCTION = 500
MAX_REASON = 300
MAX_COPIES = 28
# A check-in made offline may arrive hours later, but not from the future or last month.
OLDEST_CHECK_IN = timedelta(days=2)


class Clock(Field):
    """A time of day as HH:MM (a phone's time input), on whatever day it is used."""

    def convert(self, text: str) -> time:
        value = parse_hhmm(text)
        if value is None:
            raise Invalid(self.message)
        return value


class Week(Field):
    """An ISO week ('2026-W47') or any date in it: that week's Monday."""

    def convert(self, text: str) -> date:
        monday = monday_of(text)
        if monday is None:
            raise Invalid(self.message)
        return monday


class Moment(Field):
    """An ISO time with its offset ('2026-11-21T09:30:00Z'), in UTC: a time without one is
    refused, since the phone that made it knows where it was."""

    def convert(self, text: str) -> datetime:
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise Invalid(self.message) from exc
        if value.tzinfo is None:
            raise Invalid(self.message)
        return value.astimezone(UTC)


class Reading(Field):
    """A number the phone measured (a latitude, an accuracy): one that is not a finite number
    within `minimum`..`maximum` is no reading (None), never an error."""

    def __init__(self, *, minimum: float, maximum: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def clean(self, data) -> Any:
        try:
            return super().clean(data)
        except Invalid:
            return None

    def convert(self, text: str) -> float | None:
        try:
            value = float(text)
        except ValueError:
            return None
        if not math.isfinite(value) or not self.minimum <= value <= self.maximum:
            return None
        return value


class PlanForm(Form):
    """A new plan: the team area, the shift (past midnight if it ends before it starts), for
    whom (nobody: the whole team) and a title."""

    team = Integer("Choose a team area", required=True, minimum=1)
    day = Date("Enter the day of the shift, like 2026-11-21", required=True)
    shift_start = Clock("Enter when the shift starts, like 07:00", required=True)
    shift_end = Clock("Enter when the shift ends, like 15:00", required=True)
    assignee = Integer("Choose someone from the list, or the whole team", minimum=1)
    title = Text(max_length=100_000)

    def check(self, values: dict, errors: FormErrors) -> None:
        values["title"] = values["title"][:MAX_TITLE]
        start, end = values.pop("shift_start"), values.pop("shift_end")
        if start and end and start == end:
            errors.add("shift_end", "The shift must end at a different time from when it starts")
        elif start and end and values["day"]:
            values["shift_start"], values["shift_end"] = shift_bounds(values["day"], start, end)


class PointForm(Form):
    """A point: a place (named, with an address to look up or a latitude and longitude), a
    window in the plan's shift and an instruction. The plan's own checks are the use case's."""

    label = Text(max_length=120, too_long="Enter a name of 120 characters or fewer")
    address = Text(max_length=200, too_long="Enter an address of 200 characters or fewer")
    lat = Number("Enter the latitude as a number between -90 and 90", minimum=-90, maximum=90)
    lng = Number("Enter the longitude as a number between -180 and 180", minimum=-180, maximum=180)
    window_start = Clock("Enter when to be there from, like 15:00", required=True)
    window_end = Clock("Enter when to be there until, like 15:30", required=True)
    instruction = Text(
        max_length=MAX_INSTRUCTION,
        too_long=f"Enter an instruction of {MAX_INSTRUCTION} characters or fewer",
    )
    source = Text(default=PointSource.MAP)

    def check(self, values: dict, errors: FormErrors) -> None:
        # Anything else the form claims is a point typed in from a map.
        values["source"] = (
            PointSource(values["source"])
            if values["source"] in set(PointSource)
            else PointSource.MAP
        )


class CopyForm(Form):
    """Copy a plan to each day from `copy_from` to `copy_to` (just the one day without it)."""

    copy_from = Date("Enter the first day to copy to, like 2026-11-23", required=True)
    copy_to = Date("Enter the last day to copy to, like 2026-11-30")

    def check(self, values: dict, errors: FormErrors) -> None:
        first, last = values["copy_from"], values["copy_to"] or values["copy_from"]
        values["days"] = []
        if first is None or last is None:
            return
        if last < first:
            errors.add("copy_to", "The last day must be the same as or after the first")
        elif (last - first).days >= MAX_COPIES:
            errors.add("copy_to", f"Copy to at most {MAX_COPIES} days at a time")
        else:
            values["days"] = [first + timedelta(days=n) for n in range((last - first).days + 1)]


class MoveForm(Form):
    """Move a point one place up or down the walking order."""

    direction = Choice(("up", "down"), "Choose up or down", required=True)


class SuggestionForm(Form):
    """A suggestion's link fills the point form (?label=&lat=&lng=&window_start=&window_end=):
    shown as given, checked only when the point is added."""

    label = Text(max_length=100_000)
    lat = Text(max_length=100_000)
    lng = Text(max_length=100_000)
    window_start = Text(max_length=100_000)
    window_end = Text(max_length=100_000)

    def check(self, values: dict, errors: FormErrors) -> None:
        for name, value in values.items():
            values[name] = value[:200]


class PositionForm(Form):
    """Where the phone is (today's plan asks with it): no position when either is missing."""

    lat = Reading(minimum=-90, maximum=90)
    lng = Reading(minimum=-180, maximum=180)
    accuracy = Reading(minimum=-math.inf, maximum=math.inf)

    def check(self, values: dict, errors: FormErrors) -> None:
        lat, lng = values.pop("lat"), values.pop("lng")
        values["here"] = (lat, lng) if lat is not None and lng is not None else None


class CheckInForm(PositionForm):
    """A check-in from the phone's outbox: its record number, where and when it was made, and
    why, when it is not made at the point (the use case decides that)."""

    uuid = Uuid("This check-in has no identity: reload the page and try again", required=True)
    at = Moment("The time of the check-in is not a time")
    reason = Text(
        max_length=MAX_REASON, too_long=f"Enter a reason of {MAX_REASON} characters or fewer"
    )
    note = Text(max_length=2000, too_long="Enter a note of 2,000 characters or fewer")

    def check(self, values: dict, errors: FormErrors) -> None:
        super().check(values, errors)
        now = datetime.now(UTC)
        when = values["at"]
        if when is not None and (when > now + timedelta(minutes=5) or when < now - OLDEST_CHECK_IN):
            errors.add("at", "The time of the check-in must be in the last two days")


class ComplianceForm(Form):
    """The compliance report's filters: a team area and a week."""

    team = Integer("Choose a team area", minimum=1)
    week = Week("Enter a week like 2026-W47, or a date in it")


class DemandForm(Form):
    """The demand page's team area (the supervisor's own without one)."""

    area = Integer("Choose a team area")


class WeekOfPlansForm(Form):
    """The plans page's first day (today without one, or with one that is not a date)."""

    day = Date("Enter a day like 2026-11-23")
