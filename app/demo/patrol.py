"""Demo: today's published patrol plan for the demo PCSO around the Abbey team's centre, and a
draft for tomorrow, built and published by the demo supervisor through the same use cases as
the web (so publishing tells the PCSO with a patrol tasking, as it would)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from geopy.distance import geodesic

from app.actor import actor_for
from app.patrol import plans
from app.patrol.times import LOCAL, shift_bounds
from app.tables.patrol import PatrolPlan, PointSource

ORDER = 70
# (label, metres from the centre, bearing, instruction)
POINTS = [
    ("Primary school gates", 250, 20, "Be visible at the school gates at closing time."),
    ("Parade of shops", 400, 110, "Talk to the shopkeepers about the recent thefts."),
    ("Recreation ground", 600, 200, "Check the play area for ASB and litter."),
    ("Bus interchange", 350, 290, "Reassurance presence while the college empties."),
]


async def _plan(actor, values: dict) -> int:
    plan_id, errors = await plans.create(actor, values)
    if errors:
        raise RuntimeError(f"The demo's patrol plan was refused: {dict(errors)}")
    return plan_id


async def load(ctx) -> None:
    home = ctx.made["home_team"]
    pcso = ctx.made["people"]["pcso"]
    supervisor = actor_for(ctx.made["people"]["supervisor"])
    today = datetime.now(LOCAL).date()
    # The whole day, so the demo works whenever it is started.
    start, end = shift_bounds(today, time(0, 0), time(23, 59))
    plan_id = await _plan(
        supervisor,
        {
            "team": home.id,
            "day": today,
            "shift_start": start,
            "shift_end": end,
            "assignee": pcso.id,
            "title": "Demo: around Abbey",
            "start_lat": home.centre_lat,
            "start_lng": home.centre_lng,
        },
    )
    centre = (home.centre_lat, home.centre_lng)
    for n, (label, metres, bearing, instruction) in enumerate(POINTS, start=1):
        where = geodesic(meters=metres).destination(centre, bearing)
        window_start = time(8 + 2 * n, 0)
        _, errors = await plans.add_point(
            supervisor,
            plan_id,
            {
                "label": label,
                "address": "",
                "lat": where.latitude,
                "lng": where.longitude,
                "window_start": window_start,
                "window_end": time(8 + 2 * n, 45),
                "instruction": instruction,
                "source": PointSource.SUGGESTION,
            },
        )
        if errors:
            raise RuntimeError(f"The demo's patrol point was refused: {dict(errors)}")
    errors = await plans.publish(supervisor, plan_id)
    if errors:
        raise RuntimeError(f"The demo's patrol plan was not published: {dict(errors)}")
    ctx.made["patrol_plan"] = await PatrolPlan.objects().where(PatrolPlan.id == plan_id).first()
    # A draft for tomorrow with no points: a supervisor adds them from the suggestions.
    tomorrow = today + timedelta(days=1)
    start, end = shift_bounds(tomorrow, time(14, 0), time(22, 0))
    await _plan(
        supervisor,
        {
            "team": home.id,
            "day": tomorrow,
            "shift_start": start,
            "shift_end": end,
            "assignee": None,
            "title": "Demo: late shift, to build",
        },
    )
