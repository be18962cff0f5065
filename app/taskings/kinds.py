"""Kinds of tasking, priorities, and which volunteers are fit to be offered each kind."""

from __future__ import annotations

from dataclasses import dataclass

VETTING = {"none": "None", "initial": "Initial", "full": "Full"}
VETTING_RANK = {"none": 0, "initial": 1, "full": 2}
TRAINING = {
    "conflict_resolution": "Conflict resolution",
    "crime_prevention_advice": "Crime prevention advice",
    "risk_management": "Risk management",
    "human_rights": "Human rights",
}


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
    "priority": Priority("Priority", 4 * 3600, "high"),
    "urgent": Priority("Urgent", 15 * 60, "high"),
}


def why_not(kind: str, profile: dict | None) -> str | None:
    """Why a volunteer may not be offered this kind (None: they may). `profile` is a row."""
    need = KINDS[kind]
    profile = profile or {}
    have = profile.get("vetting") or "none"
    reasons = []
    if VETTING_RANK[have] < VETTING_RANK[need.vetting]:
        needed, held = VETTING[need.vetting].lower(), VETTING[have].lower()
        reasons.append(f"needs {needed} vetting (has {held})")
    missing = [TRAINING[t].lower() for t in need.training if not profile.get(t)]
    if missing:
        reasons.append("needs training in " + ", ".join(missing))
    return "; ".join(reasons) or None


def requirement_text(kind: str) -> str:
    """What a kind needs, in words, for the supervisor's form."""
    need = KINDS[kind]
    training = ", ".join(TRAINING[t].lower() for t in need.training) or "no training"
    return f"{VETTING[need.vetting]} vetting; {training}"
