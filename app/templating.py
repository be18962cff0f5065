"""The Jinja environment Litestar builds, with Beatbook's globals and filters added."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from litestar.plugins.jinja import JinjaTemplateEngine

from app import __version__
from app.navigation import items_for
from app.roles import ROLE_LABELS, Role
from app.web import static_url

LOCAL_TIME = ZoneInfo("Europe/London")


def local_time(value: datetime | None, fmt: str = "%d %b %Y %H:%M") -> str:
    """A timestamp as people in England read it."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(LOCAL_TIME).strftime(fmt)


def configure_jinja(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.globals.update(
        static=static_url,
        nav_items=items_for,
        role_label=lambda role: ROLE_LABELS.get(Role(role), role) if role else "",
        app_version=__version__,
        new_uuid=lambda: str(uuid.uuid4()),
        rendered_at=lambda: datetime.now(UTC).isoformat(timespec="seconds"),
    )
    env.filters["local_time"] = local_time
    env.trim_blocks = True
    env.lstrip_blocks = True
