"""Problem solving's forms, declared once: a new problem (three fields), the one form for the
method, a place, an action, a link, a person reference, a comment, closing, a power used, the
search."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.forms import Choice, Date, Form, FormErrors, Integer, Number, Text
from app.tables.problems import (
    ActionState,
    PowerKind,
    ProblemKind,
    ProblemResult,
    ProblemState,
)

KIND_LABELS = {
    ProblemKind.PLACE: "Place",
    ProblemKind.VICTIM: "Victim",
    ProblemKind.OFFENDER: "Offender",
    ProblemKind.THEME: "Theme",
}
STATE_LABELS = {
    ProblemState.OPEN: "Open",
    ProblemState.IN_REVIEW: "In review (closure to sign off)",
    ProblemState.CLOSED: "Closed",
}
RESULT_LABELS = {
    ProblemResult.SOLVED: "Solved",
    ProblemResult.REDUCED: "Reduced",
    ProblemResult.DISPLACED: "Displaced",
    ProblemResult.HANDED_OVER: "Handed over",
    ProblemResult.NO_CHANGE: "No change",
}
ACTION_STATE_LABELS = {
    ActionState.PLANNED: "Planned",
    ActionState.IN_PROGRESS: "In progress",
    ActionState.DONE: "Done",
    ActionState.DROPPED: "Dropped",
}
OWNER_KINDS = {
    "staff": "A member of staff",
    "volunteer": "A volunteer",
    "agency": "A partner agency",
}
MAKE = {
    "": "Nothing more",
    "tasking": "A tasking for its owner",
    "home_visit": "A home-visit tasking",
    "patrol_point": "A point on a draft patrol plan",
}
POWER_LABELS = {
    PowerKind.DISPERSAL: "Dispersal direction",
    PowerKind.CPW: "Community protection warning",
    PowerKind.CPN: "Community protection notice",
    PowerKind.CBO: "Criminal Behaviour Order application",
    PowerKind.CLOSURE: "Closure order",
    PowerKind.PSPO: "Public spaces protection order enforcement",
    PowerKind.OTHER: "Other",
}
LINK_KINDS = {
    "engagement": "Engagement entry",
    "tasking": "Tasking",
    "patrol_point": "Patrol plan point",
    "visit": "Home visit",
    "referral": "Referral",
}
PERSON_ROLES = {"victim": "Victim", "offender": "Offender", "other": "Other"}
TITLE_MESSAGE = "Enter a title of 120 characters or fewer"


def lines(text: str, limit: int = 20, length: int = 80) -> list[str]:
    """A textarea's lines (crime types, incident kinds): stripped, no blanks or repeats."""
    found = [line.strip()[:length] for line in (text or "").splitlines() if line.strip()]
    return list(dict.fromkeys(found))[:limit]


class NewProblemForm(Form):
    """All a new problem needs: a title, its team area and what it is in a sentence."""

    title = Text("Enter a title", required=True, max_length=120, too_long=TITLE_MESSAGE)
    team = Integer("Choose the team area", required=True, minimum=1)
    summary = Text(
        "Say what the problem is in a sentence",
        required=True,
        max_length=500,
        too_long="Say it in 500 characters or fewer",
    )
    priority = Integer(minimum=1)


class MethodForm(Form):
    """The one form for the whole method: the record, objective, scanning, analysis (the problem
    analysis triangle), when the response began, and the assessment."""

    title = Text("Enter a title", required=True, max_length=120, too_long=TITLE_MESSAGE)
    summary = Text("Say what the problem is in a sentence", required=True, max_length=500)
    kind = Choice(ProblemKind, "Choose what kind of problem it is", required=True)
    owner = Integer("Choose the owner from the list", minimum=1)
    next_review = Date("Enter the next review date, like 2026-12-31")
    radius_m = Integer(
        "Enter a radius from 25 to 1000 metres", required=True, minimum=25, maximum=1000
    )
    crime_types = Text(max_length=2000)
    incident_kinds = Text(max_length=2000)
    objective = Text(max_length=4000)
    scanning = Text(max_length=8000)
    victim = Text(max_length=4000)
    offender = Text(max_length=4000)
    place = Text(max_length=4000)
    guardian = Text(max_length=4000)
    handler = Text(max_length=4000)
    manager = Text(max_length=4000)
    when_notes = Text(max_length=4000)
    response_started_on = Date("Enter the date the response began, like 2026-11-01")
    assessment = Text(max_length=8000)

    def check(self, values: dict[str, Any], errors: FormErrors) -> None:
        values["crime_types"] = "\n".join(lines(values["crime_types"]))
        values["incident_kinds"] = "\n".join(lines(values["incident_kinds"]))
        started = values["response_started_on"]
        if started and started > date.today():
            errors.add("response_started_on", "The response cannot begin in the future")


