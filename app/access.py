"""Who may use which route: every handler declares a rule in its opt, and one guard checks it.

    @get("/briefing", opt=allow(*FIELD))       # only those roles
    @get("/login", opt=PUBLIC)                 # anyone, signed in or not

A handler with no rule is refused for everyone (and the route-by-role test fails), so a new
route cannot be reachable by accident.

A volunteer who has not finished joining (no current initial vetting: the session's Viewer
says so, from the one query that finds it) may use public routes and the routes declared
`allow(..., while_joining=True)` (their own profile) and no other: the guard refuses them with
StillJoining, whose page says why and where to see what is left.
"""

from __future__ import annotations

from collections.abc import Iterable

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from app.roles import Role

RULE_KEY = "allow"
PUBLIC_RULE = "public"
PUBLIC = {RULE_KEY: PUBLIC_RULE}


class OpenWhileJoining(frozenset):
    """A rule (the roles it lets in) that also lets in a volunteer who is still joining."""


def allow(*roles: Role | Iterable[Role], while_joining: bool = False) -> dict:
    """The opt for a handler that the given roles (or groups of roles) may use; with
    `while_joining`, volunteers who have not finished joining may use it too."""
    allowed: set[Role] = set()
    for item in roles:
        allowed.update([item] if isinstance(item, Role) else item)
    if not allowed:
        raise ValueError("allow() needs at least one role")
    return {RULE_KEY: (OpenWhileJoining if while_joining else frozenset)(allowed)}


def rule_of(handler: BaseRouteHandler) -> frozenset[Role] | str | None:
    """The access rule a handler declared, or None."""
    return handler.opt.get(RULE_KEY)


class MissingAccessRule(PermissionDeniedException):
    """A route that declared no rule: refused, and the route-by-role test names it."""


# The page a volunteer who is still joining is sent to (their profile, what is left).
JOINING_PATH = "/joining"
STILL_JOINING = (
    "You have not finished joining yet: until your initial vetting is current you can see only "
    "your own profile."
)


class StillJoining(PermissionDeniedException):
    """A volunteer without current initial vetting asked for a route not open to them."""


def is_still_joining(user) -> bool:
    """Whether this person (a Viewer, or anything else) has not finished joining."""
    return bool(getattr(user, "still_joining", False))


async def access_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """The app-wide guard: signed-out people are asked to sign in, other roles are refused."""
    rule = rule_of(handler)
    if rule is None:
        raise MissingAccessRule(f"{handler} declares no access rule")
    if rule == PUBLIC_RULE:
        return
    user = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException("Sign in to continue")
    if user.role not in rule:
        raise PermissionDeniedException("Your role may not use this page")
    if is_still_joining(user) and not isinstance(rule, OpenWhileJoining):
        raise StillJoining(STILL_JOINING)


def rules_by_name(route_handlers) -> dict[str, frozenset[Role] | str | None]:
    """Each named handler's rule, for `may()` (built once, when the app is made)."""
    return {h.name: rule_of(h) for h in route_handlers if getattr(h, "name", None)}


def permits(rule: frozenset[Role] | str | None, user) -> bool:
    """Whether a rule lets this person (a Viewer or an Actor, or None) use the route."""
    if rule == PUBLIC_RULE:
        return True
    if rule is None or user is None:
        return False
    if is_still_joining(user) and not isinstance(rule, OpenWhileJoining):
        return False
    return user.role in rule


def may(rules: dict, name: str, user) -> bool:
    """Whether the person may use the route named `name` (a name no route has: an error, so a
    template cannot ask about a route that does not exist)."""
    if name not in rules:
        raise KeyError(f"no route is named {name!r}")
    return permits(rules[name], user)
