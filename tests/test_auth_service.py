"""Signing in and out as use cases, called without HTTP."""

from __future__ import annotations

from app.actor import actor_for
from app.auth.sessions import viewer_for_token
from app.auth.signing_in import FAILED, sign_in, sign_out
from app.tables.audit import AuditEntry
from app.tables.sessions import UserSession
from tests.factories import PASSWORD, actor_of, make_person
from tests.helpers import sync


def audit():
    return sync(AuditEntry.select().order_by(AuditEntry.id))


def test_signing_in_starts_a_session_and_audits_who_from_where():
    person = make_person("pcso")
    outcome = sync(sign_in(person.username, PASSWORD, "192.0.2.7", "pytest"))
    assert outcome.token and not outcome.errors
    assert sync(viewer_for_token(outcome.token)).id == person.id
    [entry] = audit()
    assert (entry["operation"], entry["actor_username"], entry["address"]) == (
        "sign-in",
        person.username,
        "192.0.2.7",
    )


def test_a_wrong_password_is_refused_counted_and_audited_with_what_was_typed():
    person = make_person("pcso")
    outcome = sync(sign_in(person.username, "wrong password", "192.0.2.7", "pytest"))
    assert outcome.token is None and not outcome.limited
    assert outcome.errors == {"username": FAILED}
    assert sync(UserSession.count()) == 0
    [entry] = audit()
    assert (entry["operation"], entry["record_id"]) == ("sign-in-failed", str(person.id))


def test_too_many_failures_are_refused_even_with_the_right_password():
    from app.settings import get_settings

    person = make_person("pcso")
    for _ in range(get_settings().signin_limit_per_account):
        sync(sign_in(person.username, "wrong password", "192.0.2.7", "pytest"))
    outcome = sync(sign_in(person.username, PASSWORD, "192.0.2.7", "pytest"))
    assert outcome.token is None and outcome.limited
    assert audit()[-1]["detail"] == "refused: too many failed attempts"


def test_signing_out_ends_that_session_only():
    person = make_person("officer")
    first = sync(sign_in(person.username, PASSWORD, "192.0.2.7", "a")).token
    second = sync(sign_in(person.username, PASSWORD, "192.0.2.7", "b")).token
    viewer = sync(viewer_for_token(first))
    sync(sign_out(actor_of(viewer)))
    assert sync(viewer_for_token(first)) is None
    assert sync(viewer_for_token(second)) is not None
    assert audit()[-1]["operation"] == "sign-out"


# Password hashing off the event loop, within a bound.


class _CountingHasher:
    """Stands in for argon2's PasswordHasher: records the threads it ran on and how many ran
    at once. Each call waits for a partner (a barrier of two), so two run together whenever
    the limit lets them."""

    def __init__(self):
        import threading

        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.threads = set()
        self.barrier = threading.Barrier(2, timeout=10)

    def _work(self):
        import threading

        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.get_ident())
        try:
            self.barrier.wait()
        finally:
            with self.lock:
                self.running -= 1

    def hash(self, password):
        self._work()
        return "hashed:" + password

    def verify(self, password_hash, password):
        self._work()
        return password_hash == "hashed:" + password


def test_hashing_runs_in_worker_threads_at_most_the_setting_at_once(monkeypatch):
    import asyncio
    import threading

    from app.auth import passwords
    from app.settings import get_settings

    fake = _CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", fake)
    monkeypatch.setenv("BEATBOOK_PASSWORD_THREADS", "2")
    get_settings.cache_clear()

    async def crowd():
        loop_thread = threading.get_ident()
        hashes = await asyncio.gather(*(passwords.hashed(f"pw{i}") for i in range(6)))
        checks = await asyncio.gather(
            *(passwords.password_matches(h, f"pw{i}") for i, h in enumerate(hashes)),
        )
        return loop_thread, hashes, checks

    try:
        loop_thread, hashes, checks = sync(crowd())
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert hashes == [f"hashed:pw{i}" for i in range(6)]
    assert checks == [True] * 6
    assert loop_thread not in fake.threads  # never on the event loop's thread
    assert fake.most == 2  # two at once (the barrier needs two), never more


