"""The checklist editor: supervisors and admins change a template; each change is a version."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.forms import FormErrors
from app.roles import MANAGERS
from app.visits import checklist, editor
from app.visits.forms import QuestionForm, SectionChange
from app.web import Acting, Form, page

NAV = navigation.register("Visit checklists", "visits:templates", "visits", 86, primary=False)


def question_form(
    row: dict, content: dict, key: str | None, values: dict, errors: FormErrors
) -> Template:
    return page(
        "visits/templates/question.html",
        version=row,
        key=key,
        values=values,
        errors=errors,
        sections=[(n, s["title"]) for n, s in enumerate(content["sections"], start=1)],
        kinds=list(checklist.KINDS.items()),
    )


class VisitTemplatesController(Controller):
    path = "/visits/templates"

    @get("/", opt=allow(MANAGERS), name="visits:templates")
    async def index(self, actor: Acting) -> Template:
        return page("visits/templates/index.html", **await editor.checklists(actor))

    @get("/{template_id:int}", opt=allow(MANAGERS), name="visits:template")
    async def show(self, actor: Acting, template_id: FromPath[int]) -> Template:
        row, content = await editor.template(actor, template_id)
        return page(
            "visits/templates/show.html",
            version=row,
            content=content,
            errors=FormErrors(),
            values={},
        )

    @post(
        "/{template_id:int}/sections",
        opt=allow(MANAGERS),
        status_code=303,
        name="visits:change_section",
    )
    async def change_section(self, actor: Acting, template_id: FromPath[int], data: Form) -> Any:
        """Add a section (no number), rename one, or remove an empty one."""
        values, errors = SectionChange.parse(data)
        new_id, errors = await editor.change_section(actor, template_id, values)
        if errors:
            row, content = await editor.template(actor, template_id)
            return page(
                "visits/templates/show.html",
                version=row,
                content=content,
                errors=errors,
                values={"title": values["title"]},
            )
        return Redirect(path=f"/visits/templates/{new_id}?saved=1", status_code=303)

    @get("/{template_id:int}/questions/new", opt=allow(MANAGERS), name="visits:new_question")
    async def new_question(
        self, actor: Acting, template_id: FromPath[int], section: FromQuery[int] = 1
    ) -> Template:
        row, content = await editor.template(actor, template_id)
        values = {"section": section, "kind": "yesno"}
        return question_form(row, content, None, values, FormErrors())

    @get("/{template_id:int}/questions/{key:str}", opt=allow(MANAGERS), name="visits:edit_question")
    async def edit_question(
        self, actor: Acting, template_id: FromPath[int], key: FromPath[str]
    ) -> Template:
        row, content, values = await editor.question(actor, template_id, key)
        return question_form(row, content, key, values, FormErrors())

    @post(
        "/{template_id:int}/questions",
        opt=allow(MANAGERS),
        status_code=303,
        name="visits:add_question",
    )
    async def add_question(self, actor: Acting, template_id: FromPath[int], data: Form) -> Any:
        return await self._save_question(actor, template_id, None, data)

    @post(
        "/{template_id:int}/questions/{key:str}",
        opt=allow(MANAGERS),
        status_code=303,
        name="visits:change_question",
    )
    async def change_question(
        self, actor: Acting, template_id: FromPath[int], key: FromPath[str], data: Form
    ) -> Any:
        return await self._save_question(actor, template_id, key, data)

    @staticmethod
    async def _save_question(actor, template_id: int, key: str | None, data: dict) -> Any:
        values, errors = QuestionForm.parse(data)
        new_id, errors = await editor.save_question(actor, template_id, key, values, errors)
        if errors:
            row, content = await editor.template(actor, template_id)
            return question_form(row, content, key, QuestionForm.echo(data), errors)
        return Redirect(path=f"/visits/templates/{new_id}?saved=1", status_code=303)
