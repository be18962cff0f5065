"""The briefing's map: the circle or the team area's boundary, the recent incidents or crimes
listed (police roles: the force's incidents at their places; civilians: police.uk's anonymised
street-crime points only, as the list), the repeat places, and the phone's position."""

from __future__ import annotations

from app import maps
from app.briefing.place import Briefing
from app.briefing.where import Where


def briefing_map(where: Where, briefing: Briefing) -> dict:
    """The map's data for a briefing page (only what the page lists: nothing more is put on
    the map than the actor may read in the lists below it)."""
    points = []
    for row in briefing.recent:
        if row.get("occurred_at") is not None:
            points.append(
                maps.point(
                    row["lat"], row["lng"], f"{row['category']}: {row['location']}", "incident"
                )
            )
        else:
            label = f"{row['crime_type']}: {row['location']} ({row['month']})"
            points.append(maps.point(row["lat"], row["lng"], label, "crime"))
    for place in briefing.repeat_places:
        label = f"Repeat place: {place['location']}, {place['count']} {place['kind']}"
        points.append(maps.point(place["lat"], place["lng"], label, "repeat"))
    boundaries, circle = [], None
    if where.whole_area:
        boundaries.append(maps.boundary(where.boundary, where.team["name"]))
    else:
        circle = {"lat": where.lat, "lng": where.lng, "radius": where.radius}
    you = None
    if where.how == "position":
        you = {"lat": where.lat, "lng": where.lng, "accuracy": where.accuracy or 0}
    kind = "incidents and crimes" if briefing.detail else "street crimes (police.uk)"
    return maps.config(
        f"Map of the briefing's {kind} and repeat places",
        boundaries=boundaries,
        points=points,
        circle=circle,
        you=you,
        centre=(where.lat, where.lng),
        attribution=[maps.POLICE_UK_ATTRIBUTION],
    )
