"""The engagement log's forms, declared once, and the labels of its kinds and topics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.forms import (
    Checkbox,
    Choice,
    Choices,
    Date,
    Form,
    Integer,
    LocalDateTime,
    Number,
    Text,
    Uuid,
    iso_week,
    whole_number,
)
from app.tables.engagement import EngagementKind, Topic

KINDS = {
    EngagementKind.DOOR_KNOCK: "Door knock",
    EngagementKind.STREET: "Street engagement",
    EngagementKind.MEETING: "Ward or community meeting",
    EngagementKind.EVENT: "Event",
    EngagementKind.SCHOOL: "School input",
    EngagementKind.SURGERY: "Surgery",
    EngagementKind.SOCIAL_MEDIA: "Social media",
    EngagementKind.KEY_INDIVIDUAL: "Key individual contact",
    EngagementKind.OTHER: "Other",
}
TOPICS = {
    Topic.ASB: "ASB",
    Topic.DRUGS: "Drugs",
    Topic.SPEEDING: "Speeding",
    Topic.BURGLARY: "Burglary",
    Topic.VEHICLE_CRIME: "Vehicle crime",
    Topic.YOUTH_NUISANCE: "Youth nuisance",
    Topic.PARKING: "Parking",
    Topic.LITTER: "Litter",
    Topic.OTHER: "Other",
}
NOTE_MAX = 2000
FOLLOW_UP_MAX = 300
# A phone's clock may run a little ahead of the server's.
CLOCK_SLACK = timedelta(minutes=5)


class EngagementForm(Form):
    """An entry as changed on its own page: what, topics, when, where, and the details."""

    kind = Choice(EngagementKind, "Choose the kind of engagement from the list", required=True)
    topics = Choices(Topic, "Choose topics from the list")
    occurred_at = LocalDateTime("Enter the time as a date and time, like 21/11/2026 09:30")
    lat = Number("Enter the latitude as a number between -90 and 90", minimum=-90, maximum=90)
    lng = Number("Enter the longitude as a number between -180 and 180", minimum=-180, maximum=180)
    accuracy_m = Integer(
        "Enter the accuracy in metres as a number between 0 and 100000", minimum=0, maximum=100000
    )
    people_count = Integer(
        "Enter the number of people as a number between 1 and 10000", minimum=1, maximum=10000
    )
    note = Text(max_length=NOTE_MAX, too_long=f"Enter a note of {NOTE_MAX} characters or fewer")
    follow_up = Text(
        max_length=FOLLOW_UP_MAX,
        too_long=f"Enter a follow-up of {FOLLOW_UP_MAX} characters or fewer",
    )
    follow_up_due = Date("Enter the follow-up date as a date")
    key_individual = Integer("Choose a key individual from the list", minimum=1)

    def check(self, values, errors) -> None:
        now = datetime.now(UTC)
        if values["occurred_at"] is None and "occurred_at" not in errors:
            values["occurred_at"] = now  # left empty: the time it is saved
        elif values["occurred_at"] is not None and values["occurred_at"] > now + CLOCK_SLACK:
            errors.add("occurred_at", "The time of the engagement cannot be in the future")
        if (
            (values["lat"] is None) != (values["lng"] is None)
            and "lat" not in errors
            and "lng" not in errors
        ):
            errors.add("lat", "Enter both latitude and longitude, or neither")
        if values["lat"] is None:
            values["accuracy_m"] = None  # an accuracy means nothing without a position


class LogForm(EngagementForm):
    """A new entry, as the phone's outbox sends it: with the UUID it is stored once by."""

    uuid = Uuid(required=True)


class KeyIndividualForm(Form):
    """A community contact in a team area."""

    team = Integer("Choose a team area from the list", required=True, minimum=1)
    name = Text(
        "Enter their name",
        required=True,
        max_length=120,
        too_long="Enter a name of 120 characters or fewer",
    )
    community_role = Text(max_length=120, too_long="Enter a role of 120 characters or fewer")
    how_to_reach = Text(
        max_length=200, too_long="Enter how to reach them of 200 characters or fewer"
    )
    consent_to_contact = Checkbox()


def week_monday(text: str) -> date | None:
    """An <input type=week> value ('2026-W47') as the Monday it starts (ValueError if not one)."""
    return iso_week(text)


class TeamLogFilter(Form):
    """The team log's filters. An unknown area, kind or topic filters nothing (as a link with an
    old value should still show the log); a week that is not one is an error."""

    area = Text(max_length=20)
    kind = Text(max_length=40)
    topic = Text(max_length=40)
    week = Text(max_length=20, too_long="Enter a week, like 2026-W47")

    def check(self, values, errors) -> None:
        area = values["area"] or ""
        values["area"] = whole_number(area)
        values["kind"] = values["kind"] if values["kind"] in set(EngagementKind) else None
        values["topic"] = values["topic"] if values["topic"] in set(Topic) else None
        week = values["week"] or ""
        values["week"] = None
        if week:
            try:
                values["week"] = week_monday(week)
            except ValueError:
                errors.add("week", "Enter a week, like 2026-W47")


def team_of(text: str | None) -> int | None:
    """The team area a page's `team` query names, or None (then the person's home team)."""
    text = (text or "").strip()
    return whole_number(text)
