"""Peer mentoring: clients, contacts, goals, the coordinator, and calls to police (outcome)."""

from enum import StrEnum

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.tables.agencies import PartnerAgency
from app.tables.people import Person


class ClientStatus(StrEnum):
    """Where a client is in the programme."""

    ACTIVE = "active"
    PAUSED = "paused"
    EXITED = "exited"


class ContactKind(StrEnum):
    """What kind of contact a mentor had with a client."""

    MEETING = "meeting"
    PHONE = "phone"
    APPOINTMENT = "appointment"
    ADVOCACY = "advocacy"
    REFERRAL = "referral"


class GoalProgress(StrEnum):
    """How far a client has got with a goal."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    ACHIEVED = "achieved"


class MentorCoordinator(Table):
    """A supervisor who coordinates the mentors: sees every mentor's clients and notes."""

    person = ForeignKey(references=Person, null=False, unique=True)


class MentorClient(Table):
    """Someone a mentor supports, known by a pseudonymous reference."""

    mentor = ForeignKey(references=Person, null=False)
    reference = Varchar(length=40, unique=True)
    first_name = Varchar(length=60, default="")
    consent_recorded = Boolean(default=False)
    start_date = Date()
    status = Varchar(length=10, default=ClientStatus.ACTIVE, choices=ClientStatus)
    exit_plan = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class MentorContact(Table):
    """A contact with a client. Confidential unless marked crime or risk information."""

    client_uuid = Varchar(length=36, unique=True)
    client = ForeignKey(references=MentorClient, null=False)
    mentor = ForeignKey(references=Person, null=False)
    kind = Varchar(length=20, choices=ContactKind)
    contact_date = Date()
    duration_minutes = Integer(null=True, default=None)
    note = Text(default="")
    is_risk = Boolean(default=False, index=True)
    agency = ForeignKey(references=PartnerAgency, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class MentorGoal(Table):
    """A realistic goal set with a client, and how far they have got."""

    client = ForeignKey(references=MentorClient, null=False)
    title = Varchar(length=200)
    progress = Varchar(length=12, default=GoalProgress.NOT_STARTED, choices=GoalProgress)
    updated_at = Timestamptz(default=TimestamptzNow())


class PoliceCallCount(Table):
    """A client's calls to the police in one month: the programme's outcome measure."""

    client = ForeignKey(references=MentorClient, null=False)
    month = Date(index=True)  # the first day of the month
    calls = Integer()
    entered_by = ForeignKey(references=Person, null=True)
