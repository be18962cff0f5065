"""Signed-in sessions, kept in the database so they survive restarts and span app servers."""

from piccolo.columns import ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.tables.people import Person


class UserSession(Table):
    """One signed-in browser. Only a hash of the cookie's token is stored."""

    token_hash = Varchar(length=64, unique=True)
    person = ForeignKey(references=Person, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(default=TimestamptzNow(), index=True)
    user_agent = Varchar(length=200, default="")


class SignInAttempt(Table):
    """A sign-in attempt, written before its password is checked and removed if the password
    was right: what stays is the failures (and the checks still running), counted per account
    and per address to limit guessing. `device_key` names the known device it came from
    (a digest of its id), or is empty for a device the account has not signed in on."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    username_key = Varchar(length=60, index=True)
    address = Varchar(length=64, index=True)
    device_key = Varchar(length=64, default="")
