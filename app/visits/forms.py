"""The visit forms, declared once. A checklist's answers are named after its questions
(`q_<key>`) and a submission's referral decisions after the agency kinds the answers suggest
(`referral_<kind>`), so those two are read by the helpers at the end, not by a Form class."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

from app.forms import Choice, Field, Form, Integer, Invalid, Text, whole_number
from app.visits.checklist import KINDS, YES_NO

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
        if raw and whole_number(raw, 1, 1_000_000) is None:
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


class AgencyKind(Text):
    """The kind of agency a referral goes to, as referrals match it: lower case, one space
    between words, at most 40 characters once written so."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, max_length=100_000, too_long=message, **kwargs)

    def convert(self, text: str) -> str:
        kind = " ".join(text.lower().split())
        if len(kind) > 40:
            raise Invalid(self.message)
        return kind


class QuestionForm(Form):
    """A question in the checklist editor. The use case checks the section against the
    version's and that the version is still current (app.visits.editor.save_question);
    `remove` asks none of the question's own checks."""

    section = Integer("Choose a section", required=True, minimum=1)
    text = Text(
        "Enter the question",
        required=True,
        max_length=200,
        too_long="Enter a question of 200 characters or fewer",
    )
    kind = Choice(KINDS, "Choose the kind of answer", required=True)
    options = Text(max_length=100_000)  # one a line: checked for a choice in check()
    min = Text(max_length=100_000)  # checked for a number in check()
    max = Text(max_length=100_000)
    required = Text(max_length=100_000)  # the checkbox posts "yes"
    when = Text(max_length=100_000)  # one a line: checked against the kind in check()
    advice = Text(max_length=1000, too_long="Enter advice of 1,000 characters or fewer")
    referral_kind = AgencyKind("Enter a kind of 40 characters or fewer")
    referral_reason = Text(max_length=100_000)  # kept to its first 200 characters
    followup_days = Integer("Enter a number of days from 1 to 365", minimum=1, maximum=365)
    followup_reason = Text(max_length=100_000)  # kept to its first 200 characters
    action = Text(max_length=100_000)  # "remove" (the editor's second button) or "save"

    def check(self, values, errors) -> None:
        kind = values["kind"]
        values["required"] = values["required"] == "yes"
        values["options"] = _lines(values["options"])
        values["when"] = _lines(values["when"])
        values["referral_reason"] = values["referral_reason"][:200]
        values["followup_reason"] = values["followup_reason"][:200]
        options, when = values["options"], values["when"]
        if kind in ("choice", "multi"):
            if len(options) < 2:
                errors.add("options", "Enter at least two answers to choose from, one a line")
            elif len(set(options)) != len(options):
                errors.add("options", "Enter each answer once")
        low, high = values["min"], values["max"]
        values["min"] = values["max"] = None
        if kind == "number":
            values["min"] = _number(low, "min", errors, "Enter the lowest number allowed")
            values["max"] = _number(high, "max", errors, "Enter the highest number allowed")
            if "min" not in errors and "max" not in errors and values["min"] > values["max"]:
                errors.add("max", "The highest number must be at least the lowest")
            if any(not re.fullmatch(r"(<=|>=|<|>|=)?-?\d+(\.\d+)?", w) for w in when):
                errors.add("when", "For a number, write conditions like <2 or >=10, one a line")
        elif kind == "text" and when:
            errors.add("when", "Short text answers cannot call for advice or referrals")
        else:
            offered = YES_NO if kind == "yesno" else options if kind in ("choice", "multi") else []
            if any(w not in offered for w in when):
                errors.add(
                    "when", "Each answer that calls for action must be one of the answers offered"
                )
        # The summary lists the messages in the order of the fields on the page, then this one.
        shown = self.in_order(errors)
        errors.clear()
        errors.update(shown)
        # Advice or a referral refused for its length still calls for its answers.
        acts = any(values[name] or name in errors for name in ("advice", "referral_kind"))
        if (acts or values["followup_days"] is not None) and not when:
            errors.add("when", "Say which answers call for the advice, referral or follow-up")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _number(text: str, name: str, errors, message: str) -> float | None:
    """A bound as float() reads it, whole numbers as int; None with the message if not one."""
    try:
        value = float(text)
    except ValueError:
        errors.add(name, message)
        return None
    return int(value) if value.is_integer() else value


def answer_values(data: Mapping[str, Any] | None, key: str) -> list[str]:
    """The values posted for question `key` (field `q_<key>`), one or many, as text."""
    return Field(name=f"q_{key}").raw(data or {})


def given_at(data: Mapping[str, Any] | None) -> int:
    """When the phone says the answer was given (ms); the server's clock if it did not say."""
    raw = (Field(name="at").raw(data or {}) or [""])[-1]
    at = whole_number(raw, 0, 10**16)
    return at if at is not None else int(time.time() * 1000)


def referral_decisions(data: Mapping[str, Any] | None) -> dict[str, str]:
    """The decision posted for each suggested referral: field `referral_<kind>` -> the kind
    (spaces written as hyphens), and the value as posted (checked by the use case)."""
    found = {}
    for name in data or {}:
        if name.startswith("referral_"):
            values = Field(name=name).raw(data)
            found[name.removeprefix("referral_")] = values[-1] if values else ""
    return found


class MoveReferral(Form):
    """The button pressed: a state to move to, or `own` to take the referral over."""

    state = Text(max_length=20)
