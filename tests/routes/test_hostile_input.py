"""No input gives a 5xx: every route of create_app(), each of its methods, each path parameter,
query parameter, form field and body is sent hostile values, as a role the route allows and
signed out, on the demo data (so ids reach real records). Runs on SQLite and PostgreSQL.

A failure lists every request that answered 5xx (method, URL, what was sent), not just the first.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
import traceback
from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.routes import HTTPRoute

import app as app_package
from app.access import PUBLIC_RULE, rule_of
from app.forms import (
    Checkbox,
    Choice,
    Date,
    Field,
    Form,
    Integer,
    LocalDateTime,
    Number,
    Uuid,
)
from app.headers import HEADERS
from app.roles import Role
from app.web import REQUEST_MAX_BODY_SIZE

# Values past every limit a column, int(), float(), date() or PostgreSQL has.
HOSTILE_NUMBERS = [
    "2147483648",  # past PostgreSQL's integer (Serial) columns
    "-2147483649",
    "9223372036854775808",  # past 64 bits
    "-99999999999999999999999",
    "9" * 5000,  # thousands of digits: int() refuses past 4300 by default
    "²",  # str.isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits: int() reads them, a form should not
    "-0",
    "0",
    "-1",
    "NaN",
    "Infinity",
    "-inf",
    "1e999",
    "1.5",
    "0x10",
]
HOSTILE_DATES = [
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30",
    "2026-W54",
    "2026-W00",
    "0000-W01",
    "9999-W53",
    "2026-13",
    "2026-11-21T25:00",
    "2026-11-21T09:30+99:00",
]
HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m",
    "x" * 20_000,
    "\u202e\u0301\ufeff\U0001f46e\u200d\u2640\ufe0f",
    "Ω≈ç√∫",
    "<script>alert(1)</script>",
    "'; DROP TABLE person; --",
    "../../etc/passwd",
    "%00",
    "null",
    "true",
    "[]",
    "{}",
]
HOSTILE = HOSTILE_NUMBERS + HOSTILE_DATES + HOSTILE_TEXT
# One or two of each kind, for the passes that send a value to each parameter or field of
# each route in turn (the whole list goes to every field at once, and to hypothesis).
COMPACT = [
    "2147483648",
    "9" * 5000,
    "²",
    "١٢",
    "-0",
    "NaN",
    "Infinity",
    "1e999",
    "0000-01-01",
    "9999-12-31T23:59",
    "10000-01-01",
    "2026-W54",
    "\x00",
    "x" * 20_000,
    "\u202e\u0301\ufeff\U0001f46e\u200d\u2640\ufe0f",
    "",
]
# What hypothesis draws from: every hostile value, any short text, any integer.
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=50), st.integers().map(str))
# Hypothesis: no example database on disk, no deadline (a request's time varies on a busy
# machine), and the fixtures are shared by every example on purpose.
DRAWS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}
JSON = {"content-type": "application/json", "accept": "application/json"}
BODIES = [
    ("application/json", b"{"),
    ("application/json", b'{"a": ' * 2000 + b"1" + b"}" * 2000),
    ("text/plain", b"hello"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\n"),
    ("application/x-www-form-urlencoded", b"%ZZ=%00&&&=&a=%ED%A0%80&\xff\xfe=\xff"),
]
# Integer path values that name no record, however int() reads them: 404 before any query.
NO_SUCH_ID = ["2147483648", "-2147483649", "9223372036854775808", "9" * 5000, "²", "١٢", "+1"]
# Shorter lists where a route has many parameters (each value still reaches each kind).
PATH_VALUES = {
    "int": NO_SUCH_ID + ["-0", "0", "-1", "NaN", "1e999", "%00", "1%00"],
    "uuid": ["00000000-0000-0000-0000-000000000000", "x", "%00", "g" * 36, "1" * 5000],
    "str": ["%00", "x" * 5000, "%F0%9F%91%AE", "%ED%A0%80", "%25", "..", "1"],
    "path": ["%00", "x" * 5000, "..%2F..%2Fetc%2Fpasswd", "%ED%A0%80"],
}
SAMPLE_PATH = {"int": "1", "str": "x", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x"}
NOT_QUERY = {"self", "request", "actor", "data", "state", "scope", "headers", "cookies", "socket"}
SKIP_SIGNED_IN = {("POST", "/logout")}  # ends the session (test_access covers it)


def every_handler(app):
    """(method, path template, handler) for every route handler of the app."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                yield method, route.path, handler


