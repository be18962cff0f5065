"""Looking up tasking addresses through geopy, with the geocoder the settings name: an
address's point, and (reverse) the address at a point.

'local' is the project's own geocoder: it answers from a small table behind geopy's
Geocoder interface, so tests and the demo work with the network closed.

"Open in maps" links are https Google Maps URLs (maps_url): the documented cross-platform form
(https://developers.google.com/maps/documentation/urls) opens the Google Maps app on Android,
and on iPhones Google Maps when it is installed, else the browser's map; a `geo:` link does
nothing on iPhones, and maps.apple.com opens only a web page on Android.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache

from geopy.geocoders import get_geocoder_for_service
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from app.geo import haversine_m
from app.settings import get_settings

REVERSE_WITHIN_M = 250  # the local table answers a reverse look-up within this distance

# Places in the demo force's area (approximate points), keyed by a normalised address.
LOCAL_ADDRESSES = {
    "abbey street, derby": ("Abbey Street, Derby DE22 3SJ", 52.9163, -1.4860),
    "friar gate, derby": ("Friar Gate, Derby DE1 1BX", 52.9240, -1.4852),
    "normanton road, derby": ("Normanton Road, Derby DE23 6WB", 52.9053, -1.4793),
    "st peter's street, derby": ("St Peter's Street, Derby DE1 1SN", 52.9197, -1.4762),
    "rose hill community centre, derby": ("Rose Hill Community Centre, Derby", 52.9081, -1.4715),
    "mickleover library, derby": ("Mickleover Library, Derby DE3 0DB", 52.9066, -1.5512),
    "derby bus station": ("Derby Bus Station, Morledge, Derby DE1 2AW", 52.9210, -1.4707),
}


def _key(query: str) -> str:
    return " ".join(query.lower().replace(",", ", ").split())


class LocalTableGeocoder(Geocoder):
    """A geopy Geocoder that answers from LOCAL_ADDRESSES (no network)."""

    def __init__(self, table: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.table = table if table is not None else LOCAL_ADDRESSES

    def geocode(self, query, *, exactly_one=True, timeout=None):  # noqa: ARG002 - geopy's signature
        found = self.table.get(_key(str(query)))
        if found is None:
            return None
        address, lat, lng = found
        location = Location(address, (lat, lng), {"query": query})
        return location if exactly_one else [location]

    def reverse(self, query, *, exactly_one=True, timeout=None):  # noqa: ARG002 - geopy's
        """The nearest place in the table within REVERSE_WITHIN_M of "lat, lng" (or a pair)."""
        lat, lng = _pair(query)
        near = sorted(
            (haversine_m(lat, lng, p_lat, p_lng), address, p_lat, p_lng)
            for address, p_lat, p_lng in self.table.values()
        )
        near = [n for n in near if n[0] <= REVERSE_WITHIN_M]
        if not near:
            return None
        found = [Location(a, (p_lat, p_lng), {"metres": m}) for m, a, p_lat, p_lng in near]
        return found[0] if exactly_one else found


def _pair(query) -> tuple[float, float]:
    if isinstance(query, str):
        lat, lng = (float(v) for v in query.split(","))
        return lat, lng
    return float(query[0]), float(query[1])


@lru_cache(maxsize=1)
def geocoder() -> Geocoder:
    """The configured geocoder (BEATBOOK_GEOCODER)."""
    name = get_settings().geocoder
    if name == "local":
        return LocalTableGeocoder()
    return get_geocoder_for_service(name)(user_agent="beatbook", timeout=5)


async def look_up(address: str) -> Location | None:
    """An address's point, or None if the geocoder does not know it or cannot be reached."""
    try:
        return await asyncio.to_thread(geocoder().geocode, address, exactly_one=True)
    except Exception:  # noqa: BLE001 - any geocoder failure means "not found" to the form
        return None


async def address_at(lat: float, lng: float) -> str | None:
    """The address the geocoder gives for a point, or None (unknown, or it cannot be reached)."""
    try:
        found = await asyncio.to_thread(geocoder().reverse, f"{lat}, {lng}", exactly_one=True)
    except Exception:  # noqa: BLE001 - any geocoder failure means "no address"
        return None
    return found.address if found is not None else None


def maps_url(lat: float, lng: float) -> str:
    """An https link that opens the phone's maps app at a point (see the module's docstring)."""
    return f"https://www.google.com/maps/search/?api=1&query={lat:.6f}%2C{lng:.6f}"
