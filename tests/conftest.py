"""Shared fixtures: a fresh real database per test, factories, and a signed-in test client.

The environment is set before the app is imported. BEATBOOK_TEST_DATABASE_URL=postgresql://...
runs the same tests against PostgreSQL (scripts/test does that); otherwise SQLite files are used.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="beatbook-tests-"))
TEST_DATABASE_URL = os.environ.get("BEATBOOK_TEST_DATABASE_URL", "")
os.environ["BEATBOOK_VAR_DIR"] = str(_TMP)
os.environ["BEATBOOK_SECRET_KEY"] = "tests-only-secret-key-not-for-use-anywhere-else"
os.environ["BEATBOOK_DATABASE_URL"] = TEST_DATABASE_URL or f"sqlite:///{_TMP / 'template.sqlite3'}"
os.environ["BEATBOOK_DATABASE_POOL_SIZE"] = "0"  # tests query from their own event loops
os.environ["BEATBOOK_SIGNIN_LIMIT_PER_ADDRESS"] = "1000"  # the test client is one address
os.environ["BEATBOOK_PUSH_SENDER"] = "off"  # push tests run the sender themselves
os.environ["BEATBOOK_PUSH_ALLOW_LOOPBACK"] = "on"  # the test push service is http on 127.0.0.1

import pytest  # noqa: E402
from piccolo.querystring import QueryString  # noqa: E402
from piccolo.utils.sync import run_sync  # noqa: E402

from tests.factories import *  # noqa: E402,F403
from tests.helpers import WebSession  # noqa: E402

IS_POSTGRES = TEST_DATABASE_URL.startswith("postgres")
SHARED_DATA = Path(
    # BEATBOOK_SHARED_DATA: for checkouts (worktrees) that are not beside ../shared/data
    os.environ.get("BEATBOOK_SHARED_DATA")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "data"
)


def pytest_report_header(config):
    return f"beatbook database: {'PostgreSQL' if IS_POSTGRES else 'SQLite'}"


@pytest.fixture(scope="session")
def migrated_template():
    """Run every migration once: into a template SQLite file, or into the PostgreSQL database."""
    from app.database import migrate
    from piccolo_conf import DB

    if IS_POSTGRES:
        run_sync(DB.run_querystring(QueryString("DROP SCHEMA public CASCADE")))
        run_sync(DB.run_querystring(QueryString("CREATE SCHEMA public")))
    run_sync(migrate())
    if not IS_POSTGRES:
        # Fold the WAL into the file so that a plain copy holds everything.
        import sqlite3

        with sqlite3.connect(DB.path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return DB.path if not IS_POSTGRES else None


def _app_tables():
    from app.piccolo_app import APP_CONFIG

    return [t._meta.tablename for t in APP_CONFIG.table_classes]


@pytest.fixture(autouse=True)
def db(migrated_template, tmp_path):
    """A fresh database for each test: a copy of the template file, or emptied PostgreSQL tables."""
    from piccolo_conf import DB

    if IS_POSTGRES:
        names = ", ".join(f'"{n}"' for n in _app_tables())
        run_sync(DB.run_querystring(QueryString(f"TRUNCATE {names} RESTART IDENTITY CASCADE")))
        yield DB
        return
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated_template, path)
    original = DB.path
    DB.path = str(path)
    try:
        yield DB
    finally:
        DB.path = original


@pytest.fixture(scope="session")
def app():
    from app.main import create_app

    return create_app()


@pytest.fixture
def client(app):
    from litestar.testing import TestClient

    with TestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
def web(client):
    """A signed-out browser-like session (Accept: text/html, CSRF token handled)."""
    return WebSession(client)


@pytest.fixture
def as_role():
    """as_role('pcso') -> a WebSession (its own client and cookies) signed in as a new person.

    The session is made directly, not through /login, so tests do not pay for argon2 each time.
    Each session gets its own app instance: one Litestar app cannot run two lifespans at once.
    """
    from contextlib import ExitStack

    from litestar.testing import TestClient

    from app.auth.sessions import COOKIE_NAME, start_session
    from app.main import create_app

    with ExitStack() as stack:

        def make(role: str, person=None, **person_fields) -> WebSession:
            person = person or make_person(role, **person_fields)  # noqa: F405
            token = run_sync(start_session(person.id, "pytest"))
            client = stack.enter_context(
                TestClient(app=create_app(), base_url="http://testserver.local")
            )
            client.cookies.set(COOKIE_NAME, token)
            session = WebSession(client)
            session.person = person
            return session

        yield make


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or a skip saying why it is missing."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the shared data folder {SHARED_DATA}, which is absent on this machine")
    return SHARED_DATA


@pytest.fixture
def loopback_allowed(monkeypatch):
    """set(True/False): BEATBOOK_PUSH_ALLOW_LOOPBACK for the rest of the test."""
    from app.settings import get_settings

    def set_to(allowed: bool) -> None:
        monkeypatch.setenv("BEATBOOK_PUSH_ALLOW_LOOPBACK", "on" if allowed else "off")
        get_settings.cache_clear()

    yield set_to
    get_settings.cache_clear()
