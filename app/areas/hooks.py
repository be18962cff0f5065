"""Where problem solving and powers will join the area page (app/problems is being built).

Each hook takes the team area ids and returns, per area id, what the area page shows in that
place, or None while the feature does not exist yet (the page then says it is not there yet).
Replace the bodies once app/problems (and a record of powers used) exist; nothing else on the
area page or the roll-up needs to change.
"""

from __future__ import annotations


async def open_problems(team_ids: list[int]) -> dict[int, dict] | None:
    """Per area: {'open': n, 'overdue_reviews': n, 'url': ...} of its problem-solving plans.
    None: problem solving is not in Beatbook yet."""
    return None


async def powers_used(team_ids: list[int]) -> dict[int, dict] | None:
    """Per area: {power: times used in the last 90 days}. None: powers are not recorded yet."""
    return None
