"""Signing in and out: messages, limits, cookies, sessions, CSRF."""

from __future__ import annotations

from datetime import timedelta

from app.auth.sessions import COOKIE_NAME
from app.tables.audit import AuditEntry
from app.tables.sessions import UserSession
from tests.factories import PASSWORD, make_person
from tests.helpers import field_error, html, summary_links, sync


def sign_in(web, username, password=PASSWORD, next_path="/"):
    return web.post("/login", {"username": username, "password": password, "next": next_path})


def test_sign_in_sets_a_database_session_with_safe_cookie_flags(web):
    person = make_person("pcso")
    response = sign_in(web, person.username)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(COOKIE_NAME))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in the test
    assert sync(UserSession.count().where(UserSession.person == person.id)) == 1
    home = web.get("/")
    assert home.status_code == 200
    assert person.display_name in html(home).find("h1").get_text()


def test_cookie_is_secure_over_https(app):
    from litestar.testing import TestClient

    from tests.helpers import WebSession

    person = make_person("officer")
    with TestClient(app=app, base_url="https://testserver.local") as client:
        response = sign_in(WebSession(client), person.username)
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(COOKIE_NAME))
    assert "Secure" in cookie


def test_wrong_password_and_unknown_user_get_the_same_message(web):
    person = make_person("pcso")
    wrong = sign_in(web, person.username, "not the password")
    unknown = sign_in(web, "nobody-here", "not the password")
    assert wrong.status_code == unknown.status_code == 400
    assert field_error(wrong, "username") == field_error(unknown, "username")
    assert "correct username and password" in field_error(wrong, "username")
    assert summary_links(wrong) == {"username": field_error(wrong, "username")}
    failures = sync(AuditEntry.select().where(AuditEntry.operation == "sign-in-failed"))
    assert {f["actor_username"] for f in failures} == {person.username, "nobody-here"}


def test_empty_fields_get_messages_beside_each_field(web):
    response = web.post("/login", {"username": "", "password": ""})
    assert response.status_code == 400
    assert field_error(response, "username") == "Enter your username"
    assert field_error(response, "password") == "Enter your password"
    assert list(summary_links(response)) == ["username", "password"]


def test_failed_sign_ins_are_limited_per_account_even_with_the_right_password(web):
    person = make_person("pcso")
    for _ in range(5):
        assert sign_in(web, person.username, "wrong password!").status_code == 400
    limited = sign_in(web, person.username)  # the right password, but too late
    assert limited.status_code == 429
    assert "Too many failed attempts" in field_error(limited, "username")
    # The same message for an account that does not exist: it never says which.
    for _ in range(5):
        sign_in(web, "ghost", "wrong password!")
    assert "Too many failed attempts" in field_error(sign_in(web, "ghost", "x" * 12), "username")


def test_failed_sign_ins_are_limited_per_address(web, monkeypatch):
    from app.settings import get_settings

    monkeypatch.setenv("BEATBOOK_SIGNIN_LIMIT_PER_ADDRESS", "3")
    get_settings.cache_clear()
    try:
        for name in ("a1", "a2", "a3"):
            sign_in(web, name, "wrong password!")
        person = make_person("pcso")
        assert sign_in(web, person.username).status_code == 429
    finally:
        monkeypatch.delenv("BEATBOOK_SIGNIN_LIMIT_PER_ADDRESS")
        get_settings.cache_clear()


def test_inactive_people_cannot_sign_in(web):
    person = make_person("volunteer", active=False)
    response = sign_in(web, person.username)
    assert response.status_code == 400
    assert "correct username and password" in field_error(response, "username")


def test_sign_out_ends_the_session(web):
    person = make_person("mentor")
    sign_in(web, person.username)
    out = web.post("/logout")
    assert out.status_code == 303
    assert out.headers["location"] == "/login?signed_out=true"
    assert sync(UserSession.count()) == 0
    assert web.get("/").status_code == 303
    ops = [e["operation"] for e in sync(AuditEntry.select().order_by(AuditEntry.id))]
    assert ops == ["sign-in", "sign-out"]