class PlaceForm(Form):
    label = Text(
        "Name the place or street, like 'Stockbrook Street shops'",
        required=True,
        max_length=120,
        too_long="Enter a name of 120 characters or fewer",
        name="place_label",
    )
    lat = Number(
        "Enter a latitude between -90 and 90, like 52.9163",
        required=True,
        minimum=-90,
        maximum=90,
        name="place_lat",
    )
    lng = Number(
        "Enter a longitude between -180 and 180, like -1.4860",
        required=True,
        minimum=-180,
        maximum=180,
        name="place_lng",
    )


class ActionForm(Form):
    """A response action: what, whose, by when, and what it becomes at once."""

    title = Text(
        "Say what will be done",
        required=True,
        max_length=200,
        too_long="Use 200 characters or fewer",
        name="action_title",
    )
    owner_kind = Choice(OWNER_KINDS, "Choose who owns the action", required=True)
    owner_person = Integer("Choose the person from the list", minimum=1)
    owner_agency = Integer("Choose the agency from the list", minimum=1)
    due_on = Date("Enter the due date, like 2026-12-31", required=True)
    make = Choice(MAKE, "Choose what it becomes", default="")
    plan = Integer("Choose a draft patrol plan", minimum=1)

    def check(self, values: dict[str, Any], errors: FormErrors) -> None:
        kind = values["owner_kind"]
        if kind in ("staff", "volunteer"):
            values["owner_agency"] = None
            if values["owner_person"] is None:
                errors.add("owner_person", "Choose the person who owns the action")
        elif kind == "agency":
            values["owner_person"] = None
            if values["owner_agency"] is None:
                errors.add("owner_agency", "Choose the partner agency that owns the action")
            if values["make"] in ("tasking", "home_visit"):
                errors.add("make", "A partner agency's action cannot become a tasking")
        due = values["due_on"]
        if due and due < date.today() and values["make"]:
            errors.add("due_on", "A tasking cannot be due in the past")
        if values["make"] == "patrol_point" and values["plan"] is None:
            errors.add("plan", "Choose the draft patrol plan to add the point to")


class ActionStateForm(Form):
    state = Choice(ActionState, "Choose the action's state", required=True)


class MakeForm(Form):
    """Turning an existing action into a tasking or a patrol point."""

    make = Choice({k: v for k, v in MAKE.items() if k}, "Choose what it becomes", required=True)
    plan = Integer("Choose a draft patrol plan", minimum=1)


class LinkForm(Form):
    kind = Choice(LINK_KINDS, "Choose what kind of record to link", required=True, name="link_kind")
    record_id = Integer("Enter the record's number", required=True, minimum=1)
    note = Text(max_length=200, too_long="Use 200 characters or fewer", name="link_note")


class PersonForm(Form):
    role = Choice(PERSON_ROLES, "Choose the person's part", required=True)
    reference = Text(
        "Enter the reference from the force's system",
        required=True,
        max_length=60,
        too_long="Enter a reference of 60 characters or fewer",
    )
    note = Text(max_length=300, too_long="Use 300 characters or fewer")


class CommentForm(Form):
    text = Text("Write the comment", required=True, max_length=4000, name="comment_text")


class CloseForm(Form):
    result = Choice(ProblemResult, "Choose the result", required=True)
    note = Text(max_length=4000, name="close_note")


class PowerForm(Form):
    kind = Choice(PowerKind, "Choose the power used", required=True)
    used_on = Date("Enter the date it was used, like 2026-11-20", required=True)
    team = Integer("Choose the team area", required=True, minimum=1)
    place = Text(max_length=120, too_long="Enter a place of 120 characters or fewer")
    lat = Number("Enter a latitude between -90 and 90", minimum=-90, maximum=90)
    lng = Number("Enter a longitude between -180 and 180", minimum=-180, maximum=180)
    problem = Integer("Choose a problem from the list", minimum=1)
    note = Text(max_length=300, too_long="Use 300 characters or fewer")

    def check(self, values: dict[str, Any], errors: FormErrors) -> None:
        if values["used_on"] and values["used_on"] > date.today():
            errors.add("used_on", "The date cannot be in the future")
        if (values["lat"] is None) != (values["lng"] is None) and not (
            errors.get("lat") or errors.get("lng")
        ):
            errors.add("lat", "Enter both the latitude and the longitude, or neither")


class SearchForm(Form):
    area = Integer("Choose a team area", minimum=1)
    state = Choice(ProblemState, "Choose a state")
    kind = Choice(ProblemKind, "Choose a kind")
    owner = Integer("Choose an owner", minimum=1)
    q = Text(max_length=200)


class SignOffForm(Form):
    decision = Choice(
        {"approve": "Sign off: close it", "send_back": "Send it back: not closed"},
        "Choose whether to sign it off or send it back",
        required=True,
    )
    note = Text(max_length=4000, name="sign_note")
