"""Helpers every feature's routes share: the Actor dependency, rendering pages or fragments,
and form errors."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    SerializationException,
)
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body
from litestar.response import Template

from app.actor import Actor, actor_for
from app.forms import FormErrors, whole_number
from app.settings import APP_DIR

STATIC_DIR = APP_DIR / "static"
# A handler's `data: Form`: the posted form's fields (a repeated name gives a list).
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
# A handler's `actor: Acting`: the Actor for this request (see provide_actor).
Acting = NamedDependency[Actor]
# The largest request body served (a pasted CSV, a long note): 413 past it.
REQUEST_MAX_BODY_SIZE = 2_000_000
# Record ids are 32-bit integer columns on PostgreSQL (Piccolo's Serial); a path's id past
# them names no record, and the database would refuse the query.
ID_RANGE = range(-(2**31), 2**31)
BAD_ADDRESS = "This page's address is not valid: go back and try again."
_ASCII_INTEGER = re.compile(r"^-?[0-9]+$")
# The vendored htmx (app/static/vendor/README.md says where it came from).
HTMX = "vendor/htmx-2.0.11.min.js"


def is_fragment_request(request: Request) -> bool:
    """An htmx request that is not boosted wants the fragment, not the page."""
    headers = request.headers
    return headers.get("hx-request") == "true" and headers.get("hx-boosted") != "true"


def provide_actor(request: ASGIConnection) -> Actor:
    """The `actor` dependency: the signed-in person and their address, made once a request.

    A handler asks for it by name (`actor: Acting`); routes open to the signed-out do not."""
    user = request.scope.get("user")
    if user is None:
        raise NotAuthorizedException("Sign in to continue")
    return actor_for(user, address=request.client.host if request.client else "")


async def ids_in_range(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """An app-wide guard, before any query: an integer path parameter written other than in
    ASCII digits (int() also reads '١٢' and '+1') or past a 32-bit column names no record, nor
    does text with a NUL (404); an integer query parameter past one, or a NUL in the query
    string, is not an address this app makes (400)."""
    template = connection.scope.get("path_template", "")
    segments = connection.scope.get("path", "").split("/")
    for position, part in enumerate(template.split("/")):
        if not (part.startswith("{") and part.endswith("}")):
            continue
        value = connection.path_params.get(part[1:-1].split(":")[0])
        if isinstance(value, str) and "\x00" in value:
            raise NotFoundException()  # PostgreSQL refuses NUL in text: no record has one
        if type(value) is not int:
            continue
        raw = segments[position] if position < len(segments) else ""
        if value not in ID_RANGE or not _ASCII_INTEGER.match(raw):
            raise NotFoundException()
    query_string = connection.scope.get("query_string", b"")
    if not query_string:
        return
    if b"%00" in query_string:
        raise HTTPException(status_code=400, detail=BAD_ADDRESS)
    query = connection.query_params
    for name in _integer_parameters(handler):
        for text in query.getall(name, []):
            if text.strip() and whole_number(text, ID_RANGE.start, ID_RANGE.stop - 1) is None:
                raise HTTPException(status_code=400, detail=BAD_ADDRESS)


@lru_cache(maxsize=512)
def _integer_parameters(handler: BaseRouteHandler) -> tuple[str, ...]:
    """The handler's parameters typed int (or int | None): its integer query parameters."""
    return tuple(
        name
        for name, field in handler.parsed_fn_signature.parameters.items()
        if int in (field.annotation, *field.args) and name not in {"self", "data"}
    )


def page(
    template: str,
    status_code: int | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """A full page (which {% include %}s its fragments). Without a status code: 400 when the
    context carries `errors` that are not empty (a form to correct), else 200."""
    if status_code is None:
        status_code = 400 if context.get("errors") else 200
    return Template(
        template_name=template,
        context=context,
        status_code=status_code,
        media_type="text/html",
        headers={"Vary": "HX-Request", **(headers or {})},
    )


def page_or_fragment(
    request: Request, template: str, fragment: str, status_code: int | None = None, **context: Any
) -> Template:
    """One handler, two answers: the page, or for an htmx request just its fragment."""
    name = fragment if is_fragment_request(request) else template
    return page(name, status_code=status_code, **context)


@lru_cache(maxsize=256)
def _file_version(relative: str) -> str:
    path = STATIC_DIR / relative
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.is_file() else "missing"


def static_url(relative: str) -> str:
    """A static file's URL with its content hash, so it can be cached for a year."""
    return f"/static/{relative}?v={_file_version(relative)}"


def shell_version() -> str:
    """One hash of every static file: the service worker's cache name changes with it."""
    digest = hashlib.sha256()
    for path in sorted(Path(STATIC_DIR).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


async def json_body(request: Request) -> object | None:
    """The request's JSON body, or None when it is not JSON (malformed, truncated, nested past
    the parser's depth, numbers past its range): the caller answers 400, never 500."""
    try:
        return await request.json()
    except (ValueError, SerializationException, RecursionError):
        return None


def bad_form(errors: FormErrors) -> HTTPException:
    """For a button's small form whose page is not drawn again here: a 400 page that says what
    was wrong, and nothing changed. (`raise bad_form(errors)`)"""
    return HTTPException(status_code=400, detail=" ".join(errors.values()))
