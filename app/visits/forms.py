"""The visit forms, declared once. A checklist's answers are named after its questions
(`q_<key>`) and a submission's referral decisions after the agency kinds the answers suggest
(`referral_<kind>`), so those two are read by the helpers at the end, not by a Form class."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from app.forms import Choice, Field, Form, Integer, Text

CONSENT = {"yes": "Yes, they agree", "no": "No: visit offered, declined"}
# What the visitor does about a referral an answer suggests.
DECISIONS = {
    "made": "Refer now: the household agrees",
    "suggested": "Keep it: refer later",
    "drop": "Drop it: not needed",
}
SECTION_TITLE = "Enter a section title of up to 80 characters"


class StartVisit(Form):
    """Starting a visit: the checklist, the household's agreement, where it is."""

    uuid = Text(max_length=100)  # made on the phone; the server makes one if it is missing
    template = Text(max_length=20)
    consent = Choice(
        CONSENT, "Say whether the household agrees to the visit being recorded", required=True
    )
    address = Text(max_length=300, too_long="Enter an address of 300 characters or fewer")
    household_ref = Text(max_length=60, too_long="Enter a reference of 60 characters or fewer")
    team = Integer("Choose a team area from the list", minimum=1)
    lat = Text(max_length=40)
    lng = Text(max_length=40)
    tasking = Text(max_length=20)

    def check(self, values, errors) -> None:
        if values["consent"] == "yes" and not values["address"] and not values["household_ref"]:
            errors.add("address", "Enter the address or a household reference")
        values["lat"], values["lng"] = _point(values["lat"], values["lng"], errors)


def _point(lat: str, lng: str, errors) -> tuple[float | None, float | None]:
    if not lat and not lng:
        return None, None
    try:
        point = float(lat), float(lng)
    except ValueError:
        point = (999.0, 999.0)
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        errors.add("address", "The location from the phone was not valid: try again or leave it")
        return None, None
    return point


class SubmitVisit(Form):
    """The check-your-answers form's own fields: a referral no answer suggested."""

    other_agency = Integer("Choose an agency from the list", minimum=1)
    other_reason = Text(max_length=200, too_long="Enter a reason of 200 characters or fewer")


class Households(Form):
    """A team area's number of households, that coverage is measured against."""

    households = Text(max_length=40)

    def check(self, values, errors) -> None:
        raw = values["households"].replace(",", "")
        if raw and (not raw.isdigit() or not 1 <= int(raw) <= 1_000_000):
            errors.add(
                "households",
                "Enter the number of households, from 1 to 1,000,000, or leave it empty",
            )
            values["households"] = raw
            return
        values["households"] = int(raw) if raw else None


class SectionChange(Form):
    """The checklist editor: add a section (no number), rename one, or remove an empty one."""

    # Lengths are checked by the use case, with the editor's own messages.
    title = Text(max_length=100_000)
    section = Text(max_length=100_000)
    action = Text(max_length=20, default="save")


class QuestionForm(Form):
    """A question in the checklist editor, checked whole (with its messages) by
    app.visits.editor.check_question."""

    section = Text(max_length=100_000)
    text = Text(max_length=100_000)
    kind = Text(max_length=100_000)
    required = Text(max_length=100_000)
    options = Text(max_length=100_000)
    min = Text(max_length=100_000)
    max = Text(max_length=100_000)
    when = Text(max_length=100_000)
    advice = Text(max_length=100_000)
    referral_kind = Text(max_length=100_000)
    referral_reason = Text(max_length=100_000)
    followup_days = Text(max_length=100_000)
    followup_reason = Text(max_length=100_000)
    action = Text(max_length=100_000)


def answer_values(data: Mapping[str, Any] | None, key: str) -> list[str]:
    """The values posted for question `key` (field `q_<key>`), one or many, as text."""
    return Field(name=f"q_{key}").raw(data or {})


def given_at(data: Mapping[str, Any] | None) -> int:
    """When the phone says the answer was given (ms); the server's clock if it did not say."""
    raw = (Field(name="at").raw(data or {}) or [""])[-1]
    return int(raw) if raw.isdigit() and len(raw) < 16 else int(time.time() * 1000)


def referral_decisions(data: Mapping[str, Any] | None) -> dict[str, str]:
    """The decision posted for each suggested referral: field `referral_<kind>` -> the kind
    (spaces written as hyphens), and the value as posted (checked by the use case)."""
    found = {}
    for name in data or {}:
        if name.startswith("referral_"):
            values = Field(name=name).raw(data)
            found[name.removeprefix("referral_")] = values[-1] if values else ""
    return found
