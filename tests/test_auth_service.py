"""Signing in and out as use cases, called without HTTP."""

from __future__ import annotations

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
