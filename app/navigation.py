"""The navigation: each feature's routes module registers its own item here."""

from __future__ import annotations

from dataclasses import dataclass

from app.roles import Role


@dataclass(frozen=True)
class NavItem:
    """One place in the bottom bar (phone) or the side bar (desk)."""

    label: str
    path: str
    icon: str
    order: int
    roles: frozenset[Role]
    primary: bool = True  # in the phone's bottom bar; secondary items are in the menu


_ITEMS: list[NavItem] = []


def register(
    label: str,
    path: str,
    icon: str,
    order: int,
    roles: frozenset[Role],
    primary: bool = True,
) -> NavItem:
    """Add a feature's navigation item (called once, when its routes module is imported)."""
    item = NavItem(label, path, icon, order, frozenset(roles), primary)
    _ITEMS[:] = [i for i in _ITEMS if i.path != path] + [item]
    return item


def items_for(role: Role | None) -> list[NavItem]:
    """The items a role sees, in order."""
    if role is None:
        return []
    return sorted((i for i in _ITEMS if role in i.roles), key=lambda i: i.order)