def path_params(path: str) -> list[tuple[str, str]]:
    return re.findall(r"\{(\w+):(\w+)\}", path)


def fill(path: str, **given: str) -> str:
    def one(match):
        name, kind = match.group(1), match.group(2)
        return given.get(name, SAMPLE_PATH.get(kind, "x"))

    return re.sub(r"\{(\w+):(\w+)\}", one, path)


def query_params(handler, path: str) -> list[str]:
    in_path = {name for name, _ in path_params(path)}
    names = []
    for name in handler.parsed_fn_signature.parameters:
        if name in NOT_QUERY or name in in_path or name in handler.resolve_dependencies():
            continue
        names.append(name)
    return names


def every_form_field() -> dict[str, Field]:
    """Every field of every Form in the app, by the name a page posts it under."""
    for info in pkgutil.walk_packages(app_package.__path__, "app."):
        if not info.name.startswith("app.piccolo_migrations"):
            importlib.import_module(info.name)
    found: dict[str, Field] = {}
    waiting = list(Form.__subclasses__())
    while waiting:
        form = waiting.pop()
        waiting += form.__subclasses__()
        for field in form.fields.values():
            found.setdefault(field.name, field)
    return found


def good_value(field: Field) -> object:
    """A value the field accepts, so that other fields' hostile values reach further."""
    if isinstance(field, Choice):
        return next(iter(field.allowed), "")
    if isinstance(field, Integer):
        return str(max(field.minimum, min(field.maximum, 1)))
    if isinstance(field, Number):
        return str((field.minimum + field.maximum) / 2)
    if isinstance(field, Checkbox):
        return "on"
    if isinstance(field, Date):
        return date.today().isoformat()
    if isinstance(field, LocalDateTime):
        return date.today().isoformat() + "T09:30"
    if isinstance(field, Uuid):
        return "6f1c2a52-3a59-4f5c-9d1e-2b3c4d5e6f70"
    return "Hostile input test"


class Sessions:
    """A signed-in session per role (made again when a request ends it), and a signed-out one."""

    def __init__(self, as_role, web, people):
        self.as_role, self.web, self.people, self.made = as_role, web, people, {}

    def for_rule(self, rule):
        if rule == PUBLIC_RULE or rule is None:
            return None, self.web
        role = sorted(rule, key=list(Role).index)[0]
        if role not in self.made:
            self.made[role] = self.as_role(role.value, person=self.people.get(role))
        return role, self.made[role]

    def ended(self, role, response) -> None:
        """A change may end the session (deactivating, a new password): sign in again."""
        if role is not None and response.headers.get("location", "").startswith("/login"):
            self.made.pop(role, None)
        elif role is not None and response.headers.get("hx-redirect", "").startswith("/login"):
            self.made.pop(role, None)


