"""The checklist editor: checking what a supervisor types, changing a template's content, and
the use cases that save each change as a new version."""

from __future__ import annotations

import copy
import re

from app.actor import Actor
from app.database import atomic, snapshot
from app.outcomes import NotFound
from app.tables.visits import ChecklistTemplate
from app.visits import checklist, store
from app.visits.checklist import KINDS, YES_NO, questions
from app.visits.forms import SECTION_TITLE
from app.web import FormErrors

REPLACED = "This version has been changed since you opened it: open the current version"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text).splitlines() if line.strip()]


def _number(data: dict, name: str, errors: FormErrors, message: str) -> float | None:
    raw = str(data.get(name, "")).strip()
    try:
        value = float(raw)
    except ValueError:
        errors.add(name, message)
        return None
    return int(value) if value.is_integer() else value


def new_key(content: dict, text: str) -> str:
    """A key for a new question, from its words, unique in the template (answers are kept by it)."""
    base = "_".join(re.findall(r"[a-z0-9]+", text.lower())[:4])[:40] or "question"
    taken = {q["key"] for _, q in questions(content)}
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def check_question(data: dict, errors: FormErrors) -> dict:
    """A question from the editor's form; messages go in errors against each field."""
    q: dict = {"text": str(data.get("text", "")).strip(), "kind": str(data.get("kind", ""))}
    if not q["text"]:
        errors.add("text", "Enter the question")
    elif len(q["text"]) > 200:
        errors.add("text", "Enter a question of 200 characters or fewer")
    if q["kind"] not in KINDS:
        errors.add("kind", "Choose the kind of answer")
    q["required"] = str(data.get("required", "")) == "yes"
    if q["kind"] in ("choice", "multi"):
        q["options"] = _lines(data.get("options", ""))
        if len(q["options"]) < 2:
            errors.add("options", "Enter at least two answers to choose from, one a line")
        elif len(set(q["options"])) != len(q["options"]):
            errors.add("options", "Enter each answer once")
    if q["kind"] == "number":
        q["min"] = _number(data, "min", errors, "Enter the lowest number allowed")
        q["max"] = _number(data, "max", errors, "Enter the highest number allowed")
        if "min" not in errors and "max" not in errors and q["min"] > q["max"]:
            errors.add("max", "The highest number must be at least the lowest")
    q["when"] = _lines(data.get("when", ""))
    allowed = YES_NO if q["kind"] == "yesno" else q.get("options", [])
    if q["kind"] == "number":
        if any(not re.fullmatch(r"(<=|>=|<|>|=)?-?\d+(\.\d+)?", w) for w in q["when"]):
            errors.add("when", "For a number, write conditions like <2 or >=10, one a line")
    elif q["kind"] == "text" and q["when"]:
        errors.add("when", "Short text answers cannot call for advice or referrals")
    elif any(w not in allowed for w in q["when"]):
        errors.add("when", "Each answer that calls for action must be one of the answers offered")
    q["advice"] = str(data.get("advice", "")).strip()
    if len(q["advice"]) > 1000:
        errors.add("advice", "Enter advice of 1,000 characters or fewer")
    kind = " ".join(str(data.get("referral_kind", "")).lower().split())
    if kind:
        if len(kind) > 40:
            errors.add("referral_kind", "Enter a kind of 40 characters or fewer")
        q["referral"] = {"kind": kind, "reason": str(data.get("referral_reason", "")).strip()[:200]}
    days = str(data.get("followup_days", "")).strip()
    if days:
        if not days.isdigit() or not 1 <= int(days) <= 365:
            errors.add("followup_days", "Enter a number of days from 1 to 365")
        else:
            q["followup"] = {
                "days": int(days),
                "reason": str(data.get("followup_reason", "")).strip()[:200],
            }
    if (q["advice"] or "referral" in q or "followup" in q) and not q["when"]:
        errors.add("when", "Say which answers call for the advice, referral or follow-up")
    return q


def form_values(q: dict) -> dict:
    """A stored question as the editor's form fields."""
    return {
        **q,
        "options": "\n".join(q.get("options", [])),
        "when": "\n".join(q.get("when", [])),
        "required": "yes" if q.get("required") else "",
        "referral_kind": q.get("referral", {}).get("kind", ""),
        "referral_reason": q.get("referral", {}).get("reason", ""),
        "followup_days": q.get("followup", {}).get("days", ""),
        "followup_reason": q.get("followup", {}).get("reason", ""),
    }


