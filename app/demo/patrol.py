"""Demo: today's published patrol plan for the demo PCSO around the Abbey team's centre."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from geopy.distance import geodesic

from app.patrol.times import LOCAL, shift_bounds
from app.tables.patrol import PatrolPlan, PatrolPoint

ORDER = 70
# (label, metres from the centre, bearing, instruction)
POINTS = [
    ("Primary school gates", 250, 20, "Be visible at the school gates at closing time."),
    ("Parade of shops", 400, 110, "Talk to the shopkeepers about the recent thefts."),
    ("Recreation ground", 600, 200, "Check the play area for ASB and litter."),
    ("Bus interchange", 350, 290, "Reassurance presence while the college empties."),
]


async def load(ctx) -> None:
    home = ctx.made["home_team"]
    pcso = ctx.made["people"]["pcso"]
    supervisor = ctx.made["people"]["supervisor"]
    today = datetime.now(LOCAL).date()
    # The whole day, so the demo works whenever it is started.
    start, end = shift_bounds(today, time(0, 0), time(23, 59))
    plan = PatrolPlan(
        team=home.id,
        day=today,
        shift_start=start,
        shift_end=end,
        assignee=pcso.id,
        title="Demo: around Abbey",
        status="published",
        published_at=start,
        start_lat=home.centre_lat,
        start_lng=home.centre_lng,
        created_by=supervisor.id,
    )
    await plan.save()
    centre = (home.centre_lat, home.centre_lng)
    rows = []
    for n, (label, metres, bearing, instruction) in enumerate(POINTS, start=1):
        where = geodesic(meters=metres).destination(centre, bearing)
        window_start = start + timedelta(hours=8 + 2 * n)
        rows.append(
            PatrolPoint(
                plan=plan.id,
                position=n,
                label=label,
                lat=where.latitude,
                lng=where.longitude,
                window_start=window_start,
                window_end=window_start + timedelta(minutes=45),
                instruction=instruction,
                source="suggestion",
            )
        )
    await PatrolPoint.insert(*rows)
    ctx.made["patrol_plan"] = plan
    # A draft for tomorrow with no points: a supervisor adds them from the suggestions.
    tomorrow = today + timedelta(days=1)
    start, end = shift_bounds(tomorrow, time(14, 0), time(22, 0))
    await PatrolPlan(
        team=home.id,
        day=tomorrow,
        shift_start=start,
        shift_end=end,
        title="Demo: late shift, to build",
        status="draft",
        created_by=supervisor.id,
    ).save()
