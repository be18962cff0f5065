"""Security headers on every response, long caching for hashed static files, and what a phone
may keep: every answer is `no-store` unless its handler says a job needs it offline.

    @get("/plan", opt=allow(POLICE) | offline())                          # kept for today
    @get("/visits/{id}", opt=allow(FIELD) | offline("visits/visit.html", keep=UNTIL_DONE))

A page with personal data that no job needs offline is never stored: not in the browser's
cache, not by the service worker (app/static/sw.js keeps only answers that carry KEEP_HEADER
and no `no-store`). A new route is `no-store` until someone decides otherwise, and
tests/routes/test_phone_store.py lists the routes that are not.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from litestar import Response
from litestar.datastructures import MutableScopeHeaders
from litestar.response import Template
from litestar.types import Message, Scope

from app.access import PUBLIC_RULE, rule_of
from app.auth.sessions import COOKIE_NAME

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def csp_with_tiles(origin: str) -> str:
    """The policy, with the map tile service's origin allowed as an image source."""
    if not origin:
        return CSP
    return CSP.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")


HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "geolocation=(self), camera=(), microphone=()",
}


@lru_cache(maxsize=2)
def _policy(worker: bool = False) -> str:
    from app.maps import tile_origin  # the settings are read once, at the first response

    policy = csp_with_tiles(tile_origin())
    if worker and tile_origin():
        # The service worker fetches the tiles it keeps for today's plan (app/static/sw.js);
        # pages never fetch them (an image is not a fetch), so only its policy allows it.
        policy = policy.replace("connect-src 'self'", f"connect-src 'self' {tile_origin()}")
    return policy


# Browsers that have seen this over https keep to https for a year, subdomains too.
HSTS = "max-age=31536000; includeSubDomains"


OFFLINE_KEY = "offline"
# How long a phone keeps a page it may keep (the service worker reads KEEP_HEADER):
TODAY = "today"  # until the end of the day it was loaded (the phone's own day)
UNTIL_DONE = "until-done"  # until a form posted under its path succeeds (submit, discard)
SESSION = "session"  # until sign-out (the shell: the home screen, the offline page)
KEEPS = (TODAY, UNTIL_DONE, SESSION)
KEEP_HEADER = "x-beatbook-keep"
NO_STORE = "no-store"
# Sign-out: everything this site left in the browser (caches, IndexedDB, the service worker).
CLEAR_ALL = '"cache", "storage"'
# A session that has gone (deactivation, password reset, expiry): the browser's HTTP cache.
# The service worker's pages go by script (app.js, sw.js); queued unsent records stay.
CLEAR_CACHE = '"cache"'
# The template a handler answered with, noted by `note_template` for `security_headers` only.
_TEMPLATE_HEADER = "x-beatbook-template"


def offline(*templates: str, keep: str = TODAY) -> dict:
    """The opt for a handler whose pages a job needs on the phone without a signal: they may be
    kept (`keep` says how long). Given templates, only answers drawn from those are kept (a
    visit's page while it is under way, not the summary the same URL shows once submitted)."""
    if keep not in KEEPS:
        raise ValueError(f"keep must be one of {KEEPS}")
    return {OFFLINE_KEY: {"keep": keep, "templates": frozenset(templates)}}


def offline_rule(handler) -> dict | None:
    """What a handler declared with `offline()`, or None (its answers are never kept)."""
    return (getattr(handler, "opt", None) or {}).get(OFFLINE_KEY)


def note_template(response: Response) -> Response:
    """An `after_request` hook: the template a page was drawn from, for `security_headers`."""
    if isinstance(response, Template):
        response.headers[_TEMPLATE_HEADER] = response.template_name
    return response


def _keep_for(scope: Scope, status: int, template: str | None) -> str | None:
    """How long the phone may keep this answer, or None (no-store)."""
    rule = offline_rule(scope.get("route_handler"))
    if rule is None or status != 200 or scope.get("method", "GET") != "GET":
        return None
    if rule["templates"] and template not in rule["templates"]:
        return None
    return rule["keep"]


def _session_gone(scope: Scope) -> bool:
    """The request carried a session cookie that no longer names a live session."""
    if scope.get("user") is not None or "user" not in scope or scope["path"].startswith("/static/"):
        return False
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                name, _, token = part.strip().partition("=")
                if name == COOKIE_NAME and token:
                    return True
    return False


def _public(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    return handler is not None and rule_of(handler) == PUBLIC_RULE


async def security_headers(message: Message, scope: Scope) -> None:
    """A `before_send` hook: the headers above on every HTTP response, error pages included
    (an unknown URL or a refused method is answered before any route's middleware runs);
    HSTS only over https (behind a proxy, uvicorn's proxy_headers sets the scheme); static
    files get a year's cache; every other answer is `no-store` unless its handler declared
    `offline()` (then private, revalidated, and marked for the service worker)."""
    if message["type"] != "http.response.start" or scope.get("type") != "http":
        return
    headers = MutableScopeHeaders.from_message(message)
    template = headers.get(_TEMPLATE_HEADER)
    if template is not None:
        del headers[_TEMPLATE_HEADER]
    for key, value in HEADERS.items():
        headers[key] = value
    headers["content-security-policy"] = _policy(scope["path"] == "/sw.js")
    if scope.get("scheme") == "https":
        headers["strict-transport-security"] = HSTS
    status = message["status"]
    if scope["path"].startswith("/static/") and status < 400:
        headers["cache-control"] = "public, max-age=31536000, immutable"
        return
    keep = _keep_for(scope, status, template)
    if keep is not None and NO_STORE not in headers.get("cache-control", ""):
        headers["cache-control"] = "private, no-cache"  # this browser's only, revalidated
        headers[KEEP_HEADER] = keep
    elif keep is None and not (_public(scope) and "cache-control" in headers):
        # Only a public route (the service worker's script, the health check) sets its own.
        headers["cache-control"] = NO_STORE
    if _session_gone(scope) and "clear-site-data" not in headers:
        headers["clear-site-data"] = CLEAR_CACHE
        # Said once: the dead cookie goes, so the next answers do not clear again (unless
        # this answer sets a new one: signing in again).
        prefix = f"{COOKIE_NAME}="
        if not any(c.startswith(prefix) for c in headers.getall("set-cookie", [])):
            secure = "; Secure" if scope.get("scheme") == "https" else ""
            headers.add(
                "set-cookie", f"{prefix}; Max-Age=0; Path=/; HttpOnly; SameSite=Lax{secure}"
            )


def offline_handlers(handlers: Iterable) -> dict[str, dict]:
    """Each named handler that declared `offline()`, with its rule (for tests and docs)."""
    return {h.name: offline_rule(h) for h in handlers if offline_rule(h) and h.name}
