"""Finding problems: search by area, state, kind, owner and text (what the actor may see), the
CSV of problems for partners' meetings, and the choices the search form offers."""

from __future__ import annotations

import csv
import io

from app.actor import Actor
from app.database import contains, snapshot
from app.outcomes import NotAllowed
from app.places import team_choices
from app.problems.forms import KIND_LABELS, RESULT_LABELS, STATE_LABELS
from app.roles import Role
from app.spreadsheet import safe_row
from app.tables.people import Person
from app.tables.problems import Problem, ProblemAction, ProblemArea, ProblemKind

POLICE_ONLY = (ProblemKind.VICTIM, ProblemKind.OFFENDER)
LIMIT = 500
STAFF = (Role.PCSO, Role.OFFICER, Role.SUPERVISOR)


async def _rows(actor: Actor, values: dict) -> list[dict]:
    if not (actor.is_police or actor.role == Role.VOLUNTEER):
        raise NotAllowed("Problem-solving plans are for police roles and volunteers")
    query = Problem.select(
        Problem.id,
        Problem.title,
        Problem.summary,
        Problem.kind,
        Problem.state,
        Problem.result,
        Problem.next_review,
        Problem.updated_at,
        Problem.response_started_on,
        Problem.owner.display_name.as_alias("owner_name"),
    )
    if not actor.is_police:
        teams = list(await actor.team_ids()) or [0]
        in_teams = await ProblemArea.select(ProblemArea.problem).where(
            ProblemArea.team.is_in(teams)
        )
        query = query.where(
            Problem.id.is_in([r["problem"] for r in in_teams] or [0])
            & Problem.kind.not_in(list(POLICE_ONLY))
        )
    if values.get("area"):
        in_area = await ProblemArea.select(ProblemArea.problem).where(
            ProblemArea.team == values["area"]
        )
        query = query.where(Problem.id.is_in([r["problem"] for r in in_area] or [0]))
    if values.get("state"):
        query = query.where(Problem.state == str(values["state"]))
    if values.get("kind"):
        query = query.where(Problem.kind == str(values["kind"]))
    if values.get("owner"):
        owned = await ProblemAction.select(ProblemAction.problem).where(
            ProblemAction.owner_person == values["owner"]
        )
        query = query.where(
            (Problem.owner == values["owner"])
            | Problem.id.is_in([r["problem"] for r in owned] or [0])
        )
    if values.get("q"):
        query = query.where(
            contains(Problem.title, values["q"]) | contains(Problem.summary, values["q"])
        )
    rows = await query.order_by(Problem.updated_at, ascending=False).limit(LIMIT)
    areas = await ProblemArea.select(
        ProblemArea.problem, ProblemArea.team.name.as_alias("name")
    ).where(ProblemArea.problem.is_in([r["id"] for r in rows] or [0]))
    for row in rows:
        row["areas"] = ", ".join(sorted(a["name"] for a in areas if a["problem"] == row["id"]))
        row["state_label"] = STATE_LABELS.get(row["state"], row["state"])
        row["kind_label"] = KIND_LABELS.get(row["kind"], row["kind"])
        row["result_label"] = RESULT_LABELS.get(row["result"], "")
    return rows


async def search(actor: Actor, values: dict) -> dict:
    """The problems matching the search (values from SearchForm.parse), newest update first,
    and the form's choices."""
    async with snapshot():
        rows = await _rows(actor, values)
        teams = await team_choices()
        people = []
        if actor.is_police:
            people = (
                await Person.select(Person.id, Person.display_name)
                .where(Person.role.is_in([*STAFF, Role.VOLUNTEER]) & Person.active.eq(True))
                .order_by(Person.display_name)
            )
    owners = [(p["id"], p["display_name"]) for p in people]
    return {"rows": rows, "teams": teams, "owners": owners, "limit": LIMIT}


CSV_HEADER = [
    "number",
    "title",
    "what it is",
    "kind",
    "areas",
    "state",
    "result",
    "owner",
    "next review",
    "last updated",
    "response began",
]


async def problems_csv(actor: Actor, values: dict) -> str:
    """The search's problems as CSV for a partners' meeting (every cell through safe_row)."""
    async with snapshot():
        rows = await _rows(actor, values)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        updated = r["updated_at"]
        writer.writerow(
            safe_row(
                [
                    r["id"],
                    r["title"],
                    r["summary"],
                    r["kind_label"],
                    r["areas"],
                    r["state_label"],
                    r["result_label"],
                    r["owner_name"] or "",
                    r["next_review"] or "",
                    str(updated)[:16] if updated else "",
                    r["response_started_on"] or "",
                ]
            )
        )
    return out.getvalue()
