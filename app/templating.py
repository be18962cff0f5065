"""The Jinja environment Litestar builds, with Beatbook's globals and filters added."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.base import csrf_token
from markupsafe import Markup

from app import __version__, navigation
from app.access import may as _may
from app.clock import LOCAL_TIME
from app.roles import ROLE_LABELS, Role
from app.web import static_url


def local_time(value: datetime | None, fmt: str = "%d %b %Y %H:%M") -> str:
    """A timestamp as people in England read it."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(LOCAL_TIME).strftime(fmt)


@pass_context
def may(context, route_name: str) -> bool:
    """In a template: whether the viewer may use the route of that name (its own access rule).

    {% if may("agencies:new") %}<a href="{{ url_for('agencies:new') }}">Add</a>{% endif %}
    """
    request = context["request"]
    return _may(request.app.state["access_rules"], route_name, request.scope.get("user"))


@pass_context
def nav_items(context) -> list[dict]:
    """The navigation items the viewer may open, each with its path (the same for everyone
    of a role, and whether they are still joining, so worked out once per those and app)."""
    request = context["request"]
    user = request.scope.get("user")
    if user is None:
        return []
    by_role = request.app.state.setdefault("nav_by_role", {})
    key = (user.role, bool(getattr(user, "still_joining", False)))  # joining: their profile only
    if key not in by_role:
        by_role[key] = _nav_for(request.app, user)
    return by_role[key]


def _nav_for(app, user) -> list[dict]:
    shown = []
    for item in navigation.items():
        if not _may(app.state["access_rules"], item.route, user):
            continue
        if item.audience is not None and user.role not in item.audience:
            continue
        path = app.route_reverse(item.route)
        shown.append(
            {
                "label": item.label,
                "path": path,
                "icon": item.icon,
                "primary": item.primary,
                "route": item.route,  # the key of its count of what waits (app/home/waiting)
            }
        )
    return shown


@pass_context
def csrf(context) -> Markup:
    """The form's hidden CSRF field. A global rather than a macro: a macro that needs the page's
    context must be imported `with context`, which runs its whole module again on every render."""
    return Markup('<input type="hidden" name="_csrf_token" value="{}">').format(csrf_token(context))


def configure_jinja(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.globals.update(
        may=may,
        csrf=csrf,
        # Roles whose pages are laid out for a desk browser (a layout, not an access rule).
        desk_roles=("supervisor", "admin"),
        static=static_url,
        nav_items=nav_items,
        role_label=lambda role: ROLE_LABELS.get(Role(role), role) if role else "",
        app_version=__version__,
        new_uuid=lambda: str(uuid.uuid4()),
        rendered_at=lambda: datetime.now(UTC).isoformat(timespec="seconds"),
    )
    env.filters["local_time"] = local_time
    env.trim_blocks = True
    env.lstrip_blocks = True
    # The templates ship with the app: no looking at their files' times on every render.
    env.auto_reload = False
