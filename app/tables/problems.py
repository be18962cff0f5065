"""Problem solving: one plan per problem (OSARA / the National Decision Model in one form), its
places, areas, actions, links, people (references only), comments, and powers used."""

from enum import StrEnum

from piccolo.columns import (
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.tables.agencies import PartnerAgency
from app.tables.briefing import AreaPriority
from app.tables.people import Person
from app.tables.places import TeamArea


class ProblemKind(StrEnum):
    """What the problem centres on (the problem analysis triangle's sides, or a theme)."""

    PLACE = "place"
    VICTIM = "victim"
    OFFENDER = "offender"
    THEME = "theme"


class ProblemState(StrEnum):
    OPEN = "open"
    IN_REVIEW = "in_review"  # closure asked for, waiting for a supervisor's sign-off
    CLOSED = "closed"


class ProblemResult(StrEnum):
    SOLVED = "solved"
    REDUCED = "reduced"
    DISPLACED = "displaced"
    HANDED_OVER = "handed_over"
    NO_CHANGE = "no_change"


class ActionState(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class PowerKind(StrEnum):
    DISPERSAL = "dispersal"
    CPW = "cpw"
    CPN = "cpn"
    CBO = "cbo"
    CLOSURE = "closure"
    PSPO = "pspo"
    OTHER = "other"


class Problem(Table):
    """A problem and its plan: created with a title, an area and a sentence; the rest is added
    as the work goes on."""

    title = Varchar(length=120)
    summary = Text(default="")  # what it is, in a sentence
    kind = Varchar(length=10, default=ProblemKind.PLACE, choices=ProblemKind, index=True)
    owner = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    state = Varchar(length=10, default=ProblemState.OPEN, choices=ProblemState, index=True)
    result = Varchar(length=12, default="")
    next_review = Date(null=True, default=None)
    radius_m = Integer(default=150)  # the circle counted around each place (the ring is twice it)
    crime_types = Text(default="")  # one per line: the police.uk crime types it concerns
    incident_kinds = Text(default="")  # one per line: the incident categories it concerns
    # The one form, in the order the frontline works.
    objective = Text(default="")
    scanning = Text(default="")
    victim = Text(default="")  # the problem analysis triangle ...
    offender = Text(default="")
    place = Text(default="")
    guardian = Text(default="")  # ... and who can act on each side
    handler = Text(default="")
    manager = Text(default="")
    when_notes = Text(default="")
    response_started_on = Date(null=True, default=None)
    assessment = Text(default="")
    priority = ForeignKey(references=AreaPriority, null=True, on_delete=OnDelete.set_null)
    created_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow(), index=True)
    closed_at = Timestamptz(null=True, default=None)
    signed_off_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    signed_off_at = Timestamptz(null=True, default=None)


class ProblemArea(Table):
    """A team area the problem belongs to (one or more)."""

    problem = ForeignKey(references=Problem, null=False, on_delete=OnDelete.cascade, index=True)
    team = ForeignKey(references=TeamArea, null=False, on_delete=OnDelete.cascade, index=True)


class ProblemPlace(Table):
    """A place of the problem: a point, or a street named at a point on it."""

    problem = ForeignKey(references=Problem, null=False, on_delete=OnDelete.cascade, index=True)
    label = Varchar(length=120)
    lat = DoublePrecision()
    lng = DoublePrecision()
    cell = Integer(index=True)  # app.geo.cell_of: the briefing panel's lookup


class ProblemAction(Table):
    """A response action with an owner (staff, volunteer or partner agency), a due date and a
    state; it may have become a tasking or a patrol plan point."""

    problem = ForeignKey(references=Problem, null=False, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=200)
    owner_kind = Varchar(length=10)  # staff, volunteer, agency
    owner_person = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null, index=True)
    owner_agency = ForeignKey(references=PartnerAgency, null=True, on_delete=OnDelete.set_null)
    due_on = Date(null=True, default=None)
    state = Varchar(length=12, default=ActionState.PLANNED, choices=ActionState)
    tasking_id = Integer(null=True, default=None)
    tasking_kind = Varchar(length=20, default="")
    patrol_point_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ProblemLink(Table):
    """Another record linked to the problem: an engagement entry, a tasking, a patrol point, a
    home visit or a referral."""

    problem = ForeignKey(references=Problem, null=False, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)
    record_id = Integer()
    note = Varchar(length=200, default="")
    added_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    added_at = Timestamptz(default=TimestamptzNow())


class ProblemPerson(Table):
    """A person linked to a problem, as a reference only (police roles only; every look audited)."""

    problem = ForeignKey(references=Problem, null=False, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=20)  # victim, offender, other
    reference = Varchar(length=60)  # a force system's reference, not a name where avoidable
    note = Varchar(length=300, default="")
    added_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    added_at = Timestamptz(default=TimestamptzNow())


class ProblemComment(Table):
    """A comment on a problem (a supervisor's review, a note), or the sign-off at closure."""

    problem = ForeignKey(references=Problem, null=False, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    kind = Varchar(length=12, default="comment")  # comment, sign-off, closure
    text = Text()
    at = Timestamptz(default=TimestamptzNow())


class PowerUse(Table):
    """A power used against anti-social behaviour: when, where, in which area, for which problem."""

    kind = Varchar(length=12, choices=PowerKind)
    used_on = Date(index=True)
    place = Varchar(length=120, default="")
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    cell = Integer(null=True, default=None, index=True)
    team = ForeignKey(references=TeamArea, null=False, on_delete=OnDelete.cascade, index=True)
    problem = ForeignKey(references=Problem, null=True, on_delete=OnDelete.set_null, index=True)
    note = Varchar(length=300, default="")
    recorded_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    recorded_at = Timestamptz(default=TimestamptzNow())
