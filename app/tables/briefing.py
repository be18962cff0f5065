"""Briefing data: police.uk street crimes by force-month, a force's incidents, area priorities."""

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


class CrimeMonth(Table):
    """One force's month of data.police.uk street crimes, as last imported (replaced whole)."""

    force = Varchar(length=120)
    month = Varchar(length=7, index=True)  # 2019-01
    digest = Varchar(length=64)  # sha256 of the month's source rows: the same copy changes nothing
    source = Varchar(length=255)
    rows = Integer(default=0)
    imported_at = Timestamptz(default=TimestamptzNow())


class Crime(Table):
    """One row of a street-level crime file, kept as it came (ASB rows have no crime ID)."""

    batch = ForeignKey(references=CrimeMonth, null=False, on_delete=OnDelete.cascade, index=True)
    month = Varchar(length=7)
    crime_ref = Varchar(length=64, null=True, default=None)
    crime_type = Varchar(length=80)
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    # A 0.01-degree grid cell (app.geo.cell_of): the spatial index the briefing queries.
    cell = Integer(null=True, default=None, index=True)
    location = Varchar(length=255)
    lsoa_code = Varchar(length=12)
    lsoa_name = Varchar(length=120)
    outcome = Varchar(length=160)
    context = Text(default="")


class CrimeCellCount(Table):
    """How many crimes of a type one force-month holds in one grid cell (kept with the month).

    The briefing asks this small table which force-months cover a place, instead of
    scanning every crime in the cells.
    """

    batch = ForeignKey(references=CrimeMonth, null=False, on_delete=OnDelete.cascade, index=True)
    cell = Integer(index=True)
    crime_type = Varchar(length=80)
    count = Integer()


class Incident(Table):
    """One incident from a force's own extract (or the demo): timestamped, maybe with people."""

    reference = Varchar(length=40, unique=True)
    occurred_at = Timestamptz(index=True)
    category = Varchar(length=80)
    lat = DoublePrecision()
    lng = DoublePrecision()
    cell = Integer(index=True)
    location = Varchar(length=255)
    # Pseudonymous references from the force's systems, never names.
    victim_ref = Varchar(length=40, null=True, default=None, index=True)
    suspect_ref = Varchar(length=40, null=True, default=None, index=True)
    knife = Boolean(default=False)
    source = Varchar(length=255)


class AreaPriority(Table):
    """A priority a ward meeting set for a team area: the issue, the action, the dates."""

    team_area = ForeignKey(references=TeamArea, null=False, on_delete=OnDelete.cascade)
    issue = Varchar(length=200)
    action = Text()
    starts_on = Date()
    ends_on = Date(null=True, default=None)
    set_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)


class KeyContact(Table):
    """A key individual or partner contact for a team area."""

    team_area = ForeignKey(references=TeamArea, null=False, on_delete=OnDelete.cascade)
    name = Varchar(length=120)
    role = Varchar(length=120)  # what they are to the team: "Chair, Abbey residents' group"
    how_to_contact = Varchar(length=200)
    added_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
