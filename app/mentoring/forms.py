"""Peer mentoring's forms, declared once, and the labels of its choices."""

from __future__ import annotations

from datetime import UTC, datetime

from app.forms import Checkbox, Choice, Date, Form, Integer, Text, Uuid
from app.tables.mentoring import ClientStatus, ContactKind, GoalProgress

CONTACT_KINDS = {
    ContactKind.MEETING: "Meeting",
    ContactKind.PHONE: "Phone call",
    ContactKind.APPOINTMENT: "Went with them to an appointment",
    ContactKind.ADVOCACY: "Advocacy",
    ContactKind.REFERRAL: "Referral to an agency",
}
STATUSES = {
    ClientStatus.ACTIVE: "Active",
    ClientStatus.PAUSED: "Paused",
    ClientStatus.EXITED: "Exited",
}
PROGRESS = {
    GoalProgress.NOT_STARTED: "Not started",
    GoalProgress.IN_PROGRESS: "In progress",
    GoalProgress.ACHIEVED: "Achieved",
}
NOTE_MAX = 4000
CSV_MAX = 1_000_000


def _past_date(values: dict, errors, name: str, label: str) -> None:
    """A date that must be given and not be in the future."""
    if name in errors:
        return
    if values[name] is None:
        errors.add(name, f"Enter the {label}")
    elif values[name] > datetime.now(UTC).date():
        errors.add(name, f"The {label} cannot be in the future")


class ClientForm(Form):
    """A new client: a reference (not their full name), consent, and when mentoring began."""

    reference = Text(
        "Enter a reference (not their full name)",
        required=True,
        max_length=40,
        too_long="Enter a reference of 40 characters or fewer",
    )
    first_name = Text(max_length=60, too_long="Enter a first name of 60 characters or fewer")
    consent_recorded = Checkbox()
    start_date = Date("Enter the start date as a date")
    status = Choice(ClientStatus, "Choose a status from the list", default=ClientStatus.ACTIVE)

    def check(self, values, errors) -> None:
        if not values["consent_recorded"]:
            errors.add("consent_recorded", "Record the client's consent before adding them")
        _past_date(values, errors, "start_date", "start date")


class ContactForm(Form):
    """A contact with a client, as the phone's outbox sends it (stored once by its UUID)."""

    uuid = Uuid(required=True)
    kind = Choice(ContactKind, "Choose the kind of contact from the list", required=True)
    contact_date = Date("Enter the date of the contact as a date")
    duration_minutes = Integer(
        "Enter the duration in minutes, from 1 to 1440", minimum=1, maximum=1440
    )
    note = Text(max_length=NOTE_MAX, too_long=f"Enter a note of {NOTE_MAX} characters or fewer")
    is_risk = Checkbox()
    agency = Integer("Choose an agency from the directory", minimum=1)

    def check(self, values, errors) -> None:
        _past_date(values, errors, "contact_date", "date of the contact")


class ClientPlanForm(Form):
    """A client's status and exit plan."""

    status = Choice(ClientStatus, "Choose a status from the list", required=True)
    exit_plan = Text(
        max_length=NOTE_MAX, too_long=f"Enter an exit plan of {NOTE_MAX} characters or fewer"
    )


class GoalForm(Form):
    title = Text(
        "Enter the goal in 200 characters or fewer",
        required=True,
        max_length=200,
        too_long="Enter the goal in 200 characters or fewer",
    )


class GoalProgressForm(Form):
    progress = Choice(GoalProgress)


class FigureForm(Form):
    """One month's calls to police for a client (checked against the clients by the use case)."""

    client = Text(max_length=40)
    month = Text(max_length=20)
    calls = Text(max_length=20)


class ImportForm(Form):
    """Pasted CSV with the columns reference,month,calls."""

    csv = Text(max_length=CSV_MAX, too_long="Paste at most 1,000,000 characters at once")
