"""Every route, requested as every role and signed out, answers as its declared rule says."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from litestar.exceptions import HTTPException
from litestar.routes import HTTPRoute

from app.access import JOINING_PATH, PUBLIC_RULE, OpenWhileJoining, permits, rule_of
from app.roles import CIVILIAN, Role
from tests.helpers import html

SAMPLE = {"int": "1", "str": "x", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x"}
ALL_ROLES = list(Role)


def every_route(app):
    """(method, path, rule) for each handler the app serves."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods):
                if method in {"HEAD", "OPTIONS"}:
                    continue
                yield method, route.path, rule_of(handler), handler


def concrete(path: str) -> str:
    path = re.sub(r"\{[^}:]+:(\w+)\}", lambda m: SAMPLE.get(m.group(1), "x"), path)
    if path.startswith("/static"):
        return "/static/css/app.css"
    return path


def test_every_route_declares_who_may_use_it(app):
    missing = [f"{m} {p}" for m, p, rule, _ in every_route(app) if rule is None]
    assert missing == [], f"routes with no access rule: {missing}"


def test_no_route_gives_civilians_crime_records_about_named_people(app):
    # Routes that show named people in crime data say so with opt={'named_people': True}.
    for method, path, rule, handler in every_route(app):
        if handler.opt.get("named_people"):
            assert rule != PUBLIC_RULE and not (set(rule) & CIVILIAN), f"{method} {path}"


def test_subject_access_is_for_admins_only(app):
    """Disclosing everything held about a person is an admin's job alone (issue 12)."""
    found = {
        (method, path): rule
        for method, path, rule, _ in every_route(app)
        if path.startswith("/subject-access")
    }
    assert set(found) == {
        ("GET", "/subject-access"),
        ("GET", "/subject-access/export"),
        ("GET", "/subject-access/export.json"),
    }
    assert set(found.values()) == {frozenset({Role.ADMIN})}


@pytest.mark.parametrize("role", [None, *ALL_ROLES], ids=["signed-out", *ALL_ROLES])
def test_every_route_answers_each_role_as_declared(app, as_role, web, role):
    session = as_role(role.value) if role else web
    checked = 0
    for method, path, rule, _ in every_route(app):
        url = concrete(path)
        response = session.request(method, url)
        status = response.status_code
        where = f"{method} {url} as {role or 'signed out'} -> {status}"
        if rule == PUBLIC_RULE:
            assert status not in (401, 403), where
        elif role is None:
            assert status in (303, 401), where
            if status == 303:
                assert response.headers["location"].startswith("/login"), where
        elif role in rule:
            assert status not in (401, 403), where
            assert status < 500, where  # allowed, so it must work (or say 4xx why not)
            assert not response.headers.get("location", "").startswith("/login"), where
        else:
            assert status == 403, where
        checked += 1
        if method == "POST" and role is not None and url == "/logout":
            session = as_role(role.value)  # signing out ended that session: start another
    assert checked >= 20


@pytest.mark.parametrize("vetting", [None, "expired"], ids=["never-vetted", "vetting-expired"])
def test_a_volunteer_still_joining_may_use_only_their_profile_and_public_routes(
    app, as_role, vetting
):
    """Every route, as a volunteer without current initial vetting: public routes (sign in and
    out, static, health, the installable shell) and their own profile answer; every other
    route is refused with a page that says why, or (the home screen) sends them to it."""
    session = as_role("volunteer", vetting=vetting)
    checked = opened = 0
    for method, path, rule, _ in every_route(app):
        url = concrete(path)
        response = session.request(method, url)
        status = response.status_code
        where = f"{method} {url} as a volunteer still joining -> {status}"
        if rule == PUBLIC_RULE:
            assert status not in (401, 403), where
        elif isinstance(rule, OpenWhileJoining) and Role.VOLUNTEER in rule:
            # An empty form posted is answered with its errors (400), not refused.
            assert status < 400 or (method == "POST" and status == 400), where
            assert status != 400 or "There is a problem" in response.text, where
            opened += 1
        elif method == "GET" and url == "/":
            assert (status, response.headers.get("location")) == (303, JOINING_PATH), where
        else:
            assert status == 403, where
            if method == "GET" and Role.VOLUNTEER in rule:  # open to them once they have joined
                page = html(response)
                assert "You have not finished joining yet" in page.get_text(), where
                assert page.select_one(f"a[href='{JOINING_PATH}']"), where
        checked += 1
        if method == "POST" and url == "/logout":
            session = as_role("volunteer", vetting=vetting)
    assert checked >= 20 and opened >= 1


