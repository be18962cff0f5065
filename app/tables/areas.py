"""The ward at a glance: abstraction, time neighbourhood staff are taken away from their area."""

from enum import StrEnum

from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.tables.people import Person
from app.tables.places import TeamArea


class AbstractionCause(StrEnum):
    """Why someone was taken away from neighbourhood work (stored as these strings)."""

    RESPONSE = "response"
    CUSTODY = "custody"
    COURT = "court"
    TRAINING = "training"
    OPERATION = "operation"
    OTHER = "other"


class Abstraction(Table):
    """Time a member of staff was taken away from neighbourhood work: cause, start, length.

    `team` is the area they were taken from (their home team when they recorded it), so the
    hours stay with the area they were lost to even if the person later moves."""

    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    team = ForeignKey(references=TeamArea, null=True, on_delete=OnDelete.set_null, index=True)
    cause = Varchar(length=20, choices=AbstractionCause)
    starts_at = Timestamptz(index=True)
    minutes = Integer()
    note = Varchar(length=300, default="")
    created_at = Timestamptz(default=TimestamptzNow())
