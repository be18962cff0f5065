"""Browser tests: the demo app served on loopback, Debian's Chromium at a phone's size."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "demo-password-for-tests"
PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser
# On a busy 2-core machine a page can take longer than Playwright's 5 s default to settle:
# wait longer, assert the same things.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    var_dir: Path
    process: subprocess.Popen

    @property
    def db_path(self) -> Path:
        return self.var_dir / "demo.sqlite3"

    def query(self, sql: str, *args) -> list[tuple]:
        """Read the server's database directly (SQLite), independent of the app's code."""
        with sqlite3.connect(self.db_path, timeout=10) as connection:
            return connection.execute(sql, args).fetchall()


def start_demo_server(var_dir: Path, port: int, extra_env: dict | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEATBOOK_")}
    env.update(
        BEATBOOK_VAR_DIR=str(var_dir),
        BEATBOOK_DEMO_PASSWORD=DEMO_PASSWORD,
        BEATBOOK_SECRET_KEY="browser-tests-secret-key",
        BEATBOOK_PUSH_ALLOW_LOOPBACK="on",  # push services for tests are http on 127.0.0.1
        **(extra_env or {}),
    )
    log = open(var_dir / "server.log", "w")  # noqa: SIM115 - lives as long as the server
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not start:\n{log.read_text()}")


@pytest.fixture(scope="session")
def live_server():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium package")
    var_dir = Path(tempfile.mkdtemp(prefix="beatbook-live-"))
    port = free_port()
    process = start_demo_server(var_dir, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, var_dir / "server.log")
        yield LiveServer(url=url, var_dir=var_dir, process=process)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": PHONE,
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def signed_in(page):
    """signed_in('pcso') -> the page, signed in as that demo user."""

    def go(username: str):
        sign_in(page, username)
        return page

    return go


def wait_until(page, expression: str, seconds: float = 15) -> None:
    """Poll a JavaScript expression until it is truthy.

    page.wait_for_function evaluates strings with eval(), which the app's CSP forbids;
    page.evaluate runs through the DevTools protocol and is not affected.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return
        time.sleep(0.1)
    raise AssertionError(f"still false after {seconds} s: {expression}")


def controlled_by_service_worker(page) -> None:
    """Wait until the service worker is active and controls the page (one reload if needed)."""
    wait_until(page, "navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    wait_until(page, "navigator.serviceWorker.controller !== null")


@pytest.fixture(scope="module")
def tiles():
    """A tile server on loopback serving generated PNG tiles (tests/browser/tiles.py)."""
    from tests.browser.tiles import TileServer

    server = TileServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tiled_server(tiles):
    """A demo of its own (per test module) with BEATBOOK_TILE_URL pointing at the tiles."""
    var_dir = Path(tempfile.mkdtemp(prefix="beatbook-tiled-"))
    port = free_port()
    env = {"BEATBOOK_TILE_URL": tiles.url, "BEATBOOK_TILE_ATTRIBUTION": "Test tiles (loopback)"}
    process = start_demo_server(var_dir, port, env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, var_dir / "server.log")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