def test_request_code_never_hashes_on_the_event_loop():
    """Outside app/auth/passwords.py, app code uses the awaitable pair, not the blocking one."""
    import ast
    from pathlib import Path

    app = Path(__file__).resolve().parent.parent / "app"
    found = []
    for path in app.rglob("*.py"):
        if path == app / "auth" / "passwords.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(node, "id", None) or getattr(node, "attr", None)
            if isinstance(node, ast.Name | ast.Attribute) and name in {
                "hash_password",
                "verify_password",
            }:
                found.append(f"{path.relative_to(app)}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and node.module == "app.auth.passwords":
                blocking = {a.name for a in node.names} & {"hash_password", "verify_password"}
                if blocking:
                    found.append(f"{path.relative_to(app)}:{node.lineno} imports {blocking}")
    assert found == []


def test_a_reset_password_signs_in_even_after_the_limit_was_reached():
    from app.people.service import reset_password

    person = make_person("pcso")
    admin = make_person("admin")
    for i in range(_limit()):
        sync(sign_in(person.username, f"wrong {i}", "192.0.2.7", "t"))
    assert sync(sign_in(person.username, PASSWORD, "192.0.2.7", "t")).limited
    assert not sync(reset_password(actor_of(admin), person.id, "a brand new password"))
    assert sync(sign_in(person.username, "a brand new password", "192.0.2.7", "t")).token
    assert sync(sign_in(person.username, PASSWORD, "192.0.2.7", "t")).token is None


# Limits under concurrency: a burst of attempts at once, in one event loop.


def _limit():
    from app.settings import get_settings

    return get_settings().signin_limit_per_account


def test_a_burst_of_wrong_passwords_checks_no_more_than_the_limit():
    import asyncio

    from app.auth.signing_in import limited_message
    from app.tables.sessions import SignInAttempt

    person = make_person("officer")

    async def burst():
        return await asyncio.gather(
            *(sign_in(person.username, f"wrong {i}", "192.0.2.7", "burst") for i in range(30))
        )

    outcomes = sync(burst())
    checked = [o for o in outcomes if not o.limited]
    refused = [o for o in outcomes if o.limited]
    assert len(checked) == _limit()
    assert all(o.errors == {"username": FAILED} for o in checked)
    assert len(refused) == 30 - _limit()
    assert all(o.errors == {"username": limited_message()} for o in refused)
    assert sync(SignInAttempt.count()) == _limit()
    failed = [e for e in audit() if e["operation"] == "sign-in-failed"]
    assert sum(e["detail"] == "" for e in failed) == _limit()  # the checked ones


def test_a_right_password_inside_a_burst_past_the_limit_is_refused():
    import asyncio

    from app.tables.sessions import SignInAttempt

    person = make_person("officer")

    async def burst():
        wrong = [
            asyncio.ensure_future(sign_in(person.username, f"wrong {i}", "192.0.2.7", "burst"))
            for i in range(34)
        ]
        # The 35th: sent once the limit's slots are taken, while the burst is still running.
        # (The slots are rows in the database: poll it, for at most about 30 seconds.)
        for _ in range(3000):
            if await SignInAttempt.count() >= _limit():
                break
            await asyncio.sleep(0.01)
        right = await sign_in(person.username, PASSWORD, "192.0.2.7", "burst")
        return right, await asyncio.gather(*wrong)

    right, wrong = sync(burst())
    assert right.token is None and right.limited
    assert sum(not o.limited for o in wrong) == _limit()
    assert sync(UserSession.count()) == 0


def test_a_right_password_gives_its_slot_back():
    from app.tables.sessions import SignInAttempt

    person = make_person("pcso")
    for _ in range(_limit() + 2):
        assert sync(sign_in(person.username, PASSWORD, "192.0.2.7", "t")).token
    assert sync(SignInAttempt.count()) == 0


# Known devices: guessing elsewhere cannot lock an officer out of their own phone.


def test_guessing_from_elsewhere_does_not_lock_out_the_officers_known_device():
    officer = make_person("officer")
    phone = sync(sign_in(officer.username, PASSWORD, "198.51.100.1", "phone")).device
    assert phone
    for i in range(_limit()):
        sync(sign_in(officer.username, f"guess {i}", "203.0.113.9", "attacker"))
    # Unknown devices are locked out, wherever they are, even with the right password...
    elsewhere = sync(sign_in(officer.username, PASSWORD, "198.51.100.2", "laptop"))
    assert elsewhere.limited
    # ...but the officer's phone signs in.
    assert sync(sign_in(officer.username, PASSWORD, "203.0.113.9", "phone", device=phone)).token


def test_the_officers_own_sign_ins_do_not_give_a_guesser_more_guesses():
    officer = make_person("officer")
    phone = sync(sign_in(officer.username, PASSWORD, "198.51.100.1", "phone")).device
    for i in range(_limit() - 1):
        assert not sync(sign_in(officer.username, f"guess {i}", "203.0.113.9", "a")).limited
    assert sync(sign_in(officer.username, PASSWORD, "198.51.100.1", "p", device=phone)).token
    assert not sync(sign_in(officer.username, "last guess", "203.0.113.9", "a")).limited
    assert sync(sign_in(officer.username, "one more", "203.0.113.9", "a")).limited


def test_a_known_device_has_its_own_allowance_of_the_same_size():
    officer = make_person("officer")
    phone = sync(sign_in(officer.username, PASSWORD, "198.51.100.1", "phone")).device
    for i in range(_limit()):
        outcome = sync(sign_in(officer.username, f"typo {i}", "198.51.100.1", "p", device=phone))
        assert outcome.errors == {"username": FAILED}
    assert sync(sign_in(officer.username, PASSWORD, "198.51.100.1", "p", device=phone)).limited
    assert audit()[-1]["detail"] == "refused: too many failed attempts on this device"
    # The typos on the phone used the phone's allowance, not the one everyone else shares.
    assert sync(sign_in(officer.username, PASSWORD, "198.51.100.1", "laptop")).token


def test_a_device_token_counts_only_for_the_account_that_signed_in_on_it():
    from app.auth import devices

    mine = make_person("volunteer")
    officer = make_person("officer")
    token = sync(sign_in(mine.username, PASSWORD, "203.0.113.9", "a")).device
    assert devices.device_key(token, mine.id, mine.password_hash)
    assert devices.device_key(token, officer.id, officer.password_hash) == ""
    for i in range(_limit()):
        sync(sign_in(officer.username, f"guess {i}", "203.0.113.9", "a", device=token))
    assert sync(sign_in(officer.username, PASSWORD, "198.51.100.2", "laptop")).limited


def test_made_up_or_stale_device_tokens_are_unknown_devices():
    from app.auth import devices

    person = make_person("pcso")
    token = devices.remember(None, person.id, person.password_hash)
    assert devices.device_key(token, person.id, person.password_hash)
    device_id, mac = token.split(".")
    forged = f"{device_id}.{'0' * 32}"
    for bad in (forged, f"{'A' * 22}.{mac}", "", "x" * 5000, "....", None):
        assert devices.device_key(bad, person.id, person.password_hash) == ""
    # A new password (a reset) forgets every device the account was known on.
    assert devices.device_key(token, person.id, "another hash") == ""


def test_a_device_remembers_several_accounts():
    from app.auth import devices

    people = [make_person("pcso") for _ in range(devices.MAX_ACCOUNTS + 1)]
    token = None
    ids = set()
    for p in people:
        token = sync(sign_in(p.username, PASSWORD, "198.51.100.1", "shared", device=token)).device
        ids.add(token.split(".")[0])
    assert len(ids) == 1  # one device id, kept
    known = [bool(devices.device_key(token, p.id, p.password_hash)) for p in people]
    assert known == [False] + [True] * devices.MAX_ACCOUNTS  # the oldest dropped


# One browser, one session.


def test_signing_in_as_someone_else_ends_the_earlier_session():
    first = make_person("pcso")
    second = make_person("supervisor")
    token = sync(sign_in(first.username, PASSWORD, "192.0.2.7", "phone")).token
    earlier = actor_for(sync(viewer_for_token(token)), address="192.0.2.7")
    # A wrong password as someone else leaves the earlier session alone.
    failed = sync(sign_in(second.username, "wrong!", "192.0.2.7", "phone", replacing=earlier))
    assert failed.token is None and sync(viewer_for_token(token)) is not None
    again = sync(sign_in(second.username, PASSWORD, "192.0.2.7", "phone", replacing=earlier))
    assert sync(viewer_for_token(again.token)).id == second.id
    assert sync(viewer_for_token(token)) is None
    assert sync(UserSession.count().where(UserSession.person == first.id)) == 0
    out = [e for e in audit() if e["operation"] == "sign-out"]
    assert [(e["actor"], e["detail"]) for e in out] == [
        (first.id, "another person signed in in this browser")
    ]


def test_the_limit_per_address_spares_known_devices(monkeypatch):
    """Many phones share an address (a mobile network's NAT, a station's wifi): guessing from
    there refuses unknown devices, not the phones their owners have signed in on."""
    from app.settings import get_settings

    officer = make_person("officer")
    phone = sync(sign_in(officer.username, PASSWORD, "198.51.100.1", "phone")).device
    monkeypatch.setenv("BEATBOOK_SIGNIN_LIMIT_PER_ADDRESS", "3")
    get_settings.cache_clear()
    try:
        for name in ("a1", "a2", "a3"):
            assert not sync(sign_in(name, "guess!", "203.0.113.9", "a")).limited
        assert sync(sign_in(officer.username, PASSWORD, "203.0.113.9", "laptop")).limited
        assert sync(sign_in(officer.username, PASSWORD, "203.0.113.9", "p", device=phone)).token
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_failures_older_than_the_window_are_forgotten_and_removed():
    from datetime import timedelta

    from app.auth.sessions import now
    from app.settings import get_settings
    from app.tables.sessions import SignInAttempt

    person = make_person("pcso")
    old = now() - timedelta(minutes=get_settings().signin_window_minutes, seconds=1)
    sync(
        SignInAttempt.insert(
            *[
                SignInAttempt(at=old, username_key=person.username, address="192.0.2.7")
                for _ in range(_limit())
            ]
        )
    )
    assert sync(sign_in(person.username, PASSWORD, "192.0.2.7", "t")).token
    assert sync(SignInAttempt.count()) == 0
