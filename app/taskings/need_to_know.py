"""What a person may see of a tasking: an offer not yet accepted shows the kind, the area, the
window and the street (police.uk-level: "on or near" a street, a point snapped to a coarse grid),
never the house number, the exact point or the reason; whoever has the work (assigned to them,
or accepted by them) sees it all. Police roles see every tasking they have a part in whole.
"""

from __future__ import annotations

import re

from app.roles import POLICE
from app.taskings.states import State

# A part whose person has the work: they need the address and the reason to do it.
HAS_THE_WORK = frozenset(
    {
        State.ASSIGNED,
        State.ACKNOWLEDGED,
        State.ACCEPTED,
        State.IN_PROGRESS,
        State.DONE,
        State.CANNOT_DO,
    }
)
# The fields of a tasking an offer shows before acceptance (everything else is left out).
OFFER_FIELDS = (
    "id",
    "kind",
    "title",
    "place_kind",
    "team",
    "area",
    "starts_at",
    "ends_at",
    "priority",
    "mode",
    "places_wanted",
    "cancelled",
    "created_at",
    "updated_at",
)
# The grid an offer's point is snapped to: about 220 m north-south by 200 m east-west in the
# UK, so the point names a few streets' worth of homes, not one.
GRID_LAT = 0.002
GRID_LNG = 0.003

# Words a street's name ends with (UK usage); a part of an address that ends with none of them
# and carried no house number is a house or building name, and is left out.
STREET_WORDS = frozenset(
    """road street lane avenue close drive way crescent grove place terrace gardens square hill
    walk row view rise mews park green parade vale court gate end side bank brow croft fold
    hollow meadow meadows mount nook chase circus cross approach boulevard broadway embankment
    wharf quay yard passage alley wynd loke causeway highway bypass ring link north south east
    west""".split()
)
FLAT_WORDS = r"(?:flat|apartment|apt|unit|suite|room|maisonette|floor|basement|studio)"
# "Flat 3", "Apartment 2B", "Unit 4-6", "Ground floor flat", "First Floor", "3rd floor"
FLAT = re.compile(
    rf"^\s*(?:(?:ground|first|second|third|top|lower|upper|\d+(?:st|nd|rd|th))\s+)?"
    rf"{FLAT_WORDS}\b\.?\s*(?:no\.?\s*)?[\w/-]*\s*,?\s*",
    re.IGNORECASE,
)
# A house number at the start: "12", "12a", "12 A", "12-14", "12/3", "No. 12".
NUMBER = re.compile(
    r"^\s*(?:no\.?\s*)?\d+\s*[a-z]?(?:\s*[-/–]\s*\d+\s*[a-z]?)?\b\s*,?\s*", re.IGNORECASE
)
POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b", re.IGNORECASE)


def _parts(address: str) -> list[str]:
    return [p.strip() for p in (address or "").split(",") if p.strip()]


def _strip_house(part: str) -> tuple[str, str, bool]:
    """A part of an address split into its flat and house number (as written) and the rest;
    whether a house number was among what was taken off."""
    rest, numbered = part.strip(), False
    while True:
        for pattern in (FLAT, NUMBER):
            shorter = pattern.sub("", rest, count=1).strip()
            if shorter != rest:
                numbered = numbered or pattern is NUMBER
                rest = shorter
                break
        else:
            return part.strip()[: len(part.strip()) - len(rest)].strip(" ,"), rest, numbered


def _looks_like_street(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.lower())
    return bool(words) and words[-1] in STREET_WORDS


def street_of(address: str) -> str:
    """The street of an address, without house number, flat, house name, town or postcode:
    "Flat 3, 12a Abbey Road, Derby DE22 1DX" -> "Abbey Road"; "" when no street can be told
    (then an offer names only its area)."""
    after_number = False  # the part before was a house number on its own ("12, Abbey Road")
    candidates: list[tuple[int, str]] = []  # (preference, street): lower is better
    for part in _parts(address):
        house, rest, numbered = _strip_house(POSTCODE.sub("", part))
        numbered = numbered or after_number
        after_number = False
        if not re.search(r"[a-z]", rest, re.IGNORECASE):
            after_number = numbered and not rest
            continue
        if re.search(r"\d", rest) or (house and not numbered):
            continue  # a number left in it, or a building named after its flat: not shown
        if numbered:
            candidates.append((0 if _looks_like_street(rest) else 1, rest))
        elif _looks_like_street(rest):
            candidates.append((2, rest))
    if not candidates:
        return ""
    return " ".join(min(candidates, key=lambda c: c[0])[1].split())


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", (text or "").lower()))


def names_the_house(text: str, address: str) -> bool:
    """Whether text gives away the house of an address: its flat, or its house number followed
    by its street, however spaced or punctuated ("12A, Abbey Road")."""
    said = f" {_words(text)} "
    street = _words(street_of(address))
    numbers: list[str] = []
    for part in _parts(address):
        house, rest, numbered = _strip_house(POSTCODE.sub("", part))
        if house and not numbered and f" {_words(house)} " in said:
            return True  # "Flat 3", on its own
        if numbered:
            words = _words(house).split()
            numbers += [" ".join(words), words[-1]] if words else []
        for number in numbers:
            if any(f" {number} {name} " in said for name in (_words(rest), street) if name):
                return True
        if rest:
            numbers = []
    return False


def coarse_point(lat: float | None, lng: float | None) -> tuple[float | None, float | None]:
    """A point snapped to the centre of its grid cell (GRID_LAT x GRID_LNG degrees)."""
    if lat is None or lng is None:
        return None, None

    def snap(value: float, step: float) -> float:
        return round((int(value // step) + 0.5) * step, 6)

    return snap(lat, GRID_LAT), snap(lng, GRID_LNG)


def sees_whole(role: str, state: str) -> bool:
    """Whether the person whose part is in `state` sees the tasking whole."""
    return role in POLICE or state in HAS_THE_WORK


def as_offered(tasking: dict) -> dict:
    """A tasking as an offer shows it before acceptance: only OFFER_FIELDS, the street, and the
    point (if any) snapped to the grid; no address, no details."""
    shown = {name: tasking[name] for name in OFFER_FIELDS if name in tasking}
    lat, lng = coarse_point(tasking.get("lat"), tasking.get("lng"))
    shown.update(
        street=street_of(tasking.get("address") or ""),
        address="",
        details="",
        lat=lat,
        lng=lng,
        whole=False,
    )
    return shown


def shown_to(role: str, state: str, tasking: dict) -> dict:
    """The tasking as this person may see it, given their role and their part's state."""
    if sees_whole(role, state):
        return {**tasking, "whole": True}
    return as_offered(tasking)
