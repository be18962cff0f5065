"""What a map on a page draws, as plain data for app/static/js/map.js: tiles (from the settings),
boundaries, points, a circle, the person's position, and whether a tap picks a point.

Without BEATBOOK_TILE_URL a map draws all of that on a plain ground. Need to know holds on
maps as in lists: callers pass only the points the person may see (police.uk's for civilians,
street-level points for offers), never more."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.settings import get_settings

# Shown on every map that draws a boundary (the shipped wards are ONS data; police.uk's
# neighbourhood boundaries are under the same licence).
BOUNDARY_ATTRIBUTION = (
    "Boundaries: Source: Office for National Statistics licensed under the Open Government "
    "Licence v3.0. Contains OS data © Crown copyright and database right."
)
POLICE_UK_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)


def tile_origin(url: str | None = None) -> str:
    """The origin tiles come from, for the Content-Security-Policy's img-src ('' without
    tiles); a {s} subdomain becomes a wildcard."""
    url = get_settings().tile_url if url is None else url
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "tile-subdomain"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.replace("tile-subdomain", "*")
    return f"{parts.scheme}://{host}"


def point(lat: float, lng: float, label: str, kind: str, **extra) -> dict:
    """One point: kind is incident, crime, repeat, plan, visit, place or pick (its style)."""
    return {"lat": round(lat, 6), "lng": round(lng, 6), "label": label, "kind": kind, **extra}


def boundary(found, label: str) -> dict:
    """A team area's boundary (app.boundaries.membership.Boundary) as a layer."""
    return {"geojson": found.geojson(), "label": label, "approximate": found.approximate}


def config(
    label: str,
    *,
    boundaries: list[dict] | None = None,
    points: list[dict] | None = None,
    circle: dict | None = None,
    you: dict | None = None,
    pick: dict | None = None,
    centre: tuple[float, float] | None = None,
    attribution: list[str] | None = None,
    line: bool = False,
    follow: bool = False,
) -> dict:
    """A map's data. `pick`: {"lat": input id, "lng": input id} to fill from a tap or click;
    `line`: join the points in their order (a walking order); `follow`: show the person's
    position as it changes (only when they have already allowed it: never asked on load)."""
    settings = get_settings()
    credits = list(attribution or [])
    if boundaries:
        credits.append(BOUNDARY_ATTRIBUTION)
    return {
        "label": label,
        "tiles": settings.tile_url,
        "tileAttribution": settings.tile_attribution if settings.tile_url else "",
        "attribution": credits,
        "boundaries": boundaries or [],
        "points": points or [],
        "circle": circle,
        "you": you,
        "pick": pick,
        "centre": list(centre) if centre else None,
        "line": line,
        "follow": follow,
    }
