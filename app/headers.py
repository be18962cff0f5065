"""Security headers on every response, and long caching for hashed static files."""

from __future__ import annotations

from functools import lru_cache

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

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


@lru_cache(maxsize=1)
def _policy() -> str:
    from app.maps import tile_origin  # the settings are read once, at the first response

    return csp_with_tiles(tile_origin())


# Browsers that have seen this over https keep to https for a year, subdomains too.
HSTS = "max-age=31536000; includeSubDomains"


async def security_headers(message: Message, scope: Scope) -> None:
    """A `before_send` hook: the headers above on every HTTP response, error pages included
    (an unknown URL or a refused method is answered before any route's middleware runs);
    HSTS only over https (behind a proxy, uvicorn's proxy_headers sets the scheme); static
    files get a year's cache, pages are never stored shared."""
    if message["type"] != "http.response.start" or scope.get("type") != "http":
        return
    headers = MutableScopeHeaders.from_message(message)
    for key, value in HEADERS.items():
        headers[key] = value
    headers["content-security-policy"] = _policy()
    if scope.get("scheme") == "https":
        headers["strict-transport-security"] = HSTS
    if scope["path"].startswith("/static/") and message["status"] < 400:
        headers["cache-control"] = "public, max-age=31536000, immutable"
    elif "cache-control" not in headers:
        # Pages hold personal data: private to this browser, always revalidated.
        headers["cache-control"] = "private, no-cache"
