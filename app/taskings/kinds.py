"""Kinds of tasking, priorities, and which volunteers are fit to be offered each kind.

Vetting and training expire: each has the last day it holds (`<name>_expires_on` on the
volunteer's profile), and past it counts as absent everywhere (offers, home visits, joining).
A profile saved before expiry dates were kept has none: it holds until a supervisor adds one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

VETTING = {"none": "None", "initial": "Initial", "full": "Full"}
VETTING_RANK = {"none": 0, "initial": 1, "full": 2}
TRAINING = {
    "conflict_resolution": "Conflict resolution",
    "crime_prevention_advice": "Crime prevention advice",
    "risk_management": "Risk management",
    "human_rights": "Human rights",
}


# The profile column holding the last day each vetting level and training holds.
EXPIRES = {
    "initial": "initial_vetting_expires_on",
    "full": "full_vetting_expires_on",
    **{key: f"{key}_expires_on" for key in TRAINING},
}
EXPIRY_LABELS = {
    "initial": "Initial vetting",
    "full": "Full vetting",
    **TRAINING,
}


def _today(today: date | None) -> date:
    from app.clock import today as clock_today

    return today or clock_today()


def _day(value) -> date | None:
    """A stored date (a date, or ISO text from a raw SQLite query), or None."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def expires_on(profile: dict | None, name: str) -> date | None:
    """The last day a vetting level ('initial', 'full') or training holds, if one is kept."""
    return _day((profile or {}).get(EXPIRES[name]))


def is_expired(profile: dict | None, name: str, today: date | None = None) -> bool:
    """Whether the level or training has a last day, and it has passed."""
    last = expires_on(profile, name)
    return last is not None and last < _today(today)


def recorded_vetting(profile: dict | None) -> str:
    """The vetting level the profile records, whether or not it still holds."""
    level = (profile or {}).get("vetting") or "none"
    return level if level in VETTING_RANK else "none"


def current_vetting(profile: dict | None, today: date | None = None) -> str:
    """The vetting level that holds today: full vetting while it lasts (it covers the initial
    checks), else initial vetting while that lasts, else none."""
    day = _today(today)
    level = recorded_vetting(profile)
    if level == "full" and not is_expired(profile, "full", day):
        return "full"
    if VETTING_RANK[level] >= 1 and not is_expired(profile, "initial", day):
        return "initial"
    return "none"


def has_training(profile: dict | None, key: str, today: date | None = None) -> bool:
    """Whether the training was completed and has not expired."""
    return bool((profile or {}).get(key)) and not is_expired(profile, key, today)


def still_joining(profile: dict | None, today: date | None = None) -> bool:
    """A volunteer without current initial (or full) vetting has not finished joining."""
    return current_vetting(profile, today) == "none"


def held(profile: dict | None) -> list[str]:
    """The vetting levels and trainings the profile records as passed (expired or not)."""
    level = recorded_vetting(profile)
    names = ["initial"] if VETTING_RANK[level] >= 1 else []
    names += ["full"] if level == "full" else []
    return names + [key for key in TRAINING if (profile or {}).get(key)]


def day_text(value: date) -> str:
    """A date as people read it: 3 Nov 2026."""
    return f"{value.day} {value:%b %Y}"


@dataclass(frozen=True)
class Kind:
    label: str
    vetting: str
    training: tuple[str, ...]


KINDS = {
    "home_visit": Kind(
        "Home visit", "full", ("conflict_resolution", "crime_prevention_advice", "human_rights")
    ),
    "patrol": Kind("Patrol", "initial", ("conflict_resolution", "risk_management")),
    "vulnerable_check": Kind(
        "Check on a vulnerable person",
        "full",
        ("conflict_resolution", "risk_management", "human_rights"),
    ),
    "leaflet_drop": Kind("Leaflet drop", "initial", ()),
    "event_support": Kind("Event support", "initial", ("conflict_resolution",)),
    "meeting": Kind("Meeting", "initial", ()),
    "other": Kind("Other", "initial", ("risk_management",)),
}


@dataclass(frozen=True)
class Priority:
    label: str
    ttl: int  # seconds a push service keeps an undelivered message
    urgency: str  # the Web Push Urgency header


PRIORITIES = {
    "routine": Priority("Routine", 24 * 3600, "normal"),
    "priority": Priority("High priority", 4 * 3600, "high"),
    "urgent": Priority("Urgent", 15 * 60, "high"),
}


def why_not(kind: str, profile: dict | None, today: date | None = None) -> str | None:
    """Why a volunteer may not be offered this kind (None: they may). `profile` is a row; an
    expired vetting level or training counts as absent, and the reason says when it expired."""
    need = KINDS[kind]
    day = _today(today)
    profile = profile or {}
    have = current_vetting(profile, day)
    reasons = []
    if VETTING_RANK[have] < VETTING_RANK[need.vetting]:
        needed, held_now = VETTING[need.vetting].lower(), VETTING[have].lower()
        lapsed = [
            f"{EXPIRY_LABELS[level].lower()} expired on {day_text(expires_on(profile, level))}"
            for level in ("full", "initial")
            if level in held(profile)
            and VETTING_RANK[level] >= VETTING_RANK[need.vetting]
            and is_expired(profile, level, day)
        ]
        # The highest level that would have been enough, and when it expired.
        detail = "; ".join([*lapsed[:1], f"has {held_now}"])
        reasons.append(f"needs {needed} vetting ({detail})")
    missing = []
    for key in need.training:
        if has_training(profile, key, day):
            continue
        text = TRAINING[key].lower()
        if profile.get(key):
            text += f" (expired on {day_text(expires_on(profile, key))})"
        missing.append(text)
    if missing:
        reasons.append("needs training in " + ", ".join(missing))
    return "; ".join(reasons) or None


def requirement_text(kind: str) -> str:
    """What a kind needs, in words, for the supervisor's form."""
    need = KINDS[kind]
    training = ", ".join(TRAINING[t].lower() for t in need.training) or "no training"
    return f"{VETTING[need.vetting]} vetting; {training}"
