"""The navigation: each feature's routes module registers its own items here.

An item names a route; whoever may use that route (its own access rule) sees the item, so
the navigation never offers a page that would refuse its viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.roles import Role

# Who an item is meant for: the roles, or a function giving them when a menu is built (so a
# setting can decide: the briefing is offered to mentors only when BEATBOOK_MENTOR_BRIEFING allows).
Audience = frozenset[Role] | Callable[[], frozenset[Role] | None] | None


@dataclass(frozen=True)
class NavItem:
    """One place in the bottom bar (phone) or the side bar (desk)."""

    label: str
    route: str  # the name of the route it opens ("visits:index")
    icon: str
    order: int
    # Who it is meant for, among those the route lets in (None: all of them). This only
    # narrows a menu; it never shows an item to someone the route would refuse.
    audience_of: Audience = None
    primary: bool = True  # in the phone's bottom bar; secondary items are in the menu

    @property
    def audience(self) -> frozenset[Role] | None:
        given = self.audience_of
        return given() if callable(given) else given


_ITEMS: list[NavItem] = []


def register(
    label: str,
    route: str,
    icon: str,
    order: int,
    audience: Audience = None,
    primary: bool = True,
) -> NavItem:
    """Add a feature's navigation item (called once, when its routes module is imported)."""
    if audience is not None and not callable(audience):
        audience = frozenset(audience) or None
    item = NavItem(label, route, icon, order, audience, primary)
    _ITEMS[:] = [i for i in _ITEMS if i.route != route] + [item]
    return item


def items() -> list[NavItem]:
    """Every item, in order."""
    return sorted(_ITEMS, key=lambda i: i.order)
