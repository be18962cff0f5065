"""Engagement logged by the neighbourhood team, and the key individuals they meet."""

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
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.tables.people import Person
from app.tables.places import TeamArea


class EngagementKind(StrEnum):
    """What kind of engagement an entry records (stored as these strings)."""

    DOOR_KNOCK = "door-knock"
    STREET = "street"
    MEETING = "meeting"
    EVENT = "event"
    SCHOOL = "school"
    SURGERY = "surgery"
    SOCIAL_MEDIA = "social-media"
    KEY_INDIVIDUAL = "key-individual"
    OTHER = "other"


class Topic(StrEnum):
    """A topic raised; an entry's topics are stored together as ",asb,drugs,"."""

    ASB = "asb"
    DRUGS = "drugs"
    SPEEDING = "speeding"
    BURGLARY = "burglary"
    VEHICLE_CRIME = "vehicle-crime"
    YOUTH_NUISANCE = "youth-nuisance"
    PARKING = "parking"
    LITTER = "litter"
    OTHER = "other"


class KeyIndividual(Table):
    """A community contact in a team area (faith leader, shopkeeper, residents' association)."""

    team = ForeignKey(references=TeamArea, null=False)
    name = Varchar(length=120)
    community_role = Varchar(length=120, default="")
    how_to_reach = Varchar(length=200, default="")
    consent_to_contact = Boolean(default=False)
    active = Boolean(default=True)
    added_by = ForeignKey(references=Person, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Engagement(Table):
    """One engagement: what kind, what was raised, where and when, and any follow-up promised."""

    client_uuid = Varchar(length=36, unique=True)  # made on the phone: stored once (outbox)
    author = ForeignKey(references=Person, null=False)
    team = ForeignKey(references=TeamArea, null=True)
    kind = Varchar(length=30, index=True, choices=EngagementKind)
    topics = Varchar(length=200, default="")  # ",asb,drugs," so one topic matches with LIKE
    occurred_at = Timestamptz(index=True)
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    accuracy_m = Integer(null=True, default=None)
    people_count = Integer(null=True, default=None)
    note = Text(default="")
    key_individual = ForeignKey(references=KeyIndividual, null=True)
    follow_up = Varchar(length=300, default="")
    follow_up_due = Date(null=True, default=None)
    follow_up_done = Boolean(default=False)
    tasking_id = Integer(null=True, default=None)  # the tasking the follow-up became (staff)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(null=True, default=None)
    # Deleted rows stay (marked) so a late replay of the same UUID is not stored again.
    deleted_at = Timestamptz(null=True, default=None)
