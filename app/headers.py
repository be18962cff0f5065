"""Security headers on every response, and long caching for hashed static files."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

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

HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "geolocation=(self), camera=(), microphone=()",
}


class SecurityHeadersMiddleware(ASGIMiddleware):
    """Adds the headers above; static files get a year's cache, pages are never stored shared."""

    scopes = ("http",)  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        is_static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for key, value in HEADERS.items():
                    headers[key] = value
                if is_static:
                    headers["cache-control"] = "public, max-age=31536000, immutable"
                elif "cache-control" not in headers:
                    # Pages hold personal data: private to this browser, always revalidated.
                    headers["cache-control"] = "private, no-cache"
            await send(message)

        await next_app(scope, receive, send_with_headers)