class LastError(logging.Handler):
    """The last exception the app logged (app.errors logs each 5xx), to say why in a failure."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            frames = traceback.extract_tb(exc.__traceback__)
            where = next((f for f in reversed(frames) if "/app/" in f.filename), None)
            place = f" at {where.filename.split('/app/')[-1]}:{where.lineno}" if where else ""
            self.last = f"{type(exc).__name__}: {str(exc)[:100]}{place}"


class Fuzz:
    """Sends requests and keeps every 5xx (and every transport error) it meets."""

    def __init__(self, sessions: Sessions):
        self.sessions, self.failures, self.sent = sessions, [], 0
        self.errors = LastError()

    def send(self, handler, method: str, url: str, *, signed_out=False, what="", **kwargs):
        if signed_out:
            role, session = None, self.sessions.web
        else:
            role, session = self.sessions.for_rule(rule_of(handler))
        if role is not None and (method, url) in SKIP_SIGNED_IN:
            return None
        headers = {"accept": "text/html", **kwargs.pop("headers", {})}
        if method != "GET":
            headers.setdefault("x-csrftoken", session.csrf_token())
        self.sent += 1
        try:
            response = session.client.request(
                method, url, headers=headers, follow_redirects=False, **kwargs
            )
        except Exception as exc:  # the test client re-raises what the app did not answer
            self.failures.append(f"{method} {url[:120]} {what[:120]} as {role}: raised {exc!r}")
            return None
        if response.status_code >= 500:
            self.failures.append(
                f"{method} {url[:120]} {what[:100]} as {role}: {response.status_code}"
                f" ({self.errors.last})"
            )
        self.sessions.ended(role, response)
        return response

    def check(self) -> None:
        assert self.failures == [], f"{len(self.failures)} of {self.sent} requests:\n" + "\n".join(
            self.failures[:80]
        )


def _fuzz(as_role, web, people):
    fuzz = Fuzz(Sessions(as_role, web, people))
    logger = logging.getLogger("beatbook")
    logger.addHandler(fuzz.errors)
    yield fuzz
    logger.removeHandler(fuzz.errors)


@pytest.fixture
def fuzz(app, as_role, web):
    """A Fuzz on the demo data, so that ids and forms reach real records."""
    from app.demo import load_all
    from tests.helpers import sync

    yield from _fuzz(as_role, web, sync(load_all("demo password 1")).made["people"])


@pytest.fixture
def bare_fuzz(app, as_role, web):
    """A Fuzz on an empty database (a person per role, made when first needed)."""
    yield from _fuzz(as_role, web, {})


def routes(app, methods=("GET", "POST")):
    return [
        (m, p, h) for m, p, h in every_handler(app) if m in methods and not p.startswith("/static")
    ]


def test_path_and_query_parameters(app, fuzz):
    for method, path, handler in routes(app):
        for name, kind in path_params(path):
            for value in PATH_VALUES.get(kind, PATH_VALUES["str"]):
                url = fill(path, **{name: quote(value, safe="%")})
                response = fuzz.send(handler, method, url, what=f"{name}={value[:20]!r}")
                if kind == "int" and method == "GET" and value in NO_SUCH_ID:
                    assert response.status_code == 404, f"{url[:80]}: {response.status_code}"
            url = fill(path, **{name: quote(PATH_VALUES[kind][0], safe="%")})
            fuzz.send(handler, method, url, signed_out=True)
    with_query = []
    for method, path, handler in routes(app, methods=("GET",)):
        url = fill(path)
        names = query_params(handler, path)
        for name in names:
            with_query.append((handler, url, name))
            for value in COMPACT:
                fuzz.send(handler, method, url, params={name: value}, what=f"{name}={value[:20]!r}")
            # The same name twice; bytes that are not UTF-8 (a lone surrogate, a stray byte).
            fuzz.send(handler, method, url, params=[(name, "1"), (name, "2")], what="repeated")
            fuzz.send(handler, method, f"{url}?{name}=%ED%A0%80%FF", what="not UTF-8")
        if names:
            for value in COMPACT:  # in every parameter at once (short enough for a URL)
                fuzz.send(handler, method, url, params=dict.fromkeys(names, value[:1000]))
            fuzz.send(handler, method, url, params=dict.fromkeys(names, "\x00"), signed_out=True)

    @settings(max_examples=100, **DRAWS)
    @given(query=st.sampled_from(with_query), value=VALUES)
    def one_parameter(query, value):
        handler, url, name = query
        fuzz.send(handler, "GET", url, params={name: value}, what=f"{name}={value[:30]!r}")

    one_parameter()
    fuzz.check()


def test_form_fields_and_bodies(app, fuzz):
    """Every field every form has: each hostile value in every field at once; then (drawn by
    hypothesis) one field hostile beside good values for the others, so the value reaches the
    use case; then bodies that are not forms at all."""
    fields = every_form_field()
    good = {name: good_value(field) for name, field in fields.items()}
    posts = routes(app, methods=("POST",))
    for method, path, handler in posts:
        url = fill(path)
        for value in COMPACT:
            every = dict.fromkeys(fields, value)
            fuzz.send(handler, method, url, data=every, what=repr(value)[:30])
        fuzz.send(handler, method, url, data=good, what="good values")
        fuzz.send(handler, method, url, data=good, signed_out=True)
        repeated = {name: ["1", "2"] for name in fields}
        fuzz.send(handler, method, url, data=repeated, what="every field twice")
        for content_type, body in BODIES:
            headers = {"content-type": content_type}
            what = f"{content_type} {body[:20]!r}"
            fuzz.send(handler, method, url, content=body, headers=headers, what=what)

    @settings(max_examples=150, **DRAWS)
    @given(
        route=st.sampled_from(posts),
        field=st.sampled_from(sorted(fields)),
        value=VALUES,
    )
    def one_field(route, field, value):
        method, path, handler = route
        data = {**good, field: value}
        fuzz.send(handler, method, fill(path), data=data, what=f"{field}={value!r}")

    one_field()
    fuzz.check()


def test_malformed_json_answers_400_and_a_body_too_large_413(app, bare_fuzz):
    json_routes = [
        (m, p, h)
        for m, p, h in routes(app, methods=("POST",))
        if p.startswith("/tasks/push/") and "{" not in p
    ]
    assert json_routes, "the push routes take JSON"
    for method, path, handler in json_routes:
        for body in (b"{", b'{"m": ', b"1" * 5000, b'{"a": ' * 2000 + b"1" + b"}" * 2000):
            response = bare_fuzz.send(
                handler, method, fill(path), content=body, headers=JSON, what=repr(body[:20])
            )
            assert response.status_code == 400, f"{path} {body[:20]!r}: {response.status_code}"
    method, path, handler = routes(app, methods=("POST",))[0]
    too_large = {"details": "x" * (REQUEST_MAX_BODY_SIZE + 1)}
    response = bare_fuzz.send(handler, method, fill(path), data=too_large, what="too large")
    assert response.status_code == 413
    bare_fuzz.check()


def test_wrong_methods_answer_405(app, bare_fuzz):
    seen = set()
    for _, path, handler in routes(app):
        url = fill(path)
        if url in seen:
            continue
        seen.add(url)
        served = set().union(
            *(h.http_methods for r in app.routes if r.path == path for h in r.route_handlers)
        )
        for wrong in ("PUT", "DELETE", "PATCH", "POST", "GET"):
            if wrong not in served:
                response = bare_fuzz.send(handler, wrong, url, what="wrong method")
                assert response.status_code == 405, f"{wrong} {url}: {response.status_code}"
                assert (
                    response.headers["content-security-policy"]
                    == HEADERS["content-security-policy"]
                )
                break
    bare_fuzz.check()


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
@pytest.mark.parametrize(
    "url",
    ["/no-such-page", "/tasks/999999/nothing", "/%00", "/static/no-such-file.css"],
)
def test_unknown_urls_show_the_404_page_with_every_security_header(as_role, web, signed_in, url):
    session = as_role("pcso") if signed_in else web
    response = session.get(url)
    assert response.status_code == 404
    if not url.startswith("/static"):
        assert "text/html" in response.headers["content-type"]
        assert "Page not found" in response.text
        if signed_in:  # the page knows who is signed in (navigation, sign out)
            assert 'action="/logout"' in response.text
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, name
