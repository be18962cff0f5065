"""People who use Beatbook, and the team areas they work in."""

from piccolo.columns import Boolean, ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.roles import Role
from app.tables.places import TeamArea


class Person(Table):
    """Someone who signs in: PCSO, officer, volunteer, mentor, supervisor or admin."""

    username = Varchar(length=60, unique=True)
    display_name = Varchar(length=120)
    role = Varchar(length=20, index=True, choices=Role)
    collar_number = Varchar(length=20, null=True, default=None)
    home_team = ForeignKey(references=TeamArea, null=True)
    active = Boolean(default=True)
    password_hash = Varchar(length=200)
    # Set by an admin's reset: the temporary password must be changed at the next sign-in.
    must_change_password = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class PersonTeam(Table):
    """A team area someone works in besides their home team."""

    person = ForeignKey(references=Person, null=False)
    team = ForeignKey(references=TeamArea, null=False)