def test_session_ends_after_inactivity(as_role):
    session = as_role("pcso")
    assert session.get("/").status_code == 200
    from datetime import UTC, datetime

    expired = datetime.now(UTC) - timedelta(seconds=1)
    sync(UserSession.update({UserSession.expires_at: expired}, force=True))
    response = session.get("/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_deactivated_person_is_signed_out_at_once(as_role):
    from app.tables.people import Person

    session = as_role("officer")
    sync(Person.update({Person.active: False}).where(Person.id == session.person.id))
    assert session.get("/").status_code == 303


def test_changes_without_a_csrf_token_are_refused(client):
    person = make_person("pcso")
    response = client.post(
        "/login",
        data={"username": person.username, "password": PASSWORD},
        headers={"accept": "text/html"},
    )
    assert response.status_code == 403
    assert "expired" in html(response).find("h1").get_text()
    assert sync(UserSession.count()) == 0


def test_htmx_requests_carry_the_token_in_a_header(web):
    person = make_person("pcso")
    response = web.post(
        "/login",
        {"username": person.username, "password": PASSWORD},
        headers={"hx-request": "true"},
    )
    assert response.status_code == 303


def test_next_only_goes_to_paths_on_this_site(web):
    person = make_person("pcso")
    assert sign_in(web, person.username, next_path="//evil.example/").headers["location"] == "/"
    web.post("/logout")
    assert sign_in(web, person.username, next_path="/log").headers["location"] == "/log"


def test_signed_out_visitors_are_sent_to_sign_in_and_back(web):
    response = web.get("/people?q=x")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fpeople%3Fq%3Dx"


def test_the_username_field_has_its_attributes_as_real_attributes(web):
    # The text_field macro's attrs are attributes, not escaped text inside another one.
    username = html(web.get("/login")).find("input", id="username")
    assert username["autocapitalize"] == "none"
    assert username["spellcheck"] == "false"
    assert "&#34;" not in web.get("/login").text


def _set_cookie(response, name):
    return next((c for c in response.headers.get_list("set-cookie") if c.startswith(name)), None)


def test_the_csrf_cookie_is_secure_over_https_and_not_over_http(app):
    from litestar.testing import TestClient

    with TestClient(app=app, base_url="https://testserver.local") as client:
        over_https = _set_cookie(client.get("/login"), "csrftoken=")
    with TestClient(app=app, base_url="http://testserver.local") as client:
        over_http = _set_cookie(client.get("/login"), "csrftoken=")
    assert over_https and over_http
    flags = {part.strip().lower() for part in over_https.split(";")}
    assert "secure" in flags and "httponly" in flags
    assert "secure" not in {part.strip().lower() for part in over_http.split(";")}


def test_sign_in_remembers_the_device_in_an_http_only_cookie(app):
    from litestar.testing import TestClient

    from app.auth.sessions import DEVICE_COOKIE
    from tests.helpers import WebSession

    person = make_person("pcso")
    with TestClient(app=app, base_url="https://testserver.local") as client:
        response = sign_in(WebSession(client), person.username)
    cookie = _set_cookie(response, DEVICE_COOKIE + "=")
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "path=/login"} <= flags


def test_guessing_an_officers_password_elsewhere_does_not_lock_out_their_phone(app, web):
    from litestar.testing import TestClient

    from tests.helpers import WebSession

    officer = make_person("officer")
    assert sign_in(web, officer.username).status_code == 303  # the officer's phone, known now
    web.post("/logout")
    with TestClient(app=app, base_url="http://testserver.local") as other:
        attacker = WebSession(other)
        for _ in range(5):
            assert sign_in(attacker, officer.username, "a guess!").status_code == 400
        refused = sign_in(attacker, officer.username)  # even the right password, from there
        assert refused.status_code == 429
        assert "Too many failed attempts" in field_error(refused, "username")
    assert sign_in(web, officer.username).status_code == 303  # the phone still signs in
    assert web.get("/").status_code == 200


def test_signing_in_as_someone_else_in_the_same_browser_ends_the_earlier_session(app, web):
    from litestar.testing import TestClient

    from tests.helpers import WebSession

    first = make_person("pcso")
    second = make_person("supervisor")
    assert sign_in(web, first.username).status_code == 303
    earlier = web.client.cookies.get(COOKIE_NAME)
    assert sign_in(web, second.username).status_code == 303
    assert sync(UserSession.count().where(UserSession.person == first.id)) == 0
    assert sync(UserSession.count().where(UserSession.person == second.id)) == 1
    # The earlier cookie, kept by someone, no longer signs anyone in.
    with TestClient(app=app, base_url="http://testserver.local") as other:
        other.cookies.set(COOKIE_NAME, earlier)
        assert WebSession(other).get("/").status_code == 303
    assert web.get("/").status_code == 200  # the new one does
    entries = sync(AuditEntry.select().order_by(AuditEntry.id))
    assert [(e["operation"], e["actor_username"]) for e in entries] == [
        ("sign-in", first.username),
        ("sign-out", first.username),
        ("sign-in", second.username),
    ]
