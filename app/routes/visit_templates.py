"""The checklist editor: supervisors and admins change a template; each change is a version."""

from __future__ import annotations

import copy
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.roles import MANAGERS
from app.tables.visits import ChecklistTemplate
from app.visits import checklist, editor, store
from app.web import Form, FormErrors, page

NAV = navigation.register(
    "Visit checklists", "/visits/templates", "visits", 86, MANAGERS, primary=False
)
REPLACED = "This version has been changed since you opened it: open the current version"


async def _template(template_id: int) -> tuple[dict, dict]:
    row = await store.template(template_id)
    if row is None:
        raise NotFoundException("No such checklist")
    return row, checklist.load(row["content"])


class VisitTemplatesController(Controller):
    path = "/visits/templates"

    @get("/", opt=allow(MANAGERS))
    async def index(self) -> Template:
        current = await store.current_templates()
        versions = await ChecklistTemplate.select(
            ChecklistTemplate.id,
            ChecklistTemplate.family,
            ChecklistTemplate.version,
            ChecklistTemplate.created_at,
        ).order_by(ChecklistTemplate.version, ascending=False)
        return page("visits/templates/index.html", current=current, versions=versions)

    @get("/{template_id:int}", opt=allow(MANAGERS))
    async def show(self, template_id: int) -> Template:
        row, content = await _template(template_id)
        return page(
            "visits/templates/show.html",
            version=row,
            content=content,
            errors=FormErrors(),
            values={},
        )

    @post("/{template_id:int}/sections", opt=allow(MANAGERS), status_code=303)
    async def change_section(self, request: Request, template_id: int, data: Form) -> Any:
        """Add a section (no number), rename one, or remove an empty one."""
        row, content = await _template(template_id)
        errors = FormErrors()
        title = str(data.get("title", "")).strip()
        number = str(data.get("section", ""))
        action = str(data.get("action", "save"))
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
                errors.add("title", "Enter a section title of up to 80 characters")
            else:
                changed["sections"][index]["title"] = title
        elif not title or len(title) > 80:
            errors.add("title", "Enter a section title of up to 80 characters")
        else:
            changed["sections"].append({"title": title, "questions": []})
        if errors:
            return page(
                "visits/templates/show.html",
                status_code=400,
                version=row,
                content=content,
                errors=errors,
                values={"title": title},
            )
        new_id = await store.new_version(row, changed, request.user.id)
        return Redirect(path=f"/visits/templates/{new_id}?saved=1", status_code=303)

    @get("/{template_id:int}/questions/new", opt=allow(MANAGERS))
    async def new_question(self, template_id: int, section: int = 1) -> Template:
        row, content = await _template(template_id)
        return self._form(row, content, None, {"section": section, "kind": "yesno"}, FormErrors())

    @get("/{template_id:int}/questions/{key:str}", opt=allow(MANAGERS))
    async def edit_question(self, template_id: int, key: str) -> Template:
        row, content = await _template(template_id)
        found = checklist.find_question(content, key)
        if found is None:
            raise NotFoundException("No such question")
        return self._form(
            row, content, key, {**editor.form_values(found[1]), "section": found[0]}, FormErrors()
        )

    @post("/{template_id:int}/questions", opt=allow(MANAGERS), status_code=303)
    async def add_question(self, request: Request, template_id: int, data: Form) -> Any:
        return await self._save_question(request, template_id, None, data)

    @post("/{template_id:int}/questions/{key:str}", opt=allow(MANAGERS), status_code=303)
    async def change_question(
        self, request: Request, template_id: int, key: str, data: Form
    ) -> Any:
        return await self._save_question(request, template_id, key, data)

    async def _save_question(
        self, request: Request, template_id: int, key: str | None, data: Form
    ) -> Any:
        row, content = await _template(template_id)
        if key is not None and checklist.find_question(content, key) is None:
            raise NotFoundException("No such question")
        errors = FormErrors()
        if not row["current"]:
            errors.add("text", REPLACED)
        if str(data.get("action", "")) == "remove" and key is not None and not errors:
            changed = editor.without_question(content, key)
        else:
            section = str(data.get("section", ""))
            if not section.isdigit() or not 1 <= int(section) <= len(content["sections"]):
                errors.add("section", "Choose a section")
            question = editor.check_question(data, errors)
            if errors:
                return self._form(row, content, key, data, errors)
            changed = editor.with_question(content, int(section), question, key)
        if errors:
            return self._form(row, content, key, data, errors)
        new_id = await store.new_version(row, changed, request.user.id)
        return Redirect(path=f"/visits/templates/{new_id}?saved=1", status_code=303)

    @staticmethod
    def _form(
        row: dict, content: dict, key: str | None, values: dict, errors: FormErrors
    ) -> Template:
        return page(
            "visits/templates/question.html",
            status_code=400 if errors else 200,
            version=row,
            key=key,
            values=values,
            errors=errors,
            sections=[(n, s["title"]) for n, s in enumerate(content["sections"], start=1)],
            kinds=list(checklist.KINDS.items()),
        )
