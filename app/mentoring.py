"""Peer mentoring rules: the choices, who may read a client's notes, and the outcome measure."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from litestar.exceptions import NotFoundException, PermissionDeniedException

from app.roles import Role
from app.tables.mentoring import MentorClient, MentorCoordinator, PoliceCallCount

CONTACT_KINDS = {
    "meeting": "Meeting",
    "phone": "Phone call",
    "appointment": "Went with them to an appointment",
    "advocacy": "Advocacy",
    "referral": "Referral to an agency",
}
STATUSES = {"active": "Active", "paused": "Paused", "exited": "Exited"}
PROGRESS = {"not-started": "Not started", "in-progress": "In progress", "achieved": "Achieved"}
NOTE_MAX = 4000


async def is_coordinator(viewer) -> bool:
    """The mentor coordinator: a supervisor marked as such (MentorCoordinator)."""
    return viewer.role == Role.SUPERVISOR and await MentorCoordinator.exists().where(
        MentorCoordinator.person == viewer.id
    )


async def client_for(viewer, client_id: int) -> dict:
    """A client the viewer may read in full (their mentor, or the coordinator), else refused."""
    client = (
        await MentorClient.select(
            *MentorClient.all_columns(), MentorClient.mentor.display_name.as_alias("mentor_name")
        )
        .where(MentorClient.id == client_id)
        .first()
    )
    if client is None:
        raise NotFoundException()
    if client["mentor"] != viewer.id and not await is_coordinator(viewer):
        raise PermissionDeniedException("Only the client's mentor and the coordinator see this")
    return client


def month_start(day: date) -> date:
    return day.replace(day=1)


def _average(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


async def outcomes(client_ids: list[int] | None = None) -> tuple[list[dict], dict]:
    """Calls to police per month before and since mentoring began, per client and overall.

    Before: the average of the months recorded before the start month; since: of the months
    from the start month on. The programme figure compares the sums of those averages, and
    the mean of each client's own change (the way the programme reported "71 per cent fewer").
    """
    clients = MentorClient.select(
        MentorClient.id, MentorClient.reference, MentorClient.start_date, MentorClient.status
    ).order_by(MentorClient.reference)
    if client_ids is not None:
        if not client_ids:
            return [], {}
        clients = clients.where(MentorClient.id.is_in(client_ids))
    rows = await clients
    counts = defaultdict(list)
    query = PoliceCallCount.select(
        PoliceCallCount.client, PoliceCallCount.month, PoliceCallCount.calls
    ).order_by(PoliceCallCount.month)
    for c in await query:
        counts[c["client"]].append(c)
    per_client = []
    for client in rows:
        start = month_start(client["start_date"])
        months = counts.get(client["id"], [])
        before = _average([m["calls"] for m in months if m["month"] < start])
        since = _average([m["calls"] for m in months if m["month"] >= start])
        change = None
        if before and since is not None:
            change = round(100 * (since - before) / before)
        per_client.append(
            {**client, "months": months, "before": before, "since": since, "change": change}
        )
    both = [c for c in per_client if c["change"] is not None]
    programme = {}
    if both:
        before_sum = sum(c["before"] for c in both)
        since_sum = sum(c["since"] for c in both)
        programme = {
            "clients": len(both),
            "before": before_sum,
            "since": since_sum,
            "change": round(100 * (since_sum - before_sum) / before_sum),
            "mean_change": round(sum(c["change"] for c in both) / len(both)),
        }
    return per_client, programme
