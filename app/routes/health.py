"""GET /healthz: the version, and whether the database answers (for load balancers)."""

from __future__ import annotations

from litestar import Controller, Response, get
from piccolo.querystring import QueryString

from app import __version__
from app.access import PUBLIC


class HealthController(Controller):
    path = "/healthz"

    @get("/", opt=PUBLIC, name="health:check")
    async def health(self) -> Response:
        from piccolo_conf import DB

        try:
            await DB.run_querystring(QueryString("SELECT 1"))
            database = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means the database is not answering
            database = f"error: {type(exc).__name__}"
        healthy = database == "ok"
        return Response(
            content={
                "status": "ok" if healthy else "error",
                "version": __version__,
                "database": database,
            },
            status_code=200 if healthy else 503,
            headers={"cache-control": "no-store"},
        )
