"""What people see when something is refused or goes wrong: a page, never a stack trace."""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import Scope

from app.access import JOINING_PATH, StillJoining
from app.auth.sessions import COOKIE_NAME, viewer_for_token
from app.outcomes import NotAllowed, NotFound, Refused

log = logging.getLogger("beatbook")


def wants_json(request: Request) -> bool:
    """A request from a script that reads JSON (the phone's outbox sends Accept:
    application/json; an API client may send a JSON body): errors answer {"detail": ...}."""
    headers = request.headers
    return "application/json" in headers.get("accept", "") or "application/json" in headers.get(
        "content-type", ""
    )


def _wants_html(request: Request) -> bool:
    if wants_json(request):
        return False
    return "text/html" in request.headers.get("accept", "") or request.method != "GET"


def not_signed_in(request: Request, exc: NotAuthorizedException) -> Response:
    """Send signed-out people to sign in, then back where they were going."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = f"/login?next={quote(target, safe='')}" if request.method == "GET" else "/login"
    if request.headers.get("hx-request") == "true":
        return Response(content="", status_code=401, headers={"HX-Redirect": login})
    if wants_json(request) or (not _wants_html(request) and request.method == "GET"):
        # A script's request (the outbox, whose POSTs do not follow redirects) is told plainly,
        # so the phone knows the session has gone and forgets the pages it kept.
        return Response(content={"detail": "Sign in to continue"}, status_code=401)
    return Redirect(path=login, status_code=303)


def refused(request: Request, exc: PermissionDeniedException) -> Response:
    joining = isinstance(exc, StillJoining)
    if joining and request.url.path == "/" and request.method == "GET":
        return Redirect(path=JOINING_PATH, status_code=303)  # the home screen, after sign-in
    csrf = "CSRF" in str(exc.detail)
    if csrf:
        log.info("CSRF check failed on %s %s", request.method, request.url.path)
    if not _wants_html(request):
        return Response(content={"detail": exc.detail}, status_code=403)
    return Template(
        template_name="errors/403.html",
        context={"csrf_failed": csrf, "still_joining": joining, "joining_path": JOINING_PATH},
        status_code=403,
        media_type="text/html",
    )


def not_found(request: Request, exc: NotFoundException) -> Response:
    if not _wants_html(request):
        return Response(content={"detail": "Not found"}, status_code=404)
    return Template(template_name="errors/404.html", status_code=404, media_type="text/html")


def use_case_not_found(request: Request, exc: NotFound) -> Response:
    """A use case found no such record (or none the actor may know of): 404."""
    return not_found(request, NotFoundException())


def use_case_not_allowed(request: Request, exc: NotAllowed) -> Response:
    """A use case refused the actor: 403."""
    return refused(request, PermissionDeniedException(str(exc) or "You may not do this"))


def use_case_refused(request: Request, exc: Refused) -> Response:
    """A change the record's state does not allow, not caught by its handler: 409."""
    return http_error(request, HTTPException(status_code=409, detail=str(exc)))


def http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code >= 500:
        log.exception("Error on %s %s", request.method, request.url.path)
    if not _wants_html(request):
        return Response(content={"detail": exc.detail}, status_code=exc.status_code)
    return Template(
        template_name="errors/error.html",
        context={"status": exc.status_code, "detail": exc.detail},
        status_code=exc.status_code,
        media_type="text/html",
    )


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if wants_json(request):
        return Response(content={"detail": "Something went wrong on our side."}, status_code=500)
    return Template(
        template_name="errors/error.html",
        context={"status": 500, "detail": "Something went wrong on our side."},
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type="text/html",
    )


async def know_the_viewer(exc: Exception, scope: Scope) -> None:
    """An `after_exception` hook: an error met before the route's middleware ran (no such URL,
    a method the URL does not take) has no `user` yet, and the error page needs one. Look the
    session up as SessionMiddleware would, so the page shows the signed-in person's navigation."""
    if scope.get("type") != "http" or "user" in scope:
        return
    scope["user"] = None
    token = Request(scope).cookies.get(COOKIE_NAME)
    if token and not scope.get("path", "").startswith("/static/"):
        try:
            scope["user"] = await viewer_for_token(token)
        except Exception:  # the database is down: the page is drawn signed out
            log.exception("Could not look up the session for an error page")


HANDLERS = {
    NotAuthorizedException: not_signed_in,
    PermissionDeniedException: refused,
    NotFoundException: not_found,
    HTTPException: http_error,
    NotFound: use_case_not_found,
    NotAllowed: use_case_not_allowed,
    Refused: use_case_refused,
    HTTP_500_INTERNAL_SERVER_ERROR: server_error,
}
