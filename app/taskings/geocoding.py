"""Looking up tasking addresses through geopy, with the geocoder the settings name.

'local' is the project's own geocoder: it answers from a small table behind geopy's
Geocoder interface, so tests and the demo work with the network closed.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache

from geopy.geocoders import get_geocoder_for_service
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from app.settings import get_settings

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
