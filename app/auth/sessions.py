"""Database sessions: a random token in an HttpOnly cookie, its SHA-256 in the database."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from litestar.datastructures import Cookie
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from app.database import small_read
from app.roles import Role
from app.settings import get_settings
from app.tables.sessions import UserSession
from app.taskings.kinds import still_joining

COOKIE_NAME = "beatbook_session"
# The known-device token (app.auth.devices): kept across sign-outs, a little over a year.
DEVICE_COOKIE = "beatbook_device"
DEVICE_COOKIE_SECONDS = 400 * 24 * 3600
# Litestar's CSRF cookie (CSRFConfig's default name), marked Secure here over https.
CSRF_COOKIE = "csrftoken"
# last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Viewer:
    """The person signed in on this request."""

    id: int
    username: str
    display_name: str
    role: Role
    collar_number: str | None
    home_team_id: int | None
    session_id: int
    # A volunteer without current initial vetting: they may use only their own profile (and
    # sign in and out) until they have finished joining (app/access.py).
    still_joining: bool = False
    # An admin reset their password: every page sends them to change it first.
    must_change_password: bool = False

    @property
    def is_police(self) -> bool:
        from app.roles import POLICE

        return self.role in POLICE


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def idle_limit() -> timedelta:
    return timedelta(minutes=get_settings().session_idle_minutes)


async def start_session(person_id: int, user_agent: str) -> str:
    """Make a session for a person; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    stamp = now()
    await UserSession.insert(
        UserSession(
            token_hash=_hash(token),
            person=person_id,
            created_at=stamp,
            last_seen_at=stamp,
            expires_at=stamp + idle_limit(),
            user_agent=user_agent[:200],
        )
    )
    return token


async def end_session(session_id: int) -> None:
    await UserSession.delete().where(UserSession.id == session_id)


async def end_sessions_of(person_id: int, keep: int | None = None) -> None:
    """Sign someone out everywhere (deactivation, password reset), or everywhere but the
    session `keep` (their own change of password)."""
    where = UserSession.person == person_id
    if keep is not None:
        where = where & (UserSession.id != keep)
    await UserSession.delete().where(where)


# Where someone whose password an admin reset may go before changing it (and nowhere else).
CHANGE_PASSWORD_PATH = "/account/password"  # noqa: S105 - a path, not a password
OPEN_BEFORE_CHANGE = (
    "/static/",
    "/login",
    "/logout",
    "/healthz",
    "/sw.js",
    "/manifest",
    "/offline",
)


VIEWER_QUERY = """
SELECT s.id, s.last_seen_at, s.expires_at, p.id AS person_id, p.username, p.display_name,
       p.role, p.collar_number, p.home_team AS home_team_id, p.active, p.must_change_password,
       v.id AS profile_id, v.vetting, v.initial_vetting_expires_on, v.full_vetting_expires_on
FROM user_session s JOIN person p ON p.id = s.person
LEFT JOIN volunteer_profile v ON v.person = p.id
WHERE s.token_hash = {}
"""


async def viewer_for_token(token: str) -> Viewer | None:
    """The signed-in person a cookie's token names, if the session is live and they are active."""
    # Every signed-in request asks this: one plain query (Piccolo builds a join's SQL in
    # about 0.2 ms, more than the query itself takes).
    rows = await small_read(UserSession.raw(VIEWER_QUERY, _hash(token)))
    row = rows[0] if rows else None
    if row is None or not row["active"]:
        return None
    stamp = now()
    if row["expires_at"] <= stamp:
        await end_session(row["id"])
        return None
    if stamp - row["last_seen_at"] >= TOUCH_EVERY:
        await UserSession.update(
            {UserSession.last_seen_at: stamp, UserSession.expires_at: stamp + idle_limit()}
        ).where(UserSession.id == row["id"])
    role = Role(row["role"])
    return Viewer(
        id=row["person_id"],
        username=row["username"],
        display_name=row["display_name"],
        role=role,
        collar_number=row["collar_number"],
        home_team_id=row["home_team_id"],
        session_id=row["id"],
        # The same query brings the vetting: no second query per request.
        still_joining=role == Role.VOLUNTEER
        and still_joining(row if row["profile_id"] is not None else None),
        must_change_password=bool(row["must_change_password"]),
    )


def session_cookie(token: str, secure: bool) -> Cookie:
    return Cookie(
        key=COOKIE_NAME,
        value=token,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
        max_age=int(idle_limit().total_seconds()),
    )


def device_cookie(token: str, secure: bool) -> Cookie:
    return Cookie(
        key=DEVICE_COOKIE,
        value=token,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/login",
        max_age=DEVICE_COOKIE_SECONDS,
    )


def cookies_always_secure() -> bool:
    """Whether the setting asks for Secure cookies whatever the scheme ('true')."""
    return get_settings().cookie_secure.lower() in {"true", "1", "yes"}


def cookie_is_secure(scheme: str) -> bool:
    """Secure cookies when served over https (or as the setting says)."""
    setting = get_settings().cookie_secure.lower()
    if setting in {"true", "1", "yes"}:
        return True
    if setting in {"false", "0", "no"}:
        return False
    return scheme == "https"


class SessionMiddleware(ASGIMiddleware):
    """Puts the signed-in person (or None) on scope['user'] for every HTTP request, and marks
    the CSRF cookie Secure when the request came over https (Litestar's CSRFConfig takes one
    fixed answer for every request; with BEATBOOK_COOKIE_SECURE=auto the scheme decides)."""

    scopes = ("http",)  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        token = _cookie(scope, COOKIE_NAME)
        if token and not scope["path"].startswith("/static/"):
            scope["user"] = await viewer_for_token(token)
        user = scope["user"]
        if user is not None and user.must_change_password and not _open_before_change(scope):
            await _to_change_page(scope, send)
            return
        if cookie_is_secure(scope.get("scheme", "http")) and not cookies_always_secure():
            send = _csrf_cookie_made_secure(send)
        await next_app(scope, receive, send)


def _open_before_change(scope: Scope) -> bool:
    path = scope["path"]
    return path == CHANGE_PASSWORD_PATH or path.startswith(OPEN_BEFORE_CHANGE)


async def _to_change_page(scope: Scope, send: Send) -> None:
    """Every other route: a page goes to the change page; a script (the phone's outbox, which
    keeps its records on a 403) is told why."""
    accept = b""
    for key, value in scope.get("headers", []):
        if key == b"accept":
            accept = value
    if b"application/json" in accept and b"text/html" not in accept:
        body = b'{"detail":"Change your password first"}'
        headers = [(b"content-type", b"application/json")]
        status = 403
    else:
        body = b""
        location = CHANGE_PASSWORD_PATH.encode()
        headers = [(b"location", location), (b"hx-redirect", location)]
        status = 303
    headers += [(b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _csrf_cookie_made_secure(send: Send) -> Send:
    prefix = f"{CSRF_COOKIE}=".encode()

    async def wrapped(message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [
                (k, v + b"; Secure")
                if k.lower() == b"set-cookie" and v.startswith(prefix) and not _has_secure(v)
                else (k, v)
                for k, v in message.get("headers", [])
            ]
        await send(message)

    return wrapped


def _has_secure(header: bytes) -> bool:
    return any(part.strip().lower() == b"secure" for part in header.split(b";"))


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None
