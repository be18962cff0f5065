"""Every route, requested as every role and signed out, answers as its declared rule says."""

from __future__ import annotations

import re

import pytest
from litestar.routes import HTTPRoute

from app.access import PUBLIC_RULE, rule_of
from app.roles import CIVILIAN, Role

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
            assert not response.headers.get("location", "").startswith("/login"), where
        else:
            assert status == 403, where
        checked += 1
        if method == "POST" and role is not None and url == "/logout":
            session = as_role(role.value)  # signing out ended that session: start another
    assert checked >= 20
