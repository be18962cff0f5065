"""The navigation: each feature's routes module registers its own items here.

An item names a route; whoever may use that route (its own access rule) sees the item, so
the navigation never offers a page that would refuse its viewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.roles import Role


@dataclass(frozen=True)
class NavItem:
    """One place in the bottom bar (phone) or the side bar (desk)."""

    label: str
    route: str  # the name of the route it opens ("visits:index")
    icon: str
    order: int
    # Who it is meant for, among those the route lets in (None: all of them). This only
    # narrows a menu; it never shows an item to someone the route would refuse.
    audience: frozenset[Role] | None = None
    primary: bool = True  # in the phone's bottom bar; secondary items are in the menu


_ITEMS: list[NavItem] = []


def register(
    label: str,
    route: str,
    icon: str,
    order: int,
    audience: frozenset[Role] | None = None,
    primary: bool = True,
) -> NavItem:
    """Add a feature's navigation item (called once, when its routes module is imported)."""
    item = NavItem(label, route, icon, order, frozenset(audience) if audience else None, primary)
    _ITEMS[:] = [i for i in _ITEMS if i.route != route] + [item]
    return item


def items() -> list[NavItem]:
    """Every item, in order."""
    return sorted(_ITEMS, key=lambda i: i.order)
