"""The checklist model: questions, checking answers, and the rules answers fire."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = {
    "yesno": "Yes, no or not asked",
    "choice": "One of a list",
    "multi": "Several of a list",
    "number": "A number within a range",
    "text": "Short text",
}
YES_NO = ["yes", "no", "not asked"]
TEXT_MAX = 300
# A number question with at most this many whole numbers is answered with a tap.
TAP_MAX = 16


def load(content: str) -> dict:
    """A template's content from its JSON."""
    return json.loads(content)


def dump(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def options_of(question: dict) -> list[str]:
    """The values a yes/no, choice or multi question accepts."""
    return YES_NO if question["kind"] == "yesno" else list(question.get("options", []))


def questions(content: dict):
    """(section number from 1, question) for every question, in order."""
    for number, section in enumerate(content["sections"], start=1):
        for question in section["questions"]:
            yield number, question


def find_question(content: dict, key: str) -> tuple[int, dict] | None:
    return next(((n, q) for n, q in questions(content) if q["key"] == key), None)


def check_answer(question: dict, raw: list[str]):
    """(value, error): the clean value of the submitted strings, or the message to show.

    An empty answer is allowed here (it clears the question); required questions are
    checked when the visit is submitted, not while it is being filled in.
    """
    raw = [r.strip() for r in raw if r.strip()]
    kind = question["kind"]
    if not raw:
        return "", None
    if kind == "multi":
        allowed = options_of(question)
        if any(r not in allowed for r in raw):
            return None, "Choose answers from the list"
        return [o for o in allowed if o in raw], None
    if len(raw) > 1:
        return None, "Give one answer"
    answer = raw[0]
    if kind in ("yesno", "choice"):
        if answer not in options_of(question):
            return None, "Choose an answer from the list"
        return answer, None
    if kind == "number":
        low, high = question.get("min", 0), question.get("max", 100)
        try:
            number = float(answer)
        except ValueError:
            return None, f"Enter a number from {low} to {high}"
        if number != number or not low <= number <= high:  # NaN, or out of range
            return None, f"Enter a number from {low} to {high}"
        return int(number) if number.is_integer() else number, None
    if len(answer) > TEXT_MAX:
        return None, f"Enter {TEXT_MAX} characters or fewer"
    return answer, None


def answered(value) -> bool:
    return value not in ("", None, [])


def fires(question: dict, value) -> bool:
    """Whether an answer is one the question's rules (advice, referral, follow-up) call for."""
    return matches(question, value, question.get("when") or [])


def matches(question: dict, value, when: list) -> bool:
    """Whether an answer to `question` is one of `when` (for a number: a condition like <2)."""
    if not answered(value) or not when:
        return False
    if question["kind"] == "number":
        try:  # a number kept, or the text typed beside its error
            number = float(value[0] if isinstance(value, list) else value)
        except (TypeError, ValueError, IndexError):
            return False
        return any(_compare(number, w) for w in when)
    chosen = value if isinstance(value, list) else [value]
    return any(c in when for c in chosen)


def _compare(number: float, condition: str) -> bool:
    """'<2', '>=10' and so on; a bare number means equal."""
    for op in ("<=", ">=", "<", ">", "="):
        if condition.startswith(op):
            limit = float(condition[len(op) :])
            return {
                "<=": number <= limit,
                ">=": number >= limit,
                "<": number < limit,
                ">": number > limit,
                "=": number == limit,
            }[op]
    return number == float(condition)


@dataclass(frozen=True)
class Suggestion:
    """A referral or follow-up an answer calls for."""

    question: str
    reason: str
    agency_kind: str = ""
    due_on: date | None = None


def asked(content: dict, answers: dict) -> set[str]:
    """The keys of the questions the answers call for. A question with an `ask_if` rule
    ({"question": an earlier key, "when": its answers, as rules' `when`}) is asked only when
    that earlier question is asked and its answer matches; every other question always is
    (as is one whose rule names a question no longer in the template, or a later one)."""
    found: set[str] = set()
    seen: dict[str, dict] = {}
    for _, q in questions(content):
        rule = q.get("ask_if")
        earlier = seen.get(rule.get("question", "")) if rule else None
        seen[q["key"]] = q
        if earlier is not None and (
            earlier["key"] not in found
            or not matches(earlier, answers.get(earlier["key"]), rule.get("when") or [])
        ):
            continue
        found.add(q["key"])
    return found


def kept(content: dict, answers: dict) -> dict:
    """The answers to questions still asked: a hidden question's answer is not kept."""
    shown = asked(content, answers)
    return {k: v for k, v in answers.items() if k in shown}


def tap_values(question: dict) -> list[str] | None:
    """A number question answered with a tap: its whole numbers from min to max, when there
    are at most TAP_MAX of them (ratings, small counts); None for a number to type."""
    if question.get("kind") != "number":
        return None
    low, high = question.get("min", 0), question.get("max", 100)
    if not (float(low).is_integer() and float(high).is_integer()):
        return None
    if not 0 < high - low + 1 <= TAP_MAX:
        return None
    return [str(n) for n in range(int(low), int(high) + 1)]


def referrals_for(content: dict, answers: dict) -> list[Suggestion]:
    """The referrals the answers suggest, one per agency kind (the first reason given)."""
    found: dict[str, Suggestion] = {}
    answers = kept(content, answers)
    for _, q in questions(content):
        rule = q.get("referral")
        if rule and fires(q, answers.get(q["key"])):
            kind = rule["kind"].strip().lower()
            found.setdefault(kind, Suggestion(q["key"], rule.get("reason", ""), agency_kind=kind))
    return list(found.values())


def followups_for(content: dict, answers: dict, today: date) -> list[Suggestion]:
    """The follow-ups the answers set, each due the rule's number of days after today."""
    answers = kept(content, answers)
    return [
        Suggestion(
            q["key"],
            q["followup"].get("reason", ""),
            due_on=today + timedelta(days=int(q["followup"]["days"])),
        )
        for _, q in questions(content)
        if q.get("followup") and fires(q, answers.get(q["key"]))
    ]


def missing_required(content: dict, answers: dict) -> list[tuple[int, dict]]:
    """(section number, question) for each required question asked and not yet answered
    (a question the answers do not call for is not required)."""
    shown = asked(content, answers)
    return [
        (n, q)
        for n, q in questions(content)
        if q.get("required") and q["key"] in shown and not answered(answers.get(q["key"]))
    ]


def shown(value) -> str:
    """An answer as the check-your-answers page shows it."""
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, str):
        return value.capitalize() if value in YES_NO else value
    return "" if value is None else str(value)