def with_question(content: dict, section: int, question: dict, key: str | None) -> dict:
    """A copy of the content with the question added to a section, or replacing `key`."""
    changed = copy.deepcopy(content)
    if key is None:
        question["key"] = new_key(content, question["text"])
        changed["sections"][section - 1]["questions"].append(question)
        return changed
    question["key"] = key
    for s in changed["sections"]:
        s["questions"] = [question if q["key"] == key else q for q in s["questions"]]
    return changed


def without_question(content: dict, key: str) -> dict:
    changed = copy.deepcopy(content)
    for s in changed["sections"]:
        s["questions"] = [q for q in s["questions"] if q["key"] != key]
    return changed


# The use cases.


async def checklists(actor: Actor) -> dict:
    """The current checklists and every version, for the editor's list."""
    current = await store.current_templates()
    async with snapshot():
        versions = await ChecklistTemplate.select(
            ChecklistTemplate.id,
            ChecklistTemplate.family,
            ChecklistTemplate.version,
            ChecklistTemplate.created_at,
        ).order_by(ChecklistTemplate.version, ascending=False)
    return {"current": current, "versions": versions}


async def template(actor: Actor, template_id: int) -> tuple[dict, dict]:
    """(version row, its content); NotFound if there is none."""
    row = await store.template(template_id)
    if row is None:
        raise NotFound("No such checklist")
    return row, checklist.load(row["content"])


async def question(actor: Actor, template_id: int, key: str) -> tuple[dict, dict, dict]:
    """(version row, content, the question's form values with its section); NotFound."""
    row, content = await template(actor, template_id)
    found = checklist.find_question(content, key)
    if found is None:
        raise NotFound("No such question")
    return row, content, {**form_values(found[1]), "section": found[0]}


async def change_section(
    actor: Actor, template_id: int, values: dict
) -> tuple[int | None, FormErrors]:
    """Add a section (no number), rename one, or remove an empty one (values from
    SectionChange): saved as a new version, whose id is returned; or the errors."""
    errors = FormErrors()
    async with atomic():
        row, content = await template(actor, template_id)
        title, number, action = values["title"], values["section"], values["action"]
        changed = copy.deepcopy(content)
        if not row["current"]:
            errors.add("title", REPLACED)
        elif number.isdigit() and 1 <= int(number) <= len(content["sections"]):
            index = int(number) - 1
            if action == "remove":
                if content["sections"][index]["questions"]:
                    errors.add("title", "Remove the section's questions first")
                elif len(content["sections"]) == 1:
                    errors.add("title", "A checklist needs at least one section")
                else:
                    del changed["sections"][index]
            elif not title or len(title) > 80:
                errors.add("title", SECTION_TITLE)
            else:
                changed["sections"][index]["title"] = title
        elif not title or len(title) > 80:
            errors.add("title", SECTION_TITLE)
        else:
            changed["sections"].append({"title": title, "questions": []})
        if errors:
            return None, errors
        return await store.new_version(row, changed, actor.id), errors


async def save_question(
    actor: Actor, template_id: int, key: str | None, values: dict
) -> tuple[int | None, FormErrors]:
    """Add a question (key None), change or remove one (values from QuestionForm, `action`
    remove): saved as a new version, whose id is returned; or the errors. NotFound."""
    errors = FormErrors()
    async with atomic():
        row, content = await template(actor, template_id)
        if key is not None and checklist.find_question(content, key) is None:
            raise NotFound("No such question")
        if not row["current"]:
            errors.add("text", REPLACED)
        if values.get("action") == "remove" and key is not None and not errors:
            changed = without_question(content, key)
        else:
            section = values.get("section") or ""
            if not section.isdigit() or not 1 <= int(section) <= len(content["sections"]):
                errors.add("section", "Choose a section")
            q = check_question(values, errors)
            if errors:
                return None, errors
            changed = with_question(content, int(section), q, key)
        if errors:
            return None, errors
        return await store.new_version(row, changed, actor.id), errors
