"""The checklist editor: changing a template's content (what a supervisor types is checked by
app.visits.forms.QuestionForm and SectionChange), and the use cases that save each change as a
new version."""

from __future__ import annotations

import copy
import re

from app.actor import Actor
from app.database import atomic, snapshot
from app.forms import FormErrors, whole_number
from app.outcomes import NotFound
from app.tables.visits import ChecklistTemplate
from app.visits import checklist, store
from app.visits.checklist import questions
from app.visits.forms import SECTION_TITLE

REPLACED = "This version has been changed since you opened it: open the current version"


def new_key(content: dict, text: str) -> str:
    """A key for a new question, from its words, unique in the template (answers are kept by it)."""
    base = "_".join(re.findall(r"[a-z0-9]+", text.lower())[:4])[:40] or "question"
    taken = {q["key"] for _, q in questions(content)}
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def question_of(values: dict) -> dict:
    """The question to store, from QuestionForm's values (checked by its parse)."""
    kind = values["kind"]
    q: dict = {"text": values["text"], "kind": kind, "required": values["required"]}
    if kind in ("choice", "multi"):
        q["options"] = values["options"]
    if kind == "number":
        q["min"], q["max"] = values["min"], values["max"]
    q["when"] = values["when"]
    q["advice"] = values["advice"]
    if values["referral_kind"]:
        q["referral"] = {"kind": values["referral_kind"], "reason": values["referral_reason"]}
    if values["followup_days"] is not None:
        q["followup"] = {"days": values["followup_days"], "reason": values["followup_reason"]}
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
    found = checklist.find_question(content, key)
    if found and found[1].get("ask_if"):  # when it is asked is kept (the editor has no field)
        question["ask_if"] = copy.deepcopy(found[1]["ask_if"])
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
        elif whole_number(number, 1, len(content["sections"])) is not None:
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
    actor: Actor,
    template_id: int,
    key: str | None,
    values: dict,
    invalid: FormErrors | None = None,
) -> tuple[int | None, FormErrors]:
    """Add a question (key None), change or remove one (values from QuestionForm, `action`
    remove; `invalid` its form errors, after the version's and the section's and not asked
    of a removal): saved as a new version, whose id is returned; or the errors. NotFound."""
    errors = FormErrors()
    async with atomic():
        row, content = await template(actor, template_id)
        if key is not None and checklist.find_question(content, key) is None:
            raise NotFound("No such question")
        if not row["current"]:
            errors.add("text", REPLACED)
        if values["action"] == "remove" and key is not None and not errors:
            changed = without_question(content, key)
        else:
            section = values["section"]
            if section is None or section > len(content["sections"]):
                errors.add("section", "Choose a section")
            for name, message in (invalid or {}).items():
                errors.add(name, message)
            if errors:
                return None, errors
            changed = with_question(content, section, question_of(values), key)
        return await store.new_version(row, changed, actor.id), errors
