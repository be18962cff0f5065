"""The beatbook command: create-user asks for the password at the terminal, never in argv."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

from app.auth.passwords import verify_password
from app.tables.audit import AuditEntry
from app.tables.people import Person
from tests.conftest import IS_POSTGRES, TEST_DATABASE_URL
from tests.factories import make_team
from tests.helpers import sync

ROOT = Path(__file__).resolve().parent.parent


def spawn(db, *args: str) -> pexpect.spawn:
    env = {
        **os.environ,
        "BEATBOOK_DATABASE_URL": TEST_DATABASE_URL if IS_POSTGRES else f"sqlite:///{db.path}",
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "app.cli", *args],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=60,
    )


def test_create_user_asks_for_the_password_twice(db):
    make_team("Abbey")
    child = spawn(
        db, "create-user", "Alice", "--role", "admin", "--name", "Alice Smith", "--team", "Abbey"
    )
    child.expect("Password: ")
    child.sendline("short")
    child.expect("at least 10 characters")
    child.expect("Password: ")
    child.sendline("a good long password")
    child.expect("Password again: ")
    child.sendline("a good long password")
    child.expect("Created alice")
    child.expect(pexpect.EOF)
    person = sync(Person.objects().where(Person.username == "alice").first())
    assert (person.role, person.display_name) == ("admin", "Alice Smith")
    assert verify_password(person.password_hash, "a good long password")
    [entry] = sync(AuditEntry.select().where(AuditEntry.operation == "collection"))
    assert entry["record_id"] == str(person.id)


def test_create_user_refuses_an_unknown_role(db):
    child = spawn(db, "create-user", "bob", "--role", "chief")
    child.expect("Role must be one of")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert sync(Person.count()) == 0
