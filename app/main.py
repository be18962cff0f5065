"""create_app(): wires plugins, middleware, templates and every feature's controllers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from app import __version__
from app.access import PUBLIC, access_guard, rules_by_name
from app.auth.sessions import SessionMiddleware
from app.errors import HANDLERS, know_the_viewer
from app.headers import note_template, security_headers
from app.routes import discover_controllers
from app.settings import APP_DIR, get_settings
from app.shifts.loop import shifts_lifespan
from app.taskings.sender import sender_lifespan
from app.templating import configure_jinja
from app.web import REQUEST_MAX_BODY_SIZE, ids_in_range, provide_actor


@asynccontextmanager
async def database_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Open the PostgreSQL pool for the app's life; close SQLite's kept-open connections after."""
    from piccolo_conf import DB

    settings = get_settings()
    pooled = settings.is_postgres and settings.database_pool_size > 0
    if pooled:
        size = settings.database_pool_size
        await DB.start_connection_pool(min_size=min(2, size), max_size=size)
    try:
        yield
    finally:
        if pooled:
            await DB.close_connection_pool()
        if not settings.is_postgres:
            DB.close()  # the kept-open SQLite connections (app/sqlite_engine.py)


def create_app() -> Litestar:
    """The Beatbook ASGI app."""
    settings = get_settings()
    logging.basicConfig(level=logging.INFO)
    static = create_static_files_router(
        path="/static",
        directories=[APP_DIR / "static"],
        opt=PUBLIC,
        name="static",
        # Every URL carries its file's hash (app.web.static_url), so a year is safe.
        cache_control=None,
        include_in_schema=False,
    )
    app = Litestar(
        route_handlers=[*discover_controllers(), static],
        dependencies={"actor": Provide(provide_actor, sync_to_thread=False)},
        guards=[access_guard, ids_in_range],
        middleware=[SessionMiddleware()],
        before_send=[security_headers],
        after_request=note_template,  # the template, for which pages a phone may keep
        after_exception=[know_the_viewer],
        request_max_body_size=REQUEST_MAX_BODY_SIZE,
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            # 'true': always Secure. 'auto' (the default): SessionMiddleware marks the cookie
            # Secure on every response to a request that came over https.
            cookie_secure=settings.cookie_secure.lower() in {"true", "1", "yes"},
            cookie_samesite="lax",
            # Pages carry the token (forms, and <body hx-headers> for htmx): no script reads it.
            cookie_httponly=True,
            # Nothing there changes anything: no token to check or cookie to set (a load
            # balancer's health checks and the hashed static files stay cheap).
            exclude=["^/healthz$", "^/static/"],
        ),
        compression_config=CompressionConfig(backend="gzip", minimum_size=400),
        template_config=TemplateConfig(
            directory=APP_DIR / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=configure_jinja,
        ),
        plugins=[HTMXPlugin()],
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        lifespan=[database_lifespan, sender_lifespan, shifts_lifespan],
        openapi_config=None,
        debug=False,
        state={"version": __version__},
    )
    # The rule of each named route, for templates' may("route-name").
    handlers = [h for route in app.routes for h in getattr(route, "route_handlers", [])]
    app.state["access_rules"] = rules_by_name(handlers)
    return app
