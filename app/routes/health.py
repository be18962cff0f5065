"""GET /healthz: the version, and whether the database answers (for load balancers)."""

from __future__ import annotations

import time

from litestar import Controller, Response, get
from piccolo.querystring import QueryString

from app import __version__
from app.access import PUBLIC

# A load balancer may ask many times a second: the database is asked at most once a second
# and the answer shared (a failure is asked again on the next request).
ASK_EVERY = 1.0
_last: dict[str, object] = {"at": 0.0, "answer": ""}


async def _database_answer() -> str:
    if _last["answer"] == "ok" and time.monotonic() - _last["at"] < ASK_EVERY:
        return "ok"
    from piccolo_conf import DB

    try:
        await DB.run_querystring(QueryString("SELECT 1"))
        answer = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means the database is not answering
        answer = f"error: {type(exc).__name__}"
    _last.update(at=time.monotonic(), answer=answer)
    return answer


class HealthController(Controller):
    path = "/healthz"

    @get("/", opt=PUBLIC, name="health:check")
    async def health(self) -> Response:
        database = await _database_answer()
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
