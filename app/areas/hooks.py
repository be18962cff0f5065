"""Problem solving and powers used on the area page (app/problems), per team area.

Each takes the team area ids and returns, per area id, what the area page shows in that place:
one grouped query for all the areas asked about (the roll-up asks about every area at once).
"""

from __future__ import annotations

from datetime import timedelta

from app.clock import today
from app.problems.forms import POWER_LABELS
from app.tables.problems import Problem, ProblemState

POWERS_DAYS = 90


def _marks(values: list) -> str:
    return ", ".join("{}" for _ in values)


async def open_problems(team_ids: list[int]) -> dict[int, dict]:
    """Per area: {'open': n, 'overdue_reviews': n, 'url': ...} of its problem-solving plans not
    closed (a plan in several areas counts in each); an area with none has open 0."""
    found = {t: {"open": 0, "overdue_reviews": 0, "url": f"/problems?area={t}"} for t in team_ids}
    if not team_ids:
        return found
    rows = await Problem.raw(
        "SELECT a.team AS team, COUNT(*) AS open, "  # noqa: S608 - only placeholders added
        "SUM(CASE WHEN p.next_review < {} THEN 1 ELSE 0 END) AS overdue "
        "FROM problem_area a JOIN problem p ON p.id = a.problem "
        f"WHERE p.state <> {{}} AND a.team IN ({_marks(team_ids)}) GROUP BY a.team",
        today(),
        ProblemState.CLOSED.value,
        *team_ids,
    )
    for row in rows:
        found[row["team"]].update(open=row["open"], overdue_reviews=row["overdue"] or 0)
    return found


async def powers_used(team_ids: list[int]) -> dict[int, dict]:
    """Per area: {power: times used in the last 90 days}, the commonest first."""
    found: dict[int, dict] = {t: {} for t in team_ids}
    if not team_ids:
        return found
    rows = await Problem.raw(
        "SELECT team, kind, COUNT(*) AS n FROM power_use "  # noqa: S608
        f"WHERE used_on >= {{}} AND team IN ({_marks(team_ids)}) "
        "GROUP BY team, kind ORDER BY n DESC, kind",
        today() - timedelta(days=POWERS_DAYS),
        *team_ids,
    )
    for row in rows:
        found[row["team"]][POWER_LABELS.get(row["kind"], row["kind"])] = row["n"]
    return found
