"""The team's engagement log for supervisors: filters, counts by week, and CSV export."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta

from litestar import Controller, Request, Response, get
from litestar.response import Template

from app.access import allow
from app.audit import Operation, record
from app.engagement import KINDS, TOPICS, topics_list, week_start
from app.places import team_choices
from app.roles import Role
from app.tables.engagement import Engagement
from app.templating import LOCAL_TIME
from app.web import FormErrors, page

SUPERVISORS = frozenset({Role.SUPERVISOR})
SHOWN = 300  # rows on the page; the CSV holds them all


def parse_week(text: str, errors: FormErrors) -> date | None:
    """An <input type=week> value ('2026-W47') as the Monday it starts."""
    if not text:
        return None
    try:
        year, week = text.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        errors.add("week", "Enter a week, like 2026-W47")
        return None


async def team_entries(area: str, kind: str, topic: str, week: date | None) -> list[dict]:
    """The team's entries matching the filters, newest first."""
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
    if area.isdigit():
        query = query.where(Engagement.team == int(area))
    if kind in KINDS:
        query = query.where(Engagement.kind == kind)
    if topic in TOPICS:
        query = query.where(Engagement.topics.like(f"%,{topic},%"))
    if week:
        start = datetime.combine(week, datetime.min.time(), LOCAL_TIME)
        query = query.where(
            (Engagement.occurred_at >= start) & (Engagement.occurred_at < start + timedelta(days=7))
        )
    return await query.order_by(Engagement.occurred_at, ascending=False)


class TeamLogController(Controller):
    path = "/log/team"

    @get("/", opt=allow(SUPERVISORS))
    async def index(
        self, request: Request, area: str = "", kind: str = "", topic: str = "", week: str = ""
    ) -> Template:
        errors = FormErrors()
        monday = parse_week(week, errors)
        entries = await team_entries(area, kind, topic, monday)
        by_week = Counter(
            week_start(e["occurred_at"].astimezone(LOCAL_TIME).date()) for e in entries
        )
        for entry in entries[:SHOWN]:
            entry["topic_list"] = [TOPICS[t] for t in topics_list(entry["topics"]) if t in TOPICS]
        await record(
            request, Operation.CONSULTATION, "engagement", "team", detail=f"{len(entries)} entries"
        )
        return page(
            "log/team.html",
            status_code=400 if errors else 200,
            errors=errors,
            values={"area": area, "kind": kind, "topic": topic, "week": week},
            entries=entries[:SHOWN],
            total=len(entries),
            by_week=sorted(by_week.items(), reverse=True),
            teams=await team_choices(),
            kinds=KINDS,
            topics=TOPICS,
            query=request.url.query,
        )

    @get("/export.csv", opt=allow(SUPERVISORS))
    async def export(
        self, request: Request, area: str = "", kind: str = "", topic: str = "", week: str = ""
    ) -> Response:
        monday = parse_week(week, FormErrors())
        entries = await team_entries(area, kind, topic, monday)
        out = io.StringIO()
        writer = csv.writer(out)
        columns = ["id", "occurred_at", "team", "author", "kind", "topics", "people", "lat", "lng"]
        writer.writerow([*columns, "accuracy_m", "key_individual", "note", "follow_up"])
        for e in entries:
            writer.writerow(
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
        await record(
            request, Operation.DISCLOSURE, "engagement", "csv", detail=f"{len(entries)} rows"
        )
        return Response(
            content=out.getvalue(),
            media_type="text/csv",
            headers={"content-disposition": 'attachment; filename="engagement.csv"'},
        )
