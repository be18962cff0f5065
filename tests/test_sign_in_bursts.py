"""Sign-in limits against a real server: bursts of sign-ins sent at the same instant.

Each test starts `beatbook serve` on its own database (tests/test_servers.py's fixture) and
sends real HTTP requests from threads released together by a threading.Barrier.
"""

from __future__ import annotations

import threading
import time

import httpx

from app.settings import get_settings
from app.tables.audit import AuditEntry
from app.tables.sessions import SignInAttempt, UserSession
from tests.factories import PASSWORD, make_person
from tests.helpers import field_error, sync
from tests.test_servers import browser, sign_in
from tests.test_servers import start_server as _start_server

start_server = _start_server  # the fixture, used here under its own name

LIMITED = "Too many failed attempts"


def _limit() -> int:
    return get_settings().signin_limit_per_account


def burst(clients: list[httpx.Client], username: str, passwords: list[str]):
    """Send one sign-in per client at the same instant; the responses in the same order."""
    barrier = threading.Barrier(len(clients))
    responses: list[httpx.Response | BaseException | None] = [None] * len(clients)

    def send(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            responses[i] = sign_in(clients[i], username, passwords[i])
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            responses[i] = error

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    return threads, responses


def finish(threads, responses) -> list[httpx.Response]:
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, httpx.Response) for r in responses), responses
    return responses


def test_of_thirty_wrong_passwords_at_once_no_more_than_the_limit_are_checked(start_server):
    officer = make_person("officer")
    base, _ = start_server()
    clients = [browser(base) for _ in range(30)]
    responses = finish(*burst(clients, officer.username, [f"wrong {i}!" for i in range(30)]))
    statuses = [r.status_code for r in responses]
    assert statuses.count(400) == _limit(), statuses  # checked, and wrong
    assert statuses.count(429) == 30 - _limit(), statuses  # refused before any check
    refused = [r for r in responses if r.status_code == 429]
    assert all(LIMITED in field_error(r, "username") for r in refused)
    assert sync(SignInAttempt.count()) == _limit()
    failed = sync(AuditEntry.select().where(AuditEntry.operation == "sign-in-failed"))
    assert sum(e["detail"] == "" for e in failed) == _limit()


def test_a_right_password_sent_35th_of_a_burst_of_40_is_refused(start_server):
    officer = make_person("officer")
    base, _ = start_server()
    clients = [browser(base) for _ in range(40)]
    # 34 wrong passwords at once...
    threads, responses = burst(clients[:34], officer.username, [f"wrong {i}!" for i in range(34)])
    # ...the 35th, the right one, once the server has counted the first attempts
    # (while the burst is still being answered)...
    deadline = time.monotonic() + 60
    while sync(SignInAttempt.count()) < _limit():
        assert time.monotonic() < deadline, "the burst never reached the server"
        time.sleep(0.01)
    right = sign_in(clients[34], officer.username, PASSWORD)
    # ...and 5 more wrong ones.
    after = finish(*burst(clients[35:], officer.username, ["wrong again!"] * 5))
    first = finish(threads, responses)
    assert right.status_code == 429
    assert LIMITED in field_error(right, "username")
    assert sync(UserSession.count()) == 0  # nobody signed in
    statuses = [r.status_code for r in first + after]
    assert statuses.count(400) == _limit(), statuses
    assert statuses.count(429) == 39 - _limit(), statuses


def test_a_known_phone_signs_in_through_a_burst_of_guesses(start_server):
    officer = make_person("officer")
    base, _ = start_server()
    phone = browser(base)
    assert sign_in(phone, officer.username).status_code == 303  # the phone is known from now
    assert phone.post("/logout", data={"_csrf_token": phone.cookies.get("csrftoken")}).is_redirect
    attackers = [browser(base) for _ in range(30)]
    threads, responses = burst(attackers, officer.username, [f"guess {i}!" for i in range(30)])
    # The officer signs in on their phone while the guesses arrive, and after them.
    during = sign_in(phone, officer.username)
    guesses = finish(threads, responses)
    after = sign_in(phone, officer.username)
    assert during.status_code == 303 and after.status_code == 303
    statuses = [r.status_code for r in guesses]
    assert statuses.count(400) <= _limit() and statuses.count(429) >= 30 - _limit()
    assert sign_in(browser(base), officer.username).status_code == 429  # unknown devices wait


def test_behind_a_tls_proxy_the_csrf_cookie_is_secure(start_server):
    base, _ = start_server()
    # uvicorn trusts X-Forwarded-Proto from loopback (the proxy on the same machine).
    over_https = httpx.get(f"{base}/login", headers={"x-forwarded-proto": "https"})
    over_http = httpx.get(f"{base}/login")

    def flags(response):
        cookie = next(c for c in response.headers.get_list("set-cookie") if "csrftoken=" in c)
        return {part.strip().lower() for part in cookie.split(";")}

    assert "secure" in flags(over_https)
    assert "secure" not in flags(over_http)
