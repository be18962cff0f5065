"""Retention: what was erased (tombstones) and what a supervisor decided to keep (holds)."""

from piccolo.columns import Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.tables.people import Person


class Tombstone(Table):
    """What stays of an erased record: its kind, number, the phone's UUID and its dates.

    A late replay from a phone whose UUID has a tombstone is answered as already stored and
    stores nothing (app/retention/replay.py). No personal field of the record is kept here."""

    kind = Varchar(length=40, index=True)
    record_id = Integer(index=True)
    uuid = Varchar(length=36, null=True, default=None, index=True)
    record_date = Timestamptz(null=True, default=None)  # the date its period was counted from
    erased_at = Timestamptz(default=TimestamptzNow())


class RetentionHold(Table):
    """A supervisor kept a record that was due: why, and when it is next reviewed."""

    kind = Varchar(length=40, index=True)
    record_id = Integer(index=True)
    reason = Varchar(length=500)
    review_on = Date(index=True)
    decided_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(default=TimestamptzNow())
