"""The team's engagement log for supervisors: filtered entries, counts by week, the CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from app.actor import Actor
from app.audit import Operation, record
from app.clock import LOCAL_TIME
from app.database import snapshot
from app.engagement.forms import KINDS, TOPICS
from app.engagement.service import topics_list, week_start
from app.spreadsheet import safe_row
from app.tables.engagement import Engagement

SHOWN = 300  # rows on the page; the CSV holds them all


async def _entries(filters: dict) -> list[dict]:
    """The team's entries matching the filters (TeamLogFilter's values), newest first."""
    query = Engagement.select(
        Engagement.id,
        Engagement.occurred_at,
        Engagement.kind,
        Engagement.topics,
        Engagement.people_count,
        Engagement.lat,
        Engagement.lng,
        Engagement.accuracy_m,
        Engagement.note,
        Engagement.follow_up,
        Engagement.author.display_name.as_alias("author_name"),
        Engagement.team.name.as_alias("team_name"),
        Engagement.key_individual.name.as_alias("key_name"),
    ).where(Engagement.deleted_at.is_null())
    if filters.get("area") is not None:
        query = query.where(Engagement.team == filters["area"])
    if filters.get("kind"):
        query = query.where(Engagement.kind == filters["kind"])
    if filters.get("topic"):
        query = query.where(Engagement.topics.like(f"%,{filters['topic']},%"))
    if filters.get("week"):
        start = datetime.combine(filters["week"], datetime.min.time(), LOCAL_TIME)
        query = query.where(
            (Engagement.occurred_at >= start) & (Engagement.occurred_at < start + timedelta(days=7))
        )
    return await query.order_by(Engagement.occurred_at, ascending=False)


async def team_log(actor: Actor, filters: dict) -> dict[str, Any]:
    """The entries matching the filters (the newest SHOWN), their total and counts by week."""
    async with snapshot():
        entries = await _entries(filters)
        await record(
            actor, Operation.CONSULTATION, "engagement", "team", detail=f"{len(entries)} entries"
        )
    by_week = Counter(week_start(e["occurred_at"].astimezone(LOCAL_TIME).date()) for e in entries)
    for entry in entries[:SHOWN]:
        entry["topic_list"] = [TOPICS[t] for t in topics_list(entry["topics"]) if t in TOPICS]
    return {
        "entries": entries[:SHOWN],
        "total": len(entries),
        "by_week": sorted(by_week.items(), reverse=True),
    }


async def team_csv(actor: Actor, filters: dict) -> str:
    """Every entry matching the filters as CSV text; recorded as a disclosure."""
    async with snapshot():
        entries = await _entries(filters)
        await record(
            actor, Operation.DISCLOSURE, "engagement", "csv", detail=f"{len(entries)} rows"
        )
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ["id", "occurred_at", "team", "author", "kind", "topics", "people", "lat", "lng"]
    writer.writerow([*columns, "accuracy_m", "key_individual", "note", "follow_up"])
    for e in entries:
        # Names, notes and follow-ups are typed by people: none may run as a formula.
        writer.writerow(
            safe_row(
                [
                    e["id"],
                    e["occurred_at"].astimezone(LOCAL_TIME).isoformat(timespec="minutes"),
                    e["team_name"] or "",
                    e["author_name"],
                    KINDS.get(e["kind"], e["kind"]),
                    "; ".join(TOPICS.get(t, t) for t in topics_list(e["topics"])),
                    e["people_count"] or "",
                    e["lat"] if e["lat"] is not None else "",
                    e["lng"] if e["lng"] is not None else "",
                    e["accuracy_m"] if e["accuracy_m"] is not None else "",
                    e["key_name"] or "",
                    e["note"],
                    e["follow_up"],
                ]
            )
        )
    return out.getvalue()
