"""Taskings: the work supervisors assign or offer, who answered what, and push delivery."""

from enum import StrEnum

from piccolo.columns import (
    Boolean,
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

from app.tables.people import Person
from app.tables.places import TeamArea
from app.tables.sessions import UserSession


class State(StrEnum):
    """One person's part in a tasking (app/taskings/states.py has the moves between them)."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANNOT_DO = "cannot_do"
    CANCELLED = "cancelled"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    State.OFFERED: "Offered",
    State.ACCEPTED: "Accepted",
    State.DECLINED: "Declined",
    State.ASSIGNED: "Assigned",
    State.ACKNOWLEDGED: "Acknowledged",
    State.IN_PROGRESS: "In progress",
    State.DONE: "Done",
    State.CANNOT_DO: "Cannot do",
    State.CANCELLED: "Cancelled",
    State.CLOSED: "Closed: places filled",
}


class PushStatus(StrEnum):
    """Where one queued notification is: waiting, being sent, or finished one way or another."""

    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"
    GONE = "gone"
    NO_DEVICE = "no_device"
    SIGNED_OUT = "signed_out"


class VolunteerProfile(Table):
    """A volunteer's vetting and training, each with the last day it holds, kept by supervisors;
    decides what they may be offered and whether they have finished joining."""

    person = ForeignKey(references=Person, null=False, unique=True, on_delete=OnDelete.cascade)
    vetting = Varchar(length=10, default="none")
    initial_vetting_on = Date(null=True, default=None)
    full_vetting_on = Date(null=True, default=None)
    # The last day each level holds: past it, the level counts as absent (app/taskings/kinds.py).
    initial_vetting_expires_on = Date(null=True, default=None)
    full_vetting_expires_on = Date(null=True, default=None)
    conflict_resolution = Boolean(default=False)
    crime_prevention_advice = Boolean(default=False)
    risk_management = Boolean(default=False)
    human_rights = Boolean(default=False)
    # The last day each training holds (it must be renewed after).
    conflict_resolution_expires_on = Date(null=True, default=None)
    crime_prevention_advice_expires_on = Date(null=True, default=None)
    risk_management_expires_on = Date(null=True, default=None)
    human_rights_expires_on = Date(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)


class Tasking(Table):
    """A piece of work with a place, a time window and a priority, assigned or offered."""

    kind = Varchar(length=30)
    title = Varchar(length=120)
    details = Text(default="")
    place_kind = Varchar(length=10)
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    address = Varchar(length=200, default="")
    team = ForeignKey(references=TeamArea, null=True, on_delete=OnDelete.set_null)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    priority = Varchar(length=10, default="routine")
    mode = Varchar(length=10)
    places_wanted = Integer(default=1)
    cancelled = Boolean(default=False)
    created_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    alerted_at = Timestamptz(null=True, default=None)


class TaskingAssignment(Table):
    """One person's part in a tasking (tasked or asked) and its state."""

    tasking = ForeignKey(references=Tasking, null=False, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    state = Varchar(length=20, index=True, choices=State)
    note = Varchar(length=500, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class TaskingEvent(Table):
    """The history of a tasking: every change, who made it, and why."""

    tasking = ForeignKey(references=Tasking, null=False, on_delete=OnDelete.cascade, index=True)
    assignment = ForeignKey(references=TaskingAssignment, null=True, on_delete=OnDelete.cascade)
    actor = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    from_state = Varchar(length=20, default="")
    to_state = Varchar(length=20)
    note = Varchar(length=500, default="")
    at = Timestamptz(default=TimestamptzNow())
    # The phone's number for an answer sent through the outbox: a replay is stored once
    # (checked under the tasking's lock; SQLite cannot add a UNIQUE column to a table).
    client_uuid = Varchar(length=36, null=True, default=None, index=True)


class PushKey(Table):
    """The VAPID key pair, made once and shared by every app server through the database."""

    name = Varchar(length=20, unique=True)
    private_pem = Text()
    public_key = Varchar(length=120)
    created_at = Timestamptz(default=TimestamptzNow())


class PushSubscription(Table):
    """One device that chose to get notifications; ends with the session that made it."""

    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    session = ForeignKey(references=UserSession, null=False, on_delete=OnDelete.cascade)
    endpoint = Varchar(length=1000, unique=True)
    p256dh = Varchar(length=200)
    auth = Varchar(length=60)
    label = Varchar(length=120, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class PushMessage(Table):
    """The push queue: one notification for one device (or a 'no device' marker for a person).
    A tasking's, or (no tasking) a shift start's (kind 'shift', app/shifts/)."""

    tasking = ForeignKey(references=Tasking, null=True, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade)
    subscription = ForeignKey(references=PushSubscription, null=True, on_delete=OnDelete.set_null)
    kind = Varchar(length=12)
    title = Varchar(length=120)
    ttl = Integer(default=3600)
    urgency = Varchar(length=10, default="normal")
    status = Varchar(length=12, index=True, choices=PushStatus)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    claimed_until = Timestamptz(null=True, default=None)
    last_error = Varchar(length=200, default="")
    action_used = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
