"""Home visits: versioned checklist templates, visits, their answers, referrals and follow-ups."""

from enum import StrEnum

from piccolo.columns import (
    BigInt,
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

from app.tables.agencies import PartnerAgency
from app.tables.people import Person
from app.tables.places import TeamArea


class VisitState(StrEnum):
    """Where a home visit is. A discarded visit is erased, so it has no state."""

    IN_PROGRESS = "in progress"
    SUBMITTED = "submitted"
    DECLINED = "declined"  # visit offered, declined: nothing about the household is kept


class ReferralState(StrEnum):
    """A referral to a partner agency, from suggested to closed."""

    SUGGESTED = "suggested"
    MADE = "made"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class ShareConsent(StrEnum):
    """Whether a referral may share the household's details with the agency (stored as these
    strings; "" while nobody has recorded it). Only GIVEN, or NOT_NEEDED with its lawful reason
    stated, lets a referral be marked made."""

    GIVEN = "given"
    REFUSED = "refused"
    NOT_NEEDED = "not-needed"


class ChecklistTemplate(Table):
    """One version of a visit checklist; a change makes a new row, so visits keep theirs."""

    family = Varchar(length=60, index=True)  # the versions of one template share it
    name = Varchar(length=120)
    version = Integer(default=1)
    content = (
        Text()
    )  # JSON: {"sections": [{"title", "questions": [...]}]} (app/visits/checklist.py)
    current = Boolean(default=True, index=True)
    created_by = ForeignKey(references=Person, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class HomeVisit(Table):
    """A Healthy, Safe, Secure visit to one household, made by one visitor."""

    uuid = Varchar(length=36, unique=True)  # made on the phone: a replayed start is one visit
    template = ForeignKey(references=ChecklistTemplate, null=False)
    visitor = ForeignKey(references=Person, null=False)
    team = ForeignKey(references=TeamArea, null=True)
    state = Varchar(length=20, default=VisitState.IN_PROGRESS, index=True, choices=VisitState)
    household_key = Varchar(
        length=200, default="", index=True
    )  # normalised, to find earlier visits
    address = Text(default="")
    household_ref = Varchar(length=60, default="")
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    consent = Boolean(default=False)
    tasking_id = Integer(null=True, default=None)  # the tasking it came from, once taskings exist
    started_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)


class VisitAnswer(Table):
    """One answer on a visit; `key` (visit uuid + question) makes a resent answer one row."""

    key = Varchar(length=120, unique=True)
    visit = ForeignKey(references=HomeVisit, null=False)
    question = Varchar(length=60)
    value = Text(default="")  # JSON: a string, a number or a list; "" when cleared
    given_at = BigInt(default=0)  # the phone's clock (ms) when answered: the latest wins
    saved_at = Timestamptz(default=TimestamptzNow())


class Referral(Table):
    """A referral of the household to a partner agency, suggested by an answer."""

    visit = ForeignKey(references=HomeVisit, null=False)
    agency = ForeignKey(references=PartnerAgency, null=True)  # None: none of that kind listed
    agency_kind = Varchar(length=40)
    question = Varchar(length=60)
    reason = Varchar(length=200, default="")
    state = Varchar(length=20, default=ReferralState.SUGGESTED, index=True, choices=ReferralState)
    owner = ForeignKey(references=Person, null=True)
    suggested_at = Timestamptz(default=TimestamptzNow())
    made_at = Timestamptz(null=True, default=None)
    accepted_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    # Consent to share with the agency (ShareConsent, "" unrecorded); for NOT_NEEDED the lawful
    # reason it is not needed. Who recorded it and when.
    consent = Varchar(length=12, default="")
    consent_reason = Varchar(length=300, default="")
    consent_by = ForeignKey(references=Person, null=True)
    consent_at = Timestamptz(null=True, default=None)


class FollowUp(Table):
    """Something to check at a later visit; becomes a tasking once taskings exist."""

    visit = ForeignKey(references=HomeVisit, null=False)
    question = Varchar(length=60)
    reason = Varchar(length=200, default="")
    due_on = Date(index=True)
    done = Boolean(default=False, index=True)
    done_at = Timestamptz(null=True, default=None)
    owner = ForeignKey(references=Person, null=True)
    tasking_id = Integer(null=True, default=None)
