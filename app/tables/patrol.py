"""Patrol plans: points with time windows for a person or team on a shift, and check-ins."""

from enum import StrEnum

from piccolo.columns import (
    UUID,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.tables.people import Person
from app.tables.places import TeamArea


class PlanState(StrEnum):
    """A plan is drafted by a supervisor, then published to the people who walk it; a
    published plan can be withdrawn (no longer walked, its points no longer counted)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class PointSource(StrEnum):
    """Where a point's place came from: the demand suggestions, a map, or a looked-up address."""

    SUGGESTION = "suggestion"
    MAP = "map"
    ADDRESS = "address"


class Timing(StrEnum):
    """How a point was kept (compliance): the first check-in in its window, early, late, or none."""

    IN_WINDOW = "in_window"
    EARLY = "early"
    LATE = "late"
    MISSED = "missed"


class PatrolPlan(Table):
    """Where and when to be on one shift: drafted by a supervisor, then published."""

    team = ForeignKey(references=TeamArea, null=False)
    day = Date()
    shift_start = Timestamptz()
    shift_end = Timestamptz()
    assignee = ForeignKey(references=Person, null=True)  # None: the whole team's plan
    title = Varchar(length=120, default="")
    status = Varchar(length=12, default=PlanState.DRAFT, choices=PlanState, index=True)
    start_lat = DoublePrecision(null=True, default=None)
    start_lng = DoublePrecision(null=True, default=None)
    created_by = ForeignKey(references=Person, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    published_at = Timestamptz(null=True, default=None)
    withdrawn_at = Timestamptz(null=True, default=None)
    tasking = Integer(null=True, default=None)  # the patrol tasking that told its people
    copied_from = Integer(null=True, default=None)


class PatrolPoint(Table):
    """A place to be, in a time window, with an instruction."""

    plan = ForeignKey(references=PatrolPlan, null=False)
    position = Integer(default=0)
    label = Varchar(length=120)
    lat = DoublePrecision()
    lng = DoublePrecision()
    window_start = Timestamptz()
    window_end = Timestamptz()
    instruction = Text(default="")
    source = Varchar(length=12, default=PointSource.MAP, choices=PointSource)


class PatrolCheckIn(Table):
    """Someone at a point: automatic within the set distance, otherwise with a reason."""

    uuid = UUID(unique=True)
    point = ForeignKey(references=PatrolPoint, null=False)
    person = ForeignKey(references=Person, null=False)
    at = Timestamptz()
    received_at = Timestamptz(default=TimestamptzNow())
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    accuracy_m = DoublePrecision(null=True, default=None)
    distance_m = DoublePrecision(null=True, default=None)
    automatic = Boolean(default=False)
    reason = Varchar(length=300, default="")
    note = Text(default="")
    checked_out_at = Timestamptz(null=True, default=None)
