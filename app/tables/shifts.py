"""Shifts: when a member of staff works (started, or from their weekly pattern), and whether
they asked for a push at its start that opens their briefing."""

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.tables.people import Person
from app.tables.places import TeamArea


class ShiftPattern(Table):
    """A weekly shift: on this weekday (0 Monday), from this time (UK), for so many hours."""

    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    weekday = Integer()
    starts = Varchar(length=5)  # "07:00", UK time
    hours = Integer(default=8)
    push = Boolean(default=False)  # opted in to the shift-start push
    # The start of the last shift made from it (so each week's is made once, by one server).
    last_made_for = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Shift(Table):
    """One shift of one person, and whether (and when) its start was pushed to their phone."""

    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    team = ForeignKey(references=TeamArea, null=True, on_delete=OnDelete.set_null)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    push = Boolean(default=False)
    pattern = ForeignKey(references=ShiftPattern, null=True, on_delete=OnDelete.set_null)
    pushed_at = Timestamptz(null=True, default=None)
    push_title = Varchar(length=120, default="")
    created_at = Timestamptz(default=TimestamptzNow())
