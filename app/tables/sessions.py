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
    """A failed sign-in, counted per account and per address to limit guessing."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    username_key = Varchar(length=60, index=True)
    address = Varchar(length=64, index=True)