def test_only_the_profile_is_open_to_volunteers_still_joining(app):
    """Opening a route to volunteers still joining is a choice made route by route: today only
    their own profile and their password (a new one shows up here to be looked at)."""
    open_routes = {
        f"{m} {p}" for m, p, rule, _ in every_route(app) if isinstance(rule, OpenWhileJoining)
    }
    # ...and changing their own password (a reset one must be changed before anything).
    assert open_routes == {f"GET {JOINING_PATH}", "GET /account/password", "POST /account/password"}


def links(response) -> list[tuple[str, str, str]]:
    """(method, path, what) for every same-site link, htmx request and form on a page."""
    doc = html(response)
    base = str(response.url)
    found = []

    def add(method: str, target: str | None, what: str) -> None:
        if target is None or target.startswith("#"):
            return
        url = urlsplit(urljoin(base, target))
        if url.scheme not in ("http", "https") or url.netloc != urlsplit(base).netloc:
            return  # another site, or geo:, tel:, mailto:
        found.append((method, url.path or "/", what))

    for a in doc.find_all("a", href=True):
        add("GET", a["href"], f"<a href={a['href']!r}>")
    for verb in ("get", "post"):
        for node in doc.find_all(attrs={f"hx-{verb}": True}):
            add(verb.upper(), node[f"hx-{verb}"], f"hx-{verb}={node[f'hx-{verb}']!r}")
    for form in doc.find_all("form"):
        method = (form.get("method") or "get").upper()
        action = form.get("action")
        add(method, action if action is not None else base, f"<form action={action!r}>")
    return found


def handler_for(app, method: str, path: str):
    """The route handler that serves method + path, or None when none does."""
    try:
        return app.asgi_router.handle_routing(path, method)[1]
    except HTTPException:
        return None


def refused_links(app, session, role) -> tuple[int, list[str]]:
    """Open every page the role may (every route without parameters, then every page their
    links reach): (pages opened, each link to a route the role is refused or no route)."""
    start = []
    for method, path, rule, _ in every_route(app):
        if method == "GET" and permits(rule, session.person) and not path.startswith("/static"):
            start.append(concrete(path))
    waiting, seen, refused, opened = deque(start), set(start), [], 0
    while waiting and opened < 250:
        url = waiting.popleft()
        response = session.get(url)
        opened += 1
        if response.is_redirect or "text/html" not in response.headers.get("content-type", ""):
            continue
        for method, path, what in links(response):
            if path.startswith("/static/"):
                continue
            handler = handler_for(app, method, path)
            if handler is None:
                refused.append(f"{url}: {what} ({method} {path}) reaches no route")
            elif not permits(rule_of(handler), session.person):
                refused.append(f"{url}: {what} ({method} {path}) is refused to {role}")
            elif method == "GET" and path not in seen:
                seen.add(path)
                waiting.append(path)
    return opened, refused


def test_no_page_links_to_a_route_its_viewer_is_refused(app, as_role):
    """As each role, with the demo data to link to: pages link, ask htmx for and post forms
    only to routes whose own rule lets that role in."""
    from app.demo import load_all
    from tests.helpers import sync

    people = sync(load_all("demo password 1")).made["people"]
    refused = []
    for role in ALL_ROLES:
        opened, found = refused_links(app, as_role(role.value, person=people[role]), role)
        assert opened >= 15, f"{role} opened only {opened} pages"
        refused += found
    assert refused == [], "\n".join(refused)
