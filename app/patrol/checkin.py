"""The check-in rule: automatic within the set distance of the point, else a reason is needed."""

from __future__ import annotations

from dataclasses import dataclass

from app.geo import distance_m
from app.settings import get_settings


@dataclass(frozen=True)
class Decision:
    """What a check-in attempt amounts to."""

    automatic: bool
    distance_m: float | None  # None when the phone had no position

    @property
    def needs_reason(self) -> bool:
        return not self.automatic


def decide(point: tuple[float, float], fix: tuple[float, float] | None) -> Decision:
    """Automatic when the fix is within the radius of the point (the boundary included).

    The fix's accuracy is recorded with the check-in, not used here: a supervisor reading
    compliance sees how good each fix was.
    """
    if fix is None:
        return Decision(automatic=False, distance_m=None)
    metres = distance_m(*point, *fix)
    # To the millimetre: no phone fix is finer, and float noise must not move the boundary.
    automatic = round(metres, 3) <= get_settings().checkin_radius_m
    return Decision(automatic=automatic, distance_m=metres)
