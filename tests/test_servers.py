"""Real servers over HTTP: acknowledged writes survive kill -9; two servers share state.

Each test starts `beatbook serve` processes on the test's own database (its SQLite file, or the
PostgreSQL test database), so nothing is shared through one process's memory.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.tables.people import Person
from app.tables.sessions import SignInAttempt
from tests.conftest import IS_POSTGRES, TEST_DATABASE_URL
from tests.factories import PASSWORD, make_person
from tests.helpers import html, sync

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def start_server(db, tmp_path):
    """start_server() -> base URL of a `beatbook serve` on this test's database."""
    processes: list[subprocess.Popen] = []
    url = TEST_DATABASE_URL if IS_POSTGRES else f"sqlite:///{db.path}"

    def start(**extra_env) -> tuple[str, subprocess.Popen]:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("BEATBOOK_")}
        env.update(
            BEATBOOK_DATABASE_URL=url,
            BEATBOOK_VAR_DIR=str(tmp_path),
            BEATBOOK_SECRET_KEY="shared-secret-for-both-servers",
            BEATBOOK_DATABASE_POOL_SIZE="4",
            BEATBOOK_PUSH_ALLOW_LOOPBACK="on",  # push services for tests are http on 127.0.0.1
            **extra_env,
        )
        log = open(tmp_path / f"server-{port}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / f"server-{port}.log").read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    return base, process
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("server did not start")

    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def browser(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, headers={"accept": "text/html"}, timeout=10)
    client.get("/login")
    return client


def post(client: httpx.Client, url: str, data: dict) -> httpx.Response:
    token = client.cookies.get("csrftoken")
    return client.post(url, data={**data, "_csrf_token": token})


def sign_in(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    return post(client, "/login", {"username": username, "password": password})


def test_an_acknowledged_write_survives_kill_9(start_server):
    admin = make_person("admin")
    base, process = start_server()
    client = browser(base)
    assert sign_in(client, admin.username).status_code == 303
    response = post(
        client,
        "/people",
        {
            "username": "survivor",
            "display_name": "Sam Survivor",
            "role": "pcso",
            "collar_number": "",
            "home_team": "",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 303  # acknowledged
    os.kill(process.pid, signal.SIGKILL)  # no shutdown, no flush
    process.wait(timeout=10)
    stored = sync(Person.objects().where(Person.username == "survivor").first())
    assert stored is not None and stored.display_name == "Sam Survivor"


def test_two_servers_share_sessions_and_sign_in_limits(start_server):
    person = make_person("pcso")
    first, _ = start_server()
    second, _ = start_server()
    on_first = browser(first)
    assert sign_in(on_first, person.username).status_code == 303
    # The same cookie works on the other server: sessions live in the database.
    on_second = httpx.Client(
        base_url=second, headers={"accept": "text/html"}, cookies=on_first.cookies, timeout=10
    )
    home = on_second.get("/")
    assert home.status_code == 200
    assert person.display_name in html(home).find("h1").get_text()
    # Signing out on one ends the session on both.
    assert post(on_second, "/logout", {}).status_code == 303
    assert on_first.get("/").status_code == 303

    # Failed sign-ins counted across servers: 3 on one and 2 on the other make 5.
    target = make_person("officer")
    for base, times in ((first, 3), (second, 2)):
        client = browser(base)
        for _ in range(times):
            assert sign_in(client, target.username, "wrong password!").status_code == 400
    assert sync(SignInAttempt.count().where(SignInAttempt.username_key == target.username)) == 5
    limited = sign_in(browser(first), target.username)  # right password, too many failures
    assert limited.status_code == 429
